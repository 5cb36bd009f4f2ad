"""Importing registrations: CSV and XLSX, long and cross-table, Dutch and English headers;
errors that say where; person-level files refused whole. Real files, real database."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from samen.accounts.access import Denied
from samen.accounts.models import User
from samen.impact import import_registrations as importer
from samen.impact.models import Register, Registration


@pytest.fixture
def setup(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    register = Register.objects.create(code="test", name_nl="Testregister", name_en="Test register")
    analyst = User.objects.create_user("analyst", password="x" * 12, role="analyst")
    return register, analyst


def _csv(text: str) -> bytes:
    return text.strip().encode()


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells(register="test"):
    return {
        (
            r.year,
            r.exploitation_form.code if r.exploitation_form_id else None,
            r.age_group.code if r.age_group_id else None,
            r.gender,
        ): r.count
        for r in Registration.objects.filter(register__code=register)
    }


def test_long_csv_with_dutch_headers_and_names(setup):
    register, analyst = setup
    content = _csv(
        """
Jaar;Uitbuitingsvorm;Leeftijdsgroep;Aantal;Opmerking
2022;Totaal;;814;
2022;Seksuele uitbuiting;Totaal;420;
2022;Arbeidsuitbuiting;;130;
2022;;Minderjarigen;61;via CoMensha
"""
    )
    reading, report = importer.import_file(analyst, content, "cijfers.csv", register)
    assert report.created == 4
    assert _cells() == {
        (2022, None, None, ""): 814,
        (2022, "sexual", None, ""): 420,
        (2022, "labour", None, ""): 130,
        (2022, None, "minors", ""): 61,
    }
    assert any(
        "Uitbuitingsvorm" in line and "uitbuitingsvorm" in line for line in reading.understood
    )
    # Importing again changes nothing.
    _reading, again = importer.import_file(analyst, content, "cijfers.csv", register)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_long_xlsx_with_english_headers_a_title_row_and_a_register_column(setup):
    _register, analyst = setup
    content = _xlsx(
        {
            "Registrations": [
                ["Presumed victims per year (source: test)"],
                [],
                ["Year", "Register", "Form of exploitation", "Age group", "Gender", "Count"],
                [2021, "Test register", "Labour exploitation", "Adults", "Male", 55],
                [2021, "test", "Labour exploitation", "Adults", "Female", 25],
                [2021, "test", "Total", "Total", "Total", 791],
            ]
        }
    )
    reading, report = importer.import_file(analyst, content, "registrations.xlsx")
    assert report.created == 3
    assert _cells()[(2021, "labour", "adults", "male")] == 55
    assert _cells()[(2021, None, None, "")] == 791
    assert any("one row per count" in line for line in reading.understood) or reading.understood


def test_cross_table_xlsx_years_down_forms_across_with_a_total(setup):
    register, analyst = setup
    content = _xlsx(
        {
            "Toelichting": [["Dit werkblad is uitleg en wordt niet gelezen."]],
            "Per vorm": [
                [
                    "Jaar",
                    "Seksuele uitbuiting",
                    "Arbeidsuitbuiting",
                    "Criminele uitbuiting",
                    "Totaal",
                ],
                [2019, 700, 350, 200, 1372],
                [2020, 415, 415, None, 1013],
                ["Totaal", 1115, 765, 200, 2385],
            ],
        }
    )
    reading, report = importer.import_file(analyst, content, "per-vorm.xlsx", register)
    cells = _cells()
    assert cells[(2019, "criminal", None, "")] == 200
    assert cells[(2019, None, None, "")] == 1372
    # An empty cell is unknown, not zero; the total row over the years is not a year.
    assert (2020, "criminal", None, "") not in cells
    assert report.created == 7
    assert any("niet gebruikt" in line or "not used" in line for line in reading.understood)


def test_cross_table_csv_with_age_groups_in_english(setup):
    register, analyst = setup
    content = _csv(
        """
Year,Minors,Young adults,Adults
2023,52,140,800
"""
    )
    importer.import_file(analyst, content, "ages.csv", register)
    assert _cells()[(2023, None, "young-adults", "")] == 140


def test_a_column_of_counts_with_an_unknown_heading_is_refused_not_dropped(setup):
    register, analyst = setup
    content = _csv(
        """
Jaar,Seksuele uitbuiting,Arbeidsuitbuiting,Overig
2020,512,210,7
"""
    )
    with pytest.raises(importer.doc.PlanDocumentInvalid) as info:
        importer.import_file(analyst, content, "kruistabel.csv", register)
    message = str(info.value)
    assert "Overig" in message and "vallen deze aantallen weg" in message
    assert not Registration.objects.exists()  # nothing written


def test_errors_name_sheet_row_column_and_what_was_expected_and_nothing_is_written(setup):
    register, analyst = setup
    content = _xlsx(
        {
            "Cijfers": [
                ["Jaar", "Uitbuitingsvorm", "Aantal"],
                [2021, "Seksuele uitbuiting", 400],
                ["twintig", "Arbeidsuitbuiting", 10],
                [2021, "Piraterij", 12],
                [2021, "Criminele uitbuiting", "<10"],
            ]
        }
    )
    with pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.import_file(analyst, content, "fout.xlsx", register)
    errors = [str(e) for e in raised.value.errors]
    assert len(errors) == 3
    assert errors[0].startswith('fout.xlsx, tabblad "Cijfers", rij 3, kolom A ("Jaar")')
    assert "verwacht een jaartal" in errors[0] and "twintig" in errors[0]
    assert 'rij 4, kolom B ("Uitbuitingsvorm")' in errors[1] and "Piraterij" in errors[1]
    assert 'rij 5, kolom C ("Aantal")' in errors[2] and "<10" in errors[2]
    assert not Registration.objects.exists()


def test_errors_in_english_for_an_english_user(setup, settings):
    from django.utils import translation

    register, _analyst = setup
    with translation.override("en"), pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.read(_csv("Year;Count\n2021;many"), "en.csv", register)
    assert str(raised.value.errors[0]) == (
        'en.csv, row 2, column B ("Count"): expected a whole number of presumed victims '
        "(0 or more), got 'many'"
    )


def test_the_same_cell_twice_names_both_rows(setup):
    register, _analyst = setup
    with pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.read(_csv("Jaar;Aantal\n2021;10\n2021;12"), "dubbel.csv", register)
    assert "rij 3" in str(raised.value.errors[0]) and "rij 2" in str(raised.value.errors[0])


@pytest.mark.parametrize(
    "content",
    [
        "Jaar;Naam;Uitbuitingsvorm;Aantal\n2021;J. Jansen;Seksuele uitbuiting;1",
        "Year,Date of birth,Count\n2021,2001-04-03,1",
        "jaar;BSN;aantal\n2021;123456782;1",
        "Year;Case number;Form\n2021;ZK-1;Labour exploitation",
    ],
)
def test_a_column_that_identifies_people_refuses_the_whole_file(setup, content):
    register, analyst = setup
    with pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.import_file(analyst, content.encode(), "personen.csv", register)
    assert raised.value.person_level
    assert "samen" in str(raised.value) and not Registration.objects.exists()


def test_rows_without_counts_or_a_count_of_one_in_four_dimensions_are_refused(setup):
    register, _analyst = setup
    persons = "Jaar;Uitbuitingsvorm;Leeftijdsgroep\n2021;Seksuele uitbuiting;Volwassenen"
    with pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.read(persons.encode(), "rijen.csv", register)
    assert raised.value.person_level and "één persoon" in str(raised.value)
    single = (
        "Jaar;Uitbuitingsvorm;Leeftijdsgroep;Geslacht;Aantal\n"
        "2021;Seksuele uitbuiting;Volwassenen;Vrouw;40\n"
        "2021;Arbeidsuitbuiting;Minderjarigen;Man;1\n"
    )
    with pytest.raises(importer.RegistrationFileInvalid) as raised:
        importer.read(single.encode(), "cel.csv", register)
    assert raised.value.person_level and "rij 3" in str(raised.value)
    # Three dimensions: a count of 1 is an aggregate like any other.
    importer.read(b"Jaar;Uitbuitingsvorm;Aantal\n2021;Seksuele uitbuiting;1", "ok.csv", register)


def test_formulas_are_refused_not_evaluated(setup):
    register, _analyst = setup
    content = _xlsx({"Blad1": [["Jaar", "Aantal"], [2021, "=1+1"]]})
    with pytest.raises(importer.RegistrationFileInvalid, match="formule"):
        importer.read(content, "formule.xlsx", register)


def test_only_analysts_import(setup):
    register, _analyst = setup
    programme = User.objects.create_user("p", password="x" * 12, role="programme")
    with pytest.raises(Denied):
        importer.import_file(programme, b"Jaar;Aantal\n2021;10", "x.csv", register)


def test_command_line_import_with_dry_run(setup, tmp_path):
    file = tmp_path / "cijfers.csv"
    file.write_text("Jaar;Aantal\n2021;791\n2022;814\n")
    out = io.StringIO()
    call_command("import_registrations", str(file), "--register", "test", "--dry-run", stdout=out)
    assert "Would write: 2 new" in out.getvalue() and not Registration.objects.exists()
    call_command("import_registrations", str(file), "--register", "test", stdout=out)
    assert _cells() == {(2021, None, None, ""): 791, (2022, None, None, ""): 814}
    file.write_text("Jaar;Aantal\n2021;veel\n")
    with pytest.raises(CommandError, match="rij 2, kolom B"):
        call_command("import_registrations", str(file), "--register", "test", stdout=out)

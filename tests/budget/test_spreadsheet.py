"""Allocations from spreadsheets: forgiving about layout, strict about content;
every error names file, sheet, row, column and what was expected; a file with
any error writes nothing."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from samen.budget import services, spreadsheet
from samen.budget.models import Allocation, Spending
from samen.core.models import AuditEvent
from samen.plan import document as doc
from tests.plan.factories import ActionFactory

from .factories import AllocationFactory, FundingLineFactory, SpendingFactory


@pytest.fixture
def lines(db):
    ActionFactory(code="1.1")
    ActionFactory(code="1.2")
    return (
        FundingLineFactory(
            code="coalitieakkoord",
            name_nl="Structureel programmabudget",
            amount_per_year=D("2000000.00"),
            start_year=2023,
        ),
        FundingLineFactory(
            code="versterking-2024",
            name_nl="Extra middelen",
            amount_per_year=D("500000.00"),
            start_year=2024,
            end_year=2027,
        ),
    )


def workbook(rows, title="Toewijzingen", extra_sheets=(), merge=None):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for name in extra_sheets:
        wb.create_sheet(name).append(["iets anders"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors_of(content, filename="begroting.xlsx"):
    with pytest.raises(doc.PlanDocumentInvalid) as caught:
        spreadsheet.read_allocations(content, filename)
    return [str(e) for e in caught.value.errors]


def test_a_spreadsheet_as_people_keep_it_is_read(users, lines):
    content = workbook(
        [
            ["Begroting Samen tegen mensenhandel 2025"],  # a title row above the header
            [],
            ["Actienummer", "Financiering", "Jaar", "Bedrag (€)", "Toelichting"],
            ["1.1", "Structureel programmabudget", 2025, 125000.5, "Campagne"],
            [None, "versterking-2024", 2025, "€ 40.000,00", None],  # merged action cell
            ["1.2", "coalitieakkoord", "2025", "1.250.000", None],
            [None, None, None, None, None],  # empty rows are skipped
        ],
        merge="A4:A5",
    )
    rows = spreadsheet.read_allocations(content, "begroting.xlsx")
    assert [(r.action, r.funding_line, r.year, r.amount) for r in rows] == [
        ("1.1", "coalitieakkoord", 2025, D("125000.50")),
        ("1.1", "versterking-2024", 2025, D("40000.00")),
        ("1.2", "coalitieakkoord", 2025, D("1250000.00")),
    ]
    report = services.import_allocations(users.programme, rows)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert (
        Allocation.objects.get(action__code="1.1", funding_line__code="coalitieakkoord").note
        == "Campagne"
    )
    assert AuditEvent.objects.filter(object_type="budget.allocation", kind="create").count() == 3
    # The same file again changes nothing; a changed amount changes one row.
    assert services.import_allocations(users.programme, rows).unchanged == 3
    rows[2].amount = D("1250000.01")
    report = services.import_allocations(users.programme, rows)
    assert (report.updated, report.unchanged) == (1, 2)
    event = AuditEvent.objects.filter(object_type="budget.allocation", verb="import").latest("id")
    assert (event.before["amount"], event.after["amount"]) == ("1250000.00", "1250000.01")


def test_export_and_import_round_trip_exactly(users, lines):
    struct, extra = lines
    AllocationFactory(funding_line=struct, action__code="9.1", year=2025, amount=D("0.10"))
    AllocationFactory(funding_line=extra, action__code="9.2", year=2026, amount=D("123456789.99"))
    SpendingFactory(funding_line=extra, action__code="9.3", year=2026, amount=D("0.30"))
    content = spreadsheet.write_workbook(
        Allocation.objects.select_related("action", "funding_line"),
        Spending.objects.select_related("action", "funding_line", "round"),
    )
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Toewijzingen", "Uitgaven"]
    assert (
        wb["Toewijzingen"]["E1"].value == "Bedrag"
        and wb["Toewijzingen"]["E3"].value == 123456789.99
    )
    rows = spreadsheet.read_allocations(content, "export.xlsx")
    assert [r.amount for r in rows] == [D("0.10"), D("123456789.99")]
    report = services.import_allocations(users.programme, rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_every_bad_cell_is_named_and_nothing_is_written(users, lines):
    content = workbook(
        [
            ["Actie", "Financieringsbron", "Jaar", "Bedrag"],
            ["1.1", "coalitieakkoord", 2025, 1000],  # fine, but the file as a whole is refused
            ["9.9", "coalitieakkoord", 2025, 1000],
            ["1.1", "onbekende pot", 2025, 1000],
            ["1.2", "coalitieakkoord", "volgend jaar", 1000],
            ["1.2", "versterking-2024", 2023, 1000],
            ["1.1", "versterking-2024", 2025, "twee ton"],
            ["1.2", "versterking-2025", 2026, -5],
            ["1.2", "coalitieakkoord", 2026, "=B2*2"],
            ["1.2", "coalitieakkoord", 2027, 12.345],
            ["1.2", "coalitieakkoord", None, 10],
        ]
    )
    errors = errors_of(content)
    expected = [
        "rij 3, kolom A (\"Actie\"): onbekende actie '9.9'",
        "rij 4, kolom B (\"Financieringsbron\"): onbekende financieringsbron 'onbekende pot'; verwacht een van: coalitieakkoord, versterking-2024",
        "rij 5, kolom C (\"Jaar\"): verwacht een jaar zoals 2025; gekregen: 'volgend jaar'",
        "rij 6, kolom C (\"Jaar\"): de financieringsbron 'versterking-2024' heeft geen geld in 2023 (looptijd 2024–2027)",
        'rij 7, kolom D ("Bedrag"): verwacht: een bedrag in euro zoals 1250000',
        'rij 8, kolom D ("Bedrag"): verwacht: een bedrag van nul of meer; gekregen: -5',
        'rij 9, kolom D ("Bedrag"): de cel bevat een formule',
        'rij 10, kolom D ("Bedrag"): verwacht: hoogstens 2 decimalen (hele centen); gekregen: 12.345',
        'rij 11, kolom C ("Jaar"): is leeg; elke toewijzing heeft dit nodig',
    ]
    for part in expected:
        assert any(f'begroting.xlsx, tabblad "Toewijzingen", {part}' in e for e in errors), (
            part,
            errors,
        )
    assert not Allocation.objects.exists()


def test_a_missing_column_is_named_with_its_header_row(lines):
    errors = errors_of(
        workbook([["Overzicht"], ["Actie", "Financieringsbron", "Jaar"], ["1.1", "x", 2025]])
    )
    assert errors == [
        "begroting.xlsx, tabblad \"Toewijzingen\", rij 2: verplichte kolom 'Bedrag' ontbreekt (of 'amount', 'bedrag (€)', 'bedrag in euro')"
    ]


def test_a_workbook_without_an_allocations_sheet_is_refused(lines):
    content = workbook([["iets"]], title="Notities", extra_sheets=["Grafiek"])
    (error,) = errors_of(content)
    assert "geen tabblad met toewijzingen gevonden" in error and "'Notities', 'Grafiek'" in error


def test_a_row_twice_names_both_rows(lines):
    content = workbook(
        [
            ["Actie", "Financieringsbron", "Jaar", "Bedrag"],
            ["1.1", "coalitieakkoord", 2025, 10],
            ["1.1", "Structureel programmabudget", 2025, 20],
        ]
    )
    (error,) = errors_of(content)
    assert (
        'tabblad "Toewijzingen", rij 3: 1.1, coalitieakkoord, 2025 staat er twee keer in (ook in rij 2)'
        in error
    )


def test_no_rows_below_the_header(lines):
    (error,) = errors_of(workbook([["Actie", "Financieringsbron", "Jaar", "Bedrag"]]))
    assert "rij 1: het tabblad heeft geen toewijzingen onder de kopregel" in error


def test_not_a_workbook(lines):
    (error,) = errors_of(b"Actie;Bedrag\n1.1;10\n", "begroting.csv")
    assert error.endswith("geen geldig .xlsx-werkboek (het is geen zip-archief)")


def test_a_file_over_the_size_limit_is_refused_before_reading(lines, settings):
    settings.SAMEN_MAX_UPLOAD_BYTES = 1000
    content = workbook(
        [["Actie", "Financieringsbron", "Jaar", "Bedrag"], ["1.1", "coalitieakkoord", 2025, 1]]
    )
    (error,) = errors_of(content)
    assert "hoogstens 1.000 toegestaan" in error


def test_a_dry_run_checks_and_writes_nothing(users, lines):
    rows = spreadsheet.read_allocations(
        workbook(
            [["Actie", "Financieringsbron", "Jaar", "Bedrag"], ["1.1", "coalitieakkoord", 2025, 1]]
        ),
        "begroting.xlsx",
    )
    report = services.import_allocations(users.programme, rows, dry_run=True)
    assert report.created == 1 and report.dry_run
    assert (
        not Allocation.objects.exists()
        and not AuditEvent.objects.filter(object_type="budget.allocation").exists()
    )


def test_csv_uses_decimal_commas_and_defuses_formulas(db):
    text = spreadsheet.write_csv(
        ["Actie", "Bedrag", "Opmerking"], [["1.1", D("1250000.50"), "=SUM(A1)"]]
    )
    assert text.startswith("\ufeffActie;Bedrag;Opmerking")
    assert "1.1;1250000,50;'=SUM(A1)" in text


def test_the_command_imports_a_workbook_and_refuses_a_bad_one(users, lines, tmp_path, capsys):
    path = tmp_path / "begroting.xlsx"
    path.write_bytes(
        workbook(
            [
                ["Actie", "Financieringsbron", "Jaar", "Bedrag"],
                ["1.1", "coalitieakkoord", 2025, "1.000,50"],
            ]
        )
    )
    call_command("import_allocations", str(path), "--user", "programma")
    assert "1 nieuw, 0 gewijzigd, 0 ongewijzigd" in capsys.readouterr().out
    assert Allocation.objects.get().amount == D("1000.50")
    with pytest.raises(CommandError, match="Alleen het programmateam"):
        call_command("import_allocations", str(path), "--user", "kijker")
    path.write_bytes(
        workbook(
            [["Actie", "Financieringsbron", "Jaar", "Bedrag"], ["1.1", "coalitieakkoord", 1999, 1]]
        )
    )
    with pytest.raises(CommandError, match="1 fout; er is niets geïmporteerd"):
        call_command("import_allocations", str(path), "--user", "programma")

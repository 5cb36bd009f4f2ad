"""What a fresh tester found arriving without a word (issue 12, QA round): a
period kept as its year or not stored, an internal column mapped to the public
note, Dutch field names in English, English and codes in the CLI's dry run,
one page file in the web import of motions, and the preview writing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from samen.accounts.models import User
from samen.core.models import AuditEvent
from samen.parliament.models import Motion
from samen.plan import imports, services
from samen.plan.export import read_bytes
from samen.plan.models import Action
from samen.plan.sheet_import import ImportOptions
from tests.budget.conftest import users  # noqa: F401  (a user per role)

from . import corpus

pytestmark = pytest.mark.django_db

WHERE = 'nederlandse-perioden.xlsx, tabblad "Acties", rij %s, kolom C ("Periode")'


def programme(client):
    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    return user


def test_periods_kept_as_years_or_not_stored_are_said_per_value(bundled_plan):
    name, content = corpus.dutch_periods()
    raw, locate = read_bytes(content, name)
    report = services.parse_and_import(raw, dry_run=True, locate=locate, filename=name)
    years = "samen houdt de looptijd in jaren bij"
    assert report.understood.notes == [
        f"{WHERE % 2}: '1-7-2025' → 2025; {years}",
        f"{WHERE % 3}: 'juli 2025' → 2025; {years}",
        f"{WHERE % 4}: 'Q3 2024' → 2024; {years}",
        f"{WHERE % 6}: 'doorlopend' is doorlopend zonder beginjaar: geen periode opgeslagen "
        f"({years}; schrijf bijvoorbeeld '2025 - doorlopend')",
        f"{WHERE % 7}: '01-03-2026' → 2026; {years}",
        f"{WHERE % 8}: '01-07-2025' → 2025; {years}",
    ]
    # Whole years ("2024-2025", "2025 - doorlopend") are stored as written: no note.
    assert not any("rij 5," in n or "rij 9," in n for n in report.understood.notes)


def test_the_web_preview_shows_the_period_notes(client, bundled_plan):
    programme(client)
    name, content = corpus.dutch_periods()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-notes"' in html
    assert "&#x27;Q3 2024&#x27; → 2024; samen houdt de looptijd in jaren bij" in html
    assert "doorlopend zonder beginjaar: geen periode opgeslagen" in html


def internal_remarks():
    headers = ["Nummer", "Actie", "Interne opmerking"]
    rows = [["R.1", "Actie met een interne opmerking", "Budget nog niet rond, niet delen"]]
    return "opmerkingen.xlsx", corpus.xlsx(rows, headers)


def test_an_internal_column_mapped_to_the_public_note_is_warned_about(client, bundled_plan):
    programme(client)
    name, content = internal_remarks()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    # The mapping step says, next to the choice, that the note is public.
    assert response.context["map_headings"][0]["heading"] == "Interne opmerking"
    assert "Openbaar: wat u koppelt aan Opmerking ziet iedereen op de pagina van de actie" in html
    token = response.context["token"]
    response = client.post(
        "/plan/importeren",
        {
            "remap": "1",
            "token": token,
            "heading-count": "1",
            "heading-key-0": "interneopmerking",
            "heading-0": "note",
        },
    )
    assert response.status_code == 200
    assert response.context["notes"] == [
        'opmerkingen.xlsx, tabblad "Acties", rij 1, kolom C ("Interne opmerking"): deze kolom '
        "wordt gelezen als 'Opmerking', en dat veld is openbaar: de inhoud ziet iedereen op de "
        "pagina van de actie. Koppel de kolom aan 'niet gebruikt' als er interne opmerkingen "
        "in staan."
    ]
    assert 'id="import-notes"' in response.content.decode()
    # Not mapped (left "not used"): no warning, and nothing of the column is stored.
    raw, locate = read_bytes(content, name, ImportOptions(headings={"interneopmerking": ""}))
    report = services.parse_and_import(raw, locate=locate, filename=name)
    assert report.understood.notes == []
    assert Action.objects.get(code="R.1").note == ""


def test_the_english_import_shows_field_names_in_english(client, bundled_plan):
    programme(client)
    client.cookies["samen_language"] = "en"
    name, content = internal_remarks()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    fields = dict(response.context["map_headings"][0]["fields"])
    assert fields["holders"] == "Action holders"
    assert fields["note"] == "Note" and fields["period"] == "Period"
    lines = response.context["understood_lines"]
    assert '  column B "Actie" → Action' in lines
    assert "Actiehouders" not in response.content.decode()


def test_the_cli_dry_run_speaks_dutch_and_names_fields(bundled_plan, tmp_path, capsys):
    from tests.plan.test_import_export import VALID_ROW, workbook

    path = tmp_path / "bijlage.xlsx"
    path.write_bytes(workbook([VALID_ROW]))
    call_command("import_plan", str(path), "--dry-run")
    out = capsys.readouterr().out.splitlines()
    assert "acties: 1 nieuw, 0 gewijzigd, 0 ongewijzigd" in out
    assert "actie 2.3: nieuw" in out
    assert "    Actie: – → Meldpunt voor arbeidsuitbuiting" in out
    assert "    Actiehouders: – → Politie, OM" in out
    assert "    Status: – → Lopend" in out
    assert out[-1] == "Proefrun: er is niets opgeslagen."
    text = "\n".join(out)
    for code in ("title_nl", "holders", "created", "unchanged", "running", "Dry run"):
        assert code not in text, code


def test_the_preview_writes_nothing_and_confirm_writes_exactly_it(bundled_plan, users):  # noqa: F811
    from tests.plan.test_import_export import VALID_ROW, workbook

    content = workbook([VALID_ROW])
    events = AuditEvent.objects.count()
    report = imports.check(content, "bijlage.xlsx", users.programme)
    assert AuditEvent.objects.count() == events  # the preview is computed, not written
    token = imports.park(content, "bijlage.xlsx")
    written = imports.confirm(
        token, "bijlage.xlsx", users.programme, expected=report.preview.digest
    )
    assert written.preview.digest == report.preview.digest
    assert Action.objects.get(code="2.3").holders
    assert AuditEvent.objects.count() == events + 1


def test_a_stale_preview_writes_nothing(bundled_plan, users):  # noqa: F811
    from tests.plan.test_import_export import VALID_ROW, workbook

    content = workbook([VALID_ROW])
    report = imports.check(content, "bijlage.xlsx", users.programme)
    Action.objects.filter(code="U.1").update(title_nl="Intussen gewijzigd")
    changed = workbook([VALID_ROW, ["Actielijn 1", "U.1", "Weer anders", "Politie"]])
    token = imports.park(changed, "bijlage.xlsx")
    events = AuditEvent.objects.count()
    with pytest.raises(services.PreviewOutdated):
        imports.confirm(token, "bijlage.xlsx", users.programme, expected=report.preview.digest)
    assert AuditEvent.objects.count() == events
    assert not Action.objects.filter(code="2.3").exists()


def kamer_page(number, title, next_skip=None):
    link = (
        f"https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$skip={next_skip}"
        if next_skip
        else None
    )
    return corpus.kamer_json([corpus.zaak(number, title)], next_link=link)


def upload_pages(client, pages, dry_run=False):
    files = [SimpleUploadedFile(name, content) for name, content in pages]
    data = {"files": files, **({"dry_run": "on"} if dry_run else {})}
    return client.post("/moties/importeren", data)


def test_the_web_motion_import_takes_every_page_at_once(client, users):  # noqa: F811
    client.force_login(users.programme)
    response = upload_pages(
        client,
        [
            ("zaken-1.json", kamer_page("2024Z05001", "Motie pagina 1", next_skip=250)),
            ("zaken-2.json", kamer_page("2024Z05002", "Motie pagina 2")),
        ],
    )
    assert response.status_code == 200
    lines = response.context["report"].lines()
    assert lines == ["Moties: 2 nieuw, 0 gewijzigd, 0 ongewijzigd."]  # no next-link warning
    assert set(Motion.objects.values_list("title_nl", flat=True)) >= {
        "Motie pagina 1",
        "Motie pagina 2",
    }


def test_the_last_page_with_a_next_link_warns_that_more_exist(client, users):  # noqa: F811
    client.force_login(users.programme)
    response = upload_pages(
        client,
        [
            ("zaken-2.json", kamer_page("2024Z05004", "Motie pagina 2", next_skip=500)),
            ("zaken-1.json", kamer_page("2024Z05003", "Motie pagina 1", next_skip=250)),
        ],
        dry_run=True,
    )
    html = response.content.decode()
    lines = response.context["report"].lines()
    assert lines[-1] == "Proefrun: er is niets opgeslagen."
    assert [line for line in lines if "één pagina" in line] == [
        "zaken-2.json is één pagina van een langer antwoord: meer records staan op "
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$skip=500. Importeer alle "
        "pagina's samen (meerdere bestanden tegelijk, of --url om ze op te halen)."
    ]
    assert "zaken-1.json is één pagina" not in html
    assert not Motion.objects.filter(title_nl__startswith="Motie pagina").exists()


def test_one_bad_page_writes_none_of_the_pages(client, users):  # noqa: F811
    client.force_login(users.programme)
    before = Motion.objects.count()
    response = upload_pages(
        client,
        [
            ("zaken-1.json", kamer_page("2024Z05005", "Motie pagina 1", next_skip=250)),
            ("zaken-2.json", b"{niet: json"),
        ],
    )
    assert response.status_code == 400
    assert "zaken-2.json" in response.content.decode()
    assert Motion.objects.count() == before

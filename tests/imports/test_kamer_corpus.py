"""Tweede Kamer downloads from the corpus: deleted records, next links, several
pages, fetching by URL, commitments (Toezegging) and an entity samen does not read."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samen.parliament import opendata, services
from samen.parliament.models import Motion
from samen.plan import document as doc
from tests.budget.conftest import users  # noqa: F401  (a user per role)

from . import corpus


def test_a_deleted_record_is_skipped_before_any_check_and_counted(users):  # noqa: F811
    name, content = corpus.kamer_with_deleted()
    result = opendata.read_zaken(content, name)
    assert [r.tk_number for r in result.records] == ["2024Z04101"]
    report = services.import_motions(users.programme, result.records, skipped=result.skipped)
    assert report.lines() == [
        "Moties: 1 nieuw, 0 gewijzigd, 0 ongewijzigd.",
        "Overgeslagen: verwijderd in de bron × 1",
    ]


def test_a_next_link_warns_that_more_pages_exist(db):
    name, content = corpus.kamer_with_next_link()
    result = opendata.read_zaken(content, name)
    assert result.warnings == [
        "zaken-pagina-1.json is één pagina van een langer antwoord: meer records staan op "
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$skip=250. Importeer alle "
        "pagina's samen (meerdere bestanden tegelijk, of --url om ze op te halen)."
    ]


def test_the_cli_takes_several_page_files(users, tmp_path, capsys):  # noqa: F811
    paths = []
    for build in (corpus.kamer_with_next_link, corpus.kamer_with_deleted):
        name, content = build()
        paths.append(tmp_path / name)
        paths[-1].write_bytes(content)
    call_command("import_motions", *map(str, paths), "--user", "programma")
    out = capsys.readouterr().out
    assert "Moties: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in out
    assert "langer antwoord" not in out  # the pages were given together
    assert set(Motion.objects.values_list("tk_number", flat=True)) == {"2024Z04101", "2024Z04103"}


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        if "skip" in self.path:
            body = corpus.kamer_json([corpus.zaak("2024Z04105", "Motie op pagina twee")])
        else:
            body = corpus.kamer_json(
                [corpus.zaak("2024Z04104", "Motie op pagina een")],
                next_link=f"{base}/Zaak?$skip=1",
            )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_cli_fetches_every_page_from_an_odata_url(users, capsys):  # noqa: F811
    server = HTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/Zaak?$filter=Soort eq 'Motie'".replace(
            " ", "%20"
        )
        call_command("import_motions", "--url", url, "--user", "programma")
    finally:
        server.shutdown()
    assert "Moties: 2 nieuw" in capsys.readouterr().out
    assert set(Motion.objects.values_list("title_nl", flat=True)) == {
        "Motie op pagina een",
        "Motie op pagina twee",
    }


def test_commitments_are_mapped(users):  # noqa: F811
    name, content = corpus.toezeggingen()
    result = opendata.read_zaken(content, name)
    assert result.skipped == {"verwijderd in de bron": 1}
    services.import_motions(users.programme, result.records)
    got = {
        m.tk_number: (m.kind, m.status, str(m.date), m.title_nl[:30], m.code)
        for m in Motion.objects.all()
    }
    assert got == {
        "TZ202403-012": (
            "commitment",
            "open",
            "2024-07-01",
            "De staatssecretaris stuurt voo",
            "toezegging-tz202403-012",
        ),
        "TZ202310-079": (
            "commitment",
            "done",
            "2023-12-01",
            "De minister informeert de Kame",
            "toezegging-tz202310-079",
        ),
    }


def test_a_commitment_with_an_unknown_status_is_named(db):
    records = [{"Id": "t", "Nummer": "TZ1", "Tekst": "x", "Status": "Vergeten"}]
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        opendata.read_zaken(corpus.kamer_json(records, entity="Toezegging"), "tz.json")
    assert [str(e) for e in info.value.errors] == [
        "tz.json, record 1 (TZ1), veld Status: onbekende status 'Vergeten'; toegestaan: "
        "Openstaand, Deels voldaan, Voldaan"
    ]


def test_an_unknown_entity_is_named(db):
    name, content = corpus.persons()
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        opendata.read_zaken(content, name)
    assert [str(e) for e in info.value.errors] == [
        "personen.json: het bestand bevat Persoon-records; samen importeert Zaak-records "
        "(moties) en Toezegging-records (toezeggingen)"
    ]


def test_the_cli_needs_a_file_or_a_url(users):  # noqa: F811
    with pytest.raises(CommandError, match="--url"):
        call_command("import_motions", "--user", "programma")

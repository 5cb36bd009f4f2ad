"""Motions from the Tweede Kamer's open data (OData JSON of Zaak records): read
faithfully, matched to what is known, refused with named errors when malformed."""

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samen.core.models import AuditEvent
from samen.parliament import opendata, services
from samen.parliament.models import Motion
from samen.plan import document as doc
from tests.plan.factories import ActionFactory


def zaak(**changes):
    """A Zaak record as the OData API gives it with ZaakActor, Kamerstukdossier and Besluit."""
    record = {
        "Id": "5b3c2f1e-0000-4000-8000-000000000229",
        "Nummer": "2023Z17234",
        "Soort": "Motie",
        "Titel": "Mensenhandel",
        "Citeertitel": None,
        "Onderwerp": "Motie van de leden Bikker en Mutluer over het non-punishmentbeginsel",
        "GestartOp": "2023-10-03T00:00:00+02:00",
        "Organisatie": "Tweede Kamer",
        "Status": "Vrijgegeven",
        "Afgedaan": True,
        "Vergaderjaar": "2023-2024",
        "Volgnummer": 229,
        "Verwijderd": False,
        "Kabinetsappreciatie": "Oordeel Kamer",
        "Kamerstukdossier": [
            {"Id": "d-1", "Nummer": 28638, "Toevoeging": None, "Titel": "Mensenhandel"}
        ],
        "ZaakActor": [
            {
                "Relatie": "Voortouwcommissie",
                "ActorNaam": "vaste commissie voor Justitie en Veiligheid",
            },
            {"Relatie": "Medeindiener", "ActorNaam": "Mutluer", "ActorFractie": "GroenLinks-PvdA"},
            {"Relatie": "Indiener", "ActorNaam": "Bikker", "ActorFractie": "ChristenUnie"},
            {"Relatie": "Gericht aan", "ActorNaam": "Van der Burg", "Functie": "staatssecretaris"},
        ],
        "Besluit": [
            {
                "BesluitSoort": "Stemmen - aangenomen",
                "BesluitTekst": "Aangenomen.",
                "Status": "Besluit",
            }
        ],
    }
    return record | changes


def odata(*records):
    return json.dumps(
        {
            "@odata.context": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/$metadata#Zaak",
            "value": list(records),
        }
    ).encode()


def errors_of(content, filename="moties.json"):
    with pytest.raises(doc.PlanDocumentInvalid) as caught:
        opendata.read_zaken(content, filename)
    return [str(e) for e in caught.value.errors]


def test_a_motion_is_read_as_the_tweede_kamer_publishes_it(db):
    result = opendata.read_zaken(odata(zaak()), "moties.json")
    (record,) = result.records
    assert record.kamerstuk == "28 638-229"
    assert record.tk_number == "2023Z17234"
    assert record.title_nl.startswith("Motie van de leden Bikker en Mutluer")
    assert record.date.isoformat() == "2023-10-03"
    assert record.submitters == (
        "Bikker (ChristenUnie)",
        "Mutluer (GroenLinks-PvdA)",
    )  # Indiener first
    assert record.decision == "adopted"
    assert (
        record.source
        == "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak(5b3c2f1e-0000-4000-8000-000000000229)"
    )


def test_other_kinds_and_deleted_records_are_skipped_and_counted(db):
    result = opendata.read_zaken(
        odata(
            zaak(),
            zaak(Id="x-2", Nummer="2023Z2", Soort="Amendement"),
            zaak(Id="x-3", Nummer="2023Z3", Soort="Brief regering"),
            zaak(Id="x-4", Nummer="2023Z4", Verwijderd=True),
        ),
        "moties.json",
    )
    assert len(result.records) == 1
    assert result.skipped == Counter(
        {"Amendement": 1, "Brief regering": 1, "verwijderd in de bron": 1}
    )


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([zaak(Onderwerp="")], "moties.json, record 1 (2023Z17234), veld Onderwerp: is verplicht"),
        ([zaak(Id=None)], "record 1 (2023Z17234), veld Id: is verplicht"),
        (
            [zaak(GestartOp="3 oktober 2023")],
            "veld GestartOp: verwacht een datum en tijd zoals 2023-10-03T00:00:00+02:00; gekregen: '3 oktober 2023'",
        ),
        (
            [zaak(Kamerstukdossier=[{"Nummer": "achtentwintig"}])],
            "veld Kamerstukdossier.Nummer: verwacht een geheel getal zoals 28638",
        ),
        ([zaak(ZaakActor="Bikker")], "veld ZaakActor: verwacht een lijst records; gekregen: tekst"),
        (
            [zaak(ZaakActor=[{"Relatie": "Indiener"}])],
            "veld ZaakActor.ActorNaam: een indiener zonder naam",
        ),
        ([zaak(Volgnummer="tweehonderd")], "veld Volgnummer: verwacht een geheel getal"),
        (
            [zaak(Onderwerp="x" * 601)],
            "veld Onderwerp: is 601 tekens lang; hoogstens 600 toegestaan",
        ),
        (
            [zaak(), zaak(Nummer="2023Z99999")],
            "record 2 (2023Z99999), veld Id: dezelfde zaak als record 1",
        ),
        (["Motie over iets"], "record 1: verwacht een Zaak-record (een object); gekregen: tekst"),
    ],
)
def test_malformed_records_are_named_by_record_and_field(db, records, expected):
    errors = errors_of(odata(*records))
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"value": [', "geen geldige JSON: Expecting value (regel 1, kolom 12)"),
        (b'{"results": []}', 'verwacht een OData-antwoord {"value": [Zaak-records]}'),
        ("Motie".encode("utf-16"), "geen UTF-8-tekstbestand"),
    ],
)
def test_a_file_that_is_not_odata_is_refused(db, content, expected):
    (error,) = errors_of(content)
    assert error.startswith("moties.json: ") and expected in error


def test_a_file_over_the_limit_is_refused_before_reading(db, settings):
    settings.SAMEN_MAX_UPLOAD_BYTES = 100
    (error,) = errors_of(odata(zaak()))
    assert "hoogstens 100 toegestaan" in error


def test_import_completes_a_bundled_motion_instead_of_duplicating_it(users):
    action = ActionFactory(code="S.1")
    known = Motion.objects.create(
        code="motie-bikker-mutluer",
        kamerstuk="28 638-229",
        title_nl="Motie over non-punishment",
        status="in_progress",
        answer_nl="Via wetsvoorstel 36 547.",
        confirmed=False,
        inferred_fields=["submitters", "status"],
    )
    known.actions.add(action)
    result = opendata.read_zaken(
        odata(zaak(), zaak(Id="new-1", Nummer="2024Z00001", Volgnummer=250, Besluit=[])),
        "moties.json",
    )
    report = services.import_motions(users.programme, result.records, skipped=result.skipped)
    assert report.updated == ["28 638-229"] and report.created == ["28 638-250"]
    known.refresh_from_db()
    assert known.tk_number == "2023Z17234" and known.decision == "adopted"
    assert known.submitters == ["Bikker (ChristenUnie)", "Mutluer (GroenLinks-PvdA)"]
    # What the programme keeps itself is left alone; what the Kamer publishes is now confirmed.
    assert known.status == "in_progress" and known.answer_nl == "Via wetsvoorstel 36 547."
    assert list(known.actions.all()) == [action]
    assert known.confirmed and known.inferred_fields == ["status"]
    new = Motion.objects.get(tk_id="new-1")
    assert (new.code, new.status, new.decision) == ("motie-28-638-250", "open", "unknown")
    event = AuditEvent.objects.for_object(known).get()
    assert (
        event.verb == "import"
        and event.before["tk_number"] == ""
        and event.after["tk_number"] == "2023Z17234"
    )
    # A second import of the same file changes nothing.
    again = services.import_motions(users.programme, result.records)
    assert (again.created, again.updated, again.unchanged) == ([], [], 2)


def test_a_dry_run_writes_nothing(users):
    result = opendata.read_zaken(odata(zaak()), "moties.json")
    report = services.import_motions(users.programme, result.records, dry_run=True)
    assert report.created and not Motion.objects.exists()
    assert not AuditEvent.objects.filter(object_type="parliament.motion").exists()


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_only_the_programme_team_imports(users, role):
    result = opendata.read_zaken(odata(zaak()), "moties.json")
    with pytest.raises(services.Denied):
        services.import_motions(getattr(users, role), result.records)
    assert not Motion.objects.exists()


def test_the_command_imports_and_reports(users, tmp_path, capsys):
    path = tmp_path / "moties.json"
    path.write_bytes(odata(zaak(), zaak(Id="a-1", Nummer="2023Z1", Soort="Amendement")))
    call_command("import_motions", str(path), "--user", "programma")
    out = capsys.readouterr().out
    assert "Moties: 1 nieuw, 0 gewijzigd, 0 ongewijzigd." in out and "Amendement × 1" in out
    path.write_bytes(odata(zaak(GestartOp="gisteren")))
    with pytest.raises(CommandError, match="1 fout; er is niets geïmporteerd"):
        call_command("import_motions", str(path), "--user", "programma")

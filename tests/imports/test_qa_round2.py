"""What a fresh tester found in the second round (issue 12): codes and English
in the previews of motions and allocations, a demo flag lost when the column
is absent, a motion report wider than a phone, a next-link warning hidden by a
commitments file, and motions and commitments counted as one."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from samen.budget import services as budget_services
from samen.budget import spreadsheet
from samen.budget.models import Allocation
from samen.parliament.models import Motion
from samen.plan.models import SavedHeadingMapping
from tests.budget.conftest import users  # noqa: F401  (a user per role)
from tests.budget.factories import AllocationFactory, FundingLineFactory
from tests.plan.factories import ActionFactory

from . import corpus

pytestmark = pytest.mark.django_db

NEXT = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$skip=250"


def upload(client, pages, dry_run=False):
    files = [SimpleUploadedFile(name, content) for name, content in pages]
    data = {"files": files, **({"dry_run": "on"} if dry_run else {})}
    return client.post("/moties/importeren", data)


def test_the_motion_preview_names_fields_and_values_in_dutch(client, users):  # noqa: F811
    client.force_login(users.programme)
    response = upload(client, [corpus.kamer_with_deleted()], dry_run=True)
    html = response.content.decode()
    assert response.context["report"].change_lines() == [
        "Motie 28 638-101: nieuw",
        "    Soort: – → motie",
        "    Kamerstuknummer: – → 28 638-101",
        "    Zaak-id Tweede Kamer: – → id-2024Z04101",
        "    Zaaknummer Tweede Kamer: – → 2024Z04101",
        "    Titel (Nederlands): – → Motie over opvang",
        "    Datum: – → 5 maart 2024",
        "    Indieners: – → Bikker (CU)",
        "    Besluit van de Kamer: – → Aangenomen",
        "    Status: – → Open",
        "    Bron: – → https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak(id-2024Z04101)",
        "    Bevestigd: – → ja",
    ]
    for code in ("tk_number", "title_nl", "submitters", "decision", "adopted", "motie-28-638"):
        assert code not in html
    assert "Wat de import zou wijzigen" in html


def test_a_changed_decision_is_shown_by_its_label(client, users):  # noqa: F811
    client.force_login(users.programme)
    undecided = corpus.zaak("2024Z04101", "Motie over opvang")
    undecided["Besluit"] = []
    upload(client, [("zaken.json", corpus.kamer_json([undecided]))])
    response = upload(client, [corpus.kamer_with_deleted()], dry_run=True)
    assert response.context["report"].change_lines() == [
        "Motie 28 638-101: gewijzigd",
        "    Besluit van de Kamer: Niet vastgelegd → Aangenomen",
    ]


def test_the_cli_dry_run_of_motions_names_fields(users, tmp_path, capsys):  # noqa: F811
    name, content = corpus.kamer_with_deleted()
    path = tmp_path / name
    path.write_bytes(content)
    call_command("import_motions", str(path), "--user", "programma", "--dry-run")
    out = capsys.readouterr().out
    assert "    Besluit van de Kamer: – → Aangenomen" in out
    assert "    Titel (Nederlands): – → Motie over opvang" in out
    assert "decision" not in out and "title_nl" not in out


def test_commitments_beside_a_motion_page_keep_its_warning_and_are_counted_apart(
    client,
    users,  # noqa: F811
):
    client.force_login(users.programme)
    response = upload(client, [corpus.kamer_with_next_link(), corpus.toezeggingen()])
    report = response.context["report"]
    assert report.summary() == [
        "Moties: 1 nieuw, 0 gewijzigd, 0 ongewijzigd.",
        "Toezeggingen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd.",
    ]
    assert [w for w in report.warnings if "één pagina" in w] == [
        f"zaken-pagina-1.json is één pagina van een langer antwoord: meer records staan op "
        f"{NEXT}. Importeer alle pagina's samen (meerdere bestanden tegelijk, of --url om ze "
        f"op te halen)."
    ]
    html = response.content.decode()
    ok = html.index("utrecht-alert--ok")
    warning = html.index('id="import-warnings"')
    # The warning stands in its own warning box, after the green success box.
    assert "één pagina" not in html[ok:warning]
    assert "één pagina" in html[warning:]
    assert 'class="utrecht-alert utrecht-alert--warning samen-import-report"' in html


@pytest.fixture
def funding(db):
    ActionFactory(code="U.1")
    ActionFactory(code="U.2")
    return FundingLineFactory(
        code="coalitieakkoord",
        name_nl="Structureel programmabudget",
        amount_per_year=D("2000000.00"),
        start_year=2023,
    )


def test_the_allocations_preview_shows_names_and_dutch_money(funding, users):  # noqa: F811
    AllocationFactory(funding_line=funding, action__code="U.3", year=2025, is_demo=True)
    rows = spreadsheet.read_allocations(
        corpus.xlsx(
            [["U.3", "Structureel programmabudget", 2025, "12.500,00", "nee"]],
            [*corpus.ALLOCATION_HEADERS, "Demo"],
            sheet="Toewijzingen",
        ),
        "toewijzingen.xlsx",
    )
    report = budget_services.import_allocations(users.programme, rows, dry_run=True)
    lines = report.change_lines()
    assert lines[0] == "Toewijzing 2025 U.3 Structureel programmabudget: gewijzigd"
    assert lines[1].startswith("    Bedrag: €\u00a0") and lines[1].endswith(" → €\u00a012.500,00")
    assert lines[2:] == ["    Demogegevens: ja → nee"]
    text = "\n".join(report.lines())
    for code in ("coalitieakkoord", "amount", "funding_line", "12500.00", "demo:"):
        assert code not in text


def test_a_file_without_a_demo_column_keeps_demo_rows_demo(funding, users):  # noqa: F811
    demo = AllocationFactory(
        funding_line=funding, action__code="U.3", year=2025, amount=D("10.00"), is_demo=True
    )
    rows = spreadsheet.read_allocations(
        corpus.xlsx(
            [["U.3", "coalitieakkoord", 2025, "12,50"], ["U.1", "coalitieakkoord", 2025, 5]],
            corpus.ALLOCATION_HEADERS,
            sheet="Toewijzingen",
        ),
        "toewijzingen.xlsx",
    )
    dry = budget_services.import_allocations(users.programme, rows, dry_run=True)
    assert not any("Demogegevens" in line for line in dry.change_lines())
    budget_services.import_allocations(users.programme, rows)
    demo.refresh_from_db()
    assert demo.is_demo and demo.amount == D("12.50")
    assert Allocation.objects.get(action__code="U.1").is_demo is False


# --- organisations: names, never codes; the user's own mapping; suggestions ------------


def programme(client):
    from samen.accounts.models import User

    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    return user


def map_existing():
    headers = ["Nummer", "Actie", "Actiehouders", "Betrokken organisaties"]
    rows = [["4.1", "Ketenoverleg regionaal", "Fier", "Stichting Ketenhuis"]]
    return "map-existing-nl.xlsx", corpus.xlsx(rows, headers)


def remap(client, token, name, choice):
    return client.post(
        "/plan/importeren",
        {"remap": "1", "token": token, "name-count": "1", "name-text-0": name, "name-0": choice},
    )


def test_a_mapping_that_makes_a_holder_involved_says_so_and_can_be_changed(client, bundled_plan):
    programme(client)
    name, content = map_existing()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    response = remap(client, token, "Stichting Ketenhuis", "fier")
    assert response.status_code == 400
    html = response.content.decode()
    assert [e.message for e in response.context["invalid"].errors] == [
        "organisatie Fier is zowel actiehouder als betrokken, omdat u 'Stichting Ketenhuis' "
        "hebt gekoppeld aan Fier; wijzig die koppeling hieronder"
    ]
    assert "'fier'" not in html
    # The mapping is offered again, with the choice made, so it can be changed.
    assert (
        response.context["map_names"]
        == [{"name": "Stichting Ketenhuis", "suggestions": [], "chosen": "fier"}]
        or response.context["map_names"][0]["chosen"] == "fier"
    )
    assert '<option value="fier" selected>' in html

    response = remap(client, token, "Stichting Ketenhuis", "emm")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["preview"]}
    assert "EMM" in rows and "emm" not in rows
    action = rows["4.1"]
    assert ("Betrokken organisaties", "–", "EMM") in action["fields"]
    html = response.content.decode()
    assert ">emm<" not in html and "organisaties emm" not in html


def test_the_organisation_type_of_a_new_organisation_is_chosen_not_preset(client, bundled_plan):
    programme(client)
    name, content = map_existing()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    start = html.index('id="name-type-0"')
    first_option = html[start : html.index("</option>", start)]
    assert first_option.endswith('<option value="">(kies)')


MINISTRIES = {
    "jenv": ["Ministerie van Justitie en Veiligheid", "Justitie en Veiligheid",
             "Ministerie van Justitie", "Min. van Justitie en Veiligheid"],
    "vws": ["Ministerie van Volksgezondheid, Welzijn en Sport",
            "Volksgezondheid, Welzijn en Sport", "Ministerie van Volksgezondheid"],
    "szw": ["Ministerie van Sociale Zaken en Werkgelegenheid",
            "Sociale Zaken en Werkgelegenheid", "Ministerie van Sociale Zaken"],
    "bz": ["Ministerie van Buitenlandse Zaken", "Buitenlandse Zaken", "Min. Buitenlandse Zaken"],
    "aenm": ["Ministerie van Asiel en Migratie", "Asiel en Migratie",
             "Ministerie van Asiel"],
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(MINISTRIES))
def test_every_ministry_by_its_full_name_is_found_or_suggested_first(bundled_plan, code):
    from samen.plan.models import Organisation
    from samen.plan.vocabulary import Vocabulary

    vocabulary = Vocabulary()
    vocabulary.load({}, [])
    org = Organisation.objects.get(code=code)
    for written in MINISTRIES[code]:
        found = vocabulary.organisations.resolve(written)
        if found.codes:
            assert found.codes == [code], written
            assert not found.unknown, written
        else:
            [(_name, suggestions)] = found.unknown
            assert suggestions[0] == org.short_name, (written, suggestions)


# --- heading mappings: always changeable, saved ones visible and deletable ------------


def heading_choice(response, heading):
    [found] = [h for h in response.context["map_headings"] if h["heading"] == heading]
    return found


def test_a_heading_mapping_can_be_changed_after_checking_again(client, bundled_plan):
    programme(client)
    name, content = corpus.similar_heading()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    post = {"remap": "1", "token": token, "heading-count": "1", "heading-key-0": "actiehouderz"}
    response = client.post("/plan/importeren", {**post, "heading-0": "holders"})
    assert response.status_code == 200 and response.context["report"]
    # The preview still offers the choice, with the field chosen.
    assert heading_choice(response, "Actiehouderz")["suggestion"] == "holders"
    html = response.content.decode()
    assert '<option value="holders" selected>' in html
    # ... and it can be undone ("not used").
    response = client.post("/plan/importeren", {**post, "heading-0": ""})
    assert heading_choice(response, "Actiehouderz")["suggestion"] == ""
    fields = {row["code"]: row["fields"] for row in response.context["preview"]}
    assert not any(label == "Actiehouders" for label, _old, _new in fields["X.3"])


def test_a_saved_mapping_is_a_preselected_choice_and_can_be_set_to_not_used(client, bundled_plan):
    programme(client)
    name, content = corpus.similar_heading()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    post = {"remap": "1", "token": token, "heading-count": "1", "heading-key-0": "actiehouderz"}
    client.post("/plan/importeren", {**post, "heading-0": "holders"})
    client.post("/plan/importeren", {"confirm": "1", "token": token})
    assert SavedHeadingMapping.objects.get().field == "holders"

    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    choice = heading_choice(response, "Actiehouderz")
    assert choice["suggestion"] == "holders" and choice["saved"]
    html = response.content.decode()
    assert "Deze keuze komt uit een koppeling die bij een eerdere import is bewaard" in html
    token = response.context["token"]
    post["token"] = token
    response = client.post("/plan/importeren", {**post, "heading-0": ""})
    assert heading_choice(response, "Actiehouderz")["suggestion"] == ""
    lines = response.context["understood_lines"]
    assert any('"Actiehouderz" → niet gebruikt' in line for line in lines)


def test_the_programme_team_sees_and_deletes_saved_mappings_with_an_audit_event(
    client, bundled_plan
):
    from samen.accounts.models import User
    from samen.core.models import AuditEvent

    SavedHeadingMapping.objects.create(layout="abc", heading="actiehouderz", field="holders")
    mapping = SavedHeadingMapping.objects.get()
    reader = User.objects.create_user("lezer", password="x", role=User.Role.VIEWER)
    client.force_login(reader)
    assert client.get("/plan/importeren/koppelingen").status_code == 403
    assert (
        client.post(
            "/plan/importeren/koppelingen", {"delete": mapping.pk, "confirm": "1"}
        ).status_code
        == 403
    )
    assert SavedHeadingMapping.objects.exists()

    programme(client)
    html = client.get("/plan/importeren/koppelingen").content.decode()
    assert "actiehouderz" in html and "Actiehouders" in html
    # Deleting asks first; the link alone deletes nothing.
    html = client.get(f"/plan/importeren/koppelingen?delete={mapping.pk}").content.decode()
    assert 'De bewaarde koppeling "actiehouderz" → Actiehouders verwijderen?' in html
    assert SavedHeadingMapping.objects.exists()
    response = client.post("/plan/importeren/koppelingen", {"delete": mapping.pk, "confirm": "1"})
    assert response.status_code == 302
    assert not SavedHeadingMapping.objects.exists()
    event = AuditEvent.objects.filter(kind="delete").latest("pk")
    assert event.object_repr == "actiehouderz"
    assert event.before == {"layout": "abc", "heading": "actiehouderz", "field": "holders"}


# --- minor findings ----------------------------------------------------------------------


def test_a_commitment_page_uses_commitment_labels(client, users):  # noqa: F811
    client.force_login(users.programme)
    upload(client, [corpus.toezeggingen()])
    motion = Motion.objects.get(tk_number="TZ202403-012")
    html = client.get(f"/moties/{motion.code}").content.decode()
    assert "<dt>Toezegging</dt>\n  <dd>TZ202403-012</dd>" in html
    assert "<dt>Datum nakoming</dt>\n  <dd>1 juli 2024</dd>" in html
    assert "<dt>Bewindspersoon</dt>" in html and "Indieners" not in html


def test_the_motion_list_shows_a_rejected_motion_as_rejected(client, users):  # noqa: F811
    client.force_login(users.programme)
    rejected = corpus.zaak("2024Z04120", "Motie die verworpen is")
    rejected["Besluit"] = [{"BesluitSoort": "Stemmen - verworpen", "BesluitTekst": "Verworpen."}]
    upload(client, [("zaken.json", corpus.kamer_json([rejected]))])
    html = client.get("/moties").content.decode()
    row = html[html.index("Motie die verworpen is") :]
    row = row[: row.index("</tr>")]
    assert "Verworpen" in row


def test_the_plan_preview_names_one_item_in_the_singular(client, bundled_plan):
    programme(client)
    name, content = map_existing()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    response = remap(client, token, "Stichting Ketenhuis", "emm")
    kinds = {row["code"]: row["kind"] for row in response.context["preview"]}
    assert kinds == {"EMM": "organisatie", "4.1": "actie"}


def test_a_preview_replaced_in_another_tab_says_so(client, bundled_plan):
    programme(client)
    name, content = map_existing()
    first = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    response = client.post("/plan/importeren", {"confirm": "1", "token": first.context["token"]})
    assert response.status_code == 400
    assert "in een ander tabblad of venster is een nieuw bestand geüpload" in (
        response.content.decode()
    )


def test_the_cp1252_notice_is_capitalised_and_shown_unfolded(client, bundled_plan):
    programme(client)
    name, content = corpus.csv_cp1252()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    notes = response.context["notes"]
    assert notes[0].startswith("Het bestand is geen UTF-8; het is gelezen als Windows-1252")
    assert 'id="import-notes"' in response.content.decode()


def test_an_english_status_error_lists_the_english_labels(client, bundled_plan):
    programme(client)
    client.cookies["samen_language"] = "en"
    rows = [["Actielijn 1", "E.9", "Gezamenlijke datatafel", "JenV", "alle", "2025", "bijna"]]
    response = client.post(
        "/plan/importeren", {"file": SimpleUploadedFile("status.xlsx", corpus.xlsx(rows))}
    )
    [error] = [e.message for e in response.context["invalid"].errors]
    assert error.startswith("status 'bijna' is not known; accepted: ")
    assert "Running" in error and "Lopend" not in error and "Gepland" not in error


def test_a_new_organisation_without_a_type_is_asked_for_one(client, bundled_plan):
    programme(client)
    name, content = map_existing()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    response = client.post(
        "/plan/importeren",
        {
            "remap": "1",
            "token": response.context["token"],
            "name-count": "1",
            "name-text-0": "Stichting Ketenhuis",
            "name-0": "__new__",
            "name-short-0": "Ketenhuis",
            "name-type-0": "",
        },
    )
    assert response.status_code == 400
    assert "Kies het type van de nieuwe organisatie &#x27;Stichting Ketenhuis&#x27;." in (
        response.content.decode()
    )

"""The rest of the corpus: English headings, error values, a comma CSV, mixed
Kamer downloads and pages given together, the explorer's Excel export, and the
web mapping step for a sheet choice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.accounts.models import User
from samen.parliament import opendata
from samen.plan import document as doc
from samen.plan import services
from samen.plan.export import read_bytes
from samen.plan.models import Action
from samen.plan.spreadsheet import write_action_list

from . import corpus

pytestmark = pytest.mark.django_db


def run(built, dry_run=False):
    name, content = built
    raw, locate = read_bytes(content, name)
    return services.parse_and_import(raw, dry_run=dry_run, locate=locate, filename=name)


def test_the_corpus_is_at_least_thirty_files():
    names = [build()[0] for build in corpus.ALL]
    assert len(set(names)) == len(names) >= 30


def test_english_headings(bundled_plan):
    run(corpus.english_headings())
    action = Action.objects.with_relations().get(code="E.1")
    assert action.action_line.code == "AL4"
    assert [o.code for o in action.holders] == ["jenv"]
    assert [o.code for o in action.involved] == ["politie", "om"]
    assert action.exploitation_forms.count() == 4 and action.age_groups.count() == 3
    assert (action.period_start, action.period_end, action.status) == (2025, 2027, "running")


def test_error_values_are_named_like_formulas(bundled_plan):
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        run(corpus.error_value_cell())
    assert [str(e).split(": ", 1)[1] for e in info.value.errors] == [
        "de cel bevat een formule (#REF!); vul de waarde zelf in (formules worden niet "
        "uitgerekend)",
        "de cel bevat een formule (#DIV/0!); vul de waarde zelf in (formules worden niet "
        "uitgerekend)",
    ]
    assert [str(e).split(": ", 1)[0].rsplit(", ", 2)[1:] for e in info.value.errors] == [
        ["rij 2", 'kolom C ("Actie")'],
        ["rij 2", 'kolom F ("Periode")'],
    ]


def test_a_comma_separated_csv_without_bom(bundled_plan):
    report = run(corpus.comma_csv())
    assert report.understood.note == ""
    action = Action.objects.with_relations().get(code="K.1")
    assert [o.code for o in action.holders] == ["vng", "gemeenten"]
    assert (action.period_start, action.period_end) == (2025, 2025)


def test_the_explorer_excel_export_imports_back_unchanged(bundled_plan):
    content = write_action_list(Action.objects.with_relations())
    report = run(("acties.xlsx", content), dry_run=True)
    assert report.changes == 0 and report.preview.items == []


def test_a_mixed_kamer_download_counts_what_it_skips(db):
    name, content = corpus.kamer_mixed_kinds()
    result = opendata.read_zaken(content, name)
    assert [r.tk_number for r in result.records] == ["2024Z04106"]
    assert result.skipped == {"Amendement": 1, "verwijderd in de bron": 1}


def test_pages_given_together_are_read_as_one_answer(db):
    result = opendata.read_files(
        [corpus.kamer_with_next_link()[::-1], corpus.kamer_page_two()[::-1]]
    )
    assert [r.tk_number for r in result.records] == ["2024Z04103", "2024Z04109"]
    assert result.warnings == []


def test_the_web_import_asks_for_the_sheet_and_reads_the_chosen_one(client, bundled_plan):
    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    name, content = corpus.two_action_sheets()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert response.context["sheet_choices"] == ["Concept", "Definitief"]
    token = response.context["token"]
    response = client.post(
        "/plan/importeren", {"remap": "1", "token": token, "sheet": "Definitief"}
    )
    assert response.status_code == 200
    assert [(r["code"], r["change"]) for r in response.context["preview"]] == [("X.8", "Nieuw")]
    response = client.post("/plan/importeren", {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Action.objects.get(code="X.8").title_nl == "Versie B"


def test_a_tampered_mapping_form_is_not_a_server_error(client, bundled_plan):
    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    name, content = corpus.similar_heading()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    response = client.post(
        "/plan/importeren",
        {"remap": "1", "token": token, "heading-count": "veel", "name-count": "-1"},
    )
    assert response.status_code == 400
    response = client.post(
        "/plan/importeren",
        {"remap": "1", "token": token, "heading-count": "1", "heading-key-0": "actiehouderz",
         "heading-0": "geen-veld"},
    )  # fmt: skip
    assert response.status_code == 400  # an unknown field is ignored: still the same error
    assert not Action.objects.filter(code="X.3").exists()


def test_the_web_confirm_refuses_when_the_plan_changed_and_shows_the_new_preview(
    client, bundled_plan
):
    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    name, content = corpus.annex_lines()
    response = client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})
    token = response.context["token"]
    Action.objects.create(code="1.1", title_nl="Intussen toegevoegd")
    response = client.post("/plan/importeren", {"confirm": "1", "token": token})
    assert response.status_code == 200
    assert "Het plan is na het voorbeeld gewijzigd" in response.content.decode()
    assert Action.objects.get(code="1.1").title_nl == "Intussen toegevoegd"
    assert not Action.objects.filter(code="1.2").exists()
    first = response.context["preview"][0]
    assert (first["code"], first["change"]) == ("1.1", "Gewijzigd")
    response = client.post("/plan/importeren", {"confirm": "1", "token": token})
    assert response.status_code == 302  # the new preview, confirmed, is written
    assert Action.objects.get(code="1.1").title_nl == "Campagne voor jongeren"

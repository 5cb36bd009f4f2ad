"""The plan pages as a visitor gets them (Django test client, real database)."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home_shows_ambition_goals_and_action_lines(client, bundled_plan):
    html = client.get("/").content.decode()
    assert "Samen het aantal slachtoffers van mensenhandel in Nederland omlaag brengen" in html
    assert "Voorkomen dat mensen slachtoffer worden van mensenhandel" in html
    assert "Actielijn 1: Creëren van brede bewustwording" in html
    # an unknown official name is never invented, nor does a placeholder reach the public
    assert re.search(r"Actielijn 5\s*<", html)
    assert "niet gevonden" not in html
    assert 'lang="nl"' in html


def test_explorer_filters_from_the_url_and_marks_inferred_items(client, bundled_plan):
    response = client.get("/acties?exploitationForm=sexual&actionLine=AL2")
    html = response.content.decode()
    assert "3 acties gevonden" in html
    assert "Proeftuin aangiftebereidheid" in html and "Eén centraal informatiepunt" in html
    assert "afgeleid" in html
    assert 'value="sexual" id="f-exploitationForm-sexual" checked' in html


def test_htmx_request_gets_only_the_results_fragment(client, bundled_plan):
    response = client.get("/acties?exploitationForm=criminal&ageGroup=minors", **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "acties gevonden" in html


def test_unknown_filter_value_is_explained(client, bundled_plan):
    response = client.get("/acties?ageGroup=bejaarden")
    assert response.status_code == 400
    assert (
        "Onbekende waarde &#x27;bejaarden&#x27; voor &#x27;ageGroup&#x27;"
        in response.content.decode()
    )


def test_export_of_the_filtered_list(client, bundled_plan):
    response = client.get("/acties/export.csv?exploitationForm=criminal&ageGroup=minors")
    assert response["Content-Disposition"] == 'attachment; filename="acties.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Actielijn", "Nummer", "Actie"]
    assert len(rows) == 1 + 12
    response = client.get("/acties/export.xlsx?exploitationForm=sexual&actionLine=AL2")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "U.2",
        "U.3",
        "U.7",
    ]


def test_csv_export_defuses_formulas(client, bundled_plan):
    from samen.plan.models import Action

    Action.objects.filter(code="U.1").update(title_nl="=cmd|' /C calc'!A0")
    text = client.get("/acties/export.csv?q=U.1").content.decode("utf-8-sig")
    assert ";'=cmd" in text


def test_action_page_shows_provenance(client, bundled_plan):
    html = client.get("/acties/U.7").content.decode()
    assert "Centrum tegen Kinderhandel en Mensenhandel" in html
    assert 'href="https://www.hetckm.nl/' in html
    assert "niet bevestigd" in html
    assert client.get("/acties/NOPE").status_code == 404


def test_organisation_page_separates_holder_and_involved(client, bundled_plan):
    html = client.get("/organisaties/jenv").content.decode()
    assert "Actiehouder van 2 acties" in html
    assert "Betrokken bij 1 actie" in html


def test_exploitation_form_page_groups_by_line_and_shows_gaps(client, bundled_plan):
    html = client.get("/uitbuitingsvormen/organ-removal").content.decode()
    assert "Gedwongen orgaanverwijdering" in html
    assert re.search(r"Actielijn 5\s*<", html)  # listed under gaps


def test_coverage_links_cells_to_the_explorer_and_marks_gaps(client, bundled_plan):
    html = client.get("/dekking").content.decode()
    assert 'href="/acties?actionLine=AL2&amp;exploitationForm=sexual"' in html
    assert "lacune" in html
    # A screen reader hears the column's name, not its code.
    assert "3 acties in Actielijn 2: Meldingsbereidheid, Seksuele uitbuiting" in html
    assert ", sexual" not in html
    html = client.get("/dekking?columns=ageGroup", **HTMX).content.decode()
    assert "Minderjarigen" in html and "<html" not in html


def test_version_comparison_page(client, bundled_plan):
    html = client.get("/versies/vergelijken?base=2023-10&target=2024-06").content.decode()
    assert "5 toegevoegd, 0 verwijderd, 0 gewijzigd, 9 ongewijzigd." in html
    assert client.get("/versies/vergelijken?base=nope&target=2024-06").status_code == 400


def test_version_comparison_names_organisations_forms_and_statuses(client, bundled_plan):
    from samen.plan import selectors
    from samen.plan.models import PlanVersion

    snapshot = selectors.current_snapshot()
    old = [dict(a) for a in snapshot]
    u7 = next(a for a in old if a["code"] == "U.7")
    u7.update(
        holders=["om"],
        exploitation_forms=["labour"],
        status="planned",
        milestones=[{"title_nl": "Eerste training gegeven"}],
    )
    PlanVersion.objects.create(code="v-old", date="2020-01-01", title_nl="Oud", snapshot=old)
    html = client.get("/versies/vergelijken?base=v-old&target=current").content.decode()
    row = re.sub(r"\s+", " ", html[html.index("U.7 Proeftuin") :])
    assert "<del>Openbaar Ministerie</del>" in row or "<del>OM</del>" in row
    assert (
        '<del>Arbeidsuitbuiting</del></td> <td class="utrecht-table__cell"><ins>Seksuele uitbuiting</ins>'
        in row
    )
    assert "<del>Gepland</del>" in row and "<del>Eerste training gegeven</del>" in row
    assert "Actiehouders" in row and "holders" not in row and "labour" not in row


def test_english_is_one_click_away_and_remembered(client, bundled_plan):
    response = client.post("/i18n/setlang", {"language": "en", "next": "/dekking"})
    assert response.status_code == 302 and response["Location"] == "/dekking"
    html = client.get("/dekking").content.decode()
    assert "Coverage of the plan" in html and 'lang="en"' in html
    assert "Creating broad awareness" in html


def test_browser_language_does_not_override_dutch(client, bundled_plan):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert 'lang="nl"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/acties",
        "/acties/U.1",
        "/organisaties",
        "/organisaties/politie",
        "/uitbuitingsvormen/sexual",
        "/dekking",
        "/versies",
        "/versies/vergelijken",
        "/toegankelijkheid",
    ],
)
def test_every_page_renders_with_security_headers(client, bundled_plan, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"

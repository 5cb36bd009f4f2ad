"""The explorer's organisation filter is a text field: a person types a name or an
abbreviation, never scrolls through thousands of organisations (issue 11, item 9)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.plan import selectors
from tests.plan.factories import ActionFactory, OrganisationFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def make_plan():
    police = OrganisationFactory(code="politie", short_name="Politie", name="Nationale Politie")
    om = OrganisationFactory(code="om", short_name="OM", name="Openbaar Ministerie")
    for name in ("Gemeente Utrecht", "Gemeente Zwolle", "Gemeente Amsterdam"):
        OrganisationFactory(short_name=name, name=name)
    ActionFactory(code="A.1", title_nl="Aangifte eenvoudiger", holders=[police])
    ActionFactory(code="A.2", title_nl="Vervolging", holders=[om], involved=[police])
    return police, om


def test_a_typed_name_abbreviation_or_label_finds_the_organisation(db):
    police, om = make_plan()
    for text in ("politie", "Nationale politie", "  openbaar   ministerie ", "OM"):
        assert selectors.match_organisation(text).organisation in (police, om), text
    assert selectors.match_organisation(selectors.organisation_label(om)).organisation == om
    assert selectors.organisation_label(om) == "Openbaar Ministerie (OM)"
    assert selectors.organisation_label(police) == "Nationale Politie"  # already in the name
    # Part of one name is enough; part of several names lists them, those starting with it first.
    assert selectors.match_organisation("ministerie").organisation == om
    several = selectors.match_organisation("meente")
    assert several.organisation is None and several.count == 3
    assert several.choices[0][1] == "Gemeente Amsterdam"
    assert selectors.match_organisation("brandweer").count == 0


def test_explorer_filters_on_a_typed_name_and_shows_it_back(client, db):
    make_plan()
    html = client.get("/acties?organisation=openbaar+ministerie").content.decode()
    assert "1 actie gevonden" in html and "Vervolging" in html
    assert 'value="Openbaar Ministerie (OM)"' in html
    # A link from an organisation page carries the code; the field shows the name.
    html = client.get("/acties?organisation=politie&role=involved").content.decode()
    assert "1 actie gevonden" in html and 'value="Nationale Politie"' in html


def test_explorer_offers_the_organisations_a_text_could_mean(client, db):
    make_plan()
    html = client.get("/acties?organisation=gemeente", **HTMX).content.decode()
    assert "3 organisaties komen overeen met “gemeente”" in html
    assert "?organisation=" in html and "Gemeente Zwolle" in html
    assert "2 acties gevonden" in html  # not filtered on an organisation until one is chosen
    html = client.get("/acties?organisation=brandweer", **HTMX).content.decode()
    assert "Geen organisatie komt overeen met “brandweer”" in html


def test_suggestions_while_typing_are_a_short_list(client, db):
    make_plan()
    for i in range(30):
        OrganisationFactory(name=f"Gemeente {i:02d}", short_name=f"Gemeente {i:02d}")
    html = client.get("/organisaties/suggesties?organisation=gem").content.decode()
    assert html.count("<option") == selectors.SUGGESTIONS
    assert '<option value="Gemeente 00">' in html
    assert client.get("/organisaties/suggesties?organisation=").content.strip() == b""


def test_the_explorer_page_does_not_grow_with_the_number_of_organisations(client, db):
    make_plan()

    def page():
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/acties").content.decode()
        return html, len(queries)

    small_html, small_queries = page()
    OrganisationFactory.create_batch(200)
    large_html, large_queries = page()
    assert large_queries == small_queries
    assert large_html.count("<option") == small_html.count("<option") == 0
    assert "Organisatie 199" not in large_html


def test_an_unknown_organisation_code_in_the_api_is_named_without_listing_them_all(client, db):
    make_plan()
    OrganisationFactory.create_batch(30)
    response = client.get("/api/v1/actions?organisation=brandweer")
    assert response.status_code == 400
    body = response.json()
    assert "brandweer" in str(body) and "org-" not in str(body)

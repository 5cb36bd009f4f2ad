"""The portal's pages, as a visitor without an account sees them."""

import pytest

from samen.reporting import publication


@pytest.fixture
def published(reported, bundled_plan):
    publication.publish_round(reported.users.programme, reported.round)
    return reported


def test_home_lists_published_rounds_and_the_latest_charts(client, published):
    html = client.get("/openbaar").content.decode()
    assert "Gepubliceerde voortgangsrapportages" in html
    assert f'href="/openbaar/rondes/{published.round.pk}"' in html
    assert (
        html.count("data:image/svg+xml;base64,") == 2
    )  # no published round before: no change chart
    assert "Status van de acties per actielijn" in html
    assert "Actieplan programma Samen tegen mensenhandel" in html  # the published plan


def test_round_page_shows_the_public_text_and_filters(client, published):
    url = f"/openbaar/rondes/{published.round.pk}"
    html = client.get(url).content.decode()
    assert "<strong>Forty</strong> people trained." in html
    assert "Geen goedgekeurde rapportage in deze ronde." in html  # A.2 was never approved
    found = client.get(url, {"q": "forty"}).content.decode()
    assert "A.1" in found and "ngo on A.3" not in found
    by_status = client.get(url, {"status": "on_track"}).content.decode()
    assert "police on A.3" in by_status and "Forty" not in by_status.split("Voortgang per actie")[1]
    bad = client.get(url, {"status": "secret"})
    assert bad.status_code == 400 and "secret" in bad.content.decode()


def test_portal_is_in_the_main_menu(client, published):
    html = client.get("/").content.decode()
    assert 'href="/openbaar"' in html and "Openbaar portaal" in html

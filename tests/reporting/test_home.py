"""A home for every role: nobody signs in to a page with nothing for them
(issue 11, item 5). Blocks come from settings.SAMEN_HOME_PANELS."""

import re

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path

from samen.reporting import services
from samen.urls import urlpatterns as site_urls

from .world import submitted


def home(client, user):
    client.force_login(user)
    return re.sub(r"\s+", " ", client.get("/").content.decode())


def test_holder_sees_what_is_due_and_when(world, client):
    html = home(client, world.users.police)
    assert "Wat moet wanneer af" in html and "Ronde 1" in html
    assert "2 updates moeten nog af:" in html
    a1 = world.updates[("A.1", "police")]
    assert f'href="/rapportage/updates/{a1.pk}"' in html
    submitted(world.users.police, a1)
    html = home(client, world.users.police)
    assert "1 update moet nog af:" in html and "1 update wacht op het programmateam." in html


def test_programme_team_sees_its_rounds_and_what_to_review(world, client):
    html = home(client, world.users.programme)
    assert (
        "Rapportagerondes die nog niet gepubliceerd zijn" in html
        and "0 van 4 updates ingediend" in html
    )
    submitted(world.users.police, world.updates[("A.1", "police")])
    html = home(client, world.users.programme)
    assert "1 van 4 updates ingediend" in html
    assert f'href="/rapportage/rondes/{world.round.pk}/beoordelen">1 update te beoordelen' in html


def test_viewer_sees_approved_updates_by_round_and_action_line(world, client):
    html = home(client, world.users.viewer)
    assert "Er is nog geen voortgangsupdate goedgekeurd." in html
    a3 = world.updates[("A.3", "police")]
    submitted(world.users.police, a3, progress_status="at_risk")
    html = home(client, world.users.viewer)
    assert "A.3" not in html  # submitted, not yet approved
    services.approve(world.users.programme, a3.pk)
    html = home(client, world.users.viewer)
    assert "1 goedgekeurde update over 1 januari 2026 tot en met 30 juni 2026" in html
    line = world.actions.a3.action_line
    assert f"Actielijn {line.number}: {line.name}" in html
    assert f'href="/rapportage/updates/{a3.pk}">A.3 ' in html and "Risico" in html


def test_involved_partner_sees_what_to_read_and_approved_updates(world, client):
    html = home(client, world.users.ngo_reader)
    assert "Acties waarbij uw organisatie betrokken is" in html
    assert "Er is in een open ronde nog geen update ingediend" in html
    a1 = world.updates[("A.1", "police")]
    submitted(world.users.police, a1)
    html = home(client, world.users.ngo_reader)
    assert f'href="/rapportage/updates/{a1.pk}">A.1 ' in html
    assert "Goedgekeurde voortgangsupdates" in html


def test_analyst_sees_what_analysts_can_read(world, client):
    html = home(client, world.users.analyst)
    assert "Wat u kunt lezen" in html and "Goedgekeurde voortgangsupdates" in html
    for url in ("/openbaar", "/openbaar/open-data", "/dekking", "/budget", "/moties"):
        assert f'href="{url}"' in html
    assert "werkplaats" not in html and "Mijn taken" not in html


urlpatterns = [*site_urls, path("effect", lambda r: HttpResponse(), name="impact-workspace")]


@override_settings(ROOT_URLCONF=__name__)
def test_analyst_home_links_the_impact_workspace_once_it_exists(world, client):
    html = home(client, world.users.analyst)
    assert 'href="/effect">Open de werkplaats voor effectmeting' in html


def test_visitor_gets_the_plan_without_work_blocks(world, client):
    html = client.get("/").content.decode()
    assert "Wat moet wanneer af" not in html and "Goedgekeurde voortgangsupdates" not in html
    assert "Drie strategische doelen" in html


def test_home_blocks_do_not_grow_in_queries_with_the_number_of_updates(world, client):
    def queries(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    def approve(key):
        holder = world.users.police if key[1] == "police" else world.users.ngo
        submitted(holder, world.updates[key])
        services.approve(world.users.programme, world.updates[key].pk)

    users = (world.users.viewer, world.users.police, world.users.programme, world.users.ngo_reader)
    approve(("A.1", "police"))
    before = [queries(u) for u in users]
    for key in world.updates:
        if key != ("A.1", "police"):
            approve(key)
    assert [queries(u) for u in users] == before

"""Progress reaches the plan: the action page, the explorer (column and filter),
the home page and the coverage matrix show each action's reported status from
its latest approved updates; "Niet vastgelegd" only where nothing was approved."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from samen.reporting import progress, publication, services

from .world import second_round, submitted


def approved(world, code, org, status, **changes):
    user = world.users.police if org == "police" else world.users.ngo
    update = submitted(user, world.updates[(code, org)], progress_status=status, **changes)
    return services.approve(world.users.programme, update.pk)


# --- the rule ---------------------------------------------------------------------------


def test_completed_only_when_every_holder_says_so():
    assert progress.combine({"a": "completed", "b": "completed"}, ["a", "b"]).status == "completed"
    assert progress.combine({"a": "completed", "b": "on_track"}, ["a", "b"]).status == "on_track"
    partly = progress.combine({"a": "completed"}, ["a", "b"])
    assert (partly.status, partly.reported, partly.holders) == ("partly_reported", 1, 2)
    # A worry counts as soon as any holder reports it.
    assert progress.combine({"b": "delayed"}, ["a", "b"]).status == "delayed"
    assert progress.combine({}, ["a", "b"]).status == "not_reported"
    # No holder on record: whoever reported counts.
    assert progress.combine({"x": "on_track"}, []).status == "on_track"


# --- the action page ------------------------------------------------------------------------


def test_an_approved_update_reaches_the_action_page(world, client):
    public = Client()
    assert "Niet vastgelegd" in public.get("/acties/A.1").content.decode()
    update = approved(world, "A.1", "police", "on_track")
    client.force_login(world.users.viewer)
    page = client.get("/acties/A.1").content.decode()
    assert "Niet vastgelegd" not in page
    assert '<span class="samen-status samen-status--on_track">Op schema</span>' in page
    assert "Ronde 1" in page and "goedgekeurd op" in page
    assert f'href="/rapportage/updates/{update.pk}"' in page
    # The public sees it only once the round is published.
    assert "Op schema" not in public.get("/acties/A.1").content.decode()
    services.close_round(world.users.programme, world.round)
    world.round.period_end = timezone.localdate() - dt.timedelta(days=1)
    world.round.save(update_fields=["period_end"])
    publication.publish_round(world.users.programme, world.round)
    page = public.get("/acties/A.1").content.decode()
    assert "Op schema" in page and f'href="/openbaar/rondes/{world.round.pk}"' in page
    assert f'href="/rapportage/updates/{update.pk}"' not in page


def test_several_holders_say_how_many_reported(world, client):
    approved(world, "A.3", "ngo", "completed")
    client.force_login(world.users.programme)
    page = client.get("/acties/A.3").content.decode()
    assert "Deels gerapporteerd" in page and "1 van 2 actiehouders heeft gerapporteerd" in page
    assert "Afgerond" in page  # what the NGO said, on its own line
    approved(world, "A.3", "police", "completed")
    page = client.get("/acties/A.3").content.decode()
    assert '<span class="samen-status samen-status--completed">Afgerond</span>' in page
    assert "actiehouders heeft gerapporteerd" not in page


def test_the_latest_approved_update_of_each_holder_counts(world, client):
    approved(world, "A.1", "police", "on_track")
    services.close_round(world.users.programme, world.round)
    later = second_round(world, open_it=True)
    update = later.updates.get(action__code="A.1", organisation__code="police")
    submitted(world.users.police, update, progress_status="delayed")
    client.force_login(world.users.programme)
    assert "Op schema" in client.get("/acties/A.1").content.decode()  # not approved yet
    services.approve(world.users.programme, update.pk)
    page = client.get("/acties/A.1").content.decode()
    assert '<span class="samen-status samen-status--delayed">Vertraagd</span>' in page
    assert "Ronde 2" in page


def test_the_status_is_dated_with_the_round_that_reported_it(world, client):
    """Two holders: one said "on track" in round 1, the other "completed" in round 2.
    The action is on track, and that is round 1's news, not round 2's."""
    approved(world, "A.3", "ngo", "on_track")
    services.close_round(world.users.programme, world.round)
    later = second_round(world, open_it=True)
    update = later.updates.get(action__code="A.3", organisation__code="police")
    submitted(world.users.police, update, progress_status="completed")
    services.approve(world.users.programme, update.pk)
    client.force_login(world.users.programme)
    page = client.get("/acties/A.3").content.decode()
    headline = page[page.index('samen-status--on_track">Op schema</span>') :][:400]
    assert "Ronde 1" in headline and "Ronde 2" not in headline


# --- explorer, home, coverage, API ---------------------------------------------------------


def test_the_explorer_shows_and_filters_the_reported_status(world, client):
    approved(world, "A.1", "police", "on_track")
    approved(world, "A.2", "ngo", "delayed")
    client.force_login(world.users.viewer)
    page = client.get("/acties").content.decode()
    assert "Gerapporteerde voortgang" in page and "Vertraagd" in page
    page = client.get("/acties?reportedStatus=delayed").content.decode()
    assert "1 actie gevonden" in page and "/acties/A.2" in page
    page = client.get("/acties?reportedStatus=not_reported").content.decode()
    assert "1 actie gevonden" in page and "/acties/A.3" in page
    assert client.get("/acties?reportedStatus=bogus").status_code == 400
    api = client.get("/api/v1/actions?reportedStatus=on_track").json()
    assert [a["code"] for a in api["results"]] == ["A.1"]


def test_the_explorer_reads_progress_in_a_fixed_number_of_queries(
    world, client, django_assert_num_queries
):
    from tests.plan.factories import ActionFactory

    client.force_login(world.users.viewer)
    client.get("/acties")  # warm up the session
    approved(world, "A.1", "police", "on_track")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(
                    "/acties?reportedStatus=on_track&reportedStatus=not_reported"
                ).status_code
                == 200
            )
        return len(queries)

    before = count()
    for i in range(12):
        ActionFactory(code=f"B.{i}", holders=[world.orgs.police], forms=["sexual"])
    approved(world, "A.2", "ngo", "at_risk")
    approved(world, "A.3", "police", "on_track")
    assert count() == before


def test_home_counts_actions_per_line_by_reported_status(world, client):
    approved(world, "A.1", "police", "at_risk")
    client.force_login(world.users.viewer)
    page = client.get("/").content.decode()
    table = page[page.index("Gerapporteerde voortgang per actielijn") :]
    assert "met een goedgekeurde update: 1" in table
    assert "Risico" in table and "Niet vastgelegd" in table


def test_coverage_counts_only_actions_with_the_chosen_status(world, client):
    approved(world, "A.1", "police", "at_risk")
    client.force_login(world.users.viewer)
    page = client.get("/dekking?reportedStatus=at_risk").content.decode()
    assert "alleen acties met deze gerapporteerde voortgang: Risico" in page
    assert "reportedStatus=at_risk" in page
    total = page[page.index("Alle acties") :]
    assert ">1</td>" in total

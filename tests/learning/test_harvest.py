"""The progress update form asks "Wat hebben we geleerd?"; the holder chooses whether the
answer is shared with partners, and then it is a lesson linked to the action (issue 15)."""

import pytest

from samen.accounts.access import Denied
from samen.learning import services
from samen.learning.models import Harvest, Lesson

from .helpers import web

pytestmark = pytest.mark.django_db


def post_update(client, user, update, **learning):
    update.refresh_from_db()
    data = {
        "version": update.version,
        "progress_status": "on_track",
        "percent_complete": "40",
        "achievements": "Training gegeven.",
        "save": "1",
    }
    data.update({f"learning-{k}": v for k, v in learning.items()})
    return web(client, user, "post", f"/rapportage/updates/{update.pk}", data)


def test_the_update_form_has_the_question_and_shares_only_when_chosen(world, client):
    update = world.updates[("A.3", "police")]
    page = web(
        client, world.users.police, "get", f"/rapportage/updates/{update.pk}"
    ).content.decode()
    assert "Wat hebben we geleerd?" in page
    assert (
        post_update(
            client, world.users.police, update, lesson="Scholen bellen werkt niet; langsgaan wel."
        ).status_code
        == 302
    )
    h = Harvest.objects.get(update=update)
    assert h.text.startswith("Scholen bellen") and not h.share
    assert not Lesson.objects.exists()  # not shared: no lesson for partners
    post_update(
        client,
        world.users.police,
        update,
        lesson="Scholen bellen werkt niet; langsgaan wel.",
        share_lesson="on",
    )
    harvested = Lesson.objects.get()
    assert harvested.source_update == update and harvested.organisation == world.orgs.police
    assert list(harvested.actions.all()) == [world.actions.a3]
    assert [f.code for f in harvested.exploitation_forms.all()] == ["criminal"]
    # No evidence level is invented: the lesson says it is not stated.
    lesson_page = web(client, world.users.ngo, "get", f"/leren/lessen/{harvested.pk}")
    assert "Niet vermeld" in lesson_page.content.decode()
    assert "langsgaan" in web(client, world.users.ngo, "get", "/leren?q=langsgaan").content.decode()
    # The form shows the saved answer; sharing taken back removes the unpublished lesson.
    page = web(
        client, world.users.police, "get", f"/rapportage/updates/{update.pk}"
    ).content.decode()
    assert "langsgaan wel." in page
    post_update(
        client, world.users.police, update, lesson="Scholen bellen werkt niet; langsgaan wel."
    )
    assert not Lesson.objects.exists()


def test_only_the_holder_harvests_its_own_update(world):
    update = world.updates[("A.3", "police")]
    for other in (world.users.ngo, world.users.programme, world.users.viewer):
        with pytest.raises(Denied):
            services.harvest(other, update, "Niet van mij", True)
    assert not Harvest.objects.exists()


def test_the_answer_is_shown_on_the_submitted_update_to_the_programme_and_the_organisation(
    world, client
):
    from tests.reporting.world import submitted

    update = world.updates[("A.1", "police")]
    post_update(client, world.users.police, update, lesson="Alleen voor ons en het programma.")
    submitted(world.users.police, update)
    for reader in (world.users.programme, world.users.police):
        page = web(client, reader, "get", f"/rapportage/updates/{update.pk}").content.decode()
        assert "Alleen voor ons en het programma." in page
        assert "Niet gedeeld met partners." in page
    involved = web(client, world.users.ngo_reader, "get", f"/rapportage/updates/{update.pk}")
    assert involved.status_code == 200
    assert "Alleen voor ons" not in involved.content.decode()

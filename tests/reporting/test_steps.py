"""Safe steps: every step of a round asks first and says what will happen, and
the ways back (reopen, take back an approval) need a reason and are audited."""

import datetime as dt

import pytest
from django.utils import timezone

from samen.core.models import AuditEvent
from samen.reporting import services
from samen.reporting.models import ReportingRound

from .world import second_round, submitted

# --- round dates ----------------------------------------------------------------------


def test_a_deadline_before_the_period_starts_is_refused(world):
    with pytest.raises(services.Invalid) as info:
        second_round(
            world,
            opens_on=dt.date(2026, 5, 1),
            deadline=timezone.make_aware(dt.datetime(2026, 6, 1, 12)),
        )
    assert set(info.value.errors) == {"deadline"}


def test_a_round_cannot_open_after_its_deadline(world):
    with pytest.raises(services.Invalid) as info:
        second_round(world, opens_on=timezone.localdate() + dt.timedelta(days=30))
    assert set(info.value.errors) == {"opens_on"}


def test_the_round_form_names_the_wrong_date(world, client):
    client.force_login(world.users.programme)
    response = client.post(
        "/rapportage/rondes/nieuw",
        {
            "title": "Te vroeg",
            "period_start": "2026-07-01",
            "period_end": "2026-12-31",
            "opens_on": "2026-06-01",
            "deadline": "2026-06-15T17:00",
        },
    )
    assert response.status_code == 400
    assert "De deadline ligt vóór het begin van de rapportageperiode." in response.content.decode()
    assert not ReportingRound.objects.filter(title="Te vroeg").exists()


# --- opening and closing ask first -------------------------------------------------------


def test_opening_asks_first_and_says_how_many_updates_it_creates(world, client):
    r = second_round(world)
    client.force_login(world.users.programme)
    page = client.get(f"/rapportage/rondes/{r.pk}/open").content.decode()
    assert "4 voortgangsrapportages worden aangemaakt" in page
    assert "2 personen bij de actiehouders krijgen bericht" in page
    r.refresh_from_db()
    assert r.status == "planned"  # looking is not doing
    response = client.post(f"/rapportage/rondes/{r.pk}/open")
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "open" and r.updates.count() == 4


def test_the_dashboard_links_to_the_confirmation_instead_of_closing(world, client):
    client.force_login(world.users.programme)
    page = client.get(f"/rapportage/rondes/{world.round.pk}").content.decode()
    assert f'href="/rapportage/rondes/{world.round.pk}/close"' in page
    assert f'action="/rapportage/rondes/{world.round.pk}/close"' not in page


def test_closing_says_what_becomes_of_the_updates_not_submitted(world, client):
    submitted(world.users.police, world.updates[("A.1", "police")])
    services.approve(world.users.programme, world.updates[("A.1", "police")].pk)
    submitted(world.users.ngo, world.updates[("A.2", "ngo")])
    client.force_login(world.users.programme)
    page = client.get(f"/rapportage/rondes/{world.round.pk}/close").content.decode()
    assert "1 van 4 updates is goedgekeurd" in page
    assert "2 updates zijn niet ingediend (aantal organisaties: 2)" in page
    assert "1 ingediende update is nog niet beoordeeld" in page
    assert "De deadline" in page and "is nog niet verstreken" in page
    world.round.refresh_from_db()
    assert world.round.status == "open"
    client.post(f"/rapportage/rondes/{world.round.pk}/close")
    world.round.refresh_from_db()
    assert world.round.status == "closed" and world.round.snapshot is not None


# --- reopen -------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_drops_the_frozen_result(world, client):
    services.close_round(world.users.programme, world.round)
    client.force_login(world.users.programme)
    url = f"/rapportage/rondes/{world.round.pk}/reopen"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    world.round.refresh_from_db()
    assert world.round.status == "closed"
    new_deadline = timezone.localtime() + dt.timedelta(days=7)
    response = client.post(
        url,
        {"reason": "NGO leverde te laat aan", "deadline": new_deadline.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    world.round.refresh_from_db()
    assert world.round.status == "open" and world.round.snapshot is None
    stored = timezone.localtime(world.round.deadline)
    assert stored.strftime("%Y-%m-%d %H:%M") == new_deadline.strftime("%Y-%m-%d %H:%M")
    event = AuditEvent.objects.get(verb="reopen")
    assert event.before["status"] == "closed" and event.after["status"] == "open"
    assert event.after["reason"] == "NGO leverde te laat aan"
    # Holders can work on their updates again.
    from tests.reporting.world import fill

    fill(world.users.ngo, world.updates[("A.2", "ngo")])


# --- taking an approval back ---------------------------------------------------------------


def test_an_approval_is_taken_back_with_a_reason_and_approved_again(world, client):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    services.approve(world.users.programme, update.pk)
    client.force_login(world.users.programme)
    page = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    assert "Goedkeuring intrekken" in page
    url = f"/rapportage/updates/{update.pk}/beoordeling/unapprove"
    client.post(url, {"reason": ""})
    update.refresh_from_db()
    assert update.review_state == "approved"  # no reason, no step back
    client.post(url, {"reason": "Percentage klopt niet"})
    update.refresh_from_db()
    assert update.review_state == "submitted"
    event = AuditEvent.objects.get(verb="unapprove")
    assert event.before["review_state"] == "approved"
    assert event.after["reason"] == "Percentage klopt niet"
    services.approve(world.users.programme, update.pk)
    update.refresh_from_db()
    assert update.review_state == "approved"


def test_an_approval_cannot_be_taken_back_after_closing_or_by_others(world):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    services.approve(world.users.programme, update.pk)
    with pytest.raises(services.Denied):
        services.unapprove(world.users.police, update.pk, "liever niet")
    services.close_round(world.users.programme, world.round)
    with pytest.raises(services.Denied):
        services.unapprove(world.users.programme, update.pk, "te laat bedacht")
    update.refresh_from_db()
    assert update.review_state == "approved"

"""Publishing a round: the programme team's explicit, audited step."""

import pytest
from django.urls import reverse

from samen.accounts.access import Denied
from samen.core.models import AuditEvent
from samen.reporting import publication, services


def test_publishing_copies_the_report_layer_into_the_public_layer(reported):
    r = publication.publish_round(reported.users.programme, reported.round)
    assert r.published_at is not None
    updates = {
        (u.action.code, u.organisation.code): u
        for u in r.updates.select_related("action", "organisation")
    }
    approved = updates[("A.1", "police")]
    assert approved.public_achievements == "REPORTWORD **Forty** people trained."
    assert approved.public_obstacles == "REPORTWORD obstacle A.1"
    assert approved.public_help_needed == approved.report_help_needed == "REPORTWORD help"
    # Never the partner's own words; nothing for an update that was not approved.
    assert approved.achievements.startswith("PARTNERWORD")
    unapproved = updates[("A.2", "ngo")]
    assert (unapproved.public_achievements, unapproved.public_obstacles) == ("", "")
    event = AuditEvent.objects.get(verb="publish")
    assert event.actor == reported.users.programme
    assert event.before["published"] is False and event.after["published"] is True
    assert sorted(event.after["published_updates"]) == sorted(
        u.pk for k, u in updates.items() if k != ("A.2", "ngo")
    )


def test_only_the_programme_team_publishes(reported):
    for user in (reported.users.police, reported.users.analyst, reported.users.viewer, None):
        with pytest.raises(Denied):
            publication.publish_round(user, reported.round)
    reported.round.refresh_from_db()
    assert reported.round.published_at is None
    assert not AuditEvent.objects.filter(verb="publish").exists()


def test_only_a_closed_round_is_published_and_only_once(reported):
    open_round = services.create_round(
        reported.users.programme,
        services.RoundData("Open", *_dates()),
    )
    with pytest.raises(services.Invalid):
        publication.publish_round(reported.users.programme, open_round)
    publication.publish_round(reported.users.programme, reported.round)
    with pytest.raises(services.Invalid) as info:
        publication.publish_round(reported.users.programme, reported.round)
    assert "already" in str(info.value) or "al " in str(info.value)


def test_publish_button_on_the_report_page(client, reported):
    client.force_login(reported.users.programme)
    page = client.get(reverse("report", args=[reported.round.pk])).content.decode()
    assert "Deze ronde publiceren" in page
    response = client.post(reverse("round-transition", args=[reported.round.pk, "publish"]))
    assert response.status_code == 302
    reported.round.refresh_from_db()
    assert reported.round.published_at is not None
    page = client.get(reverse("report", args=[reported.round.pk])).content.decode()
    assert "Deze ronde publiceren" not in page and "Gepubliceerd op" in page


def test_a_holder_cannot_publish_through_the_web(client, reported):
    client.force_login(reported.users.police)
    response = client.post(reverse("round-transition", args=[reported.round.pk, "publish"]))
    assert response.status_code == 403
    reported.round.refresh_from_db()
    assert reported.round.published_at is None


def _dates():
    import datetime as dt

    from django.utils import timezone

    return (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
        timezone.localdate(),
        timezone.now() + dt.timedelta(days=10),
    )

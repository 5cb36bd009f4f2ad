"""Publishing a round: the programme team's explicit, audited step."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

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


def test_publishing_goes_through_a_preview_of_exactly_what_becomes_public(client, reported):
    client.force_login(reported.users.programme)
    page = client.get(reverse("report", args=[reported.round.pk])).content.decode()
    assert "Deze ronde bekijken en publiceren" in page
    assert f'action="/rapportage/rondes/{reported.round.pk}/publish"' not in page
    # Asking for the step without the confirmation page leads to the preview.
    step = client.get(reverse("round-transition", args=[reported.round.pk, "publish"]))
    assert step["Location"] == reverse("report-publish", args=[reported.round.pk])
    preview = client.get(step["Location"]).content.decode()
    assert "3 goedgekeurde updates worden openbaar (aantal acties: 2)" in preview
    assert "1 update die niet is goedgekeurd, blijft intern" in preview
    assert "<strong>Forty</strong>" in preview and "REPORTWORD ngo on A.3" in preview
    for secret in ("PARTNERWORD", "UNAPPROVEDWORD"):
        assert secret not in preview
    reported.round.refresh_from_db()
    assert reported.round.published_at is None  # looking is not publishing
    response = client.post(reverse("round-transition", args=[reported.round.pk, "publish"]))
    assert response.status_code == 302
    reported.round.refresh_from_db()
    assert reported.round.published_at is not None
    page = client.get(reverse("report", args=[reported.round.pk])).content.decode()
    assert "Deze ronde bekijken en publiceren" not in page and "Gepubliceerd op" in page
    # What the preview showed is what the portal shows.
    portal = Client().get(f"/openbaar/rondes/{reported.round.pk}").content.decode()
    assert "<strong>Forty</strong>" in portal and "REPORTWORD ngo on A.3" in portal


def test_a_round_is_not_published_before_its_period_ends(reported):
    import datetime as dt

    from samen.reporting.models import ReportingRound

    ReportingRound.objects.filter(pk=reported.round.pk).update(
        period_end=timezone.localdate() + dt.timedelta(days=3)
    )
    reported.round.refresh_from_db()
    with pytest.raises(services.Invalid) as info:
        publication.publish_round(reported.users.programme, reported.round)
    assert "publiceer haar daarna" in str(info.value)
    reported.round.refresh_from_db()
    assert reported.round.published_at is None


def test_a_published_round_cannot_be_reopened(reported):
    publication.publish_round(reported.users.programme, reported.round)
    with pytest.raises(services.Invalid):
        services.reopen_round(reported.users.programme, reported.round, "te laat")
    for user in (reported.users.police, reported.users.viewer):
        with pytest.raises(Denied):
            services.reopen_round(user, reported.earlier, "ik wil het")
    assert not AuditEvent.objects.filter(verb="reopen").exists()


def test_withdrawing_takes_everything_of_the_round_off_the_public_side(client, reported):
    r = publication.publish_round(reported.users.programme, reported.round)
    public = Client()
    assert "Forty" in public.get(f"/openbaar/rondes/{r.pk}").content.decode()
    client.force_login(reported.users.programme)
    confirm = client.get(reverse("round-transition", args=[r.pk, "withdraw"])).content.decode()
    assert "Niets van deze ronde blijft openbaar" in confirm
    assert client.post(reverse("round-transition", args=[r.pk, "withdraw"])).status_code == 400
    response = client.post(
        reverse("round-transition", args=[r.pk, "withdraw"]), {"reason": "Fout in tabel 2"}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.published_at is None and r.withdrawn_at is not None
    # The portal says it was withdrawn, and when; nothing else of the round.
    page = public.get(f"/openbaar/rondes/{r.pk}")
    assert page.status_code == 410
    when = date_format(timezone.localtime(r.withdrawn_at), "j F Y H:i")
    assert f"Deze publicatie is ingetrokken op {when}" in page.content.decode()
    assert "Forty" not in page.content.decode()
    home = public.get("/openbaar").content.decode()
    assert "Ingetrokken publicaties" in home and "Forty" not in home
    assert public.get(f"/api/v1/published-rounds/{r.pk}").status_code == 404
    assert public.get("/api/v1/published-rounds").json()["count"] == 0
    assert public.get("/openbaar/open-data/voortgang.json").json()["records"] == []
    assert public.get(f"/openbaar/open-data/voortgang.csv?ronde={r.pk}").status_code == 404
    assert public.post(f"/openbaar/rondes/{r.pk}/rapport/pdf").status_code in (404, 410)
    assert not r.updates.exclude(public_achievements="").exists()
    event = AuditEvent.objects.get(verb="withdraw")
    assert event.after["reason"] == "Fout in tabel 2" and event.before["published"] is True
    # It can be published again.
    publication.publish_round(reported.users.programme, r)
    assert "Forty" in public.get(f"/openbaar/rondes/{r.pk}").content.decode()


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

"""Downloading the report: the programme team asks, the file is made in the
background (a real database task queue and worker), kept, and a second
download is instant. Nobody else gets the internal report."""

import pytest
from django.urls import reverse

from samen.core import taskworker
from samen.core.models import AuditEvent
from samen.documents.models import GeneratedReport


@pytest.fixture
def team(client, reported):
    client.force_login(reported.users.programme)
    return client


def test_preview_shows_the_report_and_its_download_buttons(team, reported):
    response = team.get(reverse("report", args=[reported.round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voortgangsrapportage" in html
    for fmt in ("DOCX", "PDF", "HTML"):
        assert f"Downloaden als {fmt}" in html
    assert "<strong>Forty</strong> people trained." in html
    assert "PARTNERWORD" not in html
    assert html.count("data:image/svg+xml;base64,") == 3
    english = team.get(reverse("report", args=[reported.round.pk]), {"taal": "en"})
    assert "Annex: status of every action" in english.content.decode()


@pytest.mark.django_db(transaction=True)
def test_file_is_made_in_the_background_then_served_at_once(
    team, reported, django_capture_on_commit_callbacks
):
    url = reverse("report-request", args=[reported.round.pk, "docx"])
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(url, {"taal": "nl"})
    file = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "report-status", args=[file.pk]
    )
    assert file.state == "queued" and file.task_id
    waiting = team.get(response["Location"]).content.decode()
    assert "Wacht op zijn beurt" in waiting and 'hx-trigger="every 1s"' in waiting

    taskworker.run_pending()  # the worker that `samen serve` runs in a thread
    file.refresh_from_db()
    assert (file.state, file.progress) == ("done", 100)
    ready = team.get(reverse("report-status", args=[file.pk]), HTTP_HX_REQUEST="true")
    assert "is klaar" in ready.content.decode() and "hx-trigger" not in ready.content.decode()

    download = team.get(reverse("report-download", args=[file.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="voortgangsrapportage-2026-01-2026-06.docx"' in download["Content-Disposition"]
    assert download.content[:2] == b"PK"

    # A second request finds the stored file: straight to the download, nothing queued.
    with django_capture_on_commit_callbacks(execute=True):
        again = team.post(url, {"taal": "nl"})
    assert again["Location"] == reverse("report-download", args=[file.pk])
    assert AuditEvent.objects.filter(verb="request-report").count() == 1


def test_only_the_programme_team_gets_the_internal_report(client, reported):
    url = reverse("report-request", args=[reported.round.pk, "pdf"])
    for user in (reported.users.police, reported.users.analyst, reported.users.viewer):
        client.force_login(user)
        assert client.get(reverse("report", args=[reported.round.pk])).status_code == 403
        assert client.post(url).status_code == 403
    assert not GeneratedReport.objects.exists()
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    assert not GeneratedReport.objects.exists()


def test_stored_internal_file_is_not_downloadable_by_others(client, team, reported):
    from samen.documents import services

    file = services.request_report(reported.users.programme, reported.round, "html")
    services.generate(file.pk)
    assert team.get(reverse("report-download", args=[file.pk])).status_code == 200
    client.logout()
    client.force_login(reported.users.police)
    assert client.get(reverse("report-download", args=[file.pk])).status_code == 404
    assert client.get(reverse("report-status", args=[file.pk])).status_code == 404


def test_open_round_has_no_report(team, reported):
    r = reported.world.round.__class__.objects.create(
        title="Open",
        period_start="2027-01-01",
        period_end="2027-06-30",
        opens_on="2027-01-01",
        deadline="2027-07-15T12:00:00+02:00",
        status="open",
    )
    # not a ban but a step still to take: back to the round, with what to do
    response = team.get(reverse("report", args=[r.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("round", args=[r.pk])
    assert "Sluit eerst de ronde" in response.content.decode()
    publish = team.get(reverse("report-publish", args=[r.pk]), follow=True)
    assert publish.status_code == 200 and "Sluit eerst de ronde" in publish.content.decode()
    assert team.post(reverse("report-request", args=[r.pk, "pdf"])).status_code == 400


def test_unknown_format_is_refused_with_its_name(team, reported):
    response = team.post(reverse("report-request", args=[reported.round.pk, "odt"]))
    assert response.status_code == 400
    assert "odt" in response.content.decode() and "docx, pdf, html" in response.content.decode()


def test_a_failed_file_says_so_and_is_made_again_on_the_next_request(team, reported):
    from samen.documents import services
    from samen.reporting.models import ReportingRound

    snapshot = reported.round.snapshot
    ReportingRound.objects.filter(pk=reported.round.pk).update(
        snapshot={**snapshot, "updates": [{"broken": True}]}
    )
    reported.round.refresh_from_db()
    file = services.request_report(reported.users.programme, reported.round, "pdf")
    with pytest.raises(KeyError):
        services.generate(file.pk)
    file.refresh_from_db()
    assert file.state == "failed"
    page = team.get(reverse("report-status", args=[file.pk])).content.decode()
    assert "Het maken van het bestand is mislukt." in page and "hx-trigger" not in page
    ReportingRound.objects.filter(pk=reported.round.pk).update(snapshot=snapshot)
    reported.round.refresh_from_db()
    again = services.request_report(reported.users.programme, reported.round, "pdf")
    assert (again.pk, again.state) == (file.pk, "queued")


def test_an_abandoned_file_is_queued_again(reported):
    import datetime as dt

    from django.utils import timezone

    from samen.documents import services

    file = services.request_report(reported.users.programme, reported.round, "html")
    GeneratedReport.objects.filter(pk=file.pk).update(state="running", progress=50)
    assert (
        services.request_report(reported.users.programme, reported.round, "html").state == "running"
    )
    GeneratedReport.objects.filter(pk=file.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=1)
    )
    again = services.request_report(reported.users.programme, reported.round, "html")
    assert (again.state, again.progress) == ("queued", 0)

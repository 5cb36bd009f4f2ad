"""The reporting screens through the Django test client."""

import re

from samen.reporting.models import ProgressUpdate

from .world import fill, submitted


def test_my_tasks_lists_the_organisations_updates_with_deadlines(world, client):
    client.force_login(world.users.police)
    html = client.get("/mijn-taken").content.decode()
    assert "A.1" in html and "A.3" in html and "A.2" not in html
    assert "Politie heeft 2 voortgangsrapportages in te vullen" in html


def test_save_draft_then_submit_through_the_form(world, client):
    client.force_login(world.users.police)
    update = world.updates[("A.1", "police")]
    form = {
        "version": update.version,
        "progress_status": "on_track",
        "percent_complete": "40",
        "achievements": "Training *gegeven*",
        "obstacles": "",
        "help_needed": "",
        "indicator_0_name": "trainingen",
        "indicator_0_value": "4",
        "indicator_0_unit": "stuks",
    }
    response = client.post(f"/rapportage/updates/{update.pk}", {**form, "save": "1"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == "draft" and update.indicators == [
        {"name": "trainingen", "value": 4, "unit": "stuks"}
    ]
    response = client.post(
        f"/rapportage/updates/{update.pk}", {**form, "version": update.version, "submit": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/mijn-taken"
    update.refresh_from_db()
    assert update.review_state == "submitted"
    html = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    assert "<em>gegeven</em>" in html  # Markdown rendered


def test_form_errors_are_shown_next_to_the_field(world, client):
    client.force_login(world.users.police)
    update = world.updates[("A.1", "police")]
    response = client.post(
        f"/rapportage/updates/{update.pk}",
        {
            "version": update.version,
            "percent_complete": "150",
            "indicator_0_name": "x",
            "save": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Zorg ervoor dat deze waarde hoogstens 100 is." in html
    assert "Geef een waarde voor deze indicator." in html


def test_conflict_shows_both_texts_and_keeps_the_editors_words(world, client):
    update = world.updates[("A.2", "ngo")]
    stale = update.version
    fill(world.users.ngo, update, achievements="Tekst van een collega")
    client.force_login(world.users.ngo)
    response = client.post(
        f"/rapportage/updates/{update.pk}",
        {"version": stale, "achievements": "Mijn eigen tekst", "save": "1"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft deze update intussen opgeslagen" in html
    assert "Tekst van een collega" in html and "Mijn eigen tekst" in html
    current = ProgressUpdate.objects.get(pk=update.pk)
    assert current.achievements == "Tekst van een collega"
    assert re.search(
        rf'name="version" value="{current.version}"', html
    )  # the next save builds on it


def test_autosave_returns_a_status_and_the_new_version(world, client):
    client.force_login(world.users.police)
    update = world.updates[("A.3", "police")]
    response = client.post(
        f"/rapportage/updates/{update.pk}/autosave",
        {"version": update.version, "achievements": "bezig..."},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Concept opgeslagen om" in html
    assert f'value="{update.version + 1}" hx-swap-oob="true"' in html
    stale = client.post(
        f"/rapportage/updates/{update.pk}/autosave",
        {"version": update.version, "achievements": "oud"},
        HTTP_HX_REQUEST="true",
    )
    assert "Iemand anders heeft deze update gewijzigd" in stale.content.decode()


def test_user_text_is_rendered_safely(world, client):
    update = submitted(
        world.users.police,
        world.updates[("A.1", "police")],
        achievements="<script>alert(1)</script> [klik](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    client.force_login(world.users.programme)
    html = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html  # shown as text, never as a tag
    update.refresh_from_db()
    assert update.achievements.startswith("<script>")  # stored as written


def test_programme_dashboard_and_bulk_review(world, client):
    a = submitted(world.users.police, world.updates[("A.1", "police")])
    b = submitted(world.users.ngo, world.updates[("A.2", "ngo")])
    client.force_login(world.users.programme)
    html = client.get(f"/rapportage/rondes/{world.round.pk}").content.decode()
    assert "2 van 4 updates ingediend." in html
    assert "Politie" in html and "Actielijn 1" in html
    response = client.post(
        f"/rapportage/rondes/{world.round.pk}/beoordelen",
        {"update": [a.pk, b.pk], "decision": "approve"},
        follow=True,
    )
    assert "2 updates verwerkt." in response.content.decode()
    assert ProgressUpdate.objects.filter(pk__in=[a.pk, b.pk], review_state="approved").count() == 2


def test_overdue_organisations_are_listed(world, client):
    import datetime as dt

    from django.utils import timezone

    from samen.reporting.models import ReportingRound

    ReportingRound.objects.filter(pk=world.round.pk).update(
        deadline=timezone.now() - dt.timedelta(days=1)
    )
    client.force_login(world.users.programme)
    html = client.get(f"/rapportage/rondes/{world.round.pk}").content.decode()
    assert "Te laat" in html and "Politie" in html


def test_audit_pages(world, client):
    update = world.updates[("A.1", "police")]
    fill(world.users.police, update, achievements="nieuw")
    client.force_login(world.users.programme)
    html = client.get(f"/audit/reporting.progressupdate/{update.pk}").content.decode()
    assert "politie" in html and "nieuw" in html
    assert (
        "reporting.progressupdate"
        in client.get("/audit?type=reporting.progressupdate").content.decode()
    )

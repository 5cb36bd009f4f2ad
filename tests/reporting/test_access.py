"""Every forbidden combination, tried through the web screens and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from samen.accounts import access
from samen.accounts.models import ApiToken
from samen.reporting.models import ReportingRound

from .world import fill, submitted


def api(client, user, method, url, **body):
    headers = {}
    if user is not None:
        _token, key = ApiToken.issue(user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    call = getattr(client, method)
    if method in ("post", "patch"):
        return call(url, data=body, content_type="application/json", **headers)
    return call(url, **headers)


def web(client, user, method, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {})


# --- reading ------------------------------------------------------------------------


def test_nobody_reads_another_organisations_draft(world, client):
    draft = world.updates[("A.2", "ngo")]
    fill(world.users.ngo, draft, achievements="Geheim concept")
    for user in (world.users.police, world.users.ministry, world.users.analyst, world.users.viewer):
        assert web(client, user, "get", f"/rapportage/updates/{draft.pk}").status_code == 403
        assert api(client, user, "get", f"/api/v1/progress-updates/{draft.pk}").status_code == 404
        listed = api(client, user, "get", "/api/v1/progress-updates?organisation=ngo").json()
        assert all(u["id"] != draft.pk for u in listed["results"])
    # Not even an involved partner of that action, while it is a draft.
    involved_draft = world.updates[("A.1", "police")]
    fill(world.users.police, involved_draft)
    assert (
        web(
            client, world.users.ngo_reader, "get", f"/rapportage/updates/{involved_draft.pk}"
        ).status_code
        == 403
    )


def test_involved_partner_reads_and_comments_once_submitted(world, client):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    assert (
        web(client, world.users.ngo_reader, "get", f"/rapportage/updates/{update.pk}").status_code
        == 200
    )
    response = web(
        client,
        world.users.ngo_reader,
        "post",
        f"/rapportage/updates/{update.pk}/opmerkingen",
        {"text": "Wij helpen graag."},
    )
    assert response.status_code == 302 and update.comments.count() == 1
    # ...but cannot edit it.
    assert not access.can_edit_update(world.users.ngo_reader, update)


def test_viewers_and_analysts_read_approved_updates_only(world, client):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    assert (
        web(client, world.users.viewer, "get", f"/rapportage/updates/{update.pk}").status_code
        == 403
    )
    from samen.reporting import services

    services.approve(world.users.programme, update.pk)
    for user in (world.users.viewer, world.users.analyst):
        assert web(client, user, "get", f"/rapportage/updates/{update.pk}").status_code == 200
        assert api(client, user, "get", f"/api/v1/progress-updates/{update.pk}").status_code == 200


def test_anonymous_gets_nothing(world, client):
    update = world.updates[("A.1", "police")]
    response = web(client, None, "get", f"/rapportage/updates/{update.pk}")
    assert response.status_code == 302 and "/inloggen" in response["Location"]
    for url in (
        "/api/v1/progress-updates",
        f"/api/v1/progress-updates/{update.pk}",
        "/api/v1/reporting-rounds",
    ):
        response = api(client, None, "get", url)
        assert (
            response.status_code == 401 and response["Content-Type"] == "application/problem+json"
        )


# --- writing --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ngo", "ngo_reader", "ministry", "analyst", "viewer", "programme"])
def test_only_the_holder_organisation_edits(world, client, who):
    user = getattr(world.users, who)
    update = world.updates[("A.1", "police")]
    response = web(
        client,
        user,
        "post",
        f"/rapportage/updates/{update.pk}",
        {"version": update.version, "achievements": "overschreven", "save": "1"},
    )
    assert response.status_code == 403
    response = api(
        client,
        user,
        "patch",
        f"/api/v1/progress-updates/{update.pk}",
        version=update.version,
        achievements="overschreven",
    )
    assert response.status_code in (403, 404)
    response = api(client, user, "post", f"/api/v1/progress-updates/{update.pk}/submit")
    assert response.status_code in (403, 404)
    update.refresh_from_db()
    assert update.achievements == ""


def test_holder_of_one_action_cannot_touch_another_organisations_update_of_a_shared_action(
    world, client
):
    ngo_part = world.updates[("A.3", "ngo")]
    response = api(
        client,
        world.users.police,
        "patch",
        f"/api/v1/progress-updates/{ngo_part.pk}",
        version=ngo_part.version,
        achievements="x",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["police", "ngo_reader", "analyst", "viewer"])
def test_only_the_programme_team_reviews(world, client, who):
    user = getattr(world.users, who)
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    assert (
        web(
            client, user, "post", f"/rapportage/updates/{update.pk}/beoordeling/approve"
        ).status_code
        == 403
    )
    response = api(client, user, "post", f"/api/v1/progress-updates/{update.pk}/approve")
    assert response.status_code in (403, 404)
    response = api(
        client, user, "post", f"/api/v1/progress-updates/{update.pk}/return", comment="nee"
    )
    assert response.status_code in (403, 404)
    update.refresh_from_db()
    assert update.review_state == "submitted"


@pytest.mark.parametrize("who", ["police", "ngo_reader", "analyst", "viewer"])
def test_only_the_programme_team_manages_rounds(world, client, who):
    user = getattr(world.users, who)
    assert web(client, user, "get", "/rapportage/rondes/nieuw").status_code == 403
    assert (
        web(client, user, "post", f"/rapportage/rondes/{world.round.pk}/close").status_code == 403
    )
    for step in ("open", "close", "reopen", "withdraw", "publish"):
        url = f"/rapportage/rondes/{world.round.pk}/{step}"
        assert web(client, user, "get", url).status_code == 403, step
        assert web(client, user, "post", url, {"reason": "x"}).status_code == 403, step
    # Everyone with a role may see the round's approved updates, not its dashboard.
    page = web(client, user, "get", f"/rapportage/rondes/{world.round.pk}")
    assert page.status_code == 200 and "Per organisatie" not in page.content.decode()
    body = {
        "title": "x",
        "periodStart": "2026-01-01",
        "periodEnd": "2026-06-30",
        "opensOn": "2026-07-01",
        "deadline": "2026-08-01T12:00:00+02:00",
    }
    assert api(client, user, "post", "/api/v1/reporting-rounds", **body).status_code == 403
    assert (
        api(client, user, "post", f"/api/v1/reporting-rounds/{world.round.pk}/close").status_code
        == 403
    )
    world.round.refresh_from_db()
    assert world.round.status == "open"


def test_audit_trail_is_for_the_programme_team_only(world, client):
    for user in (world.users.police, world.users.viewer, world.users.analyst):
        assert web(client, user, "get", "/audit").status_code == 403
    assert web(client, world.users.programme, "get", "/audit").status_code == 200


def test_revoked_or_unknown_token_is_refused(world, client):
    token, key = ApiToken.issue(world.users.police)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/progress-updates", **headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{token.pk}", **headers).status_code == 204
    assert client.get("/api/v1/progress-updates", **headers).status_code == 401
    assert (
        client.get(
            "/api/v1/progress-updates", HTTP_AUTHORIZATION="Bearer samen_nonsense"
        ).status_code
        == 401
    )
    world.users.police.is_active = False
    world.users.police.save()
    _t, other = ApiToken.issue(world.users.police)
    assert (
        client.get("/api/v1/progress-updates", HTTP_AUTHORIZATION=f"Bearer {other}").status_code
        == 401
    )


def test_cannot_revoke_someone_elses_token(world, client):
    theirs, _key = ApiToken.issue(world.users.ngo)
    _mine, key = ApiToken.issue(world.users.police)
    response = client.delete(f"/api/v1/tokens/{theirs.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_closed_round_accepts_no_changes(world, client):
    update = world.updates[("A.1", "police")]
    ReportingRound.objects.filter(pk=world.round.pk).update(
        status="closed", closed_at=timezone.now()
    )
    response = api(
        client,
        world.users.police,
        "patch",
        f"/api/v1/progress-updates/{update.pk}",
        version=update.version,
        achievements="te laat",
    )
    assert response.status_code == 403
    assert "niet open" in response.json()["detail"]


def test_after_the_deadline_only_an_extension_reopens(world, client):
    update = world.updates[("A.1", "police")]
    ReportingRound.objects.filter(pk=world.round.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    response = api(
        client,
        world.users.police,
        "patch",
        f"/api/v1/progress-updates/{update.pk}",
        version=update.version,
        achievements="te laat",
    )
    assert response.status_code == 403 and "uitstel" in response.json()["detail"]

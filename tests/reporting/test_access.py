"""Every forbidden combination, tried through the web screens and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from samen.accounts import access
from samen.accounts.models import ApiToken
from samen.reporting import services
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
        # 404 as for an id that does not exist: the page does not tell which ids exist.
        assert web(client, user, "get", f"/rapportage/updates/{draft.pk}").status_code == 404
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
        == 404
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
        == 404
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
    assert response.status_code in (403, 404)  # 404 where the update is not theirs to see
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
        in (403, 404)  # 404 where the update is not theirs to see
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
    assert web(client, user, "get", f"/rapportage/rondes/{world.round.pk}").status_code == 403
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


def test_web_and_api_answer_alike_for_hidden_and_missing_ids(world, client):
    """Nobody learns which ids exist: a hidden object and a missing one get the same 404."""
    draft = world.updates[("A.2", "ngo")]
    missing = max(u.pk for u in world.updates.values()) + 100
    for pk in (draft.pk, missing):
        assert (
            web(client, world.users.police, "get", f"/rapportage/updates/{pk}").status_code == 404
        )
        assert (
            web(
                client,
                world.users.police,
                "post",
                f"/rapportage/updates/{pk}/opmerkingen",
                {"text": "x"},
            ).status_code
            == 404
        )
        assert (
            api(client, world.users.police, "get", f"/api/v1/progress-updates/{pk}").status_code
            == 404
        )
    planned = services.create_round(
        world.users.programme,
        services.RoundData(
            title="Nog niet open",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 6, 30),
            opens_on=dt.date(2027, 7, 1),
            deadline=timezone.now() + dt.timedelta(days=300),
        ),
    )
    for pk in (planned.pk, planned.pk + 100):
        for url in (f"/rapportage/rondes/{pk}", f"/rapportage/rondes/{pk}/rapport"):
            assert web(client, world.users.police, "get", url).status_code in (403, 404)
        assert web(client, world.users.police, "get", f"/rapportage/rondes/{pk}").status_code == 404
        assert (
            api(client, world.users.police, "get", f"/api/v1/reporting-rounds/{pk}").status_code
            == 404
        )


# --- review comments and four eyes ----------------------------------------------------
# The review comment is between the programme team and the organisation that wrote
# the update (access.can_see_review_comment), in every state; web and API alike.

REVIEW_COMMENT = "Graag cijfers per regio toevoegen."
SEES_COMMENT = {
    "programme": True,
    "police": True,  # the organisation that wrote it
    "ngo": False,
    "ngo_reader": False,  # involved partner of A.1
    "ministry": False,
    "analyst": False,
    "viewer": False,
}


def _comment_seen(client, user, update):
    """(web shows it, API shows it, API answered) for `user`."""
    page = web(client, user, "get", f"/rapportage/updates/{update.pk}")
    response = api(client, user, "get", f"/api/v1/progress-updates/{update.pk}")
    api_comment = response.json().get("reviewComment") if response.status_code == 200 else None
    return (
        REVIEW_COMMENT in page.content.decode() if page.status_code == 200 else False,
        api_comment == REVIEW_COMMENT,
        response.status_code,
    )


@pytest.mark.parametrize("who", list(SEES_COMMENT))
def test_who_sees_the_review_comment_while_returned_and_after_approval(world, client, who):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    services.return_update(world.users.programme, update.pk, REVIEW_COMMENT)
    user = getattr(world.users, who)
    web_sees, api_sees, status = _comment_seen(client, user, update)
    assert api_sees == SEES_COMMENT[who] and web_sees == SEES_COMMENT[who]
    # Resubmitted and approved: the comment stays on the update, and stays private.
    update.refresh_from_db()
    fill(world.users.police, update, achievements="Met cijfers per regio.")
    services.submit(world.users.police, update.pk)
    services.approve(world.users.programme, update.pk)
    _web, api_sees, status = _comment_seen(client, user, update)
    assert status == 200  # every role reads an approved update...
    assert api_sees == SEES_COMMENT[who]  # ...but not the comment, unless it is theirs
    listed = api(client, user, "get", "/api/v1/progress-updates?organisation=police").json()
    leaked = [u for u in listed["results"] if u["reviewComment"] == REVIEW_COMMENT]
    assert bool(leaked) == SEES_COMMENT[who]
    assert access.can_see_review_comment(user, update) == SEES_COMMENT[who]


def test_four_eyes_nobody_approves_what_they_wrote(world, client):
    """A holder who wrote and submitted an update and then joins the programme team
    cannot approve it, on the web or through the API; a colleague can."""
    from samen.accounts.models import User

    writer = world.users.police
    update = submitted(writer, world.updates[("A.1", "police")])
    writer.role = User.Role.PROGRAMME
    writer.save()
    assert not access.can_approve(writer, update)
    response = web(client, writer, "post", f"/rapportage/updates/{update.pk}/beoordeling/approve")
    assert response.status_code == 403
    assert "vier ogen" in response.content.decode()
    response = api(client, writer, "post", f"/api/v1/progress-updates/{update.pk}/approve")
    assert response.status_code == 403 and "vier ogen" in response.json()["detail"]
    bulk = services.bulk_review(writer, [update.pk], "approve")
    assert list(bulk.refused) == [update.pk]
    update.refresh_from_db()
    assert update.review_state == "submitted"
    # Returning is not approving: the writer may still send it back with a question.
    assert access.can_approve(world.users.programme, update)
    response = api(
        client, world.users.programme, "post", f"/api/v1/progress-updates/{update.pk}/approve"
    )
    assert response.status_code == 200 and response.json()["reviewState"] == "approved"

"""Motions through the API: public, each with the actions that carry it out;
changed by the programme team only."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.accounts.models import ApiToken
from samen.core.models import AuditEvent
from samen.parliament.models import Motion
from tests.plan.factories import ActionFactory


@pytest.fixture
def motions(bundled_plan):
    call_command("load_motions", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def test_motions_list_each_with_the_actions_that_carry_it_out(client, motions):
    response = client.get("/api/v1/motions")
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    data = response.json()
    assert data["count"] == 5
    by_code = {m["code"]: m for m in data["results"]}
    revision = by_code["motie-bikker-cs-herziening"]
    assert [a["code"] for a in revision["actions"]] == ["S.4", "S.1", "S.2", "S.3", "S.5"]
    assert revision["actions"][1]["title"].startswith("Klantaanpak")
    assert revision["confirmed"] is False and "actions" in revision["inferredFields"]
    non_punishment = by_code["motie-bikker-mutluer-non-punishment"]
    assert (non_punishment["kamerstuk"], non_punishment["date"], non_punishment["decision"]) == (
        "28 638-229",
        "2023-10-03",
        "adopted",
    )
    assert non_punishment["submitters"] == ["Bikker", "Mutluer"] and non_punishment["actions"] == []


def test_motions_are_filtered_by_status_kind_and_action(client, motions):
    assert client.get("/api/v1/motions?action=S.1").json()["count"] == 2
    assert client.get("/api/v1/motions?kind=commitment").json()["count"] == 1
    assert client.get("/api/v1/motions?status=done,in_progress").json()["count"] == 5
    bad = client.get("/api/v1/motions?status=klaar")
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "status"
    assert client.get("/api/v1/motions?action=X.9").json()["invalidParams"][0]["name"] == "action"
    assert client.get("/api/v1/motions?sort=date").json()["invalidParams"][0]["name"] == "sort"
    assert client.get("/api/v1/motions/nope").status_code == 404


def test_the_programme_team_links_actions_and_answers(client, motions, users):
    token = auth(users.programme)
    before = client.get("/api/v1/motions/motie-veltman-bikker-aangifteplicht").json()
    response = client.patch(
        "/api/v1/motions/motie-veltman-bikker-aangifteplicht",
        data=json.dumps(
            {
                "version": before["version"],
                "status": "done",
                "actions": ["U.3"],
                "answerNl": "Geregeld.",
            }
        ),
        content_type="application/json",
        **token,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "done" and [a["code"] for a in data["actions"]] == ["U.3"]
    assert data["answer"] == "Geregeld." and data["version"] == before["version"] + 1
    event = AuditEvent.objects.filter(object_type="parliament.motion", kind="update").latest("id")
    assert event.actor_name == "programma" and event.after["actions"] == ["U.3"]
    stale = client.patch(
        "/api/v1/motions/motie-veltman-bikker-aangifteplicht",
        data=json.dumps({"version": before["version"], "status": "open"}),
        content_type="application/json",
        **token,
    )
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    bad = client.patch(
        "/api/v1/motions/motie-veltman-bikker-aangifteplicht",
        data=json.dumps({"version": data["version"], "answerSource": "brief", "actions": ["X.1"]}),
        content_type="application/json",
        **token,
    )
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"answerSource", "actions"}


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_other_roles_cannot_change_motions(client, motions, users, role):
    response = client.patch(
        "/api/v1/motions/motie-veltman",
        data=json.dumps({"version": 1, "status": "open"}),
        content_type="application/json",
        **auth(getattr(users, role)),
    )
    assert response.status_code == 403
    assert Motion.objects.get(code="motie-veltman").status == "done"
    anonymous = client.patch(
        "/api/v1/motions/motie-veltman",
        data=json.dumps({"version": 1}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401


def test_the_motion_list_does_not_grow_with_the_plan(client, db):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/motions?pageSize=500").status_code == 200
        return len(ctx.captured_queries)

    Motion.objects.create(code="m-0", title_nl="Motie").actions.add(ActionFactory())
    small = queries()
    for i in range(1, 30):
        Motion.objects.create(code=f"m-{i}", title_nl="Motie").actions.add(
            ActionFactory(), ActionFactory()
        )
    assert queries() == small

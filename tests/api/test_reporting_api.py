"""The reporting write API as an integrating partner system uses it."""

import pytest

from samen.accounts.models import ApiToken


def token_for(client, username):
    response = client.post(
        "/api/v1/tokens",
        {"username": username, "password": f"pw-{username}", "name": "ci"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response["API-Version"] == "1.0.0"
    data = response.json()
    assert data["token"].startswith("samen_") and data["hint"] == data["token"][:12]
    return {"HTTP_AUTHORIZATION": f"Bearer {data['token']}"}


def test_token_is_issued_once_and_stored_hashed(world, client):
    auth = token_for(client, "politie")
    key = auth["HTTP_AUTHORIZATION"].split()[1]
    stored = ApiToken.objects.get(user=world.users.police)
    assert stored.key_hash == ApiToken.hash(key) and key not in stored.key_hash
    listed = client.get("/api/v1/tokens", **auth).json()
    assert listed["count"] == 1 and "token" not in listed["results"][0]


def test_wrong_password_is_a_problem(world, client):
    response = client.post(
        "/api/v1/tokens",
        {"username": "politie", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_full_round_through_the_api(world, client):
    holder, programme = token_for(client, "politie"), token_for(client, "programma")
    mine = client.get("/api/v1/progress-updates?organisation=police", **holder).json()
    assert {u["action"] for u in mine["results"]} == {"A.1", "A.3"}
    update = next(u for u in mine["results"] if u["action"] == "A.1")
    assert set(update) >= {
        "id",
        "version",
        "round",
        "action",
        "organisation",
        "reviewState",
        "progressStatus",
        "percentComplete",
        "achievements",
        "obstacles",
        "helpNeeded",
    }
    assert update["reportText"] is None  # the editorial layer is the programme team's

    patched = client.patch(
        f"/api/v1/progress-updates/{update['id']}",
        {
            "version": update["version"],
            "progressStatus": "at_risk",
            "percentComplete": 30,
            "achievements": "Eerste resultaten",
            "indicators": [{"name": "getrainde professionals", "value": 40}],
        },
        content_type="application/json",
        **holder,
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["version"] == update["version"] + 1 and body["reviewState"] == "draft"
    assert body["indicators"] == [{"name": "getrainde professionals", "value": 40.0, "unit": ""}]

    submitted = client.post(f"/api/v1/progress-updates/{update['id']}/submit", **holder)
    assert submitted.json()["reviewState"] == "submitted"
    returned = client.post(
        f"/api/v1/progress-updates/{update['id']}/return",
        {"comment": "Meer cijfers"},
        content_type="application/json",
        **programme,
    )
    assert (
        returned.json()["reviewState"] == "returned"
        and returned.json()["reviewComment"] == "Meer cijfers"
    )
    again = client.get(f"/api/v1/progress-updates/{update['id']}", **holder).json()
    client.patch(
        f"/api/v1/progress-updates/{update['id']}",
        {"version": again["version"], "achievements": "40"},
        content_type="application/json",
        **holder,
    )
    assert (
        client.post(f"/api/v1/progress-updates/{update['id']}/submit", **holder).json()[
            "reviewState"
        ]
        == "resubmitted"
    )
    approved = client.post(f"/api/v1/progress-updates/{update['id']}/approve", **programme).json()
    assert approved["reviewState"] == "approved" and approved["reportText"]["achievements"] == "40"

    closed = client.post(f"/api/v1/reporting-rounds/{world.round.pk}/close", **programme)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_stale_patch_is_a_409_problem_and_changes_nothing(world, client):
    holder = token_for(client, "politie")
    update = world.updates[("A.1", "police")]
    first = client.patch(
        f"/api/v1/progress-updates/{update.pk}",
        {"version": 1, "achievements": "A"},
        content_type="application/json",
        **holder,
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/progress-updates/{update.pk}",
        {"version": 1, "achievements": "B"},
        content_type="application/json",
        **holder,
    )
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    problem = second.json()
    assert problem["status"] == 409 and "versie 2" in problem["detail"]
    update.refresh_from_db()
    assert update.achievements == "A"


@pytest.mark.parametrize(
    "body,param",
    [
        ({"version": 1, "percentComplete": 140}, "percentComplete"),
        ({"version": 1, "progressStatus": "great"}, "progressStatus"),
        ({"achievements": "no version"}, "version"),
        ({"version": "one"}, "version"),
    ],
)
def test_bad_patch_bodies_name_the_field(world, client, body, param):
    holder = token_for(client, "politie")
    update = world.updates[("A.1", "police")]
    response = client.patch(
        f"/api/v1/progress-updates/{update.pk}", body, content_type="application/json", **holder
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == param


def test_create_and_open_a_round_through_the_api(world, client):
    programme = token_for(client, "programma")
    created = client.post(
        "/api/v1/reporting-rounds",
        {
            "title": "Tweede helft",
            "periodStart": "2026-07-01",
            "periodEnd": "2026-12-31",
            "opensOn": "2026-01-05",
            "deadline": "2027-01-31T17:00:00+01:00",
            "actions": ["A.1", "A.3"],
        },
        content_type="application/json",
        **programme,
    )
    assert created.status_code == 201, created.content
    round_id = created.json()["id"]
    opened = client.post(f"/api/v1/reporting-rounds/{round_id}/open", **programme)
    assert opened.json()["status"] == "open"
    listed = client.get(f"/api/v1/progress-updates?round={round_id}", **programme).json()
    assert listed["count"] == 3  # A.1 police; A.3 police and ngo
    bad = client.post(
        "/api/v1/reporting-rounds",
        {
            "title": "x",
            "periodStart": "2026-07-01",
            "periodEnd": "2026-01-01",
            "opensOn": "2026-07-01",
            "deadline": "2026-08-01T00:00:00+02:00",
            "actions": ["NOPE"],
        },
        content_type="application/json",
        **programme,
    )
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"periodEnd", "actions"}


def test_progress_update_filters(world, client):
    programme = token_for(client, "programma")
    data = client.get("/api/v1/progress-updates?action=A.3&status=not_started", **programme).json()
    assert data["count"] == 2
    bad = client.get("/api/v1/progress-updates?status=finished", **programme)
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "status"


def test_numbers_are_json_numbers_and_indicator_names_are_bounded(world, client):
    """`percentComplete: true` is not 1, nor is "40" forty; 40.0 is; an indicator's name
    has a length limit."""
    from samen.accounts.models import ApiToken

    update = world.updates[("A.1", "police")]
    _token, key = ApiToken.issue(world.users.police)
    url = f"/api/v1/progress-updates/{update.pk}"

    def patch(**body):
        return client.patch(
            url,
            {"version": update.version, **body},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    for bad in (True, "40", 40.5, 101):
        response = patch(percentComplete=bad)
        assert response.status_code == 400, bad
        assert response.json()["invalidParams"][0]["name"] == "percentComplete"
    assert patch(indicators=[{"name": "x" * 201, "value": 1}]).status_code == 400
    assert patch(indicators=[{"name": "trainingen", "value": True}]).status_code == 400
    assert patch(unknownField="x").status_code == 400
    update.refresh_from_db()
    assert update.percent_complete is None and update.version == 1
    response = patch(percentComplete=40.0, indicators=[{"name": "x" * 200, "value": 3}])
    assert response.status_code == 200 and response.json()["percentComplete"] == 40

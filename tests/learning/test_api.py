"""The learning API: what each caller may read and write, tried through the API (issue 15)."""

import pytest

from samen.learning import services
from samen.learning.models import Lesson, Question

from .helpers import api, lesson, question

pytestmark = pytest.mark.django_db


def test_partners_share_and_read_the_public_reads_only_published(world, client):
    response = api(
        client,
        world.users.police,
        "post",
        "/api/v1/lessons",
        title="Via de API",
        context="Context",
        tried="Geprobeerd met apiwoord",
        evidenceLevel="evaluated",
        contactEmail="agent@example.org",
        tags={"exploitationForms": ["criminal"], "actions": ["A.3"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"]["code"] == "police"
    assert [t["code"] for t in body["tags"]["exploitationForms"]] == ["criminal"]
    pk = body["id"]
    assert (
        api(client, world.users.ngo, "get", f"/api/v1/lessons/{pk}")
        .json()["tried"]
        .endswith("apiwoord")
    )
    for outsider in (None, world.users.viewer, world.users.analyst):
        assert api(client, outsider, "get", f"/api/v1/lessons/{pk}").status_code == 404
        assert api(client, outsider, "get", "/api/v1/lessons").json()["count"] == 0
        assert (
            api(client, outsider, "get", "/api/v1/learning-search?q=apiwoord").json()["count"] == 0
        )
    services.publish(world.users.programme, Lesson.objects.get(pk=pk))
    public = api(client, None, "get", f"/api/v1/lessons/{pk}").json()
    assert public["contactEmail"] is None and public["published"] is True
    hits = api(client, None, "get", "/api/v1/learning-search?q=apiwoord").json()
    assert [h["id"] for h in hits["results"]] == [pk]


def test_viewers_and_the_public_cannot_write(world, client):
    q = question(world.users.police)
    services.publish(world.users.programme, q)
    for outsider in (world.users.viewer, world.users.analyst):
        assert (
            api(
                client, outsider, "post", "/api/v1/lessons", title="x", context="y", tried="z"
            ).status_code
            == 403
        )
        assert (
            api(client, outsider, "post", "/api/v1/questions", title="x", body="y").status_code
            == 403
        )
        assert (
            api(client, outsider, "post", f"/api/v1/questions/{q.pk}/answers", body="y").status_code
            == 403
        )
    assert (
        api(client, None, "post", "/api/v1/lessons", title="x", context="y", tried="z").status_code
        == 401
    )
    assert not Lesson.objects.exists()
    # A wrong token is refused, never treated as the public.
    response = client.get("/api/v1/lessons", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401


def test_questions_and_answers(world, client):
    response = api(
        client,
        world.users.police,
        "post",
        "/api/v1/questions",
        title="Vraag via API",
        body="Wie weet het?",
        tags={"ageGroups": [], "exploitationForms": ["criminal"]},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    answered = api(client, world.users.ngo, "post", f"/api/v1/questions/{pk}/answers", body="Wij")
    assert answered.status_code == 201 and answered.json()["answers"][0]["body"] == "Wij"
    listed = api(
        client, world.users.ngo, "get", "/api/v1/questions?exploitationForm=criminal"
    ).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert api(client, None, "get", f"/api/v1/questions/{pk}").status_code == 404
    assert api(client, None, "post", f"/api/v1/questions/{pk}/answers", body="x").status_code == 401
    assert Question.objects.get().answers.count() == 1


def test_unknown_parameters_and_codes_are_named(world, client):
    lesson(world.users.police)
    bad = api(client, world.users.ngo, "get", "/api/v1/lessons?exploitationFrom=criminal")
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "exploitationFrom"
    bad = api(client, world.users.ngo, "get", "/api/v1/lessons?exploitationForm=nope")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"


def test_dates_are_strict(world, client):
    lesson(world.users.police)
    for value in ("0", "2026-13-01", "gisteren"):
        response = api(client, world.users.ngo, "get", f"/api/v1/lessons?createdFrom={value}")
        assert response.status_code == 400, value
    ok = api(client, world.users.ngo, "get", "/api/v1/lessons?createdFrom=2000-01-01").json()
    assert ok["count"] == 1

"""The read API through HTTP, as an integrating system uses it."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.api.urls import api
from tests.plan.factories import ActionFactory, ActionLineFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["API-Version"] == "1.0.0"
    return response.json()


def test_actions_filtered_with_the_documented_shape(client, bundled_plan):
    data = get(client, "/api/v1/actions?exploitationForm=criminal&ageGroup=minors")
    assert data["count"] == 12 and data["page"] == 1 and data["pageSize"] == 50
    action = next(a for a in data["results"] if a["code"] == "U.6")
    assert action["actionLine"] == "AL1"
    assert action["holders"] == ["jenv"] and "comensha" in action["involved"]
    assert action["exploitationForms"] == ["sexual", "labour", "criminal"]
    assert action["ageGroups"] == ["minors", "young-adults", "adults"]
    assert action["confirmed"] is False and "holders" in action["inferredFields"]
    assert action["source"].startswith("https://")
    assert set(action) >= {
        "code",
        "title",
        "actionLine",
        "strategicGoals",
        "holders",
        "involved",
        "exploitationForms",
        "ageGroups",
        "status",
        "period",
        "source",
        "confirmed",
    }


def test_role_and_organisation_filters(client, bundled_plan):
    held = get(client, "/api/v1/actions?organisation=politie&role=holder")
    involved = get(client, "/api/v1/actions?organisation=politie&role=involved")
    assert [a["code"] for a in held["results"]] == ["U.3"]
    assert [a["code"] for a in involved["results"]] == ["U.7"]


def test_pagination_links(client, bundled_plan):
    first = get(client, "/api/v1/actions?pageSize=5")
    assert len(first["results"]) == 5 and first["previous"] is None
    assert "page=2" in first["next"] and "pageSize=5" in first["next"]
    last = get(client, "/api/v1/actions?pageSize=5&page=3")
    assert len(last["results"]) == 4 and last["next"] is None


@pytest.mark.parametrize(
    "url,param",
    [
        ("/api/v1/actions?exploitationForm=slavery", "exploitationForm"),
        ("/api/v1/actions?ageGroup=elderly", "ageGroup"),
        ("/api/v1/actions?actionLine=AL9", "actionLine"),
        ("/api/v1/actions?role=boss", "role"),
        ("/api/v1/actions?exploitationform=sexual", "exploitationform"),
        ("/api/v1/actions?page=0", "page"),
        ("/api/v1/actions?page=99", "page"),
        ("/api/v1/actions?pageSize=1000", "pageSize"),
        ("/api/v1/actions?page=abc", "page"),
        ("/api/v1/coverage?columns=colour", "columns"),
        ("/api/v1/plan-versions/2024-06/changes?base=1999", "base"),
    ],
)
def test_bad_parameters_are_problems_that_name_the_parameter(client, bundled_plan, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert problem["invalidParams"][0]["name"] == param


def test_not_found_is_a_problem_too(client, bundled_plan):
    for url in (
        "/api/v1/actions/NOPE",
        "/api/v1/organisations/nope",
        "/api/v1/nothing-here",
        "/api/v1/plan-versions/1999",
    ):
        response = client.get(url)
        assert (
            response.status_code == 404 and response["Content-Type"] == "application/problem+json"
        )
        assert response["API-Version"] == "1.0.0"


def test_taxonomies_goals_lines_and_organisations(client, bundled_plan):
    forms = get(client, "/api/v1/exploitation-forms")
    assert [f["code"] for f in forms["results"]] == [
        "sexual",
        "labour",
        "criminal",
        "organ-removal",
    ]
    ages = get(client, "/api/v1/age-groups")
    assert [a["code"] for a in ages["results"]] == ["minors", "young-adults", "adults"]
    goals = get(client, "/api/v1/strategic-goals")
    assert goals["count"] == 3 and goals["results"][0]["confirmed"] is True
    lines = get(client, "/api/v1/action-lines")
    assert lines["results"][4]["nameNl"] == "" and lines["results"][4]["confirmed"] is False
    org = get(client, "/api/v1/organisations/kmar")
    assert org == {**org, "shortName": "KMar", "type": "police"}


def test_english_via_accept_language(client, bundled_plan):
    data = get(client, "/api/v1/actions/U.1", HTTP_ACCEPT_LANGUAGE="en")
    assert data["title"].startswith("Campaigns and training")
    assert get(client, "/api/v1/actions/U.1")["title"].startswith("Campagnes en training")


def test_coverage_endpoint(client, bundled_plan):
    data = get(client, "/api/v1/coverage?rows=actionLine&columns=exploitationForm")
    cell = next(c for c in data["cells"] if c["row"] == "AL5" and c["column"] == "sexual")
    assert cell == {"row": "AL5", "column": "sexual", "count": 0, "gap": True, "withIndicator": 0}
    assert data["total"] == 14 and data["gapCount"] == 4
    by_goal = get(
        client, "/api/v1/coverage?rows=actionLine&columns=strategicGoal&exploitationForm=labour"
    )
    assert by_goal["columns"] == "strategicGoal"


def test_plan_versions_and_changes(client, bundled_plan):
    versions = get(client, "/api/v1/plan-versions")
    assert [v["code"] for v in versions["results"]] == ["2023-10", "2024-06"]
    assert versions["results"][1]["date"] == "2024-06-17"
    changes = get(client, "/api/v1/plan-versions/2024-06/changes")
    assert changes["base"] == "2023-10"
    assert [a["code"] for a in changes["added"]] == ["S.1", "S.2", "S.3", "S.4", "S.5"]
    assert changes["unchangedCount"] == 9
    first = client.get("/api/v1/plan-versions/2023-10/changes")
    assert first.status_code == 400 and first.json()["invalidParams"][0]["name"] == "base"


def test_action_list_query_count_does_not_grow_with_the_plan(client, db):
    line = ActionLineFactory()
    org = OrganisationFactory()

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            get(client, "/api/v1/actions?pageSize=500")
        return len(ctx.captured_queries)

    ActionFactory.create_batch(
        3, action_line=line, forms=["sexual"], ages=["minors"], holders=[org]
    )
    small = queries()
    ActionFactory.create_batch(
        60, action_line=line, forms=["labour"], ages=["adults"], holders=[org]
    )
    assert queries() == small


def test_committed_openapi_document_is_current():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(api.get_openapi_schema(), default=str)), (
        "docs/openapi.json is stale: run `make openapi` and commit the result"
    )


def test_openapi_document_is_served_with_contact_and_version_header(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    schema = response.json()
    assert set(schema["info"]["contact"]) == {"name", "email", "url"}
    assert schema["servers"][0]["url"] == "/api/v1"
    for path, operations in schema["paths"].items():
        assert not path.endswith("/") or path == "/"
        for operation in operations.values():
            success = [r for code, r in operation["responses"].items() if code.startswith("2")]
            assert success and all("API-Version" in r["headers"] for r in success)
            assert "application/problem+json" in operation["responses"]["400"]["content"]

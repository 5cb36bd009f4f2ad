"""Open data downloads and the published-rounds API: a stable schema, the
published text only."""

import csv
import io

import pytest
from openpyxl import load_workbook

from samen.portal import open_data
from samen.reporting import publication


@pytest.fixture
def published(reported, bundled_plan):
    publication.publish_round(reported.users.programme, reported.round)
    return reported


def test_progress_csv_has_the_documented_columns_and_one_row_per_published_update(
    client, published
):
    response = client.get("/openbaar/open-data/voortgang.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == open_data.PROGRESS_FIELDS
    assert sorted((r["action_code"], r["organisation"]) for r in rows) == [
        ("A.1", "police"),
        ("A.3", "ngo"),
        ("A.3", "police"),
    ]
    a1 = next(r for r in rows if r["action_code"] == "A.1")
    assert a1["progress_status"] == "at_risk"
    assert a1["achievements"] == "REPORTWORD **Forty** people trained."
    assert a1["exploitation_forms"] == "sexual"
    assert a1["round_title"] == "Ronde 1"


def test_progress_json_names_its_schema(client, published):
    data = client.get("/openbaar/open-data/voortgang.json").json()
    assert data["schema"] == "samen-open-progress/1"
    assert data["count"] == 3 and set(data["records"][0]) == set(open_data.PROGRESS_FIELDS)


def test_plan_as_xlsx_and_json(client, published):
    response = client.get("/openbaar/open-data/plan.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == open_data.PLAN_FIELDS
    plan = client.get("/openbaar/open-data/plan.json").json()
    assert plan["schema"] == "samen-open-plan/1"
    assert plan["count"] == len(rows) - 1 > 10  # the bundled plan plus the test world
    assert any(r["action_code"] == "U.1" for r in plan["records"])


def test_formula_like_text_is_not_a_formula_in_csv(published):
    body = open_data.write([{"x": "=HYPERLINK(1)"}], ("x",), "samen-open-test/1", "csv").decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in body


def test_unknown_dataset_or_format_is_not_found(client, published):
    assert client.get("/openbaar/open-data/plan.ods").status_code == 404
    assert client.get("/openbaar/open-data/geheim.csv").status_code == 404
    assert client.get("/openbaar/open-data/voortgang.csv?ronde=abc").status_code == 404


def test_api_published_round_with_public_updates(client, published):
    listed = client.get("/api/v1/published-rounds").json()
    assert listed["count"] == 1 and listed["results"][0]["title"] == "Ronde 1"
    detail = client.get(f"/api/v1/published-rounds/{published.round.pk}").json()
    assert detail["actionCount"] == 3
    counts = {c["status"]: c["count"] for c in detail["statusCounts"]}
    assert counts["at_risk"] == 1 and counts["not_reported"] == 1 and counts["on_track"] == 1
    a1 = next(u for u in detail["updates"] if u["action"] == "A.1")
    assert a1["achievements"] == "REPORTWORD **Forty** people trained."
    assert set(a1) == {
        "action", "actionTitle", "actionLine", "exploitationForms", "organisation",
        "organisationName", "progressStatus", "percentComplete", "achievements",
        "obstacles", "helpNeeded",
    }  # fmt: skip


def test_api_filters_and_search(client, published):
    url = f"/api/v1/published-rounds/{published.round.pk}/updates"
    assert client.get(url, {"q": "forty"}).json()["count"] == 1
    assert client.get(url, {"status": "completed"}).json()["results"][0]["organisation"] == "ngo"
    assert client.get(url, {"exploitationForm": "criminal"}).json()["count"] == 2
    bad = client.get(url, {"status": "secret"})
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "status"
    unknown = client.get(url, {"reviewState": "draft"})
    assert (
        unknown.status_code == 400 and unknown.json()["invalidParams"][0]["name"] == "reviewState"
    )


def test_openapi_documents_the_published_rounds_and_keeps_other_parameters(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    def params(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {
        "actionLine",
        "exploitationForm",
        "organisation",
        "status",
        "q",
        "page",
        "pageSize",
    } <= (params("/published-rounds/{round_id}/updates"))
    assert "security" not in schema["paths"]["/published-rounds"]["get"]  # no token needed
    # The reporting API's filters keep their own schema beside the public ones.
    components = schema["components"]["schemas"]
    assert set(components["UpdateFilters"]["properties"]) == {
        "round",
        "organisation",
        "action",
        "status",
    }
    assert "exploitationForm" in components["PublishedUpdateFilters"]["properties"]

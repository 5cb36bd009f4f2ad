"""The budget through the API: decimal strings, never floats; tokens for the
working figures; changes by the programme team only; money in the coverage."""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.accounts.models import ApiToken
from samen.budget.models import Allocation
from samen.core.models import AuditEvent
from tests.budget.factories import AllocationFactory, FundingLineFactory
from tests.plan.factories import ActionFactory, ActionLineFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def budget(db):
    struct = FundingLineFactory(
        code="coalitieakkoord",
        name_nl="Structureel",
        amount_per_year=D("2000000.00"),
        start_year=2023,
    )
    extra = FundingLineFactory(
        code="versterking-2024",
        name_nl="Versterking",
        amount_per_year=D("500000.00"),
        start_year=2024,
        end_year=2027,
        order=1,
    )
    line = ActionLineFactory(number=1, code="L1")
    a1 = ActionFactory(code="A.1", action_line=line, forms=["sexual"])
    a2 = ActionFactory(code="A.2", action_line=line, forms=["sexual", "labour"])
    AllocationFactory(funding_line=struct, action=a1, year=2025, amount=D("0.10"))
    AllocationFactory(funding_line=extra, action=a2, year=2025, amount=D("0.20"))
    return struct, extra


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def call(client, method, url, status, body=None, **headers):
    kwargs = (
        {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    )
    response = getattr(client, method)(url, **kwargs, **headers)
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def test_funding_lines_are_public_with_amounts_per_year_as_strings(client, budget):
    data = call(client, "get", "/api/v1/funding-lines", 200)
    assert data["count"] == 2 and data["page"] == 1
    struct, extra = data["results"]
    assert struct["amountPerYear"] == "2000000.00" and struct["structural"] is True
    assert struct["endYear"] is None and struct["startYear"] == 2023
    assert extra["amounts"] == [
        {"year": 2024, "amount": "500000.00"},
        {"year": 2025, "amount": "500000.00"},
        {"year": 2026, "amount": "500000.00"},
        {"year": 2027, "amount": "500000.00"},
    ]
    assert struct["amounts"][0] == {"year": 2023, "amount": "2000000.00"}
    assert struct["amounts"][-1]["year"] == 2027  # the horizon the budget pages show
    one = call(client, "get", "/api/v1/funding-lines/versterking-2024", 200)
    assert one["code"] == "versterking-2024"
    missing = client.get("/api/v1/funding-lines/nope")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM


def test_allocations_need_a_token(client, budget):
    response = client.get("/api/v1/allocations")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_allocations_are_exact_decimal_strings(client, users, budget):
    data = call(client, "get", "/api/v1/allocations?year=2025", 200, **auth(users.viewer))
    assert [(r["action"], r["fundingLine"], r["amount"]) for r in data["results"]] == [
        ("A.1", "coalitieakkoord", "0.10"),
        ("A.2", "versterking-2024", "0.20"),
    ]
    assert all(isinstance(r["amount"], str) for r in data["results"])
    only = call(
        client, "get", "/api/v1/allocations?fundingLine=versterking-2024", 200, **auth(users.viewer)
    )
    assert only["count"] == 1
    bad = call(client, "get", "/api/v1/allocations?fundingLine=pot", 400, **auth(users.viewer))
    assert bad["invalidParams"][0]["name"] == "fundingLine"
    unknown = call(client, "get", "/api/v1/allocations?jaar=2025", 400, **auth(users.viewer))
    assert unknown["invalidParams"][0]["name"] == "jaar"


def test_the_programme_team_creates_changes_and_deletes(client, users, budget):
    token = auth(users.programme)
    created = call(
        client,
        "post",
        "/api/v1/allocations",
        201,
        {"fundingLine": "versterking-2024", "action": "A.1", "year": 2026, "amount": "123456.78"},
        **token,
    )
    assert created["amount"] == "123456.78" and created["version"] == 1
    assert Allocation.objects.get(pk=created["id"]).amount == D("123456.78")
    changed = call(
        client,
        "patch",
        f"/api/v1/allocations/{created['id']}",
        200,
        {"version": 1, "amount": "0.01"},
        **token,
    )
    assert changed["amount"] == "0.01" and changed["version"] == 2
    stale = call(
        client,
        "patch",
        f"/api/v1/allocations/{created['id']}",
        409,
        {"version": 1, "amount": "5.00"},
        **token,
    )
    assert stale["status"] == 409
    call(client, "delete", f"/api/v1/allocations/{created['id']}", 204, **token)
    kinds = list(
        AuditEvent.objects.filter(
            object_type="budget.allocation", object_id=str(created["id"])
        ).values_list("kind", flat=True)
    )
    assert kinds == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("amount", "name"),
    [(123456.78, "amount"), ("1.234,56", "amount"), ("-5.00", "amount"), ("1.005", "amount")],
)
def test_amounts_must_be_decimal_strings(client, users, budget, amount, name):
    problem = call(
        client,
        "post",
        "/api/v1/allocations",
        400,
        {"fundingLine": "versterking-2024", "action": "A.1", "year": 2026, "amount": amount},
        **auth(users.programme),
    )
    assert problem["invalidParams"][0]["name"] == name
    assert not Allocation.objects.filter(year=2026).exists()


def test_a_bad_allocation_names_its_fields(client, users, budget):
    problem = call(
        client,
        "post",
        "/api/v1/allocations",
        400,
        {"fundingLine": "versterking-2024", "action": "X.9", "year": 2023, "amount": "1.00"},
        **auth(users.programme),
    )
    assert {p["name"] for p in problem["invalidParams"]} == {"action", "year"}


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_other_roles_read_but_cannot_change(client, users, budget, role):
    token = auth(getattr(users, role))
    allocation = Allocation.objects.first()
    call(client, "get", f"/api/v1/allocations/{allocation.pk}", 200, **token)
    body = {"fundingLine": "coalitieakkoord", "action": "A.1", "year": 2026, "amount": "1.00"}
    assert call(client, "post", "/api/v1/allocations", 403, body, **token)["status"] == 403
    call(
        client,
        "patch",
        f"/api/v1/allocations/{allocation.pk}",
        403,
        {"version": 1, "amount": "9.00"},
        **token,
    )
    call(client, "delete", f"/api/v1/allocations/{allocation.pk}", 403, **token)
    assert Allocation.objects.count() == 2 and Allocation.objects.get(pk=allocation.pk).amount == D(
        "0.10"
    )


def test_spending_is_listed_per_round(client, users, budget):
    from tests.budget.factories import SpendingFactory

    struct, _extra = budget
    SpendingFactory(funding_line=struct, action=Allocation.objects.first().action, amount=D("0.05"))
    data = call(client, "get", "/api/v1/spending?year=2025", 200, **auth(users.analyst))
    assert data["results"][0]["amount"] == "0.05" and data["results"][0]["round"] is None
    assert client.get("/api/v1/spending").status_code == 401


def test_coverage_in_euros_needs_a_token_and_adds_up_exactly(client, users, budget):
    counts = call(client, "get", "/api/v1/coverage", 200)
    assert counts["measure"] == "count" and "totalAmount" not in counts  # as before: counts only
    assert client.get("/api/v1/coverage?measure=amount&year=2025").status_code == 401
    data = call(
        client, "get", "/api/v1/coverage?measure=amount&year=2025", 200, **auth(users.viewer)
    )
    assert (data["measure"], data["year"], data["totalAmount"], data["total"]) == (
        "amount",
        2025,
        "0.30",
        2,
    )
    cells = {(c["row"], c["column"]): c for c in data["cells"]}
    assert cells[("L1", "sexual")]["amount"] == "0.30" and cells[("L1", "sexual")]["count"] == 2
    assert cells[("L1", "labour")]["amount"] == "0.20"
    assert data["gapCount"] == 0 and not any(c["gap"] for c in data["cells"])
    rows = {m["code"]: m for m in data["rowMembers"]}
    assert rows["L1"]["amount"] == "0.30"
    assert (
        call(client, "get", "/api/v1/coverage?measure=euro", 400)["invalidParams"][0]["name"]
        == "measure"
    )
    bad_year = call(
        client, "get", "/api/v1/coverage?measure=amount&year=1999", 400, **auth(users.viewer)
    )
    assert bad_year["invalidParams"][0]["name"] == "year"


def test_allocation_list_and_money_coverage_do_not_grow_with_the_plan(client, users, budget):
    struct, _extra = budget
    token = auth(users.viewer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            call(client, "get", "/api/v1/allocations?pageSize=500", 200, **token)
            call(client, "get", "/api/v1/coverage?measure=amount&year=2025", 200, **token)
            call(client, "get", "/api/v1/funding-lines", 200)
        return len(ctx.captured_queries)

    queries()  # the token's first use is written down once; measure after it
    small = queries()
    line = ActionLineFactory(number=2, code="L2")
    for _ in range(40):
        AllocationFactory(
            funding_line=struct,
            action=ActionFactory(action_line=line, forms=["criminal"]),
            year=2025,
        )
    assert queries() == small

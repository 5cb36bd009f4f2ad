"""API of the budget: funding lines (public facts), allocations and spending
(signed-in roles; changes by the programme team only).

Thin: parsing and shaping. Access is decided by samen.accounts.access, writes
by samen.budget.services, exactly as for the web screens. Amounts are decimal
strings ("2000000.00"), never JSON numbers: no float ever holds money.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samen.accounts import access
from samen.accounts.access import Denied
from samen.budget import money, selectors, services
from samen.budget.models import Allocation, FundingLine, Spending

from .auth import bearer
from .base import MAX_ID, MAX_YEAR, MIN_YEAR, ApiProblem, Body, Problem, bad_parameter
from .plan import Paging, paginate, reject_unknown

router = Router(tags=["budget"])

AMOUNT_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
AMOUNT_DOC = "An amount in euros as a decimal string, e.g. '125000.00'; never a number."


# --- schemas --------------------------------------------------------------------------


class YearAmount(Schema):
    year: int
    amount: str = Field(..., description=AMOUNT_DOC, examples=["2000000.00"])


class FundingLineOut(Schema):
    code: str
    name: str
    nameNl: str
    nameEn: str
    origin: str
    ministry: str | None = Field(None, description="Organisation code of the ministry.")
    amountPerYear: str = Field(..., description=AMOUNT_DOC)
    startYear: int
    endYear: int | None = Field(None, description="Empty for a structural line.")
    structural: bool
    amounts: list[YearAmount] = Field(
        ..., description="The money of this line per budget year (the years the budget shows)."
    )
    source: str
    confirmed: bool
    inferredFields: list[str]
    note: str
    demo: bool


class FundingLineList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[FundingLineOut]


class AllocationOut(Schema):
    id: int
    version: int
    fundingLine: str
    action: str
    year: int
    amount: str = Field(..., description=AMOUNT_DOC)
    note: str
    demo: bool
    updatedAt: dt.datetime


class AllocationList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[AllocationOut]


class AllocationIn(Body):
    fundingLine: str = Field(..., max_length=50, description="Funding line code.")
    action: str = Field(..., max_length=50, description="Action code.")
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    amount: str = Field(..., pattern=AMOUNT_PATTERN, description=AMOUNT_DOC)
    note: str = Field("", max_length=services.MAX_NOTE)


class AllocationPatch(Body):
    version: int = Field(
        ..., ge=1, le=MAX_ID, description="The version you edited; a stale one gives 409."
    )
    fundingLine: str | None = Field(None, max_length=50)
    action: str | None = Field(None, max_length=50)
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    amount: str | None = Field(None, pattern=AMOUNT_PATTERN, description=AMOUNT_DOC)
    note: str | None = Field(None, max_length=services.MAX_NOTE)


class SpendingOut(AllocationOut):
    round: int | None = Field(None, description="The reporting round it was reported in.")


class SpendingList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[SpendingOut]


class EntryFilters(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Budget year.")
    fundingLine: str | None = Field(None, description="Funding line code.")
    action: str | None = Field(None, description="Action code.")


# --- shaping ------------------------------------------------------------------------------


def funding_line_out(line: FundingLine, years: list[int]) -> dict[str, Any]:
    return {
        "code": line.code,
        "name": line.name,
        "nameNl": line.name_nl,
        "nameEn": line.name_en,
        "origin": line.origin,
        "ministry": line.ministry.code if line.ministry_id else None,
        "amountPerYear": money.as_string(line.amount_per_year),
        "startYear": line.start_year,
        "endYear": line.end_year,
        "structural": line.structural,
        "amounts": [
            {"year": y, "amount": money.as_string(line.envelope(y))}
            for y in years
            if line.covers(y)
        ],
        "source": line.source,
        "confirmed": line.confirmed,
        "inferredFields": list(line.inferred_fields),
        "note": line.note,
        "demo": line.is_demo,
    }


def entry_out(entry: Allocation | Spending) -> dict[str, Any]:
    out = {
        "id": entry.pk,
        "version": entry.version,
        "fundingLine": entry.funding_line.code,
        "action": entry.action.code,
        "year": entry.year,
        "amount": money.as_string(entry.amount),
        "note": entry.note,
        "demo": entry.is_demo,
        "updatedAt": entry.updated_at,
    }
    if isinstance(entry, Spending):
        out["round"] = entry.round_id
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _call(fn: Any, *args: Any) -> Any:
    """Run a service; turn its refusals into problem responses."""
    try:
        return fn(*args)
    except Denied as exc:
        raise ApiProblem(403, _("Not allowed"), str(exc)) from exc
    except services.Invalid as exc:
        raise ApiProblem(
            400,
            _("Invalid request"),
            str(exc),
            [
                {"name": _camel(name), "code": "rejected", "reason": reason}
                for name, reason in exc.errors.items()
            ],
        ) from exc
    except services.Conflict as exc:
        raise ApiProblem(409, _("Conflict"), str(exc)) from exc
    except (Allocation.DoesNotExist, Spending.DoesNotExist) as exc:
        raise Http404(_("No such entry.")) from exc


def _may_view(request: HttpRequest) -> None:
    if not access.can_view_budget(request.user):
        raise ApiProblem(403, _("Not allowed"), _("This account may not read the budget."))


def _filtered(
    request: HttpRequest, qs: Any, filters: EntryFilters, extra: tuple[str, ...] = ()
) -> Any:
    reject_unknown(request, ("year", "fundingLine", "action", *extra, "page", "pageSize"))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.fundingLine:
        if not FundingLine.objects.filter(code=filters.fundingLine).exists():
            raise bad_parameter(
                "fundingLine",
                _("unknown funding line '%(code)s'; expected one of: %(codes)s")
                % {
                    "code": filters.fundingLine,
                    "codes": ", ".join(FundingLine.objects.values_list("code", flat=True)),
                },
                "unknown-value",
            )
        qs = qs.filter(funding_line__code=filters.fundingLine)
    if filters.action:
        qs = qs.filter(action__code=filters.action)
    return qs.order_by("year", "action__sort_key", "funding_line__order", "pk")


# --- funding lines ----------------------------------------------------------------------


@router.get("/funding-lines", response=FundingLineList, summary="Funding lines and their amounts")
def funding_lines(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Where the money of the programme comes from, per year. Public facts."""
    reject_unknown(request, ("page", "pageSize"))
    lines = list(FundingLine.objects.select_related("ministry"))
    years = selectors.budget_years(lines)
    return paginate(
        request, lines, paging.page, paging.pageSize, lambda line: funding_line_out(line, years)
    )


@router.get("/funding-lines/{code}", response=FundingLineOut, summary="One funding line")
def funding_line(request: HttpRequest, code: str) -> dict[str, Any]:
    lines = list(FundingLine.objects.select_related("ministry"))
    found = next((line for line in lines if line.code == code), None)
    if found is None:
        raise Http404(_("No funding line with code '%(code)s'.") % {"code": code})
    return funding_line_out(found, selectors.budget_years(lines))


# --- allocations ------------------------------------------------------------------------


def _allocations() -> Any:
    return Allocation.objects.select_related("funding_line", "action")


@router.get(
    "/allocations",
    response={200: AllocationList, 403: Problem},
    auth=bearer,
    summary="Allocations per action, year and funding line",
)
def allocations(
    request: HttpRequest, filters: Query[EntryFilters], paging: Query[Paging]
) -> dict[str, Any]:
    _may_view(request)
    qs = _filtered(request, _allocations(), filters)
    return paginate(request, qs, paging.page, paging.pageSize, entry_out)


@router.post(
    "/allocations",
    response={201: AllocationOut, 403: Problem},
    auth=bearer,
    summary="Add an allocation (programme team)",
)
def create_allocation(request: HttpRequest, body: AllocationIn) -> Status[dict[str, Any]]:
    data = services.EntryData(
        funding_line=body.fundingLine,
        action=body.action,
        year=body.year,
        amount=_amount(body.amount, "amount"),
        note=body.note,
    )
    allocation = _call(services.create_allocation, request.user, data)
    return Status(201, entry_out(_allocations().get(pk=allocation.pk)))


def _amount(text: str, name: str) -> Any:
    try:
        return money.to_amount(text)
    except money.AmountError as exc:
        raise bad_parameter(name, str(exc)) from exc


def _visible_allocation(request: HttpRequest, allocation_id: int) -> Allocation:
    _may_view(request)
    found = _allocations().filter(pk=allocation_id).first()
    if found is None:
        raise Http404(_("No allocation %(id)s.") % {"id": allocation_id})
    return found


@router.get(
    "/allocations/{allocation_id}",
    response={200: AllocationOut, 403: Problem},
    auth=bearer,
    summary="One allocation",
)
def get_allocation(request: HttpRequest, allocation_id: int) -> dict[str, Any]:
    return entry_out(_visible_allocation(request, allocation_id))


@router.patch(
    "/allocations/{allocation_id}",
    response={200: AllocationOut, 403: Problem},
    auth=bearer,
    summary="Change an allocation (programme team; optimistic locking on version)",
)
def patch_allocation(
    request: HttpRequest, allocation_id: int, body: AllocationPatch
) -> dict[str, Any]:
    current = _visible_allocation(request, allocation_id)
    data = services.EntryData(
        funding_line=body.fundingLine or current.funding_line.code,
        action=body.action or current.action.code,
        year=body.year if body.year is not None else current.year,
        amount=_amount(body.amount, "amount") if body.amount is not None else current.amount,
        note=body.note if body.note is not None else current.note,
    )
    saved = _call(services.update_allocation, request.user, current.pk, data, body.version)
    return entry_out(_allocations().get(pk=saved.pk))


@router.delete(
    "/allocations/{allocation_id}",
    response={204: None, 403: Problem},
    auth=bearer,
    summary="Delete an allocation (programme team)",
)
def delete_allocation(request: HttpRequest, allocation_id: int) -> Status[None]:
    current = _visible_allocation(request, allocation_id)
    _call(services.delete_allocation, request.user, current.pk)
    return Status(204, None)


# --- spending ---------------------------------------------------------------------------


class SpendingFilters(EntryFilters):
    round: int | None = Field(None, ge=1, le=MAX_ID, description="Reporting round id.")


@router.get(
    "/spending",
    response={200: SpendingList, 403: Problem},
    auth=bearer,
    summary="Spending per action, year, funding line and reporting round",
)
def spending(
    request: HttpRequest, filters: Query[SpendingFilters], paging: Query[Paging]
) -> dict[str, Any]:
    _may_view(request)
    qs = _filtered(
        request, Spending.objects.select_related("funding_line", "action"), filters, ("round",)
    )
    if filters.round is not None:
        qs = qs.filter(round_id=filters.round)
    return paginate(request, qs, paging.page, paging.pageSize, entry_out)

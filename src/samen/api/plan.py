"""Read API of the action plan. Thin: parsing and shaping only; the queries
live in samen.plan.selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.core.models import translated
from samen.plan import selectors
from samen.plan.models import (
    Action,
    ActionLine,
    AgeGroup,
    ExploitationForm,
    Organisation,
    PlanVersion,
    StrategicGoal,
)

from .base import MAX_ID, MAX_YEAR, MIN_YEAR, Problem, bad_parameter

router = Router(tags=["plan"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


# --- schemas -------------------------------------------------------------------


class Term(Schema):
    code: str
    name: str
    nameNl: str
    nameEn: str


class TermList(Schema):
    count: int
    page: int
    pageSize: int
    results: list[Term]


class Goal(Schema):
    code: str
    number: int
    name: str
    nameNl: str
    nameEn: str
    source: str
    confirmed: bool
    actionCount: int


class GoalList(Schema):
    count: int
    page: int
    pageSize: int
    results: list[Goal]


class OrganisationOut(Schema):
    code: str
    shortName: str
    name: str
    type: str
    source: str
    confirmed: bool
    note: str


class OrganisationList(Schema):
    count: int
    page: int
    pageSize: int
    results: list[OrganisationOut]


class Period(Schema):
    start: int | None
    end: int | None


class MilestoneOut(Schema):
    title: str
    dueDate: dt.date | None
    doneDate: dt.date | None


class ActionOut(Schema):
    code: str
    kind: str
    title: str
    titleNl: str
    titleEn: str
    description: str
    actionLine: str | None
    strategicGoals: list[str]
    holders: list[str]
    involved: list[str]
    exploitationForms: list[str]
    ageGroups: list[str]
    status: str
    period: Period | None
    milestones: list[MilestoneOut]
    source: str
    confirmed: bool
    inferredFields: list[str]
    note: str
    demo: bool


class ActionList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[ActionOut]


MONEY_DOC = "With measure=amount: euros allocated in the year, as a decimal string."


class CoverageMember(Schema):
    code: str
    label: str
    total: int
    amount: str | None = Field(None, description=MONEY_DOC)


class CoverageCell(Schema):
    row: str
    column: str
    count: int
    gap: bool
    amount: str | None = Field(None, description=MONEY_DOC)
    withIndicator: int | None = Field(
        None, description="With measure=count: the actions in the cell that have an indicator."
    )


class CoverageOut(Schema):
    rows: str
    columns: str
    measure: str = Field("count", description="count (actions) or amount (euros allocated)")
    year: int | None = Field(None, description="With measure=amount: the budget year.")
    rowMembers: list[CoverageMember]
    columnMembers: list[CoverageMember]
    cells: list[CoverageCell]
    total: int
    totalAmount: str | None = Field(None, description=MONEY_DOC)
    gapCount: int


class VersionOut(Schema):
    code: str
    date: dt.date
    title: str
    titleNl: str
    titleEn: str
    source: str
    actionCount: int
    actions: list[str]


class VersionList(Schema):
    count: int
    page: int
    pageSize: int
    results: list[VersionOut]


class FieldChangeOut(Schema):
    field: str
    before: Any
    after: Any


class ActionChangeOut(Schema):
    code: str
    title: str
    changes: list[FieldChangeOut]


class ActionSummary(Schema):
    code: str
    title: str


class VersionChanges(Schema):
    base: str
    target: str
    added: list[ActionSummary]
    removed: list[ActionSummary]
    changed: list[ActionChangeOut]
    unchangedCount: int


# --- shaping -------------------------------------------------------------------


def term(obj: Any) -> dict[str, Any]:
    return {"code": obj.code, "name": obj.name, "nameNl": obj.name_nl, "nameEn": obj.name_en}


def action_out(a: Action, milestones: bool = True) -> dict[str, Any]:
    period = None
    if a.period_start is not None or a.period_end is not None:
        period = {"start": a.period_start, "end": a.period_end}
    return {
        "code": a.code,
        "kind": a.kind,
        "title": a.title,
        "titleNl": a.title_nl,
        "titleEn": a.title_en,
        "description": a.description,
        "actionLine": a.action_line.code if a.action_line_id else None,
        "strategicGoals": [g.code for g in a.strategic_goals.all()],
        "holders": [o.code for o in a.holders],
        "involved": [o.code for o in a.involved],
        "exploitationForms": [f.code for f in a.exploitation_forms.all()],
        "ageGroups": [g.code for g in a.age_groups.all()],
        "status": a.status,
        "period": period,
        "milestones": [
            {"title": translated(m, "title"), "dueDate": m.due_date, "doneDate": m.done_date}
            for m in a.milestones.all()
        ]
        if milestones
        else [],
        "source": a.source,
        "confirmed": a.confirmed,
        "inferredFields": list(a.inferred_fields),
        "note": a.note,
        "demo": a.is_demo,
    }


def paginate(
    request: HttpRequest,
    items: Sequence[Any] | QuerySet[Any],
    page: int,
    page_size: int,
    shape: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    if page < 1:
        raise bad_parameter("page", _("must be 1 or more"))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise bad_parameter("pageSize", _("must be between 1 and %(max)s") % {"max": MAX_PAGE_SIZE})
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * page_size
    if start and start >= count:
        raise bad_parameter(
            "page", _("page %(page)s is past the last page") % {"page": page}, "out-of-range"
        )
    window = items[start : start + page_size]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "page": page,
        "pageSize": page_size,
        "next": link(page + 1) if start + page_size < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [shape(item) for item in window],
    }


def reject_unknown(request: HttpRequest, allowed: Iterable[str]) -> None:
    """A misspelt parameter would silently filter nothing; name it instead."""
    allowed = set(allowed)
    for name in request.GET:
        if name not in allowed:
            raise bad_parameter(
                name,
                _("unknown parameter; expected one of: %(names)s")
                % {"names": ", ".join(sorted(allowed))},
                "unknown-parameter",
            )


def parse_filter(request: HttpRequest) -> selectors.ActionFilter:
    try:
        return selectors.parse_action_filter(request.GET.getlist)
    except selectors.FilterError as exc:
        raise bad_parameter(exc.param, str(exc), "unknown-value") from exc


PAGING = ("page", "pageSize")


class Filters(Schema):
    """The explorer's filters. Each may be repeated or comma-separated; values
    within one filter are alternatives, filters combine."""

    actionLine: list[str] = Field(default_factory=list, description="Action line code, or 'none'.")
    strategicGoal: list[str] = Field(default_factory=list, description="Strategic goal code.")
    exploitationForm: list[str] = Field(default_factory=list, description="Exploitation form code.")
    ageGroup: list[str] = Field(default_factory=list, description="Age group code.")
    organisation: list[str] = Field(default_factory=list, description="Organisation code.")
    role: str | None = Field(None, description="holder or involved (with or without organisation).")
    status: list[str] = Field(default_factory=list, description="Action status.")
    reportedStatus: list[str] = Field(
        default_factory=list,
        description=(
            "Reported progress, from the latest approved update of each action holder that the "
            "caller may read (without a token: published rounds only); not_reported where none."
        ),
    )
    q: str | None = Field(None, description="Free text in code, title and description.")


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_ID, description="Page number, from 1.")
    pageSize: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, 1 to {MAX_PAGE_SIZE}.",
    )


# --- endpoints -----------------------------------------------------------------


def _terms(request: HttpRequest, model: Any, paging: Paging) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    return paginate(request, model.objects.all(), paging.page, paging.pageSize, term)


@router.get("/exploitation-forms", response=TermList, summary="Exploitation forms")
def exploitation_forms(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return _terms(request, ExploitationForm, paging)


@router.get("/age-groups", response=TermList, summary="Age groups")
def age_groups(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return _terms(request, AgeGroup, paging)


def _goal(g: Any) -> dict[str, Any]:
    return {
        "code": g.code,
        "number": g.number,
        "name": g.name,
        "nameNl": g.name_nl,
        "nameEn": g.name_en,
        "source": g.source,
        "confirmed": g.confirmed,
        "actionCount": g.action_count,
    }


@router.get("/strategic-goals", response=GoalList, summary="Strategic goals")
def strategic_goals(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    # An aggregate query drops Meta.ordering: order explicitly (PostgreSQL differs otherwise).
    goals = StrategicGoal.objects.annotate(action_count=Count("actions")).order_by("number")
    return paginate(request, goals, paging.page, paging.pageSize, _goal)


@router.get("/action-lines", response=GoalList, summary="Action lines")
def action_lines(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    lines = ActionLine.objects.annotate(action_count=Count("actions")).order_by("number")
    return paginate(request, lines, paging.page, paging.pageSize, _goal)


def _organisation(o: Organisation) -> dict[str, Any]:
    return {
        "code": o.code,
        "shortName": o.short_name,
        "name": o.name,
        "type": o.type.code,
        "source": o.source,
        "confirmed": o.confirmed,
        "note": o.note,
    }


@router.get("/organisations", response=OrganisationList, summary="Organisations")
def organisations(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    orgs = Organisation.objects.select_related("type")
    return paginate(request, orgs, paging.page, paging.pageSize, _organisation)


@router.get("/organisations/{code}", response=OrganisationOut, summary="One organisation")
def organisation(request: HttpRequest, code: str) -> dict[str, Any]:
    org = Organisation.objects.select_related("type").filter(code=code).first()
    if org is None:
        raise Http404(_("No organisation with code '%(code)s'.") % {"code": code})
    return _organisation(org)


@router.get("/actions", response=ActionList, summary="Actions, filtered")
def actions(request: HttpRequest, filters: Query[Filters], paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, (*selectors.FILTER_PARAMS, *PAGING))
    f = parse_filter(request)
    qs = selectors.filter_actions(
        f, Action.objects.with_relations().prefetch_related("milestones"), user=request.user
    )
    return paginate(request, qs, paging.page, paging.pageSize, action_out)


@router.get("/actions/{code}", response=ActionOut, summary="One action")
def action(request: HttpRequest, code: str) -> dict[str, Any]:
    found = Action.objects.with_relations().prefetch_related("milestones").filter(code=code).first()
    if found is None:
        raise Http404(_("No action with code '%(code)s'.") % {"code": code})
    return action_out(found)


@router.get(
    "/coverage",
    response={200: CoverageOut, 401: Problem, 403: Problem},
    summary="Coverage matrix: actions (or euros) per cell, gaps",
    exclude_none=True,  # counts answer exactly as before; amounts appear with measure=amount
)
def coverage(
    request: HttpRequest,
    filters: Query[Filters],
    rows: str = "actionLine",
    columns: str = "exploitationForm",
    measure: str = Query(
        "count", description="count: actions per cell; amount: euros allocated (needs a token)."
    ),  # type: ignore[type-arg]
    year: int | None = Query(
        None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="With measure=amount: the budget year (default: this year).",
    ),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Counts are public. Euros (measure=amount) are the programme's working
    figures: they need a bearer token of a signed-in role (see samen.budget)."""
    reject_unknown(request, (*selectors.FILTER_PARAMS, "rows", "columns", "measure", "year"))
    f = parse_filter(request)
    if measure not in ("count", "amount"):
        raise bad_parameter(
            "measure",
            _("unknown value '%(value)s'; expected one of: count, amount") % {"value": measure},
            "unknown-value",
        )
    if measure == "amount":
        from .budget_coverage import money_coverage

        return money_coverage(request, rows, columns, f, year)
    try:
        matrix = selectors.coverage(rows, columns, f, user=request.user)
    except selectors.FilterError as exc:
        raise bad_parameter(exc.param, str(exc), "unknown-value") from exc
    cells = [
        {
            "row": r,
            "column": c,
            "count": matrix.count(r, c),
            "gap": not matrix.count(r, c),
            "withIndicator": matrix.measured.get((r, c), 0),
        }
        for r, _l in matrix.row_members
        for c, _m in matrix.column_members
    ]
    return {
        "rows": rows,
        "columns": columns,
        "rowMembers": [
            {"code": c, "label": str(label), "total": matrix.row_totals.get(c, 0)}
            for c, label in matrix.row_members
        ],
        "columnMembers": [
            {"code": c, "label": str(label), "total": matrix.column_totals.get(c, 0)}
            for c, label in matrix.column_members
        ],
        "cells": cells,
        "total": matrix.total,
        "gapCount": sum(1 for cell in cells if cell["gap"]),
        "measure": "count",
    }


def _version(v: PlanVersion) -> dict[str, Any]:
    return {
        "code": v.code,
        "date": v.date,
        "title": v.title,
        "titleNl": v.title_nl,
        "titleEn": v.title_en,
        "source": v.source,
        "actionCount": len(v.snapshot),
        "actions": [a["code"] for a in v.snapshot],
    }


@router.get("/plan-versions", response=VersionList, summary="Versions of the plan")
def plan_versions(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    return paginate(request, PlanVersion.objects.all(), paging.page, paging.pageSize, _version)


@router.get("/plan-versions/{code}", response=VersionOut, summary="One version of the plan")
def plan_version(request: HttpRequest, code: str) -> dict[str, Any]:
    version = PlanVersion.objects.filter(code=code).first()
    if version is None:
        raise Http404(_("No plan version with code '%(code)s'.") % {"code": code})
    return _version(version)


@router.get(
    "/plan-versions/{code}/changes",
    response=VersionChanges,
    summary="What changed in a version, compared with another",
)
def plan_version_changes(
    request: HttpRequest, code: str, base: str | None = None
) -> dict[str, Any]:
    """Actions added, removed and changed (field by field) in version `code`
    compared with `base` (default: the version before it). `code` may be
    `current` for the live plan."""
    reject_unknown(request, ("base",))
    codes = list(PlanVersion.objects.values_list("code", flat=True))
    if code != selectors.CURRENT and code not in codes:
        raise Http404(_("No plan version with code '%(code)s'.") % {"code": code})
    if base is None:
        earlier = codes[: codes.index(code)] if code in codes else codes
        if not earlier:
            raise bad_parameter(
                "base",
                _("version '%(code)s' is the first; give a base to compare with") % {"code": code},
                "required",
            )
        base = earlier[-1]
    if base != selectors.CURRENT and base not in codes:
        raise bad_parameter(
            "base",
            _("unknown plan version '%(code)s'; expected one of: %(codes)s")
            % {"code": base, "codes": ", ".join([*codes, selectors.CURRENT])},
            "unknown-value",
        )
    diff = selectors.diff_versions(base, code)

    def summary(a: dict[str, Any]) -> dict[str, str]:
        return {"code": a["code"], "title": translated(a, "title")}

    return {
        "base": diff.base,
        "target": diff.target,
        "added": [summary(a) for a in diff.added],
        "removed": [summary(a) for a in diff.removed],
        "changed": [
            {
                "code": c.code,
                "title": translated(c, "title"),
                "changes": [
                    {"field": fc.field, "before": fc.before, "after": fc.after} for fc in c.changes
                ],
            }
            for c in diff.changed
        ],
        "unchangedCount": diff.unchanged,
    }

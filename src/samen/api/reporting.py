"""Write API of the reporting process: rounds and progress updates.

Thin: parsing and shaping. Access is decided by samen.accounts.access, writes
by samen.reporting.services, exactly as for the web screens.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import Field as Constraint
from pydantic import StrictFloat, StrictInt, field_validator

from samen.accounts import access
from samen.accounts.access import Denied
from samen.reporting import services
from samen.reporting.models import ProgressStatus, ProgressUpdate, ReportingRound, ReviewState

from .auth import bearer
from .base import MAX_ID, NOT_BLANK, ApiProblem, Body, json_number
from .plan import Paging, paginate, reject_unknown

router = Router(tags=["reporting"], auth=bearer)


# --- schemas ----------------------------------------------------------------------


class RoundIn(Body):
    title: str = Field(..., max_length=200, pattern=NOT_BLANK)
    periodStart: dt.date
    periodEnd: dt.date
    opensOn: dt.date
    deadline: dt.datetime
    actions: list[str] | None = Field(
        None, description="Action codes; default: every running action."
    )


class RoundOut(Schema):
    id: int
    title: str
    periodStart: dt.date
    periodEnd: dt.date
    opensOn: dt.date
    deadline: dt.datetime
    status: str
    actions: list[str]
    demo: bool
    openedAt: dt.datetime | None
    closedAt: dt.datetime | None


class RoundList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[RoundOut]


class Indicator(Body):
    name: str = Field(..., max_length=services.MAX_INDICATOR_NAME, pattern=NOT_BLANK)
    value: StrictInt | StrictFloat = Field(..., allow_inf_nan=False)
    unit: str = Field("", max_length=services.MAX_INDICATOR_UNIT)


class ReportText(Schema):
    achievements: str
    obstacles: str
    helpNeeded: str


class UpdateOut(Schema):
    id: int
    version: int
    round: int
    action: str
    organisation: str
    reviewState: str
    progressStatus: str
    percentComplete: int | None
    achievements: str
    obstacles: str
    helpNeeded: str
    milestonesReached: list[int]
    indicators: list[Indicator]
    reviewComment: str | None = Field(
        description="The programme team's comment when it returned the update: only for the "
        "programme team and the organisation that wrote the update; null for everyone else."
    )
    submittedAt: dt.datetime | None
    updatedAt: dt.datetime
    reportText: ReportText | None = Field(
        None, description="The programme team's text for the report (programme team only)."
    )


class UpdateList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[UpdateOut]


ProgressStatusValue = Literal[tuple(["", *ProgressStatus.values])]  # type: ignore[valid-type]
Text = Annotated[str, Constraint(max_length=services.MAX_TEXT)]


class UpdatePatch(Body):
    version: int = Field(
        ..., ge=1, le=MAX_ID, description="The version you edited; a stale one gives 409."
    )
    progressStatus: ProgressStatusValue | None = None
    percentComplete: int | None = Field(None, ge=0, le=100)
    achievements: Text | None = None
    obstacles: Text | None = None
    helpNeeded: Text | None = None
    milestonesReached: list[Annotated[int, Constraint(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=100
    )
    indicators: list[Indicator] | None = Field(None, max_length=services.MAX_INDICATORS)

    @field_validator("percentComplete", mode="before")
    @classmethod
    def _a_json_number(cls, value: Any) -> Any:
        return value if value is None else json_number(value)


class SubmitIn(Body):
    version: int | None = Field(None, ge=1, le=MAX_ID)


class ReturnIn(Body):
    comment: str = Field(..., max_length=services.MAX_TEXT, pattern=NOT_BLANK)


# --- shaping ------------------------------------------------------------------------


def round_out(r: ReportingRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "periodStart": r.period_start,
        "periodEnd": r.period_end,
        "opensOn": r.opens_on,
        "deadline": r.deadline,
        "status": r.status,
        "actions": [a.code for a in r.actions.all()],
        "demo": r.is_demo,
        "openedAt": r.opened_at,
        "closedAt": r.closed_at,
    }


def update_out(u: ProgressUpdate, user: Any) -> dict[str, Any]:
    return {
        "id": u.pk,
        "version": u.version,
        "round": u.round_id,
        "action": u.action.code,
        "organisation": u.organisation.code,
        "reviewState": u.review_state,
        "progressStatus": u.progress_status,
        "percentComplete": u.percent_complete,
        "achievements": u.achievements,
        "obstacles": u.obstacles,
        "helpNeeded": u.help_needed,
        "milestonesReached": [m.pk for m in u.milestones_reached.all()],
        "indicators": u.indicators,
        "reviewComment": u.review_comment if access.can_see_review_comment(user, u) else None,
        "submittedAt": u.submitted_at,
        "updatedAt": u.updated_at,
        "reportText": {
            "achievements": u.report_achievements,
            "obstacles": u.report_obstacles,
            "helpNeeded": u.report_help_needed,
        }
        if access.is_programme(user)
        else None,
    }


def _updates() -> Any:
    return ProgressUpdate.objects.select_related(
        "action", "organisation", "round"
    ).prefetch_related("milestones_reached")


def _visible_update(request: HttpRequest, update_id: int) -> ProgressUpdate:
    update = access.visible_updates(request.user, _updates()).filter(pk=update_id).first()
    if update is None:  # also when it exists but is not yours to see: no hint either way
        raise Http404(_("No progress update %(id)s.") % {"id": update_id})
    return update


def _round(request: HttpRequest, round_id: int) -> ReportingRound:
    found = access.visible_rounds(request.user).filter(pk=round_id).first()
    if found is None:
        raise Http404(_("No reporting round %(id)s.") % {"id": round_id})
    return found


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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- rounds -------------------------------------------------------------------------------


@router.get("/reporting-rounds", response=RoundList, summary="Reporting rounds")
def rounds(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, ("page", "pageSize"))
    qs = access.visible_rounds(request.user).prefetch_related("actions")
    return paginate(request, qs, paging.page, paging.pageSize, round_out)


@router.post("/reporting-rounds", response={201: RoundOut}, summary="Create a reporting round")
def create_round(request: HttpRequest, body: RoundIn) -> Status[dict[str, Any]]:
    data = services.RoundData(
        title=body.title,
        period_start=body.periodStart,
        period_end=body.periodEnd,
        opens_on=body.opensOn,
        deadline=body.deadline,
        action_codes=body.actions,
    )
    r = _call(services.create_round, request.user, data)
    return Status(201, round_out(r))


@router.get("/reporting-rounds/{round_id}", response=RoundOut, summary="One reporting round")
def get_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    return round_out(_round(request, round_id))


@router.post(
    "/reporting-rounds/{round_id}/open",
    response=RoundOut,
    summary="Open a round: one update per action per holder",
)
def open_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = _round(request, round_id)
    _call(services.open_round, request.user, r)
    r.refresh_from_db()
    return round_out(r)


@router.post(
    "/reporting-rounds/{round_id}/close",
    response=RoundOut,
    summary="Close a round and freeze its result",
)
def close_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = _round(request, round_id)
    return round_out(_call(services.close_round, request.user, r))


# --- progress updates -------------------------------------------------------------------


class UpdateFilters(Schema):
    round: int | None = Field(None, ge=1, le=MAX_ID, description="Round id.")
    organisation: str | None = Field(None, description="Organisation code.")
    action: str | None = Field(None, description="Action code.")
    status: Literal[tuple(ReviewState.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Review state."
    )


@router.get("/progress-updates", response=UpdateList, summary="Progress updates you may read")
def updates(
    request: HttpRequest, filters: Query[UpdateFilters], paging: Query[Paging]
) -> dict[str, Any]:
    reject_unknown(request, ("round", "organisation", "action", "status", "page", "pageSize"))
    qs = access.visible_updates(request.user, _updates())
    if filters.round is not None:
        qs = qs.filter(round_id=filters.round)
    if filters.organisation:
        qs = qs.filter(organisation__code=filters.organisation)
    if filters.action:
        qs = qs.filter(action__code=filters.action)
    if filters.status:
        qs = qs.filter(review_state=filters.status)
    return paginate(
        request,
        qs.order_by("pk"),
        paging.page,
        paging.pageSize,
        lambda u: update_out(u, request.user),
    )


@router.get("/progress-updates/{update_id}", response=UpdateOut, summary="One progress update")
def get_update(request: HttpRequest, update_id: int) -> dict[str, Any]:
    return update_out(_visible_update(request, update_id), request.user)


@router.patch(
    "/progress-updates/{update_id}",
    response=UpdateOut,
    summary="Change a progress update (optimistic locking on version)",
)
def patch_update(request: HttpRequest, update_id: int, body: UpdatePatch) -> dict[str, Any]:
    update = _visible_update(request, update_id)
    data = services.UpdateData(
        progress_status=body.progressStatus,
        percent_complete=body.percentComplete,
        achievements=body.achievements,
        obstacles=body.obstacles,
        help_needed=body.helpNeeded,
        milestones_reached=body.milestonesReached,
        indicators=[i.dict() for i in body.indicators] if body.indicators is not None else None,
    )
    try:
        saved = _call(services.save_draft, request.user, update.pk, data, body.version)
    except ApiProblem as problem:
        if problem.status == 409:
            current = _updates().get(pk=update.pk)
            problem.detail += " " + _(
                "Fetch the update again (version %(version)s), merge, and retry."
            ) % {"version": current.version}
        raise
    return update_out(_updates().get(pk=saved.pk), request.user)


@router.post(
    "/progress-updates/{update_id}/submit",
    response=UpdateOut,
    summary="Submit for review",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "version": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_ID,
                                "description": "The version you saw.",
                            }
                        },
                        "additionalProperties": False,
                    }
                }
            },
        }
    },
)
def submit_update(request: HttpRequest, update_id: int) -> dict[str, Any]:
    """The body is optional: `{"version": n}` refuses to submit a version you have not seen."""
    update = _visible_update(request, update_id)
    version = None
    if request.content_type == "application/json" and request.body.strip():
        try:
            version = SubmitIn.model_validate_json(request.body).version
        except ValueError as exc:
            raise ApiProblem(
                400,
                _("Invalid request"),
                _('expected a JSON body like {"version": 3}'),
                [{"name": "version", "code": "invalid", "reason": str(exc)[:200]}],
            ) from exc
    _call(services.submit, request.user, update.pk, version)
    return update_out(_updates().get(pk=update.pk), request.user)


@router.post(
    "/progress-updates/{update_id}/return",
    response=UpdateOut,
    summary="Return to the holder with a comment",
)
def return_update(request: HttpRequest, update_id: int, body: ReturnIn) -> dict[str, Any]:
    update = _visible_update(request, update_id)
    _call(services.return_update, request.user, update.pk, body.comment)
    return update_out(_updates().get(pk=update.pk), request.user)


@router.post("/progress-updates/{update_id}/approve", response=UpdateOut, summary="Approve")
def approve_update(request: HttpRequest, update_id: int) -> dict[str, Any]:
    update = _visible_update(request, update_id)
    _call(services.approve, request.user, update.pk)
    return update_out(_updates().get(pk=update.pk), request.user)

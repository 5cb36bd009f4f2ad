"""API of motions and commitments: each with the actions that carry it out.
Reading is public (parliamentary papers are); changing is for the programme team.

Thin: parsing and shaping; access by samen.accounts.access, writes by
samen.parliament.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.accounts.access import Denied
from samen.parliament import selectors, services
from samen.parliament.models import Motion
from samen.plan.selectors import FilterError

from .auth import bearer
from .base import MAX_ID, ApiProblem, Body, Problem, bad_parameter
from .plan import ActionSummary, Paging, paginate, reject_unknown

router = Router(tags=["parliament"])


class MotionOut(Schema):
    code: str
    kind: str = Field(..., description="motion or commitment")
    identifier: str = Field(
        ..., description="How people refer to it: the Kamerstuk or case number, else the title."
    )
    kamerstuk: str
    caseNumber: str = Field(..., description="The case (Zaak) number at the Tweede Kamer.")
    title: str
    titleNl: str
    titleEn: str
    date: dt.date | None
    submitters: list[str]
    decision: str = Field(..., description=", ".join(Motion.Decision.values))
    status: str = Field(..., description=", ".join(Motion.Status.values))
    answer: str
    answerNl: str
    answerEn: str
    answerSource: str
    actions: list[ActionSummary] = Field(..., description="The actions that carry it out.")
    source: str
    confirmed: bool
    inferredFields: list[str]
    note: str
    demo: bool
    version: int


class MotionList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[MotionOut]


class MotionFilters(Schema):
    status: list[str] = Field(default_factory=list, description=", ".join(Motion.Status.values))
    kind: list[str] = Field(default_factory=list, description=", ".join(Motion.Kind.values))
    action: list[str] = Field(
        default_factory=list, description="Carried out by this action (code)."
    )
    q: str | None = Field(None, description="Free text in title, number and answer.")


class MotionPatch(Body):
    version: int = Field(
        ..., ge=1, le=MAX_ID, description="The version you edited; a stale one gives 409."
    )
    status: Literal[tuple(Motion.Status.values)] | None = None  # type: ignore[valid-type]
    decision: Literal[tuple(Motion.Decision.values)] | None = None  # type: ignore[valid-type]
    answerNl: str | None = Field(None, max_length=services.MAX_TEXT)
    answerEn: str | None = Field(None, max_length=services.MAX_TEXT)
    answerSource: str | None = Field(None, max_length=500)
    actions: list[str] | None = Field(None, description="Action codes; replaces the list.")


def motion_out(m: Motion) -> dict[str, Any]:
    return {
        "code": m.code,
        "kind": m.kind,
        "identifier": m.identifier,
        "kamerstuk": m.kamerstuk,
        "caseNumber": m.tk_number,
        "title": m.title,
        "titleNl": m.title_nl,
        "titleEn": m.title_en,
        "date": m.date,
        "submitters": list(m.submitters),
        "decision": m.decision,
        "status": m.status,
        "answer": m.answer,
        "answerNl": m.answer_nl,
        "answerEn": m.answer_en,
        "answerSource": m.answer_source,
        "actions": [{"code": a.code, "title": a.title} for a in m.actions.all()],
        "source": m.source,
        "confirmed": m.confirmed,
        "inferredFields": list(m.inferred_fields),
        "note": m.note,
        "demo": m.is_demo,
        "version": m.version,
    }


@router.get("/motions", response=MotionList, summary="Motions and commitments, with their actions")
def motions(
    request: HttpRequest, filters: Query[MotionFilters], paging: Query[Paging]
) -> dict[str, Any]:
    reject_unknown(request, (*selectors.FILTERS, "page", "pageSize"))
    try:
        f = selectors.parse_filter(request.GET.getlist)
    except FilterError as exc:
        raise bad_parameter(exc.param, str(exc), "unknown-value") from exc
    return paginate(
        request, selectors.motions_with_actions(f), paging.page, paging.pageSize, motion_out
    )


def _motion(code: str) -> Motion:
    found = Motion.objects.with_actions().filter(code=code).first()
    if found is None:
        raise Http404(_("No motion or commitment with code '%(code)s'.") % {"code": code})
    return found


@router.get("/motions/{code}", response=MotionOut, summary="One motion or commitment")
def motion(request: HttpRequest, code: str) -> dict[str, Any]:
    return motion_out(_motion(code))


@router.patch(
    "/motions/{code}",
    response={200: MotionOut, 403: Problem},
    auth=bearer,
    summary="Change status, answer or actions (programme team; optimistic locking on version)",
)
def patch_motion(request: HttpRequest, code: str, body: MotionPatch) -> dict[str, Any]:
    _motion(code)
    data = services.MotionData(
        status=body.status,
        decision=body.decision,
        answer_nl=body.answerNl,
        answer_en=body.answerEn,
        answer_source=body.answerSource,
        actions=body.actions,
    )
    names = {"answer_nl": "answerNl", "answer_en": "answerEn", "answer_source": "answerSource"}
    try:
        services.update_motion(request.user, code, data, body.version)
    except Denied as exc:
        raise ApiProblem(403, _("Not allowed"), str(exc)) from exc
    except services.Invalid as exc:
        raise ApiProblem(
            400,
            _("Invalid request"),
            str(exc),
            [
                {"name": names.get(name, name), "code": "rejected", "reason": reason}
                for name, reason in exc.errors.items()
            ],
        ) from exc
    except services.Conflict as exc:
        raise ApiProblem(409, _("Conflict"), str(exc)) from exc
    return motion_out(_motion(code))

"""Open read API of what was published: the published rounds and, per round,
the approved updates in their public text layer. No login. Nothing else of
the reporting process is reachable here (see samen.reporting.publication)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.core.models import translated
from samen.documents import context
from samen.plan.models import ActionLine, ExploitationForm, Organisation
from samen.reporting.models import ProgressStatus, ReportingRound
from samen.reporting.publication import public_updates, published_rounds

from .base import bad_parameter
from .plan import PAGING, Paging, paginate, reject_unknown

router = Router(tags=["open data"])


class StatusCount(Schema):
    status: str
    label: str
    count: int


class PublishedRound(Schema):
    id: int
    title: str
    periodStart: dt.date
    periodEnd: dt.date
    publishedAt: dt.datetime
    demo: bool


class PublishedRoundList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[PublishedRound]


class PublishedUpdate(Schema):
    action: str
    actionTitle: str
    actionLine: str | None
    exploitationForms: list[str]
    organisation: str
    organisationName: str
    progressStatus: str | None
    percentComplete: int | None
    achievements: str = Field(description="The published text (Markdown).")
    obstacles: str
    helpNeeded: str


class PublishedRoundDetail(PublishedRound):
    actionCount: int
    statusCounts: list[StatusCount] = Field(
        description="Actions per status; an action with several holders counts once."
    )
    updates: list[PublishedUpdate]


class PublishedUpdateList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[PublishedUpdate]


class PublishedUpdateFilters(Schema):
    actionLine: str | None = Field(None, description="Action line code.")
    exploitationForm: str | None = Field(None, description="Exploitation form code.")
    organisation: str | None = Field(None, description="Organisation code.")
    status: str | None = Field(None, description="Progress status.")
    q: str | None = Field(None, description="Words in the action or the published text.")


def _round_out(r: ReportingRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "periodStart": r.period_start,
        "periodEnd": r.period_end,
        "publishedAt": r.published_at,
        "demo": r.is_demo,
    }


def _update_out(u: Any) -> dict[str, Any]:
    line = u.action.action_line
    return {
        "action": u.action.code,
        "actionTitle": translated(u.action, "title"),
        "actionLine": line.code if line else None,
        "exploitationForms": [f.code for f in u.action.exploitation_forms.all()],
        "organisation": u.organisation.code,
        "organisationName": u.organisation.name,
        "progressStatus": u.progress_status or None,
        "percentComplete": u.percent_complete,
        "achievements": u.public_achievements,
        "obstacles": u.public_obstacles,
        "helpNeeded": u.public_help_needed,
    }


def _published(round_id: int) -> ReportingRound:
    r = published_rounds().filter(pk=round_id).first()
    if r is None:  # an unpublished round is as unknown as a missing one
        raise Http404(_("No published round %(id)s.") % {"id": round_id})
    return r


def _updates(r: ReportingRound) -> Any:
    return public_updates(r).prefetch_related("action__exploitation_forms")


@router.get("/published-rounds", response=PublishedRoundList, summary="Published rounds")
def rounds(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    reject_unknown(request, PAGING)
    return paginate(request, published_rounds(), paging.page, paging.pageSize, _round_out)


@router.get(
    "/published-rounds/{round_id}",
    response=PublishedRoundDetail,
    summary="One published round with its published updates",
)
def round_detail(request: HttpRequest, round_id: int) -> dict[str, Any]:
    reject_unknown(request, ())
    r = _published(round_id)
    ctx = context.build(r, "public", getattr(request, "LANGUAGE_CODE", "nl")[:2])
    counts = ctx.counts
    return {
        **_round_out(r),
        "actionCount": len(ctx.actions),
        "statusCounts": [
            {"status": code, "label": label, "count": counts[code]} for code, label in ctx.statuses
        ],
        "updates": [_update_out(u) for u in _updates(r)],
    }


def _check(param: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value not in allowed:
        raise bad_parameter(
            param,
            _("unknown value '%(value)s'; expected one of: %(expected)s")
            % {"value": value, "expected": ", ".join(allowed)},
            "unknown-value",
        )


@router.get(
    "/published-rounds/{round_id}/updates",
    response=PublishedUpdateList,
    summary="Published updates of a round, filtered",
)
def round_updates(
    request: HttpRequest,
    round_id: int,
    filters: Query[PublishedUpdateFilters],
    paging: Query[Paging],
) -> dict[str, Any]:
    reject_unknown(request, (*PAGING, *PublishedUpdateFilters.model_fields))
    r = _published(round_id)
    _check(
        "actionLine", filters.actionLine, list(ActionLine.objects.values_list("code", flat=True))
    )
    _check(
        "exploitationForm",
        filters.exploitationForm,
        list(ExploitationForm.objects.values_list("code", flat=True)),
    )
    _check(
        "organisation",
        filters.organisation,
        list(Organisation.objects.values_list("code", flat=True)),
    )
    _check("status", filters.status, list(ProgressStatus.values))
    qs = _updates(r)
    if filters.actionLine:
        qs = qs.filter(action__action_line__code=filters.actionLine)
    if filters.exploitationForm:
        qs = qs.filter(action__exploitation_forms__code=filters.exploitationForm)
    if filters.organisation:
        qs = qs.filter(organisation__code=filters.organisation)
    if filters.status:
        qs = qs.filter(progress_status=filters.status)
    for word in (filters.q or "").split()[:10]:
        qs = qs.filter(
            Q(action__code__icontains=word)
            | Q(action__title_nl__icontains=word)
            | Q(action__title_en__icontains=word)
            | Q(public_achievements__icontains=word)
            | Q(public_obstacles__icontains=word)
            | Q(public_help_needed__icontains=word)
        )
    return paginate(request, qs.distinct(), paging.page, paging.pageSize, _update_out)

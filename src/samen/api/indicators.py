"""API of indicators (issue 14): each action's indicators with baseline,
targets, the values per reporting round and the progress toward the target.

Reading is public; which values count follows the pages: approved updates the
caller may see, for the public only those of published rounds. Thin: shaping
only; the rules are in samen.indicators.progress and selectors.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.indicators import selectors
from samen.indicators.models import Indicator

from .plan import ActionSummary, Paging, paginate, reject_unknown

router = Router(tags=["indicators"])


class TargetOut(Schema):
    value: float
    date: dt.date


class BaselineOut(Schema):
    value: float | None
    date: dt.date | None


class RoundValueOut(Schema):
    round: int = Field(..., description="The reporting round's number (id).")
    roundTitle: str
    periodEnd: dt.date
    reported: float | None = Field(..., description="What was reported in that round.")
    combined: float | None = Field(
        ..., description="The value under the indicator's combination rule after that round."
    )


class ProgressOut(Schema):
    current: float | None
    asOf: dt.date | None = Field(..., description="End of the period of the current value.")
    target: TargetOut | None = Field(..., description="The target the percentage is measured to.")
    percentOfWay: float | None = Field(
        ..., description="(current − baseline) / (target − baseline) × 100; not capped."
    )
    expected: float | None = Field(
        ..., description="Where the straight line from baseline to targets stands on asOf."
    )
    status: str = Field(..., description="achieved, on_track, behind, no_data, no_target")


class IndicatorOut(Schema):
    action: ActionSummary
    code: str
    name: str
    nameNl: str
    nameEn: str
    description: str
    unit: str
    kind: str = Field(..., description=", ".join(Indicator.Kind.values))
    direction: str = Field(..., description="up (higher is better) or down")
    combination: str = Field(..., description=", ".join(Indicator.Combination.values))
    disaggregation: str = Field(..., description="'', exploitation_form or age_group")
    baseline: BaselineOut
    targets: list[TargetOut]
    rounds: list[RoundValueOut] = Field(..., description="The values per reporting round.")
    progress: ProgressOut
    source: str
    confirmed: bool
    demo: bool


class IndicatorList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[IndicatorOut]


class IndicatorFilters(Schema):
    action: list[str] = Field(default_factory=list, description="Of these actions (codes).")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_out(item: selectors.IndicatorProgress) -> dict[str, Any]:
    i, p = item.indicator, item.progress
    return {
        "action": {"code": i.action.code, "title": i.action.title},
        "code": i.code,
        "name": i.name,
        "nameNl": i.name_nl,
        "nameEn": i.name_en,
        "description": i.description,
        "unit": i.unit,
        "kind": i.kind,
        "direction": i.direction,
        "combination": i.combination,
        "disaggregation": i.disaggregation,
        "baseline": {"value": _number(i.baseline_value), "date": i.baseline_date},
        "targets": [{"value": float(t.value), "date": t.date} for t in i.targets.all()],
        "rounds": [
            {
                "round": r.round_id,
                "roundTitle": r.title,
                "periodEnd": r.period_end,
                "reported": _number(r.reported),
                "combined": _number(r.combined),
            }
            for r in item.rounds
        ],
        "progress": {
            "current": _number(p.current),
            "asOf": p.as_of,
            "target": {"value": float(p.target.value), "date": p.target.date} if p.target else None,
            "percentOfWay": _number(p.percent),
            "expected": _number(
                p.expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if p.expected is not None
                else None
            ),
            "status": p.status,
        },
        "source": i.source,
        "confirmed": i.confirmed,
        "demo": i.is_demo,
    }


@router.get(
    "/indicators",
    response=IndicatorList,
    summary="Indicators with baseline, targets, values per round and progress",
)
def indicators(
    request: HttpRequest, filters: Query[IndicatorFilters], paging: Query[Paging]
) -> dict[str, Any]:
    reject_unknown(request, ("action", "page", "pageSize"))
    qs = selectors.all_indicators()
    if filters.action:
        qs = qs.filter(action__code__in=filters.action)
    page = paginate(request, qs, paging.page, paging.pageSize, lambda i: i)
    page["results"] = [
        indicator_out(item)
        for item in selectors.progress_for(request.user, page["results"], members=False)
    ]
    return page


@router.get(
    "/actions/{code}/indicators/{indicator}",
    response=IndicatorOut,
    summary="One indicator of an action, with its values per round",
)
def indicator(request: HttpRequest, code: str, indicator: str) -> dict[str, Any]:
    found = selectors.all_indicators().filter(action__code=code, code=indicator)
    items = selectors.progress_for(request.user, found)
    if not items:
        raise Http404(
            _("No indicator '%(indicator)s' of action '%(code)s'.")
            % {"indicator": indicator, "code": code}
        )
    return indicator_out(items[0])

"""The frozen result of a closed round, which later reports read.

Plain JSON: the round, and per progress update the action as it was, the
organisation, the review state and the programme team's text for the report.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from samen.plan.models import Action
from samen.plan.selectors import action_data

from .models import TEXT_FIELDS, ProgressUpdate, ReportingRound

SNAPSHOT_SCHEMA = "samen-round/1"


def build_snapshot(r: ReportingRound) -> dict[str, Any]:
    updates = (
        ProgressUpdate.objects.filter(round=r)
        .select_related("organisation", "action__action_line")
        .prefetch_related("milestones_reached")
        .order_by("action__sort_key", "organisation__name")
    )
    actions = {a.pk: a for a in Action.objects.filter(reporting_rounds=r).for_document()}
    reported = set()
    items = []
    for u in updates:
        action = actions.get(u.action_id) or u.action
        reported.add(action.pk)
        line = action.action_line
        items.append(
            {
                "id": u.pk,
                "action": {
                    **action_data(action).as_dict(),
                    "action_line_number": line.number if line else None,
                    "action_line_name_nl": line.name_nl if line else "",
                    "action_line_name_en": line.name_en if line else "",
                },
                "organisation": {
                    "code": u.organisation.code,
                    "short_name": u.organisation.short_name,
                    "name": u.organisation.name,
                },
                "review_state": u.review_state,
                "progress_status": u.progress_status,
                "percent_complete": u.percent_complete,
                **{name: u.report_text(name) for name in TEXT_FIELDS},
                "partner": {name: getattr(u, name) for name in TEXT_FIELDS},
                "milestones_reached": [m.title_nl for m in u.milestones_reached.all()],
                "indicators": u.indicators,
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "frozen_at": timezone.now().isoformat(),
        "round": {
            "id": r.pk,
            "title": r.title,
            "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(),
            "deadline": r.deadline.isoformat(),
            "is_demo": r.is_demo,
        },
        "updates": items,
        "actions_without_update": sorted(
            (a.code for pk, a in actions.items() if pk not in reported), key=lambda c: c
        ),
    }

"""Demo indicators (issue 14): indicators with a baseline and targets on the
actions of the demo reporting rounds, and demo values in those rounds, so
that an action page shows progress after `make run`. Everything is marked as
demo data (`is_demo`, "(demo)" in the name); nothing here is a fact of the plan.
Called by `samen demo`; safe to run again (what exists is kept).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from .document import IndicatorData, TargetData
from .models import Indicator, IndicatorValue
from .services import save_indicator

ACTIONS = 8  # the first actions of the demo rounds, in plan order
SOURCE = "Demogegevens van samen; geen gegevens uit het actieplan."


def _definitions(start: dt.date) -> list[tuple[IndicatorData, list[Decimal]]]:
    """(indicator, value per demo round: the past one, then the current one)."""
    year = start.year
    return [
        (
            IndicatorData(
                code="D1",
                name_nl="Getrainde professionals (demo)",
                name_en="Trained professionals (demo)",
                unit="professionals",
                kind="number",
                combination="cumulative",
                baseline_value=Decimal(0),
                baseline_date=start,
                targets=(
                    TargetData(Decimal(200), dt.date(year + 1, 12, 31)),
                    TargetData(Decimal(400), dt.date(year + 2, 12, 31)),
                ),
                disaggregation="exploitation_form",
                source=SOURCE,
                demo=True,
            ),
            [Decimal(60), Decimal(45)],
        ),
        (
            IndicatorData(
                code="D2",
                name_nl="Gemeenten met een aanpak mensenhandel (demo)",
                name_en="Municipalities with an approach to trafficking (demo)",
                kind="percentage",
                combination="latest",
                baseline_value=Decimal(40),
                baseline_date=start,
                targets=(TargetData(Decimal(80), dt.date(year + 2, 12, 31)),),
                source=SOURCE,
                demo=True,
            ),
            [Decimal("46.5"), Decimal(52)],
        ),
    ]


def load_demo_indicators(programme: Any) -> int:
    """Define the demo indicators and fill demo values; returns how many were defined."""
    from samen.reporting.models import ReportingRound

    rounds = list(ReportingRound.objects.filter(is_demo=True).order_by("period_end"))
    if not rounds:
        return 0
    actions = list({a.pk: a for r in rounds for a in r.actions.all()}.values())
    actions.sort(key=lambda a: (a.action_line.number if a.action_line_id else 999, a.sort_key))
    made = 0
    with transaction.atomic():
        for action in actions[:ACTIONS]:
            for data, values in _definitions(rounds[0].period_start):
                indicator = Indicator.objects.filter(action=action, code=data.code).first()
                if indicator is None:
                    indicator = save_indicator(programme, action, data)
                    made += 1
                forms = list(action.exploitation_forms.all()) if data.disaggregation else []
                for r, value in zip(rounds, values, strict=False):
                    for update in r.updates.filter(action=action).exclude(
                        review_state="not_started"
                    ):
                        if IndicatorValue.objects.filter(
                            update=update, indicator=indicator
                        ).exists():
                            continue
                        IndicatorValue.objects.create(
                            update=update,
                            indicator=indicator,
                            value=value,
                            note="Demowaarde." if value == values[0] else "",
                        )
                        # A number broken down: the whole, shared over the action's forms.
                        for i, form in enumerate(forms):
                            share = value // len(forms) + (value % len(forms) if i == 0 else 0)
                            IndicatorValue.objects.create(
                                update=update,
                                indicator=indicator,
                                exploitation_form=form,
                                value=share,
                            )
    return made

"""Reads for the pages, the report and the API: indicators with their values
per round and their progress, in a fixed number of queries however many
actions, indicators and rounds there are.

Which values count: those of approved updates that the reader may see. The
public (no role) sees only approved updates of published rounds
(`access.public_updates`), like the texts' public layer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.accounts import access

from . import progress as rules
from .models import Indicator, IndicatorValue
from .notation import format_value

STATUS_LABELS = {
    rules.ACHIEVED: gettext_lazy("Target reached"),
    rules.ON_TRACK: gettext_lazy("On track"),
    rules.BEHIND: gettext_lazy("Behind"),
    rules.NO_DATA: gettext_lazy("No value yet"),
    rules.NO_TARGET: gettext_lazy("No baseline or target"),
}
RULE_TEXT = gettext_lazy(
    "On track means: the current value is at least where a straight line from the "
    "baseline to the target (and from each target to the next) stands on the date of "
    "that value; for lower-is-better indicators, at most. A yes/no or milestone "
    "indicator is on track until its target date."
)

HOLDERS_TEXT = gettext_lazy(
    "When several holders of one action report in the same round, their values are "
    "combined by a fixed rule, whatever the order of approval: numbers are added up; "
    "percentages are averaged (each holder counts once); a yes/no or milestone "
    "indicator counts as reached only when every holder reports it reached. Each "
    "holder's value is shown per round on the action's page."
)


def holders_rule(kind: str, values: list[Decimal]) -> Decimal | None:
    """One round's value from the values of several holders (HOLDERS_TEXT)."""
    if not values:
        return None
    if kind == "number":
        return sum(values, Decimal(0))
    if kind in rules.BINARY:
        return min(values)
    return sum(values, Decimal(0)) / len(values)


@dataclass(frozen=True)
class RoundValue:
    round_id: int
    title: str
    period_end: dt.date
    reported: Decimal | None
    combined: Decimal | None
    holders: tuple[tuple[str, Decimal], ...] = ()  # each holder's value, when several reported


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    rounds: tuple[RoundValue, ...]
    progress: rules.Progress
    members: tuple[tuple[str, Decimal], ...] = ()  # breakdown of the latest round with values
    # (exploitation form id, value combined over the rounds) when broken down by form
    form_values: tuple[tuple[int, Decimal | None], ...] = ()

    for_form: int | None = None  # a row of the table per exploitation form: that form

    @property
    def by_form(self) -> bool:
        return self.indicator.disaggregation == "exploitation_form"

    @property
    def form_text(self) -> str:
        """The value for `for_form` (indicators broken down by form only)."""
        return self.shown(dict(self.form_values).get(self.for_form))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.progress.status])

    def shown(self, value: Decimal | None) -> str:
        return format_value(value, self.indicator.kind, self.indicator.unit)

    @property
    def current_text(self) -> str:
        return self.shown(self.progress.current)

    @property
    def baseline_text(self) -> str:
        return self.shown(self.indicator.baseline_value)

    @property
    def target_text(self) -> str:
        target = self.progress.target
        if target is None:
            return "–"
        return _("%(value)s by %(date)s") % {
            "value": self.shown(target.value),
            "date": date_format(target.date, "j F Y"),
        }

    @property
    def percent_text(self) -> str:
        if self.progress.percent is None:
            return "–"
        return format_value(self.progress.percent, "percentage")

    @property
    def bar(self) -> int:
        """The percentage of the way, capped to 0–100, for a progress bar."""
        if self.progress.percent is None:
            return 0
        return int(max(Decimal(0), min(Decimal(100), self.progress.percent)))

    @property
    def summary(self) -> str:
        """One sentence: the text alternative of the chart."""
        if self.progress.current is None or self.progress.as_of is None:
            return _("%(name)s: no value reported yet.") % {"name": self.indicator.name}
        text = _("%(name)s: %(value)s on %(date)s") % {
            "name": self.indicator.name,
            "value": self.current_text,
            "date": date_format(self.progress.as_of, "j F Y"),
        }
        if self.progress.percent is not None and self.progress.target is not None:
            text += ", " + _("%(percent)s of the way from the baseline to %(target)s") % {
                "percent": self.percent_text,
                "target": self.target_text,
            }
        return f"{text}. {self.status_label}."


def visible_values(user: Any) -> QuerySet[IndicatorValue]:
    """Values of approved updates that `user` may see (the public: published rounds only)."""
    from samen.reporting.models import ProgressUpdate, ReviewState

    updates = ProgressUpdate.objects.filter(review_state=ReviewState.APPROVED)
    updates = (
        access.visible_updates(user, updates)
        if access.role(user)
        else access.public_updates(updates)
    )
    return IndicatorValue.objects.filter(update__in=updates.values("pk"))


def progress_for(
    user: Any, indicators: Iterable[Indicator], *, members: bool = True
) -> list[IndicatorProgress]:
    """Each indicator's values per round and its progress, as far as `user` may
    see them. Prefetch `targets`; one query for the values of all of them.
    `members=False`: leave out the breakdown (tables that do not show it)."""
    return progress_from(visible_values(user), indicators, members=members)


def progress_from(
    values: QuerySet[IndicatorValue], indicators: Iterable[Indicator], *, members: bool = True
) -> list[IndicatorProgress]:
    """Like progress_for, from a given set of values (the report's)."""
    indicators = list(indicators)
    if not members:
        values = values.filter(exploitation_form__isnull=True, age_group__isnull=True)
    rows = (
        values.filter(indicator__in=[i.pk for i in indicators])
        .values(
            "indicator_id",
            "value",
            "update_id",
            "exploitation_form__name_nl",
            "exploitation_form__name_en",
            "age_group__name_nl",
            "age_group__name_en",
            "exploitation_form_id",
            "age_group_id",
            "update__round_id",
            "update__round__title",
            "update__round__period_end",
            "update__organisation__short_name",
        )
        .order_by("update__round__period_end", "update__round_id", "update_id")
    )
    # Per indicator and round: each holder's value (in a fixed order), combined
    # by `holders_rule` below, so the result never depends on the order of approval.
    totals: dict[int, dict[int, list[Any]]] = defaultdict(dict)
    breakdown: dict[tuple[int, int], dict[str, list[Decimal]]] = defaultdict(dict)
    per_form: dict[tuple[int, int], dict[int, list[Any]]] = defaultdict(dict)
    from samen.core.models import translated

    for row in rows:
        round_id = row["update__round_id"]
        if row["exploitation_form_id"] or row["age_group_id"]:
            prefix = "exploitation_form__" if row["exploitation_form_id"] else "age_group__"
            name = translated(
                {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}, "name"
            )
            breakdown[(row["indicator_id"], round_id)].setdefault(name, []).append(row["value"])
            if row["exploitation_form_id"]:
                key = (row["indicator_id"], row["exploitation_form_id"])
                per_form[key].setdefault(round_id, [row["update__round__period_end"], []])[
                    1
                ].append(row["value"])
            continue
        entry = totals[row["indicator_id"]].setdefault(
            round_id, [row["update__round__title"], row["update__round__period_end"], []]
        )
        entry[2].append((row["update__organisation__short_name"], row["value"]))
    for per_round in totals.values():
        for entry in per_round.values():
            entry[2].sort(key=lambda holder: (holder[0] or "", holder[1]))
    out = []
    for indicator in indicators:
        per_round = sorted(totals.get(indicator.pk, {}).items(), key=lambda kv: (kv[1][1], kv[0]))
        targets = [rules.TargetPoint(t.date, t.value) for t in indicator.targets.all()]
        result = rules.progress(
            kind=indicator.kind,
            rule=indicator.combination,
            up=indicator.direction == "up",
            baseline=indicator.baseline_value,
            baseline_date=indicator.baseline_date,
            targets=targets,
            rounds=[
                (end, holders_rule(indicator.kind, [v for _o, v in holders]))
                for _id, (_t, end, holders) in per_round
            ],
        )
        rounds = tuple(
            RoundValue(
                round_id,
                title,
                end,
                holders_rule(indicator.kind, [v for _o, v in holders]),
                combined,
                tuple(holders) if len(holders) > 1 else (),
            )
            for (round_id, (title, end, holders)), combined in zip(
                per_round, result.combined, strict=True
            )
        )
        latest = next((r.round_id for r in reversed(rounds) if r.reported is not None), None)
        split = (
            tuple(
                (name, holders_rule(indicator.kind, values))
                for name, values in sorted(breakdown.get((indicator.pk, latest), {}).items())
            )
            if latest
            else ()
        )
        forms = []
        for (indicator_id, form_id), form_rounds in per_form.items():
            if indicator_id != indicator.pk:
                continue
            series = [
                holders_rule(indicator.kind, values)
                for _end, values in sorted(form_rounds.values(), key=lambda e: e[0])
            ]
            current = [v for v in rules.combine(indicator.combination, series) if v is not None]
            forms.append((form_id, current[-1] if current else None))
        out.append(IndicatorProgress(indicator, rounds, result, split, tuple(forms)))
    return out


def action_progress(user: Any, action: Any) -> list[IndicatorProgress]:
    indicators = Indicator.objects.filter(action=action).prefetch_related("targets")
    return progress_for(user, indicators.order_by("order", "code"))


def all_indicators() -> QuerySet[Indicator]:
    """Every indicator in plan order, with its action, line, forms and targets."""
    return (
        Indicator.objects.select_related("action", "action__action_line")
        .prefetch_related("targets", "action__exploitation_forms")
        .order_by("action__action_line__number", "action__sort_key", "order", "code")
    )


def all_progress(user: Any, *, members: bool = False) -> list[IndicatorProgress]:
    """Every indicator with its progress (breakdown only with `members`): four queries."""
    return progress_for(user, all_indicators(), members=members)


def per_line(items: list[IndicatorProgress]) -> list[tuple[Any, list[IndicatorProgress]]]:
    """Grouped by action line (plan order; actions without a line last)."""
    groups: dict[Any, list[IndicatorProgress]] = {}
    for item in items:
        groups.setdefault(item.indicator.action.action_line, []).append(item)
    return sorted(groups.items(), key=lambda g: (g[0] is None, getattr(g[0], "number", 0)))


def per_form(items: list[IndicatorProgress]) -> list[tuple[Any, list[IndicatorProgress]]]:
    """Grouped by the exploitation forms of each indicator's action (an indicator
    of an action with two forms stands under both: with the value for that form
    when it is broken down by form, else marked as the action's total)."""
    groups: dict[Any, list[IndicatorProgress]] = {}
    for item in items:
        for form in item.indicator.action.exploitation_forms.all():
            groups.setdefault(form, []).append(replace(item, for_form=form.pk))
    return sorted(groups.items(), key=lambda g: (g[0].order, g[0].code))

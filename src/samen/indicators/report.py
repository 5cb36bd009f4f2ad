"""The indicator section of the progress report (settings.SAMEN_REPORT_SECTIONS):
one table per action line with every indicator's value as of the round.

Which values count: approved updates of this round and the rounds before it.
The public version counts, of the earlier rounds, only published ones: what
the public could already see, plus this round, whose report it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samen.accounts import access

from . import selectors
from .models import IndicatorValue

if TYPE_CHECKING:
    from samen.documents.context import ReportContext, Section
    from samen.reporting.models import ReportingRound


def values_for(round_id: int, period_end: Any, layer: str) -> QuerySet[IndicatorValue]:
    """Approved values up to the round (public: of published rounds and this one)."""
    from samen.reporting.models import ProgressUpdate, ReviewState

    updates = ProgressUpdate.objects.filter(
        review_state=ReviewState.APPROVED, round__period_end__lte=period_end
    )
    if layer == "public":
        published = Q(pk__in=access.public_updates().values("pk"))
        updates = updates.filter(Q(round_id=round_id) | published)
    return IndicatorValue.objects.filter(update__in=updates.values("pk"))


def source(r: ReportingRound, layer: str) -> Any:
    """What the section is made of, for the stored report's fingerprint."""
    rows = values_for(r.pk, r.period_end, layer).values_list("indicator_id", "update_id", "value")
    definitions = selectors.all_indicators().values_list("pk", "updated_at")
    return [
        [[i, u, str(v)] for i, u, v in rows.order_by("indicator_id", "update_id")],
        [[pk, str(at)] for pk, at in definitions],
    ]


def sections(ctx: ReportContext) -> list[Section]:
    from samen.documents.context import Section, Table

    indicators = list(selectors.all_indicators())
    if not indicators:  # one query when the plan has no indicators
        return []
    values = values_for(ctx.round_id, ctx.period_end, ctx.layer)
    items = selectors.progress_from(values, indicators, members=False)
    section = Section("indicators", _("Indicators"))
    section.paragraphs.append(
        _(
            "Every indicator with its baseline, its target and the value reported up to "
            "this round (%(date)s), combined over the rounds as the indicator says."
        )
        % {"date": date_format(ctx.period_end, "j F Y")}
    )
    section.paragraphs.append(str(selectors.RULE_TEXT))
    section.paragraphs.append(str(selectors.HOLDERS_TEXT))
    if ctx.layer == "public":
        section.paragraphs.append(_("Only approved values are shown."))
    if any(item.indicator.is_demo for item in items):
        section.paragraphs.append(_("Demo data: indicators marked as demo are not the plan's own."))
    header = [
        _("Action"),
        _("Indicator"),
        _("Baseline"),
        _("Target"),
        _("Value"),
        _("Of the way to the target"),
        _("On track?"),
    ]
    for line, group in selectors.per_line(items):
        title = line.label if line else _("Actions without an action line")
        section.tables.append(
            Table(
                _("Indicators of the actions in %(group)s") % {"group": title},
                header,
                [
                    [
                        item.indicator.action.code,
                        item.indicator.name
                        + (f" ({_('demo data')})" if item.indicator.is_demo else ""),
                        item.baseline_text,
                        item.target_text,
                        item.current_text,
                        item.percent_text,
                        item.status_label,
                    ]
                    for item in group
                ],
                numeric_from=len(header),
            )
        )
    return [section]

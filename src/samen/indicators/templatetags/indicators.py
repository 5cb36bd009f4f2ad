"""{% load indicators %}: values as people read them, and the indicator block
of an action page (kept here so the plan's page needs no knowledge of them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from samen.accounts import access

from ..notation import format_value

register = template.Library()


@register.simple_tag
def indicator_value(indicator: Any, value: Decimal | None) -> str:
    """{% indicator_value indicator value %}: '1.234 professionals', '12,5 %', 'ja'."""
    return format_value(value, indicator.kind, indicator.unit)


@register.inclusion_tag("indicators/_action_indicators.html", takes_context=True)
def action_indicators(context: Any, action: Any) -> dict[str, Any]:
    from ..charts import chart
    from ..selectors import HOLDERS_TEXT, RULE_TEXT, action_progress

    user = context.get("user")
    rows = action_progress(user, action)
    return {
        "action": action,
        "rows": [(row, chart(row)) for row in rows],
        "rule": RULE_TEXT,
        "holders_rule": HOLDERS_TEXT,
        "can_define": access.can_define_indicators(user),
    }


@register.inclusion_tag("indicators/_reported_values.html")
def update_indicator_values(update: Any) -> dict[str, Any]:
    """The defined values of one update, in its read-only view (a <dt>/<dd> pair)."""
    from ..updates import reported

    return {"groups": reported(update)}

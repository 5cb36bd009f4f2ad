"""Indicators as people read them in the audit trail and the plan version
comparison: name, baseline and targets, in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samen.core.models import translated

from .notation import format_value


def _date(value: Any) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value)


def describe_one(item: dict[str, Any]) -> str:
    kind, unit = item.get("kind", "number"), item.get("unit", "")

    def shown(value: Any) -> str:
        return format_value(None if value is None else Decimal(str(value)), kind, unit)

    parts = []
    baseline = item.get("baseline") or {}
    if baseline.get("value") is not None:
        text = _("baseline %(value)s") % {"value": shown(baseline["value"])}
        if baseline.get("date"):
            text += " " + _("on %(date)s") % {"date": _date(baseline["date"])}
        parts.append(text)
    for target in item.get("targets") or []:
        parts.append(
            _("target %(value)s by %(date)s")
            % {"value": shown(target.get("value")), "date": _date(target.get("date"))}
        )
    name = translated(item, "name") if isinstance(item, dict) else str(item)
    head = f"{item.get('code', '')} {name}".strip()
    return f"{head} ({', '.join(parts)})" if parts else head


def describe_indicators(value: list[Any]) -> str:
    return "; ".join(describe_one(i) if isinstance(i, dict) else str(i) for i in value)

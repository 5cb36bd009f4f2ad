"""Indicators in the plan document (YAML, JSON, XLSX): each action's list
`indicators`, read with the plan document's checker so that every problem is
reported with its place, like any other field of the plan.

An indicator in a document::

    code: I1
    name_nl: Getrainde professionals
    unit: professionals
    kind: number            # number, percentage, yes_no, milestone
    direction: up           # up or down (lower is better)
    combination: cumulative # per_period, cumulative, latest
    baseline: {value: 0, date: 2024-01-01}
    targets: [{value: 500, date: 2027-12-31}]
    disaggregation: exploitation_form   # or age_group; leave out for none
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

KINDS = ("number", "percentage", "yes_no", "milestone")
DIRECTIONS = ("up", "down")
COMBINATIONS = ("per_period", "cumulative", "latest")
DISAGGREGATIONS = ("", "exploitation_form", "age_group")
PROVENANCE_KEYS = ("source", "confirmed", "inferred", "note")
INDICATOR_KEYS = (
    "code",
    "name_nl",
    "name_en",
    "description_nl",
    "description_en",
    "unit",
    "kind",
    "direction",
    "combination",
    "baseline",
    "targets",
    "disaggregation",
    *PROVENANCE_KEYS,
    "demo",
)
INFERABLE = ("name_nl", "name_en", "unit", "baseline", "targets")
MAX_VALUE = Decimal("1e12")


@dataclass(frozen=True)
class TargetData:
    value: Decimal
    date: dt.date


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name_nl: str
    name_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    unit: str = ""
    kind: str = "number"
    direction: str = "up"
    combination: str = "per_period"
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None
    targets: tuple[TargetData, ...] = ()
    disaggregation: str = ""
    source: str = ""
    confirmed: bool = True
    inferred: tuple[str, ...] = ()
    note: str = ""
    demo: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The full canonical form (every key), as stored in plan versions."""
        return {
            "code": self.code,
            "name_nl": self.name_nl,
            "name_en": self.name_en,
            "description_nl": self.description_nl,
            "description_en": self.description_en,
            "unit": self.unit,
            "kind": self.kind,
            "direction": self.direction,
            "combination": self.combination,
            "baseline": (
                {
                    "value": plain_number(self.baseline_value),
                    "date": self.baseline_date.isoformat() if self.baseline_date else None,
                }
                if self.baseline_value is not None or self.baseline_date is not None
                else None
            ),
            "targets": [
                {"value": plain_number(t.value), "date": t.date.isoformat()} for t in self.targets
            ],
            "disaggregation": self.disaggregation,
            "source": self.source,
            "confirmed": self.confirmed,
            "inferred": list(self.inferred),
            "note": self.note,
            "demo": self.demo,
        }


DEFAULTS = IndicatorData(code="", name_nl="").as_dict()


def compact(full: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys that hold their default, for readable files."""
    return {
        key: value
        for key, value in full.items()
        if key in ("code", "name_nl") or value != DEFAULTS.get(key)
    }


def plain_number(value: Decimal | None) -> int | float | None:
    """A stored value as YAML and JSON write it: 500, not '500.0000'."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def to_decimal(value: Any) -> Decimal | None:
    """A number from a document (int, float or text with a dot or a Dutch comma)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
    elif isinstance(value, str):
        from .notation import parse_decimal

        text = value.strip()
        try:
            number = Decimal(text) if "," not in text else parse_decimal(text, "")
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        return None
    return number.quantize(Decimal("0.0001")).normalize()


def parse_indicators(check: Any, data: Mapping[str, Any], path: tuple[Any, ...]) -> tuple:
    """The action's `indicators` list, checked; errors go to `check` (the plan
    document's checker)."""
    out: list[IndicatorData] = []
    for index, item in enumerate(check.items(data.get("indicators"), (*path, "indicators"))):
        where = (*path, "indicators", index)
        out.append(parse_indicator(check, item, where))
    check.unique([(ind.code, (*path, "indicators", i)) for i, ind in enumerate(out)], "indicator")
    return tuple(out)


def _choice(check: Any, data: Mapping[str, Any], key: str, path: Any, allowed: tuple) -> str:
    value = check.text(data, key, path, max_length=40)
    default = {"kind": "number", "direction": "up", "combination": "per_period"}.get(key, "")
    value = value or default
    if value not in allowed:
        check.error(
            (*path, key),
            _("unknown value '%(value)s'; expected one of: %(values)s")
            % {"value": value, "values": ", ".join(a for a in allowed if a)},
        )
        return default
    return value


def _number(check: Any, data: Mapping[str, Any], key: str, path: Any, required: bool) -> Any:
    raw = data.get(key)
    if raw is None or raw == "":
        if required:
            check.error((*path, key), _("is required"))
        return None
    value = to_decimal(raw)
    if value is None:
        check.error((*path, key), _("expected a number, got '%(value)s'") % {"value": raw})
    return value


def parse_indicator(check: Any, raw: Any, where: tuple[Any, ...]) -> IndicatorData:
    from .notation import format_value

    data = check.mapping(raw, where, INDICATOR_KEYS)
    kind = _choice(check, data, "kind", where, KINDS)
    baseline_value = baseline_date = None
    if data.get("baseline") not in (None, ""):
        base = check.mapping(data["baseline"], (*where, "baseline"), ("value", "date"))
        baseline_value = _number(check, base, "value", (*where, "baseline"), False)
        baseline_date = check.date(base, "date", (*where, "baseline"))
    targets = []
    for t_index, item in enumerate(check.items(data.get("targets"), (*where, "targets"))):
        t_where = (*where, "targets", t_index)
        target = check.mapping(item, t_where, ("value", "date"))
        value = _number(check, target, "value", t_where, True)
        date = check.date(target, "date", t_where, required=True)
        if value is not None and date is not None:
            targets.append(TargetData(value, date))
    dates = [t.date for t in targets]
    if len(set(dates)) != len(dates):
        check.error((*where, "targets"), _("two targets have the same date"))
    for value, key in [(baseline_value, ("baseline", "value"))] + [
        (t.value, ("targets",)) for t in targets
    ]:
        if value is None:
            continue
        if kind == "percentage" and not Decimal(0) <= value <= Decimal(100):
            check.error(
                (*where, *key),
                _("a percentage lies between 0 and 100, not %(value)s")
                % {"value": format_value(value, "percentage")},
            )
        if kind in ("yes_no", "milestone") and value not in (Decimal(0), Decimal(1)):
            check.error(
                (*where, *key),
                _("a yes/no or milestone indicator has 1 (yes, reached) or 0 (no), not %(value)s")
                % {"value": format_value(value, "number")},
            )
    if baseline_date and targets and min(dates) <= baseline_date:
        check.error((*where, "targets"), _("every target date must lie after the baseline date"))
    inferred_raw = data.get("inferred") or []
    if isinstance(inferred_raw, str):
        inferred_raw = [p.strip() for p in inferred_raw.replace(";", ",").split(",") if p.strip()]
    inferred: list[str] = []
    for name in inferred_raw if isinstance(inferred_raw, list) else []:
        if str(name) not in INFERABLE:
            check.error(
                (*where, "inferred"),
                _("'%(name)s' cannot be marked inferred; expected one of: %(fields)s")
                % {"name": name, "fields": ", ".join(INFERABLE)},
            )
        elif str(name) not in inferred:
            inferred.append(str(name))
    return IndicatorData(
        code=check.code(data, "code", where),
        name_nl=check.text(data, "name_nl", where, required=True, max_length=300),
        name_en=check.text(data, "name_en", where, max_length=300),
        description_nl=check.text(data, "description_nl", where, max_length=4000),
        description_en=check.text(data, "description_en", where, max_length=4000),
        unit=check.text(data, "unit", where, max_length=40),
        kind=kind,
        direction=_choice(check, data, "direction", where, DIRECTIONS),
        combination=_choice(check, data, "combination", where, COMBINATIONS),
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        targets=tuple(sorted(targets, key=lambda t: t.date)),
        disaggregation=_choice(check, data, "disaggregation", where, DISAGGREGATIONS),
        source=check.text(data, "source", where, max_length=500),
        confirmed=check.boolean(data, "confirmed", where, True),
        inferred=tuple(inferred),
        note=check.text(data, "note", where, max_length=4000),
        demo=check.boolean(data, "demo", where, False),
    )


def indicator_data(indicator: Any) -> IndicatorData:
    """A database indicator in document form (uses prefetched targets)."""
    return IndicatorData(
        code=indicator.code,
        name_nl=indicator.name_nl,
        name_en=indicator.name_en,
        description_nl=indicator.description_nl,
        description_en=indicator.description_en,
        unit=indicator.unit,
        kind=indicator.kind,
        direction=indicator.direction,
        combination=indicator.combination,
        baseline_value=_normal(indicator.baseline_value),
        baseline_date=indicator.baseline_date,
        targets=tuple(
            TargetData(_normal(t.value), t.date)
            for t in sorted(indicator.targets.all(), key=lambda t: t.date)
        ),
        disaggregation=indicator.disaggregation,
        source=indicator.source,
        confirmed=indicator.confirmed,
        inferred=tuple(indicator.inferred_fields),
        note=indicator.note,
        demo=indicator.is_demo,
    )


def _normal(value: Decimal | None) -> Any:
    return None if value is None else value.normalize()


def action_indicators(action: Any) -> tuple[IndicatorData, ...]:
    """The action's indicators in document form, in their order (prefetch
    `indicators__targets` to keep the query count fixed)."""
    return tuple(
        indicator_data(i) for i in sorted(action.indicators.all(), key=lambda i: (i.order, i.code))
    )


def write_indicators(action: Any, indicators: tuple[IndicatorData, ...]) -> None:
    """Make the action's indicators equal to `indicators`: by code, so that the
    values reported on an indicator stay with it when its definition changes.
    An indicator absent from the list is removed with its values (the plan
    import shows this in its preview before anything is written), unless it has
    values in a published round: then it is kept, no longer in use, so that the
    published report does not change."""
    from .models import Indicator, Target

    existing = {i.code: i for i in Indicator.objects.filter(action=action)}
    keep = []
    for order, data in enumerate(indicators):
        indicator = existing.get(data.code) or Indicator(action=action, code=data.code)
        apply_data(indicator, data, order)
        indicator.retired = False
        indicator.save()
        keep.append(indicator.pk)
        Target.objects.filter(indicator=indicator).delete()
        Target.objects.bulk_create(
            [Target(indicator=indicator, value=t.value, date=t.date) for t in data.targets]
        )
    from .services import published_rounds_of

    for gone in Indicator.objects.filter(action=action).exclude(pk__in=keep):
        if published_rounds_of(gone):
            Indicator.objects.filter(pk=gone.pk).update(retired=True)
        else:
            gone.delete()


def apply_data(indicator: Any, data: IndicatorData, order: int) -> None:
    indicator.order = order
    indicator.name_nl, indicator.name_en = data.name_nl, data.name_en
    indicator.description_nl, indicator.description_en = data.description_nl, data.description_en
    indicator.unit = data.unit
    indicator.kind = data.kind
    indicator.direction = data.direction
    indicator.combination = data.combination
    indicator.baseline_value = data.baseline_value
    indicator.baseline_date = data.baseline_date
    indicator.disaggregation = data.disaggregation
    indicator.source = data.source
    indicator.confirmed = data.confirmed
    indicator.inferred_fields = list(data.inferred)
    indicator.note = data.note
    indicator.is_demo = data.demo

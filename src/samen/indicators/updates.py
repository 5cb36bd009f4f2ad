"""Indicator values in a progress update (issue 14).

The reporting app's update form asks, beside its own fields, for a value of
each of the action's indicators: for the indicator as a whole and, when it is
broken down, for each exploitation form or age group of the action. The values
belong to the update: they are saved with its draft, submitted with it, and
approved (or returned) with it; the public sees them only once the update is
approved in a published round (see selectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.core import audit

from .models import Indicator, IndicatorValue
from .notation import format_value, input_text, parse_value

MAX_NOTE = 2000


@dataclass(frozen=True)
class Row:
    """One value to ask for: an indicator, and a member of its breakdown or None."""

    indicator: Indicator
    member: Any  # ExploitationForm, AgeGroup or None (the indicator as a whole)

    @property
    def key(self) -> str:
        member = f"{self.indicator.disaggregation}{self.member.pk}" if self.member else "all"
        return f"ind_{self.indicator.pk}_{member}"

    @property
    def label(self) -> str:
        name = self.indicator.name
        if self.member is not None:
            return f"{name}: {self.member.name}"
        return name

    def lookup(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "exploitation_form": self.member
            if self.indicator.disaggregation == "exploitation_form"
            else None,
            "age_group": self.member if self.indicator.disaggregation == "age_group" else None,
        }


def rows_for(action: Any) -> list[Row]:
    """What the form asks for the action, in a fixed number of queries."""
    indicators = list(
        Indicator.objects.filter(action=action, retired=False)
        .prefetch_related("targets")
        .order_by("order", "code")
    )
    forms_ = ages = None
    out = []
    for indicator in indicators:
        out.append(Row(indicator, None))
        if indicator.disaggregation == "exploitation_form":
            forms_ = forms_ if forms_ is not None else list(action.exploitation_forms.all())
            out += [Row(indicator, f) for f in forms_]
        elif indicator.disaggregation == "age_group":
            ages = ages if ages is not None else list(action.age_groups.all())
            out += [Row(indicator, a) for a in ages]
    return out


def hint(indicator: Indicator) -> str:
    """What a holder needs to fill in the value: the kind, the baseline, the targets."""
    kinds = {
        "number": _("A number, such as 1.234 or 12,5."),
        "percentage": _("A percentage from 0 to 100, such as 12,5 %."),
        "yes_no": _("Answer ja or nee."),
        "milestone": _("Answer bereikt or niet bereikt."),
    }
    parts = [kinds.get(indicator.kind, "")]
    if indicator.kind == "number" and indicator.unit:
        parts[0] = _("A number of %(unit)s, such as 1.234 or 12,5.") % {"unit": indicator.unit}
    if indicator.combination == "cumulative":
        parts.append(_("Report what was added in this period; the totals are added up."))
    elif indicator.combination == "per_period":
        parts.append(_("Report the value for this period."))
    else:
        parts.append(_("Report the value as it stands now."))
    targets = list(indicator.targets.all())
    if targets:
        parts.append(
            _("Target: %(targets)s.")
            % {
                "targets": "; ".join(
                    _("%(value)s by %(date)s")
                    % {
                        "value": format_value(t.value, indicator.kind, indicator.unit),
                        "date": date_format(t.date, "j F Y"),
                    }
                    for t in targets
                )
            }
        )
    return " ".join(p for p in parts if p)


class ValuesForm(forms.Form):
    """The defined indicators of one update; bound data is parsed the Dutch way."""

    def __init__(self, update: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.update = update
        self.rows = rows_for(update.action)
        for row in self.rows:
            self.fields[f"{row.key}_value"] = forms.CharField(
                label=row.label
                + (f" ({row.indicator.unit})" if row.indicator.unit and row.member is None else ""),
                required=False,
                max_length=60,
                help_text=hint(row.indicator) if row.member is None else "",
            )
            self.fields[f"{row.key}_note"] = forms.CharField(
                label=_("Note on %(name)s") % {"name": row.label},
                required=False,
                max_length=MAX_NOTE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if not self.is_bound:
            stored = {
                (v.indicator_id, v.exploitation_form_id, v.age_group_id): v
                for v in IndicatorValue.objects.filter(update=update)
            }
            for row in self.rows:
                lookup = row.lookup()
                key = (
                    row.indicator.pk,
                    getattr(lookup["exploitation_form"], "pk", None),
                    getattr(lookup["age_group"], "pk", None),
                )
                if key in stored:
                    self.initial[f"{row.key}_value"] = input_text(
                        stored[key].value, row.indicator.kind
                    )
                    self.initial[f"{row.key}_note"] = stored[key].note

    @property
    def groups(self) -> list[tuple[Indicator, list[tuple[Any, Any]]]]:
        """(indicator, [(value field, note field), ...]) for the template."""
        out: list[tuple[Indicator, list[tuple[Any, Any]]]] = []
        for row in self.rows:
            if row.member is None:
                out.append((row.indicator, []))
            out[-1][1].append((self[f"{row.key}_value"], self[f"{row.key}_note"]))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.values: list[tuple[Row, Decimal, str]] = []
        for row in self.rows:
            name = f"{row.key}_value"
            text = data.get(name) or ""
            try:
                value = parse_value(text, row.indicator.kind, row.indicator.unit, row.label)
            except ValueError as exc:
                self.add_error(name, str(exc))
                continue
            note = (data.get(f"{row.key}_note") or "").strip()
            if value is None:
                if note:
                    self.add_error(
                        name,
                        _("%(field)s: give the value the note is about.") % {"field": row.label},
                    )
                continue
            self.values.append((row, value, note))
        self._check_breakdowns()
        return data

    def _check_breakdowns(self) -> None:
        """Counts per form or age group cannot add up to more than the total given."""
        totals: dict[int, tuple[Row, Decimal]] = {}
        parts: dict[int, Decimal] = {}
        for row, value, _note in self.values:
            if row.indicator.kind != "number":
                continue
            if row.member is None:
                totals[row.indicator.pk] = (row, value)
            else:
                parts[row.indicator.pk] = parts.get(row.indicator.pk, Decimal(0)) + value
        for pk, (row, total) in totals.items():
            if parts.get(pk, Decimal(0)) > total:
                self.add_error(
                    f"{row.key}_value",
                    _(
                        "%(field)s: the values per form or age group add up to %(parts)s, "
                        "more than the total of %(total)s."
                    )
                    % {
                        "field": row.label,
                        "parts": format_value(parts[pk], "number", row.indicator.unit),
                        "total": format_value(total, "number", row.indicator.unit),
                    },
                )


def values_form(update: Any, data: Any = None) -> ValuesForm:
    return ValuesForm(update, data) if data is not None else ValuesForm(update)


def _state(update: Any) -> list[str]:
    values = IndicatorValue.objects.filter(update=update).select_related(
        "indicator", "exploitation_form", "age_group"
    )
    out = []
    for v in sorted(values, key=lambda v: (v.indicator.order, v.indicator.code, v.pk)):
        member = f" ({v.member.name})" if v.member else ""
        note = f" – {v.note}" if v.note else ""
        out.append(f"{v.indicator.code}{member}: {v.value.normalize():f}{note}")
    return out


def save_values(user: Any, update: Any, form: ValuesForm) -> None:
    """Replace the update's values by the form's; the holder's right to edit
    the update is checked again (access.check_edit). Audited when anything changed."""
    with transaction.atomic():
        access.check_edit(user, update)
        before = _state(update)
        IndicatorValue.objects.filter(update=update).delete()
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(update=update, value=value, note=note, **row.lookup())
                for row, value, note in form.values
            ]
        )
        after = _state(update)
        if before != after:
            audit.record(
                actor=user,
                kind="update",
                obj=update,
                before={"indicator_values": before},
                after={"indicator_values": after},
                verb="save",
            )


def reported(update: Any) -> list[tuple[Indicator, list[IndicatorValue]]]:
    """The update's defined values, per indicator, for the read-only view."""
    values = IndicatorValue.objects.filter(update=update).select_related(
        "indicator", "exploitation_form", "age_group"
    )
    grouped: dict[int, tuple[Indicator, list[IndicatorValue]]] = {}
    for v in sorted(values, key=lambda v: (v.indicator.order, v.indicator.code, v.pk)):
        grouped.setdefault(v.indicator_id, (v.indicator, []))[1].append(v)
    return list(grouped.values())


def submitted_values(update: Any) -> list[str]:
    """The update's defined values as the reviewer compares submissions:
    one line per value, "Getrainde professionals (Arbeidsuitbuiting): 300 professionals"."""
    lines = []
    for indicator, values in reported(update):
        for v in values:
            member = f" ({v.member.name})" if v.member else ""
            note = f" – {v.note}" if v.note else ""
            shown = format_value(v.value, indicator.kind, indicator.unit)
            lines.append(f"{indicator.name}{member}: {shown}{note}")
    return lines

"""Forms: the programme team's indicator definition, and the values a holder
reports in a progress update."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.core.importing.periods import NotADate, read_date
from samen.plan.document import Checker

from .document import IndicatorData, indicator_data, parse_indicator
from .models import Indicator
from .notation import input_text, parse_decimal


class IndicatorForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=30,
        help_text=gettext_lazy("Short and unique within the action, such as I1."),
    )
    name_nl = forms.CharField(label=gettext_lazy("Name (Dutch)"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=300, required=False)
    description_nl = forms.CharField(
        label=gettext_lazy("Description (Dutch)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("What is counted, such as 'professionals' or 'meldingen'."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Indicator.Kind.choices)
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Indicator.Direction.choices
    )
    combination = forms.ChoiceField(
        label=gettext_lazy("Values over time"),
        choices=Indicator.Combination.choices,
        help_text=gettext_lazy(
            "Per period: each round stands on its own. Cumulative: the baseline plus every "
            "value so far. Latest value: the last value reported counts."
        ),
    )
    baseline_value = forms.CharField(
        label=gettext_lazy("Baseline value"),
        required=False,
        help_text=gettext_lazy("Dutch notation: 1.234,5. For yes/no: 0 (no) or 1 (yes)."),
    )
    baseline_date = forms.DateField(
        label=gettext_lazy("Baseline date"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    targets = forms.CharField(
        label=gettext_lazy("Targets"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "One target per line: the date, a colon and the value, such as 31-12-2027: 500 "
            "(or 2027-12-31: 500)."
        ),
    )
    disaggregation = forms.ChoiceField(
        label=gettext_lazy("Broken down"),
        choices=Indicator.Disaggregation.choices,
        required=False,
        help_text=gettext_lazy(
            "Holders then also report the value per exploitation form or age group of the action."
        ),
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=500, required=False)
    confirmed = forms.BooleanField(label=gettext_lazy("Confirmed"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, taken: set[str] = frozenset(), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.taken = taken
        for field in self.fields.values():
            field.error_messages["required"] = _("%(field)s is required.") % {"field": field.label}
        self.fields["baseline_date"].error_messages["invalid"] = _(
            "%(field)s: enter a date, such as 31-12-2027."
        ) % {"field": self.fields["baseline_date"].label}
        self.parsed: IndicatorData | None = None

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        data = indicator_data(indicator)
        return {
            **{
                k: getattr(data, k)
                for k in (
                    "code",
                    "name_nl",
                    "name_en",
                    "description_nl",
                    "description_en",
                    "unit",
                    "kind",
                    "direction",
                    "combination",
                    "baseline_date",
                    "disaggregation",
                    "source",
                    "confirmed",
                    "note",
                )
            },
            "baseline_value": input_text(data.baseline_value),
            "targets": "\n".join(
                f"{t.date.isoformat()}: {input_text(t.value)}" for t in data.targets
            ),
        }

    def clean(self) -> dict[str, Any]:
        """Every problem at once, each under its field and starting with the
        field's name (the checks shared with the plan file say what is wrong)."""
        data = super().clean()
        failed = set(self.errors)
        raw: dict[str, Any] = {
            k: data.get(k)
            for k in (
                "code",
                "name_nl",
                "name_en",
                "description_nl",
                "description_en",
                "unit",
                "kind",
                "direction",
                "combination",
                "disaggregation",
                "source",
                "confirmed",
                "note",
            )
        }
        if data.get("code") and data["code"] in self.taken:
            self.add_error("code", _("This action already has an indicator with this code."))
        baseline = None
        if data.get("baseline_value"):
            try:
                baseline = parse_decimal(data["baseline_value"], str(self["baseline_value"].label))
            except ValueError as exc:
                self.add_error("baseline_value", str(exc))
                failed.add("baseline_value")
        if baseline is not None or data.get("baseline_date"):
            raw["baseline"] = {"value": baseline, "date": data.get("baseline_date")}
        targets = []
        label = str(self["targets"].label)
        for line in (data.get("targets") or "").splitlines():
            if not line.strip():
                continue
            day, sep, value = line.rpartition(":")
            if not sep:
                self.add_error(
                    "targets",
                    _("%(field)s: write each target as a date, a colon and the value.")
                    % {"field": label},
                )
                failed.add("targets")
                continue
            try:
                number: Decimal | None = parse_decimal(value, label)
            except ValueError as exc:
                self.add_error("targets", str(exc))
                failed.add("targets")
                continue
            try:
                date: Any = read_date(day.strip()).isoformat()
            except NotADate:
                date = day.strip()
            targets.append({"date": date, "value": number})
        raw["targets"] = targets
        check = Checker(None)
        parsed = parse_indicator(check, raw, ())
        for error in check.errors:
            name = str(error.path[0]) if error.path else ""
            if name == "baseline":
                name = "baseline_value" if "value" in error.path else "baseline_date"
            if name in failed:
                continue  # already said, in the field's own words
            if name in self.fields:
                message = _("%(field)s: %(problem)s") % {
                    "field": self[name].label,
                    "problem": error.message,
                }
                self.add_error(name, message)
            else:
                self.add_error(None, capfirst(error.message))
        if not self.errors:
            self.parsed = parsed
        return data

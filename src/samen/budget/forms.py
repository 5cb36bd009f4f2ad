"""Forms of the budget screens: they parse and report; services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.plan.models import Action

from . import money
from .models import FundingLine
from .services import EntryData


class AmountField(forms.CharField):
    """An amount typed the Dutch way (1.250.000,00) or plainly (1250000.00); exact."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return money.to_amount(text)
        except money.AmountError as exc:
            raise forms.ValidationError(str(exc), code="amount") from exc


class EntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(label=_("Action"))
    funding_line = forms.ChoiceField(label=_("Funding line"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = AmountField(
        label=_("Amount in euros"),
        help_text=_("For example 125000 or 125.000,00; at most two decimals."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (a.code, f"{a.code} – {a.title}"[:120]) for a in Action.objects.all()
        ]
        self.fields["funding_line"].choices = [
            (line.code, f"{line.name} ({line.period_label})") for line in FundingLine.objects.all()
        ]

    def entry(self, is_demo: bool = False) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            funding_line=data["funding_line"],
            action=data["action"],
            year=data["year"],
            amount=data["amount"],
            note=data["note"],
            is_demo=is_demo,
            round_id=int(data["round"]) if data.get("round") else None,
        )

    @staticmethod
    def initial_for(entry: Any) -> dict[str, Any]:
        return {
            "version": entry.version,
            "action": entry.action.code,
            "funding_line": entry.funding_line.code,
            "year": entry.year,
            "amount": money.as_string(entry.amount).replace(".", ","),
            "note": entry.note,
            "round": str(entry.round_id) if getattr(entry, "round_id", None) else "",
        }


class SpendingForm(EntryForm):
    round = forms.ChoiceField(
        label=_("Reporting round"),
        required=False,
        help_text=_("The round in which the spending was reported; empty for earlier years."),
    )
    field_order = ["version", "round", "action", "funding_line", "year", "amount", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from samen.reporting.models import ReportingRound

        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("No round"))] + [
            (str(r.pk), r.title) for r in ReportingRound.objects.order_by("-period_end")
        ]
        self.fields["amount"].label = _("Amount spent in euros")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_(
            "A sheet 'Toewijzingen' with the columns Actie, Financieringsbron, Jaar and Bedrag "
            "(as in the export). A file with any error writes nothing."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; do not save anything"), required=False
    )

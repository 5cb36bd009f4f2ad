"""Forms of the registrations workspace: they parse and report; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .figure_text import number
from .models import EstimationRun, ExternalEstimate, Register
from .source_notes import source_text


class RegistrationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table of registrations (.xlsx or .csv)"),
        help_text=_(
            "One row per count (columns Jaar, Aantal and optionally Uitbuitingsvorm, "
            "Leeftijdsgroep, Geslacht), or years down and forms of exploitation or age groups "
            "across. Dutch or English headers. Counts only: files with data about persons "
            "are refused."
        ),
    )
    register = forms.ModelChoiceField(
        label=_("Register"),
        queryset=Register.objects.all(),
        required=False,
        help_text=_("Who counted. Leave empty when the file has a column Register."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; do not save anything"), required=False
    )


def _period(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


def estimate_choices() -> list[tuple[str, str]]:
    """Published estimates and finished estimation runs, as "external:<id>" / "run:<id>"."""
    out = [
        (
            f"external:{e.pk}",
            _("Published estimate %(period)s: %(value)s a year (%(method)s)")
            % {
                "period": _period(e.period_start, e.period_end),
                "value": number(e.estimate_per_year),
                "method": source_text(e.method),
            },
        )
        for e in ExternalEstimate.objects.all()
    ]
    runs = EstimationRun.objects.filter(
        state=EstimationRun.State.DONE, estimate__isnull=False
    ).select_related("dataset")
    out += [
        (
            f"run:{run.pk}",
            _("Estimation run %(dataset)s, %(method)s: %(value)s (%(period)s)")
            % {
                "dataset": run.dataset.name,
                "method": run.method_label,
                "value": number(run.estimate),
                "period": _period(run.dataset.period_start, run.dataset.period_end),
            },
        )
        for run in runs
    ]
    return out


class DetectionLinkForm(forms.Form):
    register = forms.ModelChoiceField(label=_("Registrations of"), queryset=Register.objects.all())
    estimate = forms.ChoiceField(label=_("Estimate of the same population"))
    note = forms.CharField(
        label=_("Why they count the same population"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I have compared both population definitions and periods: the registrations "
            "and the estimate count the same population."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimate"].choices = estimate_choices()

    def chosen(self) -> dict[str, Any]:
        """{"external_estimate": ...} or {"run": ...} for detection.create_link."""
        kind, _sep, pk = self.cleaned_data["estimate"].partition(":")
        if kind == "external":
            return {"external_estimate": ExternalEstimate.objects.get(pk=pk)}
        return {"run": EstimationRun.objects.select_related("dataset").get(pk=pk)}

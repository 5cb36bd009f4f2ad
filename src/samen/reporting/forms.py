"""Forms of the reporting screens: they parse and report; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgressStatus

INDICATOR_ROWS = 3


class ProgressUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    progress_status = forms.ChoiceField(
        label=_("Status of the action"),
        choices=ProgressStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    percent_complete = forms.IntegerField(
        label=_("Percentage complete"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("A whole number from 0 to 100."),
    )
    achievements = forms.CharField(
        label=_("Achievements"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("What did the action deliver in this period? You can use Markdown."),
    )
    obstacles = forms.CharField(
        label=_("Obstacles"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    help_needed = forms.CharField(
        label=_("Help needed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What do you need from the programme team or other partners?"),
    )
    milestones_reached = forms.MultipleChoiceField(
        label=_("Milestones reached"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestones_reached"].choices = [(str(m.pk), m.title) for m in milestones]
        for i in range(INDICATOR_ROWS):
            self.fields[f"indicator_{i}_name"] = forms.CharField(
                label=_("Indicator %(n)s: name") % {"n": i + 1}, required=False, max_length=100
            )
            self.fields[f"indicator_{i}_value"] = forms.DecimalField(
                label=_("Indicator %(n)s: value") % {"n": i + 1},
                required=False,
                max_digits=15,
                decimal_places=4,
            )
            self.fields[f"indicator_{i}_unit"] = forms.CharField(
                label=_("Indicator %(n)s: unit") % {"n": i + 1}, required=False, max_length=40
            )

    def indicator_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"indicator_{i}_name"], self[f"indicator_{i}_value"], self[f"indicator_{i}_unit"])
            for i in range(INDICATOR_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in range(INDICATOR_ROWS):
            name, value = data.get(f"indicator_{i}_name"), data.get(f"indicator_{i}_value")
            if name and value is None:
                self.add_error(f"indicator_{i}_value", _("Give a value for this indicator."))
            if value is not None and not name:
                self.add_error(f"indicator_{i}_name", _("Give this indicator a name."))
        return data

    def indicators(self) -> list[dict[str, Any]]:
        out = []
        for i in range(INDICATOR_ROWS):
            name = self.cleaned_data.get(f"indicator_{i}_name")
            value = self.cleaned_data.get(f"indicator_{i}_value")
            if name and value is not None:
                number = float(value)
                out.append(
                    {
                        "name": name,
                        "value": int(number) if number.is_integer() else number,
                        "unit": self.cleaned_data.get(f"indicator_{i}_unit") or "",
                    }
                )
        return out

    @staticmethod
    def initial_for(update: Any) -> dict[str, Any]:
        initial = {
            "version": update.version,
            "progress_status": update.progress_status,
            "percent_complete": update.percent_complete,
            "achievements": update.achievements,
            "obstacles": update.obstacles,
            "help_needed": update.help_needed,
            "milestones_reached": [str(m.pk) for m in update.milestones_reached.all()],
        }
        for i, item in enumerate(update.indicators[:INDICATOR_ROWS]):
            initial[f"indicator_{i}_name"] = item.get("name", "")
            initial[f"indicator_{i}_value"] = item.get("value")
            initial[f"indicator_{i}_unit"] = item.get("unit", "")
        return initial


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to change?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )


class ReportTextForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    report_achievements = forms.CharField(
        label=_("Achievements (text for the report)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    report_obstacles = forms.CharField(
        label=_("Obstacles (text for the report)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    report_help_needed = forms.CharField(
        label=_("Help needed (text for the report)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Progress report first half of 2026"),
    )
    period_start = forms.DateField(
        label=_("Reporting period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Reporting period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    opens_on = forms.DateField(
        label=_("Opening date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Partners can edit their updates until this moment."),
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions in this round"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By default every action that is not completed or stopped."),
    )

    def __init__(self, *args: Any, actions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(a.code, f"{a.code} {a.title}") for a in actions]


class ExtensionForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    until = forms.DateTimeField(
        label=_("New deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.code, o.name) for o in organisations]


class ReasonForm(forms.Form):
    """A way back (reopen, withdraw, take back an approval) always says why."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=_("Kept in the audit trail."),
    )


class ReopenForm(ReasonForm):
    deadline = forms.DateTimeField(
        label=_("New deadline (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to keep the current deadline."),
    )


class LetterForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Opens the progress report, and is the body of the letter. You can use Markdown."
        ),
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    reference = forms.CharField(
        label=_("Reference"), required=False, max_length=100, help_text=_("The letter's kenmerk.")
    )
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to use the date on which the file is made."),
    )
    sender = forms.CharField(
        label=_("Sender"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per line of the sender block."),
    )
    addressee = forms.CharField(
        label=_("Addressee"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    closing = forms.CharField(
        label=_("Closing and signature"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the minister's title and name."),
    )

"""Forms of the motion screens: they parse and report; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.plan.models import Action

from .models import Motion
from .services import MotionData


class MotionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Motion.Kind.choices)
    kamerstuk = forms.CharField(
        label=_("Parliamentary paper number"),
        required=False,
        max_length=40,
        help_text=_("The Kamerstuk number, e.g. 28 638-229."),
    )
    title_nl = forms.CharField(label=_("Title (Dutch)"), max_length=600)
    title_en = forms.CharField(label=_("Title (English)"), max_length=600, required=False)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submitters = forms.CharField(
        label=_("Submitters"),
        required=False,
        help_text=_("Names separated by commas, e.g. Bikker, Mutluer."),
    )
    decision = forms.ChoiceField(label=_("Decision of parliament"), choices=Motion.Decision.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=Motion.Status.choices, widget=forms.RadioSelect
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions that carry it out"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    answer_nl = forms.CharField(
        label=_("Answer given (Dutch)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_en = forms.CharField(
        label=_("Answer given (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_source = forms.URLField(
        label=_("Source of the answer"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A link to the letter to parliament with the answer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [
            (a.code, f"{a.code} – {a.title}"[:140]) for a in Action.objects.all()
        ]

    @staticmethod
    def initial_for(m: Motion) -> dict[str, Any]:
        return {
            "version": m.version,
            "kind": m.kind,
            "kamerstuk": m.kamerstuk,
            "title_nl": m.title_nl,
            "title_en": m.title_en,
            "date": m.date,
            "submitters": ", ".join(m.submitters),
            "decision": m.decision,
            "status": m.status,
            "actions": [a.code for a in m.actions.all()],
            "answer_nl": m.answer_nl,
            "answer_en": m.answer_en,
            "answer_source": m.answer_source,
        }

    def data_for_service(self) -> MotionData:
        d = self.cleaned_data
        return MotionData(
            kind=d["kind"],
            kamerstuk=d["kamerstuk"],
            title_nl=d["title_nl"],
            title_en=d["title_en"],
            date=d["date"],
            submitters=[s for s in d["submitters"].split(",") if s.strip()],
            decision=d["decision"],
            status=d["status"],
            answer_nl=d["answer_nl"],
            answer_en=d["answer_en"],
            answer_source=d["answer_source"],
            actions=list(d["actions"]),
            clear={"date"} if d["date"] is None else set(),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (every page of one OData answer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data][:MAX_PAGE_FILES]
        return [single(data, initial)]


MAX_PAGE_FILES = 50


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Files from the Tweede Kamer open data (.json)"),
        help_text=_(
            "The answer of the OData API for cases (Zaak) of the kind Motie, with ZaakActor, "
            "Kamerstukdossier and Besluit expanded, or for commitments (Toezegging). Choose "
            "every page file of one answer at once. A file with any error writes nothing."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the files; do not save anything"), required=False
    )

"""Forms of the learning space: they parse and report; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.plan.models import Action, ActionLine, AgeGroup, ExploitationForm, Organisation

from . import attachments
from .models import TEXT_MAX, Evidence
from .services import LessonData, QuestionData, Tags


class _ActionsPerLine(forms.models.ModelChoiceIterator):
    """The actions grouped under their action line's name, in the plan's order."""

    def __iter__(self) -> Any:
        groups: dict[Any, list[Any]] = {}
        for action in self.queryset:
            groups.setdefault(action.action_line, []).append(self.choice(action))
        for line, choices in groups.items():
            yield (line.label if line else _("Actions without an action line"), choices)


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in a scrollable box, a fieldset per group: on a phone a long list stays
    short on the page and every name shows in full (a multi-select cuts them off and needs
    Ctrl to choose more than one)."""

    template_name = "learning/widgets/grouped_checkboxes.html"


class ActionChoice(forms.ModelMultipleChoiceField):
    iterator = _ActionsPerLine

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title}"


class TermChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class TagsForm(forms.Form):
    exploitation_forms = TermChoice(
        label=_("Exploitation forms"),
        queryset=ExploitationForm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_groups = TermChoice(
        label=_("Age groups"),
        queryset=AgeGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_lines = TermChoice(
        label=_("Action lines"),
        queryset=ActionLine.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = ActionChoice(
        label=_("Actions"),
        queryset=Action.objects.select_related("action_line"),
        required=False,
        widget=GroupedCheckboxes,
    )

    def tags(self) -> Tags:
        d = self.cleaned_data
        return Tags(
            exploitation_forms=list(d["exploitation_forms"]),
            age_groups=list(d["age_groups"]),
            action_lines=list(d["action_lines"]),
            actions=list(d["actions"]),
        )

    @classmethod
    def initial_tags(cls, entry: Any) -> dict[str, Any]:
        return {
            name: list(getattr(entry, name).all())
            for name in ("exploitation_forms", "age_groups", "action_lines", "actions")
        }


def _text(label: Any, rows: int = 4, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
    )


class LessonForm(TagsForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    context = _text(_("Context"), help_text=_("Where and with whom did this happen?"))
    tried = _text(_("What was tried"))
    result = _text(_("Result"), required=False)
    advice = _text(_("What others should know"), required=False)
    evidence = forms.ChoiceField(
        label=_("Evidence level"), choices=Evidence.choices, widget=forms.RadioSelect
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_(
            "Optional. A PDF, Word (.docx) or Excel (.xlsx) document, a PNG or JPEG picture, or "
            "plain text. You can add more files afterwards."
        ),
    )

    field_order = ["title", "context", "tried", "result", "advice", "evidence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "attachment" in self.fields:
            self.fields["attachment"].help_text = _(
                "Optional. A PDF, Word (.docx) or Excel (.xlsx) document, a PNG or JPEG "
                "picture, or plain text, at most %(max)s. You can add more files afterwards."
            ) % {"max": attachments.limit_text()}

    def clean_attachment(self) -> Any:
        return checked_upload(self.cleaned_data.get("attachment"))

    def data_object(self) -> LessonData:
        d = self.cleaned_data
        return LessonData(
            title=d["title"],
            context=d["context"],
            tried=d["tried"],
            result=d["result"],
            advice=d["advice"],
            evidence=d["evidence"],
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
            tags=self.tags(),
        )


class QuestionForm(TagsForm):
    title = forms.CharField(label=_("Your question in one line"), max_length=200)
    body = _text(_("Explanation"), rows=6)

    field_order = ["title", "body"]

    def data_object(self) -> QuestionData:
        d = self.cleaned_data
        return QuestionData(title=d["title"], body=d["body"], tags=self.tags())


class AnswerForm(forms.Form):
    body = _text(_("Your answer"), rows=5)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF, Word (.docx) or Excel (.xlsx) document, a PNG or JPEG picture, or plain "
            "text, at most %(max)s."
        ) % {"max": attachments.limit_text()}

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data.get("file"))


def checked_upload(upload: Any) -> Any:
    """The uploaded file, or a form error saying why it is refused (size, kind, name)."""
    if upload is None:
        return None
    content = upload.read(attachments.max_bytes() + 1)
    upload.seek(0)
    problem = attachments.refusal(upload.name or "", content)
    if problem:
        raise forms.ValidationError(problem)
    return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("Lessons and questions")),
            ("lesson", _("Lessons")),
            ("question", _("Questions")),
        ],
    )
    form = forms.ModelChoiceField(
        label=_("Exploitation form"),
        queryset=ExploitationForm.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    age = forms.ModelChoiceField(
        label=_("Age group"),
        queryset=AgeGroup.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    line = forms.ModelChoiceField(
        label=_("Action line"),
        queryset=ActionLine.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    evidence = forms.ChoiceField(
        label=_("Evidence level"), required=False, choices=[("", _("All")), *Evidence.choices]
    )
    good = forms.BooleanField(label=_("Only good practice"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HarvestForm(forms.Form):
    """The part of the progress update form that asks what was learnt."""

    lesson = forms.CharField(
        label=_("What have we learnt?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. What would you tell another organisation that starts on this? "
            "You choose whether partners may read it."
        ),
    )
    share_lesson = forms.BooleanField(
        label=_("Share this lesson with the partners in the learning space"), required=False
    )

"""The preferences form: a language, and a delivery per kind of notification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import DELIVERY_CHOICES


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of notifications and e-mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for choice in choices:
            self.fields[f"kind:{choice.kind.key}"] = forms.ChoiceField(
                label=choice.kind.label,
                help_text=choice.kind.description,
                choices=DELIVERY_CHOICES,
                widget=forms.RadioSelect,
                initial=choice.delivery,
            )

    def kind_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("kind:")]

    def deliveries(self) -> dict[str, str]:
        return {
            name.removeprefix("kind:"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind:")
        }

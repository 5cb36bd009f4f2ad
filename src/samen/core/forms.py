"""What every form view does with the errors of a service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.http import QueryDict


def add_errors(form: forms.Form, errors: Mapping[str, str]) -> None:
    """A service's errors on the form: on their field, or on the whole form."""
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


def rebound_at_version(data: QueryDict, version: int, make_form: Callable[[QueryDict], Any]) -> Any:
    """After an edit conflict: the editor's input kept, the next save building on
    the version now stored (so it is not refused again unseen)."""
    data = data.copy()
    data["version"] = str(version)
    form = make_form(data)
    form.is_valid()
    return form

"""The "Wat hebben we geleerd?" part of the progress update form (reporting): the form
part shown under the update's fields, and the save called by the update's views after the
draft is saved. The reporting app calls these two functions and knows nothing else of
learning."""

from __future__ import annotations

from typing import Any

from .forms import HarvestForm
from .models import Harvest


def form_for(update: Any, data: Any = None) -> HarvestForm:
    if data is not None:
        return HarvestForm(data, prefix="learning")
    h = Harvest.objects.filter(update=update).first()
    initial = {"lesson": h.text, "share_lesson": h.share} if h else {}
    return HarvestForm(initial=initial, prefix="learning")


def save_from_post(user: Any, update: Any, data: Any) -> None:
    """Store the answer posted with the update form (nothing when the part was not sent
    or does not validate: the form shows its errors)."""
    from . import services

    if "learning-lesson" not in data:
        return
    form = form_for(update, data)
    if form.is_valid():
        services.harvest(
            user, update, form.cleaned_data["lesson"], form.cleaned_data["share_lesson"]
        )

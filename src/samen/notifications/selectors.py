"""Reads of a person's notifications and choices (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from samen.accounts import access

from . import registry
from .models import Notification, Preference


def unread_count(user: Any) -> int:
    if not access.role(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


@dataclass
class Choice:
    kind: registry.Kind
    delivery: str


def choices_for(user: Any) -> list[Choice]:
    """Every kind this person's role can receive, with the delivery in force."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        Choice(kind, chosen.get(kind.key, kind.default))
        for kind in registry.kinds()
        if kind.for_role(access.role(user))
    ]

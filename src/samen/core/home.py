"""Blocks at the top of the home page for a person who is signed in.

Each app that has work or reading for a role adds a function to
settings.SAMEN_HOME_PANELS: it takes the request and returns the Panels for that
person (often none). The home page shows them in `order`, above the plan. This is
where a new app (such as the analysts' impact workspace) puts its own start block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    """A block on the home page: a template (rendered with `panel` in its context)
    and its data. Lower `order` comes first."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def panels(request: HttpRequest) -> list[Panel]:
    """Every app's panels for the person making the request, in order."""
    if not getattr(request.user, "is_authenticated", False):
        return []
    found: list[Panel] = []
    for path in getattr(settings, "SAMEN_HOME_PANELS", []):
        found.extend(import_string(path)(request))
    return sorted(found, key=lambda p: p.order)

"""The reporting blocks of the home page (settings.SAMEN_HOME_PANELS): what each
role has to do or can read in the reporting rounds."""

from __future__ import annotations

from django.http import HttpRequest

from samen.accounts import access
from samen.core.home import Panel

from . import selectors


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    role = access.role(user)
    if access.can_manage_rounds(user):
        return [Panel("reporting/home/programme.html", {"rounds": selectors.rounds_at_work()}, 10)]
    found = []
    if role == "holder":
        found.append(
            Panel("reporting/home/holder.html", {"rounds": selectors.due_by_round(user)}, 10)
        )
    if role in ("holder", "involved"):
        involved = list(selectors.involved_updates(user))
        if involved or role == "involved":
            found.append(Panel("reporting/home/involved.html", {"updates": involved}, 20))
    if role == "analyst":
        found.append(
            Panel("reporting/home/analyst.html", {"budget": access.can_view_budget(user)}, order=10)
        )
    if role in ("analyst", "viewer", "involved"):
        found.append(
            Panel(
                "reporting/home/approved.html",
                {"rounds": selectors.approved_by_round(user)},
                order=30,
            )
        )
    return found

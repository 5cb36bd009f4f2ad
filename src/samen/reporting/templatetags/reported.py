"""{% load reported %}: an action's reported progress on the plan's pages.

Kept in the reporting app so that the plan's templates need no knowledge of
rounds and updates (as the budget's blocks, ADR 0008). Each tag reads through
samen.reporting.progress, which lets every reader see only the approved updates
they may read (the public: published rounds only).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import template

from samen.accounts import access
from samen.plan.models import Action, ActionLine

from .. import progress
from ..models import ProgressUpdate, ReviewState

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("reporting/_progress_cell.html")
def progress_cell(known: Any, action: Action) -> dict[str, Any]:
    """The explorer's status cell: reported status, round and date; holders
    reported when not all did; the plan's own status when it says more."""
    return {"p": known.get(action.pk, progress.NOTHING), "action": action}


@register.inclusion_tag("reporting/_action_progress.html", takes_context=True)
def action_progress(context: Any, action: Action, known: Any) -> dict[str, Any]:
    """The action page's block: status per holder, each linked to its approved
    update, and every approved update on this action the reader may open."""
    user = _user(context)
    approved = ProgressUpdate.objects.filter(action=action, review_state=ReviewState.APPROVED)
    signed_in = bool(access.role(user))
    approved = (
        access.visible_updates(user, approved) if signed_in else access.public_updates(approved)
    )
    return {
        "p": known.get(action.pk, progress.NOTHING),
        "signed_in": signed_in,
        "approved": approved.select_related("round", "organisation").order_by(
            "-round__period_end", "organisation__name"
        ),
    }


@register.inclusion_tag("reporting/_progress_by_line.html", takes_context=True)
def progress_by_line(context: Any) -> dict[str, Any]:
    """Home page: actions per action line by reported status (three queries)."""
    known = progress.for_actions(_user(context))
    lines = {line.pk: line for line in ActionLine.objects.all()}
    per_line: dict[int | None, Counter[str]] = {}
    for pk, line_id in Action.objects.values_list("pk", "action_line_id"):
        per_line.setdefault(line_id, Counter())[known.get(pk, progress.NOTHING).status] += 1
    # Every action line in its order (an empty one too), then actions without one.
    order = [*lines, None] if None in per_line else list(lines)
    rows = []
    for line_id in order:
        counts = per_line.get(line_id, Counter())
        rows.append((lines.get(line_id), [counts[c] for c in progress.CODES], counts.total()))
    return {
        "rows": rows,
        "labels": [progress.LABELS[c] for c in progress.CODES],
        "total": sum(total for _l, _c, total in rows),
        "reported": sum(1 for p in known.values()),
    }

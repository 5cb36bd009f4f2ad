"""{% load parliament %}: the motions block of an action page."""

from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("parliament/_action_motions.html")
def action_motions(action: Any) -> dict[str, Any]:
    """The motions and commitments an action carries out (public, like the plan)."""
    return {"action": action, "motions": selectors.motions_for_action(action)}

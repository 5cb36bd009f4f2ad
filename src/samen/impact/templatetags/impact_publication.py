"""Template tags of the publication part, for pages of other parts (the Effect page)."""

from __future__ import annotations

from typing import Any

from django import template

from samen.impact import publication

register = template.Library()


@register.simple_tag
def withdrawn_publications() -> list[Any]:
    """Withdrawn publications, latest first: the Effect page names them and the date of
    withdrawal, nothing of their figures."""
    return list(publication.withdrawn_publications()[:10])


@register.simple_tag(takes_context=True)
def can_propose(context: dict[str, Any]) -> bool:
    """Whether the person viewing the page may propose figures for publication."""
    from samen.impact import visibility

    request = context.get("request")
    return visibility.can_propose(getattr(request, "user", None))

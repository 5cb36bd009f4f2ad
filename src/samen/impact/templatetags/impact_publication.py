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

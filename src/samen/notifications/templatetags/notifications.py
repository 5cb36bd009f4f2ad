"""{% unread_notifications %}: the number of unread notifications of the person
signed in (one query, only for people with a role)."""

from __future__ import annotations

from typing import Any

from django import template

from samen.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    request = context.get("request")
    return selectors.unread_count(getattr(request, "user", None))

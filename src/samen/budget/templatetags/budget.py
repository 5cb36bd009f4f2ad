"""{% load budget %}: money in templates, and the funding block of an action page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from samen.accounts import access

from .. import selectors
from ..money import format_eur

register = template.Library()


@register.filter
def eur(amount: Decimal | None) -> str:
    """{{ amount|eur }}: € 2.000.000,00 (Dutch) or €2,000,000.00 (English), exact."""
    return format_eur(amount, get_language() or "nl")


@register.inclusion_tag("budget/_action_funding.html", takes_context=True)
def action_funding(context: Any, action: Any) -> dict[str, Any]:
    """The funding of an action, for its page: only signed-in roles see amounts.
    Kept here so the plan's page needs no knowledge of the budget (ADR 0008)."""
    user = context.get("user")
    visible = access.can_view_budget(user)
    return {
        "action": action,
        "visible": visible,
        "years": selectors.action_funding(action) if visible else [],
        "can_change": access.can_change_budget(user),
    }

"""Template helpers available in every template (see TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

from samen.core.models import translated

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """{{ action|tr:"title" }}: the field in the active language."""
    return translated(obj, field)


@register.simple_tag
def query(params: list[tuple[str, str]] | None = None, **changes: Any) -> str:
    """A query string from (name, value) pairs, with single values replaced."""
    items = [(k, v) for k, v in (params or []) if k not in changes]
    items += [(k, v) for k, v in changes.items() if v not in (None, "")]
    return ("?" + urlencode(items)) if items else "?"


@register.filter
def nl_number(value: Any) -> str:
    """Whole numbers with Dutch thousands separators (1.234)."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag
def yesno_nl(value: bool) -> str:
    return _("yes") if value else _("no")

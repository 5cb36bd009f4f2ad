"""Template helpers available in every template (see TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ counts|get_item:code }}: a dictionary lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def contains(container: Any, item: Any) -> bool:
    try:
        return item in container
    except TypeError:
        return False


@register.filter
def display_value(value: Any) -> str:
    """A document value (list, mapping, bool, None) as short readable text."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(display_value(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"start", "end"}:
            start, end = value["start"], value["end"]
            return f"{start}–{end}" if start != end else str(start)
        return "; ".join(
            f"{k}: {display_value(v)}" for k, v in value.items() if v not in (None, "")
        )
    return str(value)


@register.simple_tag
def term_list(terms: Any, total: int, all_label: str) -> str:
    """Names of taxonomy terms, or `all_label` when every term is listed."""
    items = list(terms)
    if total and len(items) == total and total > 1:
        return all_label
    return ", ".join(str(t.name) for t in items)


@register.simple_tag
def provenance(item: Any) -> str:
    """Badges saying where a fact stands: inferred (not confirmed by the official plan
    text), partly inferred, demo data. A tag rather than an include: it runs in every
    row of long tables."""
    badges = []
    if not getattr(item, "confirmed", True):
        badges.append(
            format_html(
                '<span class="samen-badge samen-badge--inferred" title="{}">{}</span>',
                _("Not confirmed by the official plan text"),
                _("inferred"),
            )
        )
    elif getattr(item, "inferred_fields", None):
        badges.append(
            format_html(
                '<span class="samen-badge samen-badge--partly" title="{}">{}</span>',
                _("Some details are inferred"),
                _("partly inferred"),
            )
        )
    if getattr(item, "is_demo", False):
        badges.append(
            format_html('<span class="samen-badge samen-badge--demo">{}</span>', _("demo data"))
        )
    return mark_safe(" ".join(badges))  # noqa: S308 (each badge built by format_html)


@register.filter(is_safe=True)
def markdown(text: str) -> Any:
    """User Markdown as sanitised HTML."""
    from samen.core.markdown import render

    return mark_safe(render(text))  # noqa: S308 (sanitised by nh3 in render())

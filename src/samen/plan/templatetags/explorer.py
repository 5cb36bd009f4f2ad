"""The explorer's table rows, rendered in Python.

The template engine costs about a quarter of a millisecond per row of six cells; at
fifty rows a page that must not slow down as the plan grows (bench/plan_pages.py)
spent most of its time there. The markup is the same as the template's would be.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from samen.core.templatetags.samen import provenance
from samen.plan.selectors import ActionRow

register = template.Library()

CELL = '<td class="utrecht-table__cell">{}</td>'


@register.simple_tag
def action_rows(rows: list[ActionRow]) -> SafeString:
    """<tr>s of the explorer's table: number, action (with its line and provenance),
    holders, exploitation forms, age groups, status."""
    not_known = format_html('<span class="samen-muted">{}</span>', _("not known"))
    return format_html_join(
        "\n",
        '<tr class="utrecht-table__row">'
        '<td class="utrecht-table__cell samen-nowrap">{}</td>'
        '<td class="utrecht-table__cell"><a href="{}">{}</a>'
        ' <span class="samen-cell-meta">{}</span> {}</td>'
        + CELL
        * 3
        + '<td class="utrecht-table__cell">'
        '<span class="samen-status samen-status--{}">{}</span></td></tr>',
        (
            (
                row.action.code,
                row.url,
                row.action.title,
                row.line,
                provenance(row.action),
                row.holders or not_known,
                row.forms,
                row.ages,
                row.action.status,
                row.status,
            )
            for row in rows
        ),
    )

"""The explorer's table rows, rendered in Python.

The template engine costs about a quarter of a millisecond per row of six cells; at
fifty rows a page that must not slow down as the plan grows (bench/plan_pages.py)
spent most of its time there. The markup is the same as the template's would be.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from samen.core.templatetags.samen import provenance
from samen.plan.selectors import ActionRow

register = template.Library()

CELL = '<td class="utrecht-table__cell">{}</td>'


def _meta(text: object) -> SafeString:
    return format_html('<span class="samen-cell-meta">{}</span>', text)


def progress_cell(row: ActionRow) -> SafeString:
    """The status cell: the reported status, which holders reported, the round and
    date of the latest approved update, and the plan's own status when it says more
    (the same markup as reporting/_progress_cell.html)."""
    p = row.progress
    if p is None:  # no app provides reported progress: the plan's status
        return format_html(
            '<span class="samen-status samen-status--{}">{}</span>', row.action.status, row.status
        )
    parts = [
        format_html('<span class="samen-status samen-status--{}">{}</span>', p.status, p.label)
    ]
    note = getattr(getattr(p, "combined", None), "holders_note", "")
    if note:
        parts.append(_meta(note))
    latest = p.latest
    if latest:
        when = (
            f", {date_filter(latest.approved_on, 'SHORT_DATE_FORMAT')}"
            if latest.approved_on
            else ""
        )
        parts.append(_meta(f"{latest.round_title}{when}"))
    if row.action.status != "unknown":
        parts.append(_meta(_("In the plan: %(status)s") % {"status": row.status}))
    return format_html("{}" * len(parts), *parts)


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
        ' <span class="samen-cell-meta">{}</span> {}</td>' + CELL * 3 + CELL + "</tr>",
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
                progress_cell(row),
            )
            for row in rows
        ),
    )

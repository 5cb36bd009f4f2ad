"""The chapter *Effect* of the progress report (settings.SAMEN_REPORT_SECTIONS): the
registrations trend per register, the latest published estimate with its interval and
method, and the detection rate.

Both report layers show only what is published, as the public tables show it
(`public_tables.published_tables()`: small counts suppressed, marked ·): the report to the
programme team adds how many proposals await a decision, never an unpublished figure, so a
report passed on cannot leak one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import figure_text, public_tables, publication
from .source_notes import source_text

if TYPE_CHECKING:
    from samen.documents.context import ReportContext, Section
    from samen.reporting.models import ReportingRound


def source(r: ReportingRound, layer: str) -> Any:
    """What the chapter is made of, for the stored report's fingerprint: a publication,
    a withdrawal or a corrected figure makes the report anew."""
    tables = public_tables.published_tables()
    data: dict[str, Any] = {
        "cells": sorted((str(k), v) for k, v in tables.protection.published.items()),
        "estimates": [
            (e.kind, e.year_from, e.year_to, e.estimate, e.lower, e.upper, e.method)
            for e in tables.estimates
        ],
        "rates": [(r.rate.link_id, r.rate.period, r.registered) for r in tables.rates],
    }
    if layer != "public":
        data["awaiting"] = publication.awaiting_decision().count()
    return data


def sections(ctx: ReportContext) -> list[Section]:
    from samen.documents.context import Section, Table

    tables = public_tables.published_tables()
    if not tables.registers and not tables.estimates:
        return []  # nothing published: no chapter (as the budget section without lines)
    section = Section("effect", _("Effect"))
    section.paragraphs.append(
        _(
            "The plan's ambition is fewer victims of human trafficking. This chapter shows the "
            "presumed victims registered per year, the estimated total number of victims "
            "(registered or not) and the detection rate: the share of the estimated victims "
            "that is registered."
        )
    )
    if ctx.layer != "public":
        waiting = publication.awaiting_decision().count()
        if waiting:
            section.paragraphs.append(
                ngettext(
                    "%(count)s proposal to publish figures awaits the programme team's "
                    "decision; this chapter shows only published figures.",
                    "%(count)s proposals to publish figures await the programme team's "
                    "decision; this chapter shows only published figures.",
                    waiting,
                )
                % {"count": waiting}
            )
    if tables.registers:
        latest = tables.totals.rows[-1]
        shown = [
            f"{column.label}: {figure_text.cell_text(cell)}"
            for column, cell in zip(tables.totals.columns, latest.cells, strict=True)
        ]
        section.paragraphs.append(
            _("Presumed victims registered in %(year)s: %(figures)s.")
            % {"year": latest.year, "figures": "; ".join(shown)}
        )
        section.tables.append(
            Table(
                _("Registered presumed victims per year and register"),
                [_("Year"), *(c.label for c in tables.totals.columns)],
                [
                    [str(row.year), *(figure_text.cell_text(c) for c in row.cells)]
                    for row in tables.totals.rows
                ],
            )
        )
    runs = [e for e in tables.estimates if e.kind == "run"]
    latest_estimate = (runs or list(tables.estimates) or [None])[-1]
    if latest_estimate is not None:
        e = latest_estimate
        section.paragraphs.append(
            _(
                "Latest published estimate of the number of victims (%(period)s): "
                "%(estimate)s; method: %(method)s."
            )
            % {
                "period": e.period,
                "estimate": figure_text.estimate_text(e),
                "method": source_text(e.method),
            }
        )
        section.tables.append(
            Table(
                _("Estimated number of victims, with interval and method"),
                [_("Period"), _("Estimate"), _("Interval"), _("Method")],
                [
                    [
                        x.period,
                        figure_text.estimate_value(x),
                        figure_text.range_text(x.lower, x.upper),
                        source_text(x.method),
                    ]
                    for x in tables.estimates
                ],
            )
        )
    if tables.rates:
        rows = []
        for rate in tables.rates:
            d = rate.rate
            hidden = rate.suppressed
            rows.append(
                [
                    d.period,
                    d.register.name,
                    public_tables.MARK if hidden else figure_text.number(rate.registered),
                    figure_text.count_text(d.estimate, d.lower, d.upper),
                    public_tables.MARK if hidden else figure_text.rate_text(d.values),
                    public_tables.MARK if hidden else figure_text.dark_text(d.values),
                ]
            )
        section.tables.append(
            Table(
                _("Detection rate: registered ÷ estimated victims"),
                [
                    _("Year"),
                    _("Register"),
                    _("Registered"),
                    _("Estimated (interval)"),
                    _("Detection rate (interval)"),
                    _("Dark number (interval)"),
                ],
                rows,
            )
        )
    section.paragraphs.append(
        _(
            "· = not published, to protect privacy: the count is below %(threshold)s, or it "
            "is hidden so that such a count cannot be worked out from the other figures. "
            "* = derived: computed from published totals and percentages. "
            "Counts of different registers use different definitions and are not added up."
        )
        % {"threshold": tables.threshold}
    )
    return [section]

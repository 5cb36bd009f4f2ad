"""The motions section of the progress report (settings.SAMEN_REPORT_SECTIONS):
every motion and commitment, its status, the actions that carry it out and the
answer given. Motions are public facts, so both report layers show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import motions_summary

if TYPE_CHECKING:
    from samen.documents.context import ReportContext, Section
    from samen.reporting.models import ReportingRound


def source(r: ReportingRound, layer: str) -> Any:
    """For the stored report's fingerprint: a changed motion makes the report anew."""
    return motions_summary()


def sections(ctx: ReportContext) -> list[Section]:
    from samen.documents.context import Section, Table

    data = motions_summary()
    items = data["items"]
    if not items:
        return []
    counts = data["counts"]
    section = Section("motions", _("Motions and commitments"))
    section.paragraphs.append(
        ngettext(
            "Parliament steers the programme through %(total)s motion or commitment: "
            "%(open)s open, %(in_progress)s in progress and %(done)s done.",
            "Parliament steers the programme through %(total)s motions and commitments: "
            "%(open)s open, %(in_progress)s in progress and %(done)s done.",
            counts["total"],
        )
        % counts
    )
    if any(item["demo"] for item in items):
        section.paragraphs.append(_("Items marked (demo) are demo data, not real motions."))
    # Inferred items get a mark in their first cell; one note says what it means,
    # instead of the word in every cell.
    if any(not item["confirmed"] or item["inferred_fields"] for item in items):
        section.paragraphs.append(
            _("Items marked with * are inferred: they are not confirmed by an official source.")
        )

    def label(item: dict[str, Any]) -> str:
        text = item["number"] or "—"
        if not item["confirmed"] or item["inferred_fields"]:
            text += "*"
        return _("%(number)s (demo)") % {"number": text} if item["demo"] else text

    section.tables.append(
        Table(
            _("Motions and commitments, the actions that carry them out and the answer given"),
            [_("Motion or commitment"), _("Title"), _("Status"), _("Actions"), _("Answer")],
            [
                [
                    label(item),
                    item["title"],
                    item["status_label"],
                    ", ".join(a["code"] for a in item["actions"]) or "—",
                    item["answer"] or "—",
                ]
                for item in items
            ],
            numeric_from=99,
        )
    )
    return [section]

"""The budget section of the progress report (settings.SAMEN_REPORT_SECTIONS).

The section shows the year the round reports on (the year its period ends).
The internal report gives envelope, allocations and spending per funding line,
action line and exploitation form. The public version shows only the funding
lines and what they make available: allocations and spending are the
programme's working figures (samen.accounts.access.can_view_budget).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .money import format_eur
from .selectors import budget_summary

if TYPE_CHECKING:
    from samen.documents.context import ReportContext, Section
    from samen.reporting.models import ReportingRound


def report_year(period_end: Any) -> int:
    return int(period_end.year)


def source(r: ReportingRound, layer: str) -> Any:
    """What the section is made of, for the stored report's fingerprint
    (samen.documents.services): a stored file is made anew when the budget of
    its year changes."""
    data = budget_summary(report_year(r.period_end))
    if layer == "public":
        return [(line["code"], line["envelope"]) for line in data["funding_lines"]]
    return data


def sections(ctx: ReportContext) -> list[Section]:
    from samen.documents.context import Section, Table

    year = report_year(ctx.period_end)
    data = budget_summary(year)
    if not data["funding_lines"]:
        return []
    lang = ctx.language

    def eur(amount: Any) -> str:
        return format_eur(amount, lang)

    def cell(amount: Any) -> str:
        # The captions say "in euros": the tables leave out the sign, so that
        # four columns of amounts fit the page without breaking a number.
        return format_eur(amount, lang, symbol=False)

    def line_name(line: dict[str, Any]) -> str:
        return f"{line['name']} ({line['ministry']})" if line["ministry"] else line["name"]

    lines = data["funding_lines"]
    public = ctx.layer == "public"
    columns = [("envelope", _("Available"))]
    if not public:
        columns += [
            ("allocated", _("Allocated")),
            ("spent", _("Spent")),
            ("remaining", _("Not yet allocated")),
        ]
    funding_lines = Table(
        _("Funding lines in %(year)s, in euros") % {"year": year},
        [_("Funding line"), *(header for _key, header in columns)],
        [[line_name(line), *(cell(line[key]) for key, _h in columns)] for line in lines]
        + [[_("Total"), *(cell(data[key]) for key, _h in columns)]],
    )
    section = Section("budget", _("Budget %(year)s") % {"year": year})
    if public:
        section.paragraphs.append(
            ngettext(
                "In %(year)s the programme has %(envelope)s available from %(count)s funding line.",
                "In %(year)s the programme has %(envelope)s available from %(count)s funding lines.",
                len(lines),
            )
            % {"year": year, "envelope": eur(data["envelope"]), "count": len(lines)}
        )
        section.tables.append(funding_lines)
        return [section]

    section.paragraphs.append(
        ngettext(
            "In %(year)s the programme has %(envelope)s available from %(count)s funding "
            "line; %(allocated)s of it is allocated to actions and %(spent)s has been spent.",
            "In %(year)s the programme has %(envelope)s available from %(count)s funding "
            "lines; %(allocated)s of it is allocated to actions and %(spent)s has been spent.",
            len(lines),
        )
        % {
            "year": year,
            "envelope": eur(data["envelope"]),
            "count": len(lines),
            "allocated": eur(data["allocated"]),
            "spent": eur(data["spent"]),
        }
    )
    this_round = [g for g in data["rounds"] if g["code"] == str(ctx.round_id)]
    if this_round:
        section.paragraphs.append(
            _("Spending reported in this round: %(spent)s.")
            % {"spent": eur(this_round[0]["spent"])}
        )
    section.paragraphs.extend(data["warnings"])
    if data["has_demo"]:
        section.paragraphs.append(
            _(
                "Demo data: these allocations and spending figures are not the programme's real budget."
            )
        )
    section.paragraphs.append(
        _("Figures as recorded on %(date)s.") % {"date": date_format(ctx.generated_on, "j F Y")}
    )
    section.tables.append(funding_lines)
    section.tables.append(
        Table(
            _("Allocated and spent per action line in %(year)s, in euros") % {"year": year},
            [_("Action line"), _("Allocated"), _("Spent")],
            [[g["label"], cell(g["allocated"]), cell(g["spent"])] for g in data["action_lines"]]
            + [[_("Total"), cell(data["allocated"]), cell(data["spent"])]],
        )
    )
    section.tables.append(
        Table(
            _(
                "Allocated and spent per exploitation form in %(year)s, in euros; an action "
                "for several forms counts in full under each of them"
            )
            % {"year": year},
            [
                _("Exploitation form"),
                _("Allocated, this form only"),
                _("Spent, this form only"),
                _("Allocated, with other forms"),
                _("Spent, with other forms"),
            ],
            [
                [
                    f["label"],
                    cell(f["allocated_only"]),
                    cell(f["spent_only"]),
                    cell(f["allocated_shared"]),
                    cell(f["spent_shared"]),
                ]
                for f in data["exploitation_forms"]
            ],
        )
    )
    return [section]

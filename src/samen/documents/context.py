"""The report context: every fact of one progress report, built once from a
closed round and fed to every renderer (HTML, PDF, DOCX) and to the portal.

Two text layers can be reported:
* `report` (internal): the round's frozen snapshot, i.e. the programme team's
  edited text of every approved update;
* `public`: only what publication made public (`public_*` of approved updates
  in a published round, see samen.reporting.publication).

Counting rules (samen.reporting.progress.combine): an action's status comes
from its holders' approved updates in the round. A worry (delayed, at risk,
stopped) reported by any holder counts; any other status only when every
holder reported (so an action is completed only when all its holders say so),
else the action is "partly reported" and the report says how many holders
reported. An action without an approved update counts as "no approved
update", and is never counted as having changed status.

Extension point: other apps add sections (e.g. budget and motions) by naming a
function in settings.SAMEN_REPORT_SECTIONS; it receives the context and returns
a list of `Section`s, which every renderer shows before the annex. A function
`source(round, layer)` in the same module, returning JSON-able data, makes the
stored files follow changes to what the sections show (services.source_fingerprint).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from samen.accounts import access
from samen.core.models import translated
from samen.plan.models import Action, ActionLine, ExploitationForm, Organisation, Plan
from samen.reporting import progress
from samen.reporting.models import ProgressStatus, ReportingRound

LAYERS = ("report", "public")
NOT_REPORTED = progress.NOT_REPORTED
PARTLY_REPORTED = progress.PARTLY_REPORTED
# Display order of statuses in tables, charts and the annex.
STATUS_ORDER = progress.CODES
REPORTED = tuple(progress.SEVERITY)  # the statuses holders report

# "1 is on track", "2 are on track": a phrase per reported status with its own plural.
STATUS_PHRASES: dict[str, Callable[[int], str]] = {
    ProgressStatus.NOT_STARTED: lambda n: ngettext(
        "%(count)s has not started", "%(count)s have not started", n
    ),
    ProgressStatus.ON_TRACK: lambda n: ngettext(
        "%(count)s is on track", "%(count)s are on track", n
    ),
    ProgressStatus.AT_RISK: lambda n: ngettext("%(count)s is at risk", "%(count)s are at risk", n),
    ProgressStatus.DELAYED: lambda n: ngettext("%(count)s is delayed", "%(count)s are delayed", n),
    ProgressStatus.COMPLETED: lambda n: ngettext(
        "%(count)s is completed", "%(count)s are completed", n
    ),
    ProgressStatus.STOPPED: lambda n: ngettext(
        "%(count)s has stopped", "%(count)s have stopped", n
    ),
}


# The report's own words for the statuses, as a progress letter to parliament uses them.
STATUS_LABELS = {
    ProgressStatus.ON_TRACK: pgettext_lazy("report status", "On track"),
    ProgressStatus.AT_RISK: pgettext_lazy("report status", "At risk"),
    ProgressStatus.DELAYED: pgettext_lazy("report status", "Delayed"),
    ProgressStatus.COMPLETED: pgettext_lazy("report status", "Completed"),
    ProgressStatus.NOT_STARTED: pgettext_lazy("report status", "Not started"),
    ProgressStatus.STOPPED: pgettext_lazy("report status", "Stopped"),
    PARTLY_REPORTED: pgettext_lazy("report status", "Partly reported"),
    NOT_REPORTED: pgettext_lazy("report status", "No approved update"),
}


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, STATUS_LABELS[NOT_REPORTED]))


def _in_language(method: Any) -> Any:
    """Text from the context comes in the report's language, whatever is active."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with translation.override(self.language):
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class HolderReport:
    organisation: str
    status: str
    status_label: str
    percent: int | None
    achievements: str  # Markdown, as written by the programme team
    obstacles: str
    organisation_code: str = ""


@dataclass
class ActionEntry:
    code: str
    title: str
    line_number: int | None
    holders: list[str]
    forms: list[str]
    status: str = NOT_REPORTED
    previous_status: str | None = None
    reports: list[HolderReport] = field(default_factory=list)
    language: str = "nl"
    holder_codes: list[str] = field(default_factory=list)
    holders_reported: int = 0

    @property
    @_in_language
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    @_in_language
    def holders_note(self) -> str:
        """'1 van 2 actiehouders heeft gerapporteerd' when not every holder did."""
        return progress.holders_note(self.holders_reported, len(self.holder_codes))

    @property
    @_in_language
    def status_text(self) -> str:
        """The status with, when not every holder reported, how many did."""
        note = self.holders_note
        return f"{self.status_label} ({note})" if note else self.status_label

    @property
    @_in_language
    def previous_status_label(self) -> str:
        return status_label(self.previous_status) if self.previous_status else ""

    @property
    def changed(self) -> bool:
        """Only a reported status that differs from a reported status is a change;
        an action without a report (now or then) has not changed status."""
        return (
            self.previous_status in REPORTED
            and self.status in REPORTED
            and self.previous_status != self.status
        )


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    numeric_from: int = 1  # columns from here on are right-aligned numbers


@dataclass
class Section:
    """A section another app contributes (see SAMEN_REPORT_SECTIONS)."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Group:
    key: str
    title: str
    actions: list[ActionEntry]
    language: str = "nl"

    @property
    def counts(self) -> Counter[str]:
        return Counter(a.status for a in self.actions)

    @property
    @_in_language
    def table(self) -> Table:
        return Table(
            _("Actions for %(group)s: what the plan promises and where it stands")
            % {"group": self.title.lower() if self.key != "none" else self.title},
            [
                _("Action"),
                _("What the action delivers (the plan)"),
                _("Action holders"),
                _("Status"),
            ],
            [[a.code, a.title, ", ".join(a.holders) or "—", a.status_text] for a in self.actions],
            numeric_from=99,
        )


@dataclass
class Letter:
    """The frame in which the report goes to parliament (see reporting.models.RoundLetter)."""

    sender: list[str]
    addressee: list[str]
    date: dt.date | None
    reference: str
    subject: str
    closing: list[str]


@dataclass
class ReportContext:
    round_id: int
    layer: str
    language: str
    plan_title: str
    round_title: str
    period_start: dt.date
    period_end: dt.date
    generated_on: dt.date
    is_demo: bool
    actions: list[ActionEntry]
    lines: list[Group]
    forms: list[Group]
    previous_title: str | None
    extra_sections: list[Section] = field(default_factory=list)
    introduction: str = ""  # Markdown: opens the report, and is the letter's body
    letter: Letter | None = None

    # --- derived facts, used by every renderer ---------------------------------

    @property
    @_in_language
    def statuses(self) -> list[tuple[str, str]]:
        return [(code, status_label(code)) for code in STATUS_ORDER]

    @property
    def counts(self) -> Counter[str]:
        return Counter(a.status for a in self.actions)

    @property
    def previous_counts(self) -> Counter[str]:
        return Counter(a.previous_status for a in self.actions if a.previous_status)

    @property
    def changed(self) -> list[ActionEntry]:
        return [a for a in self.actions if a.changed]

    @property
    def at_risk(self) -> list[ActionEntry]:
        return [a for a in self.actions if a.status == ProgressStatus.AT_RISK]

    @property
    def delayed(self) -> list[ActionEntry]:
        return [a for a in self.actions if a.status == ProgressStatus.DELAYED]

    @property
    @_in_language
    def title(self) -> str:
        if not self.plan_title:
            return _("Progress report")
        return _("Progress report %(plan)s") % {"plan": self.plan_title}

    @property
    @_in_language
    def period_label(self) -> str:
        return _("Reporting period %(start)s to %(end)s") % {
            "start": date_format(self.period_start, "j F Y"),
            "end": date_format(self.period_end, "j F Y"),
        }

    @property
    @_in_language
    def date_label(self) -> str:
        return date_format(self.generated_on, "j F Y")

    @property
    @_in_language
    def letter_date_label(self) -> str:
        day = self.letter.date if self.letter and self.letter.date else self.generated_on
        return date_format(day, "j F Y")

    @property
    @_in_language
    def annex_label(self) -> str:
        return _("Annex: %(title)s, %(round)s") % {"title": self.title, "round": self.round_title}

    @property
    def reported(self) -> list[ActionEntry]:
        """Actions with at least one approved update in the round."""
        return [a for a in self.actions if a.status != NOT_REPORTED]

    @_in_language
    def summary_sentences(self) -> list[str]:
        """The report's opening lines. Actions without an approved update are
        counted as such: never as on track, never as changed."""
        counts, total, reported = self.counts, len(self.actions), len(self.reported)
        out = [
            ngettext(
                "This report covers %(count)s action.",
                "This report covers %(count)s actions.",
                total,
            )
            % {"count": total}
        ]
        if reported:
            # One phrase per status, each with its own plural ("1 ligt op schema, 2 zijn
            # afgerond"), joined as a list.
            shown = [
                STATUS_PHRASES[code](counts[code]) % {"count": counts[code]}
                for code, _label in self.statuses
                if code in REPORTED
                and (counts[code] or code in (ProgressStatus.ON_TRACK, ProgressStatus.DELAYED))
            ]
            out.append(
                ngettext(
                    "%(count)s action has an approved update in this round: %(statuses)s.",
                    "%(count)s actions have an approved update in this round: %(statuses)s.",
                    reported,
                )
                % {"count": reported, "statuses": join_list(shown)}
            )
        if counts[PARTLY_REPORTED]:
            out.append(
                ngettext(
                    "For %(count)s action not every action holder has reported; it counts as "
                    "partly reported.",
                    "For %(count)s actions not every action holder has reported; they count as "
                    "partly reported.",
                    counts[PARTLY_REPORTED],
                )
                % {"count": counts[PARTLY_REPORTED]}
            )
        if counts[NOT_REPORTED]:
            out.append(
                ngettext(
                    "For %(count)s action there is no approved update in this round.",
                    "For %(count)s actions there is no approved update in this round.",
                    counts[NOT_REPORTED],
                )
                % {"count": counts[NOT_REPORTED]}
            )
        if counts[NOT_REPORTED] * 2 > total:
            out.append(
                _(
                    "Most actions have no approved update in this round, so these figures do "
                    "not describe the plan as a whole."
                )
            )
        if self.previous_title:
            out.append(
                ngettext(
                    "Compared with the previous round (%(previous)s), the status of %(count)s "
                    "action changed; actions without an approved update then or now are not "
                    "compared.",
                    "Compared with the previous round (%(previous)s), the status of %(count)s "
                    "actions changed; actions without an approved update then or now are not "
                    "compared.",
                    len(self.changed),
                )
                % {"previous": self.previous_title, "count": len(self.changed)}
            )
        else:
            out.append(_("There is no earlier round to compare with."))
        return out

    @_in_language
    def attention_sentence(self) -> str:
        """What the section on actions at risk or delayed says when there are none."""
        missing = self.counts[NOT_REPORTED] + self.counts[PARTLY_REPORTED]
        if not missing:
            return _("No action is at risk or delayed.")
        return ngettext(
            "None of the actions with an approved update is at risk or delayed; for %(count)s "
            "action not every action holder has reported, so this is not known for it.",
            "None of the actions with an approved update is at risk or delayed; for %(count)s "
            "actions not every action holder has reported, so this is not known for them.",
            missing,
        ) % {"count": missing}

    # --- tables ---------------------------------------------------------------------

    @_in_language
    def status_table(self) -> Table:
        counts, previous = self.counts, self.previous_counts
        header = [_("Status"), _("Actions")]
        if self.previous_title:
            header.append(_("Previous round"))
        rows = []
        for code, label in self.statuses:
            row = [label, str(counts[code])]
            if self.previous_title:
                row.append(str(previous[code]))
            rows.append(row)
        total = [_("Total"), str(len(self.actions))]
        if self.previous_title:
            total.append(str(sum(previous.values())))
        return Table(_("Actions per status"), header, [*rows, total])

    @_in_language
    def _group_table(self, caption: str, first: str, groups: list[Group]) -> Table:
        header = [first, *(label for _code, label in self.statuses), _("Total")]
        rows = [
            [
                g.title,
                *(str(g.counts[code]) for code, _label in self.statuses),
                str(len(g.actions)),
            ]
            for g in groups
        ]
        return Table(caption, header, rows)

    @_in_language
    def line_table(self) -> Table:
        return self._group_table(
            _("Actions per action line and status"), _("Action line"), self.lines
        )

    @_in_language
    def form_table(self) -> Table:
        return self._group_table(
            _("Actions per exploitation form and status (an action can target several forms)"),
            _("Exploitation form"),
            self.forms,
        )

    @_in_language
    def change_table(self) -> Table:
        return Table(
            _("Actions whose status changed since the previous round"),
            [_("Action"), _("Title"), _("Previous status"), _("Status now")],
            [[a.code, a.title, a.previous_status_label, a.status_label] for a in self.changed],
            numeric_from=99,
        )

    @_in_language
    def action_table(self, actions: list[ActionEntry], caption: str) -> Table:
        return Table(
            caption,
            [_("Action"), _("Title"), _("Action holders"), _("Status")],
            [[a.code, a.title, ", ".join(a.holders) or "—", a.status_text] for a in actions],
            numeric_from=99,
        )

    @_in_language
    def delayed_table(self) -> Table:
        return self.action_table(self.delayed, _("Delayed actions"))

    @_in_language
    def at_risk_table(self) -> Table:
        return self.action_table(self.at_risk, _("Actions at risk"))

    @_in_language
    def annex_table(self) -> Table:
        lines = {g.key: g.title for g in self.lines}
        return Table(
            _("Status of every action"),
            [_("Action"), _("Title"), _("Action line"), _("Action holders"), _("Status")],
            [
                [
                    a.code,
                    a.title,
                    lines.get(str(a.line_number), "—"),
                    ", ".join(a.holders) or "—",
                    a.status_text,
                ]
                for a in self.actions
            ],
            numeric_from=99,
        )


# --- building -----------------------------------------------------------------------


class NotAvailable(Exception):
    """The round has no report in this layer (not closed, or not published)."""


def build(
    r: ReportingRound, layer: str = "report", language: str = "nl", *, preview: bool = False
) -> ReportContext:
    """The report of round `r` in `layer` ("report" or "public"), in `language`.

    `preview=True` with the public layer: what publishing `r` would make public,
    before it is published (the texts that `publication.publish_round` copies)."""
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}")
    if r.status != ReportingRound.Status.CLOSED or r.snapshot is None:
        raise NotAvailable(_("Only a closed round has a progress report."))
    if layer == "public" and not access.is_published(r) and not preview:
        raise NotAvailable(_("This round has not been published."))
    with translation.override(language):
        return _build(r, layer, language, preview and not access.is_published(r))


def _build(r: ReportingRound, layer: str, language: str, preview: bool = False) -> ReportContext:
    names = dict(Organisation.objects.values_list("code", "short_name"))
    lines = {line.number: line for line in ActionLine.objects.all()}
    forms = list(ExploitationForm.objects.all())
    actions: dict[str, ActionEntry] = {}

    def entry(data: dict[str, Any]) -> ActionEntry:
        code = data["code"]
        if code not in actions:
            actions[code] = ActionEntry(
                code=code,
                title=translated(data, "title"),
                line_number=data.get("action_line_number"),
                holders=[names.get(c, c) for c in data.get("holders", [])],
                forms=list(data.get("exploitation_forms", [])),
                language=language,
                holder_codes=list(data.get("holders", [])),
            )
        return actions[code]

    # The actions of the round as frozen at closing; the public layer takes only
    # plan facts (which are public) from the snapshot, never its texts.
    for item in r.snapshot["updates"]:
        entry(item["action"])
    without_update = (
        Action.objects.filter(code__in=r.snapshot.get("actions_without_update", []))
        .select_related("action_line")
        .prefetch_related("exploitation_forms")
    )
    for action in without_update:
        entry(
            {
                "code": action.code,
                "title_nl": action.title_nl,
                "title_en": action.title_en,
                "action_line_number": action.action_line.number if action.action_line else None,
                "holders": [],
                "exploitation_forms": [f.code for f in action.exploitation_forms.all()],
            }
        )
    for code, report in _reports(r, layer, preview):
        if code in actions:
            actions[code].reports.append(report)
    for a in actions.values():
        combined = progress.combine(
            {rep.organisation_code: rep.status for rep in a.reports}, a.holder_codes
        )
        a.status, a.holders_reported = combined.status, combined.reported

    previous = _previous_round(r, layer)
    if previous is not None:
        before: dict[str, dict[str, str]] = {}
        for code, report in _reports(previous, layer):
            before.setdefault(code, {})[report.organisation_code] = report.status
        holders_then = {
            item["action"]["code"]: item["action"].get("holders", [])
            for item in (previous.snapshot or {}).get("updates", [])
        }
        for a in actions.values():
            a.previous_status = progress.combine(
                before.get(a.code, {}), holders_then.get(a.code, [])
            ).status

    ordered = sorted(
        actions.values(),
        key=lambda a: (a.line_number is None, a.line_number or 0, _natural(a.code)),
    )
    line_groups = []
    for number in sorted({a.line_number for a in ordered if a.line_number is not None}):
        line = lines.get(number)
        title = line.label if line else _("Action line %(number)s") % {"number": number}
        line_groups.append(
            Group(str(number), title, [a for a in ordered if a.line_number == number], language)
        )
    orphans = [a for a in ordered if a.line_number is None]
    if orphans:
        line_groups.append(Group("none", _("Not linked to an action line"), orphans, language))
    form_groups = [
        Group(f.code, f.name, [a for a in ordered if f.code in a.forms], language) for f in forms
    ]
    plan = Plan.objects.first()
    ctx = ReportContext(
        round_id=r.pk,
        layer=layer,
        language=language,
        plan_title=plan.title if plan else "",
        round_title=r.title,
        period_start=r.period_start,
        period_end=r.period_end,
        generated_on=timezone.localdate(),
        is_demo=r.is_demo,
        actions=ordered,
        lines=line_groups,
        forms=form_groups,
        previous_title=previous.title if previous else None,
    )
    ctx.introduction, ctx.letter = _letter(r, layer, preview)
    for path in getattr(settings, "SAMEN_REPORT_SECTIONS", []):
        ctx.extra_sections.extend(import_string(path)(ctx))
    return ctx


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _letter(r: ReportingRound, layer: str, preview: bool) -> tuple[str, Letter | None]:
    """The introduction in `layer` (the public one only once published; the
    preview shows what publishing will copy) and the letter frame."""
    from samen.reporting.models import RoundLetter

    found = RoundLetter.objects.filter(round=r).first()
    if found is None:
        return "", None
    text = (
        found.public_introduction
        if layer == "public" and not preview
        else found.report_introduction
    )
    frame = Letter(
        sender=_lines(found.sender),
        addressee=_lines(found.addressee),
        date=found.letter_date,
        reference=found.reference,
        subject=found.subject,
        closing=_lines(found.closing),
    )
    return text, frame


def letter_source(r: ReportingRound, layer: str) -> dict[str, Any] | None:
    """What of the letter a stored file depends on (for its fingerprint)."""
    from samen.reporting.models import RoundLetter

    found = RoundLetter.objects.filter(round=r).first()
    if found is None:
        return None
    return {
        "introduction": found.public_introduction
        if layer == "public"
        else found.report_introduction,
        "frame": [
            found.sender,
            found.addressee,
            found.letter_date,
            found.reference,
            found.subject,
            found.closing,
        ],
    }


def join_list(items: list[str]) -> str:
    """ "a, b and c" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _natural(code: str) -> str:
    from samen.plan.models import natural_sort_key

    return natural_sort_key(code)


def _reports(
    r: ReportingRound, layer: str, preview: bool = False
) -> Iterable[tuple[str, HolderReport]]:
    """(action code, report) for every approved update of `r` in `layer`; with
    `preview`, the public layer as publishing would make it."""
    if layer == "report":
        for item in r.snapshot["updates"] if r.snapshot else []:
            if item["review_state"] != "approved":
                continue
            yield (
                item["action"]["code"],
                HolderReport(
                    organisation=item["organisation"]["short_name"],
                    status=item["progress_status"] or NOT_REPORTED,
                    status_label=status_label(item["progress_status"]),
                    percent=item["percent_complete"],
                    achievements=item["achievements"],
                    obstacles=item["obstacles"],
                    organisation_code=item["organisation"]["code"],
                ),
            )
        return
    from samen.reporting.publication import public_updates, to_publish

    # Publishing copies report_* into public_*: the preview reads what will be copied.
    prefix = "report_" if preview else "public_"
    updates = (
        to_publish(r).select_related("action", "organisation") if preview else public_updates(r)
    )
    for u in updates:
        yield (
            u.action.code,
            HolderReport(
                organisation=u.organisation.short_name,
                status=u.progress_status or NOT_REPORTED,
                status_label=status_label(u.progress_status),
                percent=u.percent_complete,
                achievements=getattr(u, f"{prefix}achievements"),
                obstacles=getattr(u, f"{prefix}obstacles"),
                organisation_code=u.organisation.code,
            ),
        )


def _previous_round(r: ReportingRound, layer: str) -> ReportingRound | None:
    """The closed round before `r`; for the public layer, the published one before
    it, so that no comparison ever reveals an unpublished round."""
    qs = ReportingRound.objects.filter(
        status=ReportingRound.Status.CLOSED,
        snapshot__isnull=False,
        period_end__lt=r.period_end,
    )
    if layer == "public":
        qs = access.published_rounds(qs)
    return qs.order_by("-period_end", "-id").first()

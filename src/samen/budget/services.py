"""Writes of the budget. Every function checks access through
samen.accounts.access, runs in one transaction and leaves an audit event with
the state before and after."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid
from samen.core.importing.changes import Preview, model_naming, preview_lines
from samen.plan.models import Action, Organisation

from . import money
from .models import Allocation, FundingLine, Spending

YEARS = (2000, 2100)
MAX_NOTE = 2000


class Conflict(Exception):
    """Someone saved the row after the editor loaded it; carries the current row."""

    def __init__(self, current: Allocation | Spending, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            _(
                "This entry was changed by someone else (version %(current)s; you edited version "
                "%(yours)s). Check the current amount and save again."
            )
            % {"current": current.version, "yours": expected_version}
        )


# --- state for the audit trail --------------------------------------------------------


def funding_line_state(line: FundingLine) -> dict[str, Any]:
    return {
        "code": line.code,
        "name_nl": line.name_nl,
        "name_en": line.name_en,
        "origin_nl": line.origin_nl,
        "origin_en": line.origin_en,
        "ministry": line.ministry.code if line.ministry_id else None,
        "amount_per_year": money.as_string(line.amount_per_year),
        "start_year": line.start_year,
        "end_year": line.end_year,
        "order": line.order,
        "source": line.source,
        "confirmed": line.confirmed,
        "inferred_fields": list(line.inferred_fields),
        "note": line.note,
        "demo": line.is_demo,
    }


def entry_state(entry: Allocation | Spending) -> dict[str, Any]:
    state = {
        "funding_line": entry.funding_line.code,
        "action": entry.action.code,
        "year": entry.year,
        "amount": money.as_string(entry.amount),
        "note": entry.note,
        "demo": entry.is_demo,
        "version": entry.version,
    }
    if isinstance(entry, Spending):
        state["round"] = entry.round_id
    return state


# --- allocations and spending ---------------------------------------------------------


@dataclass
class EntryData:
    """An allocation or a spending entry, as a form, the API or an import gives it."""

    funding_line: str
    action: str
    year: int
    amount: Decimal
    note: str = ""
    # None: not given (an import from a file without a Demo column): a new
    # entry is real, an existing one keeps its flag.
    is_demo: bool | None = False
    round_id: int | None = None  # spending only


def _check_change(user: Any) -> None:
    if not access.can_change_budget(user):
        raise Denied(_("Only the programme team changes the budget."))


def _resolve(data: EntryData) -> tuple[FundingLine | None, Action | None, dict[str, str]]:
    """Look up the line and action and check the values; errors by field."""
    errors: dict[str, str] = {}
    line = FundingLine.objects.filter(code=data.funding_line).first()
    action = Action.objects.filter(code=data.action).first()
    if line is None:
        known = ", ".join(FundingLine.objects.values_list("code", flat=True))
        errors["funding_line"] = _("Unknown funding line '%(code)s'; known: %(known)s") % {
            "code": data.funding_line,
            "known": known,
        }
    if action is None:
        errors["action"] = _("Unknown action '%(code)s'.") % {"code": data.action}
    if not isinstance(data.year, int) or not YEARS[0] <= data.year <= YEARS[1]:
        errors["year"] = _("Enter a year from %(low)s to %(high)s.") % {
            "low": YEARS[0],
            "high": YEARS[1],
        }
    elif line is not None and not line.covers(data.year):
        errors["year"] = _(
            "The funding line '%(line)s' has no money in %(year)s: its period is %(period)s."
        ) % {"line": line.name, "year": data.year, "period": line.period_label}
    if not isinstance(data.amount, Decimal):
        # Money never passes through a float: callers parse text with money.to_amount.
        raise TypeError(f"amount must be a Decimal, not {type(data.amount).__name__}")
    try:
        money.to_amount(data.amount)
    except money.AmountError as exc:
        errors["amount"] = str(exc)
    if len(data.note) > MAX_NOTE:
        errors["note"] = _("At most %(max)s characters.") % {"max": MAX_NOTE}
    return line, action, errors


def create_allocation(user: Any, data: EntryData) -> Allocation:
    _check_change(user)
    with transaction.atomic():
        return _save(user, Allocation, data)


def update_allocation(
    user: Any, pk: int, data: EntryData, expected_version: int | None
) -> Allocation:
    """Change an allocation. `expected_version` is the version the editor saw;
    a stale one raises Conflict instead of overwriting someone else's change."""
    _check_change(user)
    with transaction.atomic():
        return _save(user, Allocation, data, pk=pk, expected_version=expected_version)


def delete_allocation(user: Any, pk: int, expected_version: int | None = None) -> None:
    _check_change(user)
    with transaction.atomic():
        _delete(user, Allocation, pk, expected_version)


def create_spending(user: Any, data: EntryData) -> Spending:
    _check_change(user)
    with transaction.atomic():
        return _save(user, Spending, data)


def update_spending(user: Any, pk: int, data: EntryData, expected_version: int | None) -> Spending:
    _check_change(user)
    with transaction.atomic():
        return _save(user, Spending, data, pk=pk, expected_version=expected_version)


def delete_spending(user: Any, pk: int, expected_version: int | None = None) -> None:
    _check_change(user)
    with transaction.atomic():
        _delete(user, Spending, pk, expected_version)


def _locked(model: type[Allocation] | type[Spending], pk: int, expected_version: int | None) -> Any:
    entry = (
        model.objects.select_for_update()
        .select_related("funding_line", "action")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise model.DoesNotExist(pk)
    if expected_version is not None and entry.version != expected_version:
        raise Conflict(entry, expected_version)
    return entry


def _check_round(data: EntryData, errors: dict[str, str]) -> Any:
    from samen.reporting.models import ReportingRound

    if data.round_id is None:
        return None
    found = ReportingRound.objects.filter(pk=data.round_id).first()
    if found is None:
        errors["round"] = _("Unknown reporting round %(id)s.") % {"id": data.round_id}
    elif "year" not in errors and not (
        found.period_start.year <= data.year <= found.period_end.year
    ):
        errors["year"] = _(
            "The round '%(round)s' covers %(start)s to %(end)s; the year must fall in it."
        ) % {"round": found.title, "start": found.period_start, "end": found.period_end}
    return found


def _duplicate(model: type[Allocation] | type[Spending], data: EntryData) -> tuple[str, str]:
    """The field and message for a second entry where one is allowed."""
    if model is Allocation:
        return "year", _(
            "%(action)s already has an allocation from this funding line in %(year)s; "
            "change that one instead."
        ) % {"action": data.action, "year": data.year}
    return "amount", _(
        "Spending on %(action)s from this funding line in %(year)s is already recorded "
        "for this round; change that entry instead."
    ) % {"action": data.action, "year": data.year}


def _save(
    actor: Any,
    model: type[Allocation] | type[Spending],
    data: EntryData,
    *,
    pk: int | None = None,
    expected_version: int | None = None,
) -> Any:
    """Create (pk None) or change one entry: check, write, audit."""
    entry = _locked(model, pk, expected_version) if pk is not None else model()
    line, action, errors = _resolve(data)
    key: dict[str, Any] = {"funding_line": line, "action": action, "year": data.year}
    if model is Spending:
        key["round"] = _check_round(data, errors)
    if not errors and model.objects.filter(**key).exclude(pk=pk).exists():
        field, message = _duplicate(model, data)
        errors[field] = message
    if errors:
        raise Invalid(errors)
    before = entry_state(entry) if pk is not None else None
    for name, value in key.items():
        setattr(entry, name, value)
    entry.amount, entry.note = money.to_amount(data.amount), data.note.strip()
    if pk is None:
        entry.is_demo = bool(data.is_demo)
    elif entry_state(entry) == before:
        return entry
    else:
        entry.version += 1
    entry.save()
    audit.record(
        actor=actor,
        kind="create" if before is None else "update",
        obj=entry,
        before=before,
        after=entry_state(entry),
    )
    return entry


def _delete(
    actor: Any, model: type[Allocation] | type[Spending], pk: int, expected_version: int | None
) -> None:
    entry = _locked(model, pk, expected_version)
    audit.record(actor=actor, kind="delete", obj=entry, before=entry_state(entry))
    entry.delete()


# --- import of allocations --------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)
    preview: Preview = field(default_factory=Preview)
    understood: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as text; a dry run lists every change, field by field."""
        out = [
            *self.understood,
            _("Allocations: %(created)s created, %(updated)s changed, %(unchanged)s unchanged.")
            % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged},
        ]
        if self.not_in_file:
            out.append(
                _("In the database but not in the file (left as they are): %(list)s")
                % {"list": ", ".join(self.not_in_file)}
            )
        if self.dry_run:
            out += self.change_lines()
            out.append(_("Dry run: nothing was written."))
        return out

    def change_lines(self) -> list[str]:
        """Every change, field by field: labels, funding lines by name, euros."""
        from django.utils.translation import get_language

        names = {line.code: line.name for line in FundingLine.objects.all()}
        language = get_language() or "nl"
        field_label, value = model_naming(
            Allocation,
            renamed={"demo": "is_demo"},
            values={
                "funding_line": lambda code: names.get(code, code),
                "amount": lambda amount: money.format_eur(Decimal(amount), language),
                "year": str,
            },
        )
        return preview_lines(
            self.preview,
            kind_label=lambda _kind: str(capfirst(Allocation._meta.verbose_name)),
            field_label=field_label,
            value=value,
        )


class _DryRun(Exception):
    pass


def import_allocations(
    user: Any, rows: Sequence[EntryData], *, dry_run: bool = False
) -> ImportReport:
    """Write checked rows (see spreadsheet.read_allocations): create what is new,
    change what differs, leave the rest. One transaction: all rows or none."""
    _check_change(user)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_rows(user, rows, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _shown_state(entry: Allocation) -> dict[str, Any]:
    """What a preview compares: the state without its version counter."""
    return {k: v for k, v in entry_state(entry).items() if k != "version"}


def _import_rows(actor: Any, rows: Sequence[EntryData], report: ImportReport) -> None:
    existing = {
        (a.funding_line.code, a.action.code, a.year): a
        for a in Allocation.objects.select_for_update().select_related("funding_line", "action")
    }
    names = {line.code: line.name for line in FundingLine.objects.all()}
    seen = set()
    for data in rows:
        key = (data.funding_line, data.action, data.year)
        seen.add(key)
        allocation = existing.get(key)
        label = f"{data.year} {data.action} {names.get(data.funding_line, data.funding_line)}"
        if allocation is None:
            created = _save(actor, Allocation, data)
            report.preview.add("allocations", label, None, _shown_state(created))
            report.created += 1
            continue
        before = entry_state(allocation)
        shown_before = _shown_state(allocation)
        allocation.amount, allocation.note = money.to_amount(data.amount), data.note.strip()
        if data.is_demo is not None:  # a file without a Demo column keeps the flag
            allocation.is_demo = data.is_demo
        if entry_state(allocation) == before:
            report.unchanged += 1
            continue
        allocation.version += 1
        allocation.save()
        report.preview.add("allocations", label, shown_before, _shown_state(allocation))
        audit.record(
            actor=actor,
            kind="update",
            obj=allocation,
            before=before,
            after=entry_state(allocation),
            verb="import",
        )
        report.updated += 1
    report.not_in_file = sorted(
        f"{year} {action} {names.get(line, line)}"
        for (line, action, year) in existing
        if (line, action, year) not in seen
    )


# --- funding lines (bundled data and imports) -------------------------------------------


@dataclass(frozen=True)
class FundingLineData:
    code: str
    name_nl: str
    amount_per_year: Decimal
    start_year: int
    end_year: int | None = None
    name_en: str = ""
    origin_nl: str = ""
    origin_en: str = ""
    ministry: str | None = None
    order: int = 0
    source: str = ""
    confirmed: bool = True
    inferred: tuple[str, ...] = ()
    note: str = ""
    demo: bool = False


def load_funding_lines(actor: Any, lines: Iterable[FundingLineData]) -> Counter[str]:
    """Make the funding lines equal to `lines` (by code); others are left alone.
    Safe to run again: an unchanged line writes nothing. Returns counts."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        ministries = {o.code: o for o in Organisation.objects.all()}
        for data in lines:
            line = FundingLine.objects.select_related("ministry").filter(code=data.code).first()
            before = funding_line_state(line) if line else None
            line = line or FundingLine(code=data.code)
            line.name_nl, line.name_en = data.name_nl, data.name_en
            line.origin_nl, line.origin_en = data.origin_nl, data.origin_en
            line.ministry = ministries[data.ministry] if data.ministry else None
            line.amount_per_year = money.to_amount(data.amount_per_year)
            line.start_year, line.end_year, line.order = data.start_year, data.end_year, data.order
            line.source, line.confirmed, line.note = data.source, data.confirmed, data.note
            line.inferred_fields, line.is_demo = list(data.inferred), data.demo
            after = funding_line_state(line)
            if before == after:
                counts["unchanged"] += 1
                continue
            line.save()
            audit.record(
                actor=actor,
                kind="update" if before else "create",
                obj=line,
                before=before,
                after=after,
                verb="load",
            )
            counts["changed" if before else "created"] += 1
    return counts

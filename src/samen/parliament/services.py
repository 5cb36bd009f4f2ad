"""Writes of motions and commitments. Every function checks access through
samen.accounts.access, runs in one transaction and leaves an audit event with
the state before and after."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid
from samen.core.importing.changes import Preview, model_naming, preview_lines
from samen.plan.models import Action

from .models import Motion
from .opendata import MotionRecord

MAX_TEXT = 10_000
# What an import from the Tweede Kamer's open data states as fact.
IMPORTED_FIELDS = ("title_nl", "date", "submitters", "kamerstuk", "decision")


class Conflict(Exception):
    def __init__(self, current: Motion, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            _(
                "This item was changed by someone else (version %(current)s; you edited version "
                "%(yours)s). Check the current state and save again."
            )
            % {"current": current.version, "yours": expected_version}
        )


def motion_state(m: Motion, actions: Iterable[str] | None = None) -> dict[str, Any]:
    return {
        "code": m.code,
        "kind": m.kind,
        "kamerstuk": m.kamerstuk,
        "tk_id": m.tk_id,
        "tk_number": m.tk_number,
        "title_nl": m.title_nl,
        "title_en": m.title_en,
        "date": m.date,
        "submitters": list(m.submitters),
        "decision": m.decision,
        "status": m.status,
        "answer_nl": m.answer_nl,
        "answer_en": m.answer_en,
        "answer_source": m.answer_source,
        "actions": sorted(actions if actions is not None else (a.code for a in m.actions.all())),
        "source": m.source,
        "confirmed": m.confirmed,
        "inferred_fields": list(m.inferred_fields),
        "note": m.note,
        "demo": m.is_demo,
    }


@dataclass
class MotionData:
    """A motion or commitment as a form, the API or a document gives it.
    For changes, None leaves a field as it is."""

    title_nl: str | None = None
    kind: str | None = None
    kamerstuk: str | None = None
    title_en: str | None = None
    date: dt.date | None = None
    submitters: list[str] | None = None
    decision: str | None = None
    status: str | None = None
    answer_nl: str | None = None
    answer_en: str | None = None
    answer_source: str | None = None
    actions: list[str] | None = None
    clear: set[str] = field(default_factory=set)  # fields set to empty on purpose (date)


def _check(data: MotionData, creating: bool) -> tuple[list[Action] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if creating and not (data.title_nl or "").strip():
        errors["title_nl"] = _("A title is required.")
    for name, choices in (
        ("kind", Motion.Kind.values),
        ("status", Motion.Status.values),
        ("decision", Motion.Decision.values),
    ):
        value = getattr(data, name)
        if value is not None and value not in choices:
            errors[name] = _("Unknown value '%(value)s'; choose one of: %(choices)s") % {
                "value": value,
                "choices": ", ".join(choices),
            }
    for name, limit in (
        ("title_nl", 600),
        ("title_en", 600),
        ("kamerstuk", 40),
        ("answer_source", 500),
        ("answer_nl", MAX_TEXT),
        ("answer_en", MAX_TEXT),
    ):
        value = getattr(data, name)
        if value is not None and len(value) > limit:
            errors[name] = _("At most %(max)s characters.") % {"max": limit}
    if data.answer_source and not data.answer_source.startswith(("http://", "https://")):
        errors["answer_source"] = _("Give a web address (https://...).")
    actions = None
    if data.actions is not None:
        found = {a.code: a for a in Action.objects.filter(code__in=data.actions)}
        unknown = [c for c in data.actions if c not in found]
        if unknown:
            errors["actions"] = _("Unknown actions: %(codes)s") % {"codes": ", ".join(unknown)}
        actions = [found[c] for c in dict.fromkeys(data.actions) if c in found]
    return actions, errors


def _apply(m: Motion, data: MotionData) -> None:
    for name in (
        "kind",
        "kamerstuk",
        "title_nl",
        "title_en",
        "date",
        "decision",
        "status",
        "answer_nl",
        "answer_en",
        "answer_source",
    ):
        value = getattr(data, name)
        if value is not None:
            setattr(m, name, value.strip() if isinstance(value, str) else value)
    if "date" in data.clear:
        m.date = None
    if data.submitters is not None:
        m.submitters = [s.strip() for s in data.submitters if s.strip()]


def _unique_code(base: str) -> str:
    base = slugify(base)[:70] or "motie"
    code, n = base, 1
    while Motion.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def create_motion(user: Any, data: MotionData) -> Motion:
    if not access.can_change_motions(user):
        raise Denied(_("Only the programme team records motions and commitments."))
    actions, errors = _check(data, creating=True)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        m = Motion(code=_unique_code(data.kamerstuk or data.title_nl or ""))
        _apply(m, data)
        m.save()
        m.actions.set(actions or [])
        audit.record(actor=user, kind="create", obj=m, after=motion_state(m))
    return m


def update_motion(user: Any, code: str, data: MotionData, expected_version: int | None) -> Motion:
    """Change a motion: its status, the answer, the actions that carry it out, ...
    A stale `expected_version` raises Conflict instead of overwriting."""
    if not access.can_change_motions(user):
        raise Denied(_("Only the programme team changes motions and commitments."))
    actions, errors = _check(data, creating=False)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        m = Motion.objects.select_for_update().filter(code=code).first()
        if m is None:
            raise Motion.DoesNotExist(code)
        if expected_version is not None and m.version != expected_version:
            raise Conflict(m, expected_version)
        before = motion_state(m)
        _apply(m, data)
        new_actions = [a.code for a in actions] if actions is not None else before["actions"]
        if motion_state(m, new_actions) == before:
            return m
        m.version += 1
        m.save()
        if actions is not None:
            m.actions.set(actions)
        audit.record(actor=user, kind="update", obj=m, before=before, after=motion_state(m))
    return m


# --- bundled data and imports -----------------------------------------------------------


@dataclass(frozen=True)
class BundledMotion:
    code: str
    data: MotionData
    source: str = ""
    confirmed: bool = True
    inferred: tuple[str, ...] = ()
    note: str = ""
    demo: bool = False


def load_motions(actor: Any, items: Sequence[BundledMotion]) -> Counter[str]:
    """Make the bundled motions equal to `items` (by code); others are left alone.
    Safe to run again. Returns counts (created, changed, unchanged)."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        for item in items:
            actions, errors = _check(item.data, creating=True)
            if errors:
                raise Invalid({f"{item.code}.{k}": v for k, v in errors.items()})
            m = Motion.objects.filter(code=item.code).first()
            before = motion_state(m) if m else None
            m = m or Motion(code=item.code)
            _apply(m, item.data)
            m.date = item.data.date
            m.source, m.confirmed, m.note, m.is_demo = (
                item.source,
                item.confirmed,
                item.note,
                item.demo,
            )
            m.inferred_fields = list(item.inferred)
            after = motion_state(m, [a.code for a in actions or []])
            if before == after:
                counts["unchanged"] += 1
                continue
            if before:
                m.version += 1
            m.save()
            m.actions.set(actions or [])
            audit.record(
                actor=actor,
                kind="update" if before else "create",
                obj=m,
                before=before,
                after=after,
                verb="load",
            )
            counts["changed" if before else "created"] += 1
    return counts


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    preview: Preview = field(default_factory=Preview)
    # (kind, "created" | "updated" | "unchanged") -> number: motions and
    # commitments are counted apart.
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def summary(self) -> list[str]:
        """One line per kind: "Moties: ..."; "Toezeggingen: ..."."""
        kinds = [k for k in Motion.Kind.values if any(c[0] == k for c in self.counts)]
        out = []
        for kind in kinds or [Motion.Kind.MOTION]:
            numbers = {
                "created": self.counts[kind, "created"],
                "updated": self.counts[kind, "updated"],
                "unchanged": self.counts[kind, "unchanged"],
            }
            if kind == Motion.Kind.COMMITMENT:
                text = _(
                    "Commitments: %(created)s created, %(updated)s changed, "
                    "%(unchanged)s unchanged."
                )
            else:
                text = _(
                    "Motions: %(created)s created, %(updated)s changed, %(unchanged)s unchanged."
                )
            out.append(text % numbers)
        return out

    def details(self) -> list[str]:
        """Records that were skipped, by reason."""
        out = []
        if self.skipped:
            out.append(
                _("Skipped: %(list)s")
                % {"list": ", ".join(f"{kind} × {n}" for kind, n in sorted(self.skipped.items()))}
            )
        return out

    def change_lines(self) -> list[str]:
        """A dry run's changes, field by field, by label and display value."""
        if not self.dry_run:
            return []
        field_label, value = model_naming(
            Motion,
            renamed={"demo": "is_demo"},
            values={"actions": lambda v: ", ".join(v)},
        )
        return preview_lines(
            self.preview,
            kind_label=lambda kind: str(capfirst(Motion.Kind(kind).label)),
            field_label=field_label,
            value=value,
        )

    def lines(self) -> list[str]:
        out = [*self.summary(), *self.details(), *self.warnings]
        if self.dry_run:
            out += self.change_lines()
            out.append(_("Dry run: nothing was written."))
        return out


class _DryRun(Exception):
    pass


def import_motions(
    user: Any,
    records: Sequence[MotionRecord],
    *,
    skipped: Counter[str] | None = None,
    dry_run: bool = False,
    warnings: Sequence[str] = (),
) -> ImportReport:
    """Create or update motions from Tweede Kamer records (see opendata.read_zaken).
    A record is matched by its case id, then case number, then Kamerstuk number,
    so a bundled motion is completed rather than duplicated. What the programme
    keeps itself (status, answer, actions) is left as it is."""
    if not access.can_change_motions(user):
        raise Denied(_("Only the programme team imports motions."))
    report = ImportReport(dry_run=dry_run, skipped=skipped or Counter(), warnings=list(warnings))
    try:
        with transaction.atomic():
            for record in records:
                _import_record(user, record, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _without_version(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a preview shows: no version counter and no internal code (the item
    is named by its number)."""
    return {k: v for k, v in state.items() if k not in ("version", "code")} if state else None


def _import_record(actor: Any, record: MotionRecord, report: ImportReport) -> None:
    m = (
        Motion.objects.select_for_update().filter(tk_id=record.tk_id).first()
        or Motion.objects.select_for_update().filter(tk_number=record.tk_number).first()
        or (
            Motion.objects.select_for_update().filter(kamerstuk=record.kamerstuk).first()
            if record.kamerstuk
            else None
        )
    )
    before = motion_state(m) if m else None
    if m is None:
        prefix = "toezegging" if record.kind == Motion.Kind.COMMITMENT else "motie"
        m = Motion(code=_unique_code(f"{prefix}-{record.kamerstuk or record.tk_number}"))
        m.source = record.source
    m.kind = record.kind
    if record.status:  # a commitment: the Kamer keeps its status
        m.status = record.status
    m.tk_id, m.tk_number, m.title_nl = record.tk_id, record.tk_number, record.title_nl
    m.kamerstuk = record.kamerstuk or m.kamerstuk
    m.date = record.date or m.date
    m.submitters = list(record.submitters) or m.submitters
    m.decision = record.decision or m.decision
    # What the Tweede Kamer publishes is confirmed; links and status stay as marked.
    m.confirmed = True
    m.inferred_fields = [f for f in m.inferred_fields if f not in (*IMPORTED_FIELDS, "title")]
    if before and not m.source:
        m.source = record.source
    after = motion_state(m, before["actions"] if before else [])
    if before == after:
        report.unchanged += 1
        report.counts[m.kind, "unchanged"] += 1
        return
    if before:
        m.version += 1
    m.save()
    report.counts[m.kind, "updated" if before else "created"] += 1
    report.preview.add(m.kind, m.identifier, _without_version(before), _without_version(after))
    audit.record(
        actor=actor,
        kind="update" if before else "create",
        obj=m,
        before=before,
        after=after,
        verb="import",
    )
    (report.updated if before else report.created).append(m.identifier)

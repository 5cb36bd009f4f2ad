"""Writes of registrations: one transaction, an audit event per created or changed row.

A registration is one aggregated count (presumed victims registered by one register in
one year, for one cell of exploitation form x age group x gender; a blank dimension is the
total over it). Imports (`import_registrations.py`) and the bundled series
(`registrations_bundle.py`) both write through :func:`write_cells`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.plan.models import AgeGroup, ExploitationForm

from .models import Register, Registration
from .models.registrations import Status


@dataclass(frozen=True)
class Cell:
    """One count to write. Dimensions are codes; ``None`` (or ``""`` for gender) is the
    total over that dimension."""

    register: str
    year: int
    count: int
    exploitation_form: str | None = None
    age_group: str | None = None
    gender: str = ""
    status: str = Status.PUBLISHED
    source: str = ""
    source_url: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, int, str | None, str | None, str]:
        return (self.register, self.year, self.exploitation_form, self.age_group, self.gender)


@dataclass
class WriteReport:
    """What a write did (or, in a dry run, would do): counts and the cells by name."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    changes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated


def registration_state(r: Registration) -> dict[str, Any]:
    """The row as the audit trail stores it (codes, not ids)."""
    return {
        "register": r.register.code,
        "year": r.year,
        "exploitation_form": r.exploitation_form.code if r.exploitation_form_id else None,
        "age_group": r.age_group.code if r.age_group_id else None,
        "gender": r.gender,
        "count": r.count,
        "status": r.status,
        "source": r.source,
        "source_url": r.source_url,
        "note": r.note,
    }


def check_import(user: Any) -> None:
    """Raise Denied unless `user` may import registrations (analysts)."""
    if not access.can_manage_registrations(user):
        raise Denied("Only analysts import registrations.")


class _DryRun(Exception):
    pass


def write_cells(
    actor: Any, cells: Sequence[Cell], *, verb: str = "import", dry_run: bool = False
) -> WriteReport:
    """Create the cells that are new and change those that differ (by register, year and
    dimensions); others are left alone. One transaction: all cells or none.

    Codes must exist (the readers check them first); raises ``KeyError`` otherwise.
    `actor` is the user (None for the bundled data). With `dry_run` nothing is kept and
    the report says what would happen.
    """
    report = WriteReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _write(actor, cells, verb, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _write(actor: Any, cells: Iterable[Cell], verb: str, report: WriteReport) -> None:
    cells = list(cells)
    registers = {r.code: r for r in Register.objects.filter(code__in={c.register for c in cells})}
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    ages = {a.code: a for a in AgeGroup.objects.all()}
    existing = {
        (r.register.code, r.year, r.exploitation_form and r.exploitation_form.code,
         r.age_group and r.age_group.code, r.gender): r
        for r in Registration.objects.select_for_update(of=("self",))
        .filter(register__in=registers.values(), year__in={c.year for c in cells})
        .select_related("register", "exploitation_form", "age_group")
    }  # fmt: skip
    for cell in cells:
        row = existing.get(cell.key)
        before = registration_state(row) if row else None
        if row is None:
            row = Registration(
                register=registers[cell.register],
                year=cell.year,
                exploitation_form=forms[cell.exploitation_form] if cell.exploitation_form else None,
                age_group=ages[cell.age_group] if cell.age_group else None,
                gender=cell.gender,
            )
        row.count, row.status, row.note = cell.count, cell.status, cell.note
        row.source, row.source_url = cell.source, cell.source_url
        after = registration_state(row)
        if before == after:
            report.unchanged += 1
            continue
        row.save()
        audit.record(
            actor=actor,
            kind="update" if before else "create",
            obj=row,
            before=before,
            after=after,
            verb=verb,
        )
        if before:
            report.updated += 1
            report.changes.append(
                f"{describe(cell, registers, forms, ages)}: {before['count']} → {cell.count}"
            )
        else:
            report.created += 1
            report.changes.append(f"{describe(cell, registers, forms, ages)}: {cell.count}")


def describe(cell: Cell, registers: dict, forms: dict, ages: dict) -> str:
    """A cell in words for people, e.g. "Registrations with CoMensha 2019, Minors" (names,
    not codes); the mappings go from code to object."""
    from .models.registrations import Gender

    names = [
        f"{registers[cell.register].name if cell.register in registers else cell.register} {cell.year}"
    ]
    if cell.exploitation_form:
        names.append(forms[cell.exploitation_form].name)
    if cell.age_group:
        names.append(ages[cell.age_group].name)
    if cell.gender:
        names.append(str(Gender(cell.gender).label))
    return ", ".join(names)

"""The impact figures each reader gets, cell by cell, for the API, the open data, the
report chapter and the publication preview.

The public layer comes from the one source, `public_tables.published_tables()` (all
public tables protected together by `samen.impact.disclosure`): a registration is public
when its cell is in those tables, with its count or ``None`` when suppressed. Analysts and
the programme team read every figure unsuppressed; an action holder or viewer whose
organisation was granted access (visibility.py) reads the public layer plus its own
register's registrations.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet

from . import detection, public_tables, visibility
from .models import EstimationRun, Register, Registration


@dataclass(frozen=True)
class Cell:
    """One registration as a reader gets it: ``count`` is None when suppressed."""

    registration: Registration
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass
class Figures:
    """What one reader gets. ``rates`` are `public_tables.Rate` (``registered`` None when
    suppressed); ``tables`` is the public layer's tables (None for unsuppressed views)."""

    cells: list[Cell]
    runs: list[EstimationRun]
    rates: list[public_tables.Rate]
    tables: public_tables.PublishedTables | None = None


def cell_key(r: Registration) -> tuple[Hashable, ...]:
    """The registration's cell id in `public_tables` (see its ``_cell``)."""
    return (
        "reg",
        r.register.code,
        r.year,
        r.exploitation_form.code if r.exploitation_form_id else public_tables.ALL,
        r.age_group.code if r.age_group_id else public_tables.ALL,
    )


def _order(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    return qs.select_related("register", "exploitation_form", "age_group").order_by(
        "register__name_nl",
        "year",
        "exploitation_form__order",
        "age_group__order",
        "gender",
        "pk",
    )


def figures(threshold: int | None = None) -> Figures:
    """The public layer, cell by cell (see the module docstring). Queries: a constant few."""
    tables = public_tables.published_tables(threshold)
    shown = tables.protection.published
    rows = _order(visibility.published_registrations().filter(gender=""))
    cells = [Cell(r, shown[cell_key(r)]) for r in rows if cell_key(r) in shown]
    runs = list(visibility.published_runs().select_related("dataset").order_by("-finished_at"))
    return Figures(cells, runs, list(tables.rates), tables)


def _all_rates(user: Any) -> list[public_tables.Rate]:
    return [public_tables.Rate(d, d.registered) for d in detection.visible_detection_rates(user)]


def figures_for(user: Any, threshold: int | None = None) -> Figures:
    """What `user` reads (see the module docstring)."""
    if visibility.sees_unpublished(user):
        runs = EstimationRun.objects.filter(state=EstimationRun.State.DONE)
        return Figures(
            [Cell(r, r.count) for r in _order(Registration.objects.all())],
            list(runs.select_related("dataset").order_by("-finished_at")),
            _all_rates(user),
        )
    found = figures(threshold)
    own = list(visibility.granted_registers(user).values_list("pk", flat=True))
    if own:
        cells = [c for c in found.cells if c.registration.register_id not in own]
        cells += [Cell(r, r.count) for r in _order(Registration.objects.filter(register__in=own))]
        found.cells = sorted(cells, key=lambda c: _sort_key(c.registration))
    return found


def _sort_key(r: Registration) -> tuple[Any, ...]:
    return (
        r.register.name_nl,
        r.year,
        r.exploitation_form.order if r.exploitation_form_id else -1,
        r.age_group.order if r.age_group_id else -1,
        r.gender,
        r.pk,
    )


def tables_of(tables: public_tables.PublishedTables, register: Register) -> list[Any]:
    """The public tables that hold `register`'s figures: its column of the totals table
    (as a table of its own) and its tables by form and by age group."""
    out: list[Any] = []
    codes = [c.code for c in tables.totals.columns]
    if register.code in codes:
        i = codes.index(register.code)
        years = set(
            visibility.published_registrations()
            .filter(register=register)
            .values_list("year", flat=True)
        )
        out.append(
            replace(
                tables.totals,
                columns=(tables.totals.columns[i],),
                rows=tuple(
                    replace(row, cells=(row.cells[i],))
                    for row in tables.totals.rows
                    if row.year in years
                ),
            )
        )
    out += [t for t in (*tables.by_form, *tables.by_age) if t.register == register]
    return out

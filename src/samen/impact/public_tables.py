"""Every public table of the impact monitor, published together and protected together.

:func:`published_tables` is the one source of the public figures: the Effect page, each
exploitation form's page, the API, the open data and the public report read it, so they
all show the same numbers with the same cells suppressed. It takes only what
`visibility.py` says is published, builds

* per register: registrations by year (totals), by year x exploitation form and by year x
  age group (with a "not specified" column where the parts do not add up to the total:
  that difference can be worked out by anyone, so it is a published cell too);
* the published estimates (external ones and published estimation runs);
* the detection rates whose registrations and estimate are both published;

and runs :func:`samen.impact.disclosure.protect` once over all of their cells and the
additive relations between them (a year's total is the sum of its forms and the sum of its
age groups; a detection rate over several years uses the sum of their totals). A
suppressed cell has ``value is None`` and shows :data:`MARK`, never 0; a detection rate
whose registered count is suppressed is suppressed as well (the rate times the estimate
would give the count back). Counts of different registers are never added up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samen.plan.models import AgeGroup, ExploitationForm

from . import detection, snapshots, visibility
from .disclosure import SUPPRESSED_MARK, Protection, Relation, protect
from .figure_text import number
from .models import Register

#: What a suppressed cell shows (docs/disclosure-control.md: one mark for every hidden cell).
MARK = SUPPRESSED_MARK
ALL = "*"  # the total over a dimension, in a cell id
REST = "?"  # "not specified": the total minus the parts that are given


@dataclass(frozen=True)
class Shown:
    """One published cell: its count, or None when suppressed; whether it was derived."""

    value: int | None
    derived: bool = False
    missing: bool = False  # no figure at all (the register did not count that year)
    new: bool = False  # in a publication preview: not public yet, becomes public with it

    @property
    def suppressed(self) -> bool:
        return self.value is None and not self.missing

    def __str__(self) -> str:
        if self.missing:
            return _("n/a")
        return MARK if self.value is None else number(self.value)


MISSING = Shown(None, missing=True)


@dataclass(frozen=True)
class Column:
    code: str  # a form or age group code, ALL for the total, REST for "not specified"
    label: str


@dataclass(frozen=True)
class Row:
    year: int
    cells: tuple[Shown, ...]


@dataclass(frozen=True)
class Table:
    """A table of counts by year (rows) for one register, columns by form or age group."""

    key: str  # e.g. "by_form:comensha"
    kind: str  # "totals", "by_form" or "by_age"
    title: str
    register: Register | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def column(self, code: str) -> list[tuple[int, Shown]]:
        """(year, cell) of one column, e.g. a form's counts over the years."""
        index = [c.code for c in self.columns].index(code)
        return [(row.year, row.cells[index]) for row in self.rows]


@dataclass(frozen=True)
class Estimate:
    """A published estimate of the total number of victims (per year over a period for a
    published estimate; for the dataset's period for an estimation run)."""

    kind: str  # "external" or "run"
    year_from: int
    year_to: int
    estimate: float
    lower: float | None
    upper: float | None
    method: str
    source_url: str
    exploitation_form: Any = None
    age_group: Any = None
    per_year: bool = True
    population: str = ""  # the population definition the estimate is of

    @property
    def period(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


@dataclass(frozen=True)
class Rate:
    """A published detection rate; ``registered``/``values`` are None when suppressed."""

    rate: detection.DetectionRate
    registered: int | None

    @property
    def suppressed(self) -> bool:
        return self.registered is None


@dataclass(frozen=True)
class PublishedTables:
    threshold: int
    registers: tuple[Register, ...]
    totals: Table  # years x registers
    by_form: tuple[Table, ...]  # one per register with any breakdown by form
    by_age: tuple[Table, ...]
    estimates: tuple[Estimate, ...]
    rates: tuple[Rate, ...]
    protection: Protection  # .published: every cell id with its value or None
    relations: tuple[Relation, ...]  # every additive relation between the cells (for attacks)

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.totals, *self.by_form, *self.by_age)

    @property
    def years(self) -> list[int]:
        return [row.year for row in self.totals.rows]


def _cell(register: str, year: int, form: str = ALL, age: str = ALL) -> tuple:
    return ("reg", register, year, form, age)


def published_tables(threshold: int | None = None) -> PublishedTables:
    """Every public impact table, protected together (see the module docstring), as
    stored for the current figures (`samen.impact.snapshots`): built and protected when
    the figures changed, read from the database otherwise.

    Queries: a constant few (the fingerprint and the stored tables; `build_tables` when
    the figures changed).
    """
    threshold = int(threshold or settings.SAMEN_SUPPRESSION_THRESHOLD)
    language = get_language() or settings.LANGUAGE_CODE
    return snapshots.stored(f"tables:{threshold}:{language}", lambda: build_tables(threshold))


def build_tables(threshold: int | None = None) -> PublishedTables:
    """Every public impact table, protected together (see the module docstring).

    Parameters
    ----------
    threshold : int, optional
        Counts ``0 < n < threshold`` are suppressed, and whatever would give them away
        (default: ``settings.SAMEN_SUPPRESSION_THRESHOLD``, 10).

    Queries: seven, whatever the number of registers, years, forms, age groups and runs.
    """
    threshold = int(threshold or settings.SAMEN_SUPPRESSION_THRESHOLD)
    forms = list(ExploitationForm.objects.all())
    ages = list(AgeGroup.objects.all())
    rows = list(
        visibility.published_registrations()
        .filter(gender="")
        .select_related("register", "exploitation_form", "age_group")
        .order_by("register__name_nl", "year")
    )
    values: dict[Hashable, int] = {}
    derived: set[Hashable] = set()
    registers: dict[str, Register] = {}
    for r in rows:
        registers.setdefault(r.register.code, r.register)
        form = r.exploitation_form.code if r.exploitation_form_id else ALL
        age = r.age_group.code if r.age_group_id else ALL
        if form != ALL and age != ALL:
            continue  # form x age cells are not in the public tables (yet)
        key = _cell(r.register.code, r.year, form, age)
        values[key] = r.count
        if r.status == "derived":
            derived.add(key)
    relations: list[Relation] = []
    years_of: dict[str, list[int]] = {}
    split: dict[str, dict[str, bool]] = {code: {"form": False, "age": False} for code in registers}
    for key in list(values):
        _k, code, year, form, age = key
        if form == ALL and age == ALL:
            years_of.setdefault(code, []).append(year)
    for code, years in years_of.items():
        for year in years:
            total = _cell(code, year)
            for dim, members in (("form", forms), ("age", ages)):
                parts = [
                    _cell(code, year, m.code, ALL)
                    if dim == "form"
                    else _cell(code, year, ALL, m.code)
                    for m in members
                ]
                given = [p for p in parts if p in values]
                if not given:
                    continue
                rest = sum(values[p] for p in given)
                if rest > values[total]:
                    for p in given:  # inconsistent source figures: not published as a split
                        del values[p]
                    continue
                split[code][dim] = True
                remainder = (
                    _cell(code, year, REST, ALL) if dim == "form" else _cell(code, year, ALL, REST)
                )
                values[remainder] = values[total] - rest
                relations.append(Relation(total, (*given, remainder)))
    # parts of a year without a total cannot be checked against it: left out
    for key in [k for k in values if k[3] != ALL or k[4] != ALL]:
        if _cell(key[1], key[2]) not in values:
            del values[key]

    rates = detection.visible_detection_rates(None)
    rate_cells: list[Hashable] = []
    for d in rates:
        form = d.exploitation_form.code if d.exploitation_form else ALL
        age = d.age_group.code if d.age_group else ALL
        year_cells = [_cell(d.register.code, y, form, age) for y in d.years]
        if len(year_cells) == 1:
            # A form x age cell is not in the tables: it stands alone, and is protected so.
            values.setdefault(year_cells[0], d.registered)
            rate_cells.append(year_cells[0])
            continue
        total = ("sum", d.link_id, d.year_from, d.year_to)
        values[total] = d.registered
        if all(c in values for c in year_cells):
            relations.append(Relation(total, tuple(year_cells)))
        rate_cells.append(total)

    protection = _protect(values, relations, threshold)
    shown = protection.published

    def get(key: Hashable) -> Shown:
        return Shown(shown.get(key), key in derived)

    ordered = sorted(registers.values(), key=lambda r: r.name)
    all_years = sorted({y for ys in years_of.values() for y in ys})
    totals = Table(
        key="totals",
        kind="totals",
        title=_("Presumed victims registered per year, by register"),
        register=None,
        columns=tuple(Column(r.code, r.name) for r in ordered),
        rows=tuple(
            Row(
                y,
                tuple(get(_cell(r.code, y)) if y in years_of[r.code] else MISSING for r in ordered),
            )
            for y in all_years
        ),
    )
    by_form, by_age = [], []
    for r in ordered:
        years = sorted(years_of[r.code])
        for dim, members, out in (("form", forms, by_form), ("age", ages, by_age)):
            if not split[r.code][dim]:
                continue
            codes = [m.code for m in members]
            columns = [Column(m.code, m.name) for m in members]
            columns += [Column(REST, _("Not specified")), Column(ALL, _("Total"))]

            def key(y: int, c: str, dim: str = dim, code: str = r.code) -> tuple:
                return _cell(code, y, c, ALL) if dim == "form" else _cell(code, y, ALL, c)

            table_rows = []
            for y in years:
                if key(y, REST) not in values:
                    continue  # no breakdown given this year
                cells = [get(key(y, c)) if key(y, c) in values else MISSING for c in codes]
                table_rows.append(Row(y, (*cells, get(key(y, REST)), get(_cell(r.code, y)))))
            title = (
                _("%(register)s: per form of exploitation")
                if dim == "form"
                else _("%(register)s: per age group")
            ) % {"register": r.name}
            out.append(
                Table(
                    f"by_{dim}:{r.code}", f"by_{dim}", title, r, tuple(columns), tuple(table_rows)
                )
            )
    return PublishedTables(
        threshold=threshold,
        registers=tuple(ordered),
        totals=totals,
        by_form=tuple(by_form),
        by_age=tuple(by_age),
        estimates=tuple(_estimates()),
        rates=tuple(Rate(d, shown.get(c)) for d, c in zip(rates, rate_cells, strict=True)),
        protection=protection,
        relations=tuple(relations),
    )


def _estimates() -> list[Estimate]:
    out = [
        Estimate(
            kind="external",
            year_from=e.period_start,
            year_to=e.period_end,
            estimate=float(e.estimate_per_year),
            lower=None if e.lower is None else float(e.lower),
            upper=None if e.upper is None else float(e.upper),
            method=e.method,
            source_url=e.source_url,
            population=e.population_definition,
        )
        for e in visibility.visible_external_estimates(None)
    ]
    for run in visibility.published_runs().select_related(
        "dataset__exploitation_form", "dataset__age_group"
    ):
        if run.estimate is None:
            continue
        out.append(
            Estimate(
                kind="run",
                year_from=run.dataset.period_start,
                year_to=run.dataset.period_end,
                estimate=run.estimate,
                lower=run.lower,
                upper=run.upper,
                method=f"{run.dataset.name}: {run.method_label}",
                source_url="",
                exploitation_form=run.dataset.exploitation_form,
                age_group=run.dataset.age_group,
                per_year=run.dataset.period_start == run.dataset.period_end,
                population=run.dataset.population_definition,
            )
        )
    out.sort(key=lambda e: (e.year_from, e.year_to, e.kind))
    return out


def _protect(values: dict[Hashable, int], relations: list[Relation], threshold: int) -> Protection:
    """`protect`, stored by the content hash of its input: the same figures are protected
    once, whichever language or process asks first."""
    key = hashlib.sha256(
        json.dumps(
            [threshold, list(values.items()), [(r.total, r.parts) for r in relations]],
            default=str,
        ).encode()
    ).hexdigest()
    return snapshots.stored(
        f"protection:{threshold}", lambda: protect(values, relations, threshold), key
    )

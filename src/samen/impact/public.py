"""The impact figures as a reader outside the analysts' team sees them: registration cells
after disclosure control, estimates and detection rates.

One function, :func:`figures`, builds everything published together in one go, so that
disclosure control (`samen.impact.disclosure.protect`) sees every table at once, and every
public output (API, open data, report chapter, the publication preview) reads from it.

Registration cells become a system of additive relations per register (counts of different
registers are never added up): a cell with a blank dimension (form, age group or gender) is
the total of the cells that equal it except for a value in that dimension. Where the parts
do not add up to the total (the source did not break everything down) the difference is an
unpublished "rest" cell, so the attacker's system still holds exactly: a small rest is
protected like any other small count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from . import disclosure, visibility
from .models import DetectionLink, EstimationRun, ExternalEstimate, Registration

DIMENSIONS = ("exploitation_form_id", "age_group_id", "gender")


@dataclass(frozen=True)
class Cell:
    """One registration cell as published: ``count`` is None when suppressed."""

    registration: Registration
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Rate:
    """A detection rate: registered / estimated for one register (form, age group) and
    one year or period. Shares and bounds are fractions (0..1); counts are people."""

    register: Any
    exploitation_form: Any
    age_group: Any
    year_from: int
    year_to: int
    registered: int
    estimate: float
    lower: float | None
    upper: float | None
    method: str
    run: EstimationRun | None
    external: ExternalEstimate | None

    @property
    def rate(self) -> float:
        return self.registered / self.estimate

    @property
    def rate_lower(self) -> float | None:
        return self.registered / self.upper if self.upper else None

    @property
    def rate_upper(self) -> float | None:
        return self.registered / self.lower if self.lower else None

    @property
    def dark_number(self) -> float:
        return max(self.estimate - self.registered, 0.0)


@dataclass
class Figures:
    """Everything published together. ``cells`` in a stable order (register, year,
    form, age group, gender); ``protection`` is the disclosure control outcome."""

    cells: list[Cell]
    runs: list[EstimationRun]
    external: list[ExternalEstimate]
    rates: list[Rate]
    threshold: int
    protection: disclosure.Protection | None = None
    relations: list[disclosure.Relation] = field(default_factory=list)


def cell_id(r: Registration) -> tuple[Hashable, ...]:
    return ("reg", r.register_id, r.year, r.exploitation_form_id, r.age_group_id, r.gender)


def relations_for(
    rows: Iterable[Registration],
) -> tuple[dict[Hashable, int], list[disclosure.Relation]]:
    """Cell values and additive relations (with rest cells) of registration rows.

    Returns ``(values, relations)`` for :func:`samen.impact.disclosure.protect`; rest cells
    have ids ``("rest", total_id, dimension)``. A breakdown whose parts add up to more
    than its total (inconsistent source figures) gives no relation.
    """
    rows = list(rows)
    values: dict[Hashable, int] = {cell_id(r): r.count for r in rows}
    groups: dict[tuple[Hashable, ...], list[tuple[Hashable, ...]]] = defaultdict(list)
    for r in rows:
        groups[cell_id(r)[1:3]].append(cell_id(r))  # one register, one year
    relations: list[disclosure.Relation] = []
    for r in rows:
        key = cell_id(r)
        for d, dim in enumerate(DIMENSIONS):
            if key[3 + d]:
                continue
            parts = [
                other
                for other in groups[key[1:3]]
                if other[3 + d] and all(other[3 + e] == key[3 + e] for e in range(3) if e != d)
            ]
            if not parts:
                continue
            rest = r.count - sum(values[p] for p in parts)
            if rest < 0:
                continue
            rest_id = ("rest", key, dim)
            values[rest_id] = rest
            relations.append(disclosure.Relation(key, (*parts, rest_id)))
    return values, relations


def _order(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    return qs.select_related("register", "exploitation_form", "age_group").order_by(
        "register__name_nl",
        "year",
        "exploitation_form__order",
        "age_group__order",
        "gender",
        "pk",
    )


def protect_rows(rows: list[Registration], threshold: int) -> tuple[list[Cell], Any, list]:
    """Disclosure control over `rows` published together: (cells, protection, relations)."""
    values, relations = relations_for(rows)
    if not values:
        return [], None, []
    protection = disclosure.protect(values, relations, threshold)
    cells = [Cell(r, protection.published[cell_id(r)]) for r in rows]
    return cells, protection, relations


def rates_for(
    links: Iterable[DetectionLink], counts: dict[tuple[Hashable, ...], int | None]
) -> list[Rate]:
    """Detection rates of `links`, from the registration counts in `counts` (cell id to
    count, None = not available). A rate whose registered count is not available (not
    published, or suppressed) is left out: it would give the count away."""
    out: list[Rate] = []
    for link in links:
        est = link.run or link.external_estimate
        if link.run is not None:
            run = link.run
            years = [(run.dataset.period_start, run.dataset.period_end)]
            if run.estimate is None:
                continue
            estimate, lower, upper = run.estimate, run.lower, run.upper
            method = run.method
        else:
            assert est is not None
            years = [(y, y) for y in range(est.period_start, est.period_end + 1)]
            estimate, lower, upper = est.estimate_per_year, est.lower, est.upper
            method = est.method
        for y0, y1 in years:
            registered = 0
            for year in range(y0, y1 + 1):
                key = (
                    "reg",
                    link.register_id,
                    year,
                    link.exploitation_form_id,
                    link.age_group_id,
                    "",
                )
                value = counts.get(key)
                if value is None:
                    break
                registered += value
            else:
                if estimate:
                    out.append(
                        Rate(
                            link.register,
                            link.exploitation_form,
                            link.age_group,
                            y0,
                            y1,
                            registered,
                            float(estimate),
                            None if lower is None else float(lower),
                            None if upper is None else float(upper),
                            method,
                            link.run,
                            link.external_estimate,
                        )
                    )
    return out


def _links() -> QuerySet[DetectionLink]:
    return DetectionLink.objects.select_related(
        "register", "run__dataset", "external_estimate", "exploitation_form", "age_group"
    ).order_by("register__name_nl", "pk")


def figures(threshold: int | None = None) -> Figures:
    """The public layer: published registrations after disclosure control, published runs,
    the (already public) external estimates and the detection rates that follow from them.
    """
    threshold = threshold or settings.SAMEN_SUPPRESSION_THRESHOLD
    rows = list(_order(visibility.published_registrations()))
    cells, protection, relations = protect_rows(rows, threshold)
    counts = {cell_id(c.registration): c.count for c in cells}
    runs = list(visibility.published_runs().select_related("dataset").order_by("-finished_at"))
    public_run_ids = {r.pk for r in runs}
    links = [link for link in _links() if link.run_id is None or link.run_id in public_run_ids]
    return Figures(
        cells=cells,
        runs=runs,
        external=list(ExternalEstimate.objects.all()),
        rates=rates_for(links, counts),
        threshold=threshold,
        protection=protection,
        relations=relations,
    )


def figures_for(user: Any, threshold: int | None = None) -> Figures:
    """What `user` reads: the public layer, or for analysts and the programme team every
    figure unsuppressed; a granted holder or viewer gets the public layer plus its own
    register's registrations unsuppressed (they are its own organisation's figures)."""
    if not visibility.sees_unpublished(user):
        public = figures(threshold)
        registers = list(visibility.granted_registers(user).values_list("pk", flat=True))
        if not registers:
            return public
        own = list(_order(Registration.objects.filter(register__in=registers)))
        cells = [c for c in public.cells if c.registration.register_id not in registers]
        cells += [Cell(r, r.count) for r in own]
        cells.sort(key=lambda c: _sort_key(c.registration))
        public.cells = cells
        return public
    rows = list(_order(Registration.objects.all()))
    runs = list(
        EstimationRun.objects.filter(state=EstimationRun.State.DONE)
        .select_related("dataset")
        .order_by("-finished_at")
    )
    counts: dict[tuple[Hashable, ...], int | None] = {cell_id(r): r.count for r in rows}
    return Figures(
        cells=[Cell(r, r.count) for r in rows],
        runs=runs,
        external=list(ExternalEstimate.objects.all()),
        rates=rates_for(_links(), counts),
        threshold=threshold or settings.SAMEN_SUPPRESSION_THRESHOLD,
    )


def _sort_key(r: Registration) -> tuple[Any, ...]:
    return (
        r.register.name_nl,
        r.year,
        r.exploitation_form.order if r.exploitation_form else -1,
        r.age_group.order if r.age_group else -1,
        r.gender,
        r.pk,
    )


def by_register(cells: Iterable[Cell]) -> dict[Any, list[Cell]]:
    """Cells grouped by register, in order."""
    out: dict[Any, list[Cell]] = defaultdict(list)
    for c in cells:
        out[c.registration.register].append(c)
    return dict(out)


@dataclass(frozen=True)
class GridRow:
    year: int
    cells: list[Cell | None]  # None: no figure for this column and year


@dataclass(frozen=True)
class Grid:
    """One register's cells as a cross-table: years down, one column per breakdown
    (total first, then forms, age groups, genders and their combinations)."""

    register: Any
    columns: list[str]
    rows: list[GridRow]


def column_label(r: Registration) -> str:
    from django.utils.translation import gettext as _

    parts = [str(x.name) for x in (r.exploitation_form, r.age_group) if x is not None]
    if r.gender:
        parts.append(str(r.get_gender_display()))
    return " · ".join(parts) if parts else _("Total")


def grids(cells: Iterable[Cell]) -> list[Grid]:
    """The cells as one cross-table per register (see Grid)."""
    out = []
    for register, own in by_register(cells).items():
        keys: dict[tuple[Any, ...], str] = {}
        for c in sorted(own, key=lambda c: _column_order(c.registration)):
            keys.setdefault(cell_id(c.registration)[3:], column_label(c.registration))
        years: dict[int, dict[tuple[Any, ...], Cell]] = defaultdict(dict)
        for c in own:
            years[c.registration.year][cell_id(c.registration)[3:]] = c
        rows = [GridRow(year, [years[year].get(k) for k in keys]) for year in sorted(years)]
        out.append(Grid(register, list(keys.values()), rows))
    return out


def _column_order(r: Registration) -> tuple[Any, ...]:
    dims = sum(1 for x in (r.exploitation_form_id, r.age_group_id, r.gender) if x)
    return (
        dims,
        r.exploitation_form.order if r.exploitation_form else -1,
        r.age_group.order if r.age_group else -1,
        r.gender,
    )

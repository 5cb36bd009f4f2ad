"""Reads of the budget: envelopes, allocations and spending per year, per funding
line, action line, exploitation form and action; money in the coverage matrix.

Every function issues a fixed number of queries, whatever the size of the plan.
Sums are taken in Python over exact Decimals, never with SQL SUM: SQLite keeps
decimals as binary floats, and adding floats could lose cents (ADR 0008).

`budget_summary(year)` and `samen.parliament.selectors.motions_summary()` are the
entry points for the progress report: they return plain data (dicts, lists,
Decimals, strings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samen.plan import selectors as plan_selectors
from samen.plan.models import Action, ActionLine, ExploitationForm
from samen.plan.selectors import NONE, ActionFilter, FilterError

from .models import Allocation, FundingLine, Spending
from .money import ZERO, format_eur, total

# --- years --------------------------------------------------------------------------


def budget_years(
    lines: Iterable[FundingLine] | None = None, used_years: Iterable[int] = ()
) -> list[int]:
    """The years the budget pages show: from the first funding line to the last
    year any line, allocation or spending names. A structural line has no end;
    it reaches the current year, or further when other lines or allocations do."""
    lines = list(FundingLine.objects.all() if lines is None else lines)
    used = set(used_years)
    if not lines and not used:
        return []
    first = min([line.start_year for line in lines] + list(used))
    ends = [line.end_year or line.start_year for line in lines] + list(used)
    if any(line.structural for line in lines):
        ends.append(timezone.localdate().year)
    return list(range(first, max(ends) + 1))


def default_year(years: list[int]) -> int:
    this_year = timezone.localdate().year
    if not years or this_year in years:
        return this_year
    return years[-1] if this_year > years[-1] else years[0]


def parse_year(value: str | None, years: list[int], param: str = "year") -> int:
    """A year from a query parameter; raises FilterError (naming the parameter)."""
    if value in (None, ""):
        return default_year(years)
    text = str(value).strip()
    if not text.isdigit() or (years and int(text) not in years):
        expected = [str(y) for y in years] or [_("a year such as 2025")]
        raise FilterError(param, text, expected)
    return int(text)


# --- per year --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFigures:
    """One funding line in one year."""

    code: str
    name: str
    ministry: str
    envelope: Decimal
    allocated: Decimal
    spent: Decimal
    confirmed: bool = True
    inferred_fields: tuple[str, ...] = ()
    source: str = ""

    @property
    def remaining(self) -> Decimal:
        """Not yet allocated; negative when the allocations exceed the line."""
        return self.envelope - self.allocated

    @property
    def over_allocated(self) -> bool:
        return self.allocated > self.envelope

    @property
    def overspent(self) -> bool:
        return self.spent > self.allocated


@dataclass(frozen=True)
class YearFigures:
    year: int
    lines: tuple[LineFigures, ...]

    @property
    def envelope(self) -> Decimal:
        return total(line.envelope for line in self.lines)

    @property
    def allocated(self) -> Decimal:
        return total(line.allocated for line in self.lines)

    @property
    def spent(self) -> Decimal:
        return total(line.spent for line in self.lines)

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.allocated

    @property
    def over_allocated(self) -> tuple[LineFigures, ...]:
        return tuple(line for line in self.lines if line.over_allocated)

    def warnings(self) -> list[str]:
        """What the programme team must look at, in words."""
        language = get_language() or "nl"
        out = []
        for line in self.lines:
            if line.over_allocated:
                out.append(
                    _(
                        "In %(year)s the allocations from “%(line)s” (%(allocated)s) exceed the "
                        "funding line (%(envelope)s) by %(over)s."
                    )
                    % {
                        "year": self.year,
                        "line": line.name,
                        "allocated": format_eur(line.allocated, language),
                        "envelope": format_eur(line.envelope, language),
                        "over": format_eur(line.allocated - line.envelope, language),
                    }
                )
            if line.overspent:
                out.append(
                    _(
                        "In %(year)s more was spent from “%(line)s” (%(spent)s) than was "
                        "allocated (%(allocated)s)."
                    )
                    % {
                        "year": self.year,
                        "line": line.name,
                        "spent": format_eur(line.spent, language),
                        "allocated": format_eur(line.allocated, language),
                    }
                )
        return out


def _amounts_by(
    model: type[Allocation] | type[Spending], *keys: str, **filters: Any
) -> dict[tuple[Any, ...], Decimal]:
    """{(key values): exact sum of amounts}, in one query."""
    out: dict[tuple[Any, ...], Decimal] = defaultdict(lambda: ZERO)
    for row in model.objects.filter(**filters).values_list(*keys, "amount"):
        out[row[:-1]] += row[-1]
    return out


def overview() -> list[YearFigures]:
    """Every budget year: envelope, allocated and spent per funding line. Three queries."""
    lines = list(FundingLine.objects.select_related("ministry"))
    allocated = _amounts_by(Allocation, "year", "funding_line_id")
    spent = _amounts_by(Spending, "year", "funding_line_id")
    years = budget_years(lines, {year for year, _line in [*allocated, *spent]})
    return [_year_figures(year, lines, allocated, spent) for year in years]


def _year_figures(
    year: int,
    lines: list[FundingLine],
    allocated: Mapping[Any, Decimal],
    spent: Mapping[Any, Decimal],
) -> YearFigures:
    return YearFigures(
        year,
        tuple(
            LineFigures(
                code=line.code,
                name=line.name,
                ministry=line.ministry.short_name if line.ministry_id else "",
                envelope=line.envelope(year),
                allocated=allocated.get((year, line.pk), ZERO),
                spent=spent.get((year, line.pk), ZERO),
                confirmed=line.confirmed,
                inferred_fields=tuple(line.inferred_fields),
                source=line.source,
            )
            for line in lines
            if line.covers(year) or (year, line.pk) in allocated or (year, line.pk) in spent
        ),
    )


def year_figures(year: int) -> YearFigures:
    lines = list(FundingLine.objects.select_related("ministry"))
    return _year_figures(
        year,
        lines,
        _amounts_by(Allocation, "year", "funding_line_id", year=year),
        _amounts_by(Spending, "year", "funding_line_id", year=year),
    )


@dataclass(frozen=True)
class GroupFigures:
    """Money of one group of actions (an action line, a round)."""

    code: str
    label: str
    allocated: Decimal = ZERO
    spent: Decimal = ZERO


@dataclass(frozen=True)
class FormFigures:
    """Money for one exploitation form: actions that target only this form, and
    actions that target it together with other forms (those count in full under
    each of their forms, so the shared columns do not add up to the total)."""

    code: str
    label: str
    allocated_only: Decimal = ZERO
    spent_only: Decimal = ZERO
    allocated_shared: Decimal = ZERO
    spent_shared: Decimal = ZERO


@dataclass(frozen=True)
class ActionFigures:
    code: str
    title: str
    action_line: str
    by_line: tuple[tuple[str, Decimal], ...]  # (funding line code, allocated)
    allocated: Decimal
    spent: Decimal
    demo: bool


@dataclass(frozen=True)
class BudgetYear:
    """Everything the budget page shows for one year."""

    figures: YearFigures
    action_lines: tuple[GroupFigures, ...]
    forms: tuple[FormFigures, ...]
    several_forms: GroupFigures
    no_form: GroupFigures
    actions: tuple[ActionFigures, ...]
    rounds: tuple[GroupFigures, ...]
    has_demo: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def year(self) -> int:
        return self.figures.year


def budget_year(year: int) -> BudgetYear:
    """The budget of one year by funding line, action line, exploitation form,
    action and reporting round, in a fixed number of queries."""
    figures = year_figures(year)
    allocations = list(
        Allocation.objects.filter(year=year)
        .select_related("funding_line")
        .order_by("funding_line__order", "funding_line__code")
    )
    spending = list(
        Spending.objects.filter(year=year).values_list("action_id", "round_id", "amount", "is_demo")
    )
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_line: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    demo: set[int] = set()
    for a in allocations:
        allocated[a.action_id] += a.amount
        by_line[a.action_id][a.funding_line.code] += a.amount
        if a.is_demo:
            demo.add(a.action_id)
    per_round: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for action_id, round_id, amount, is_demo in spending:
        spent[action_id] += amount
        per_round[round_id] += amount
        if is_demo:
            demo.add(action_id)
    ids = set(allocated) | set(spent)
    actions = list(Action.objects.filter(pk__in=ids).select_related("action_line"))
    forms_of = _forms_of(ids)
    return BudgetYear(
        figures=figures,
        action_lines=_by_action_line(actions, allocated, spent),
        forms=_by_form(forms_of, allocated, spent),
        several_forms=GroupFigures(
            "several",
            _("Several forms"),
            total(allocated[i] for i in ids if len(forms_of.get(i, ())) > 1),
            total(spent[i] for i in ids if len(forms_of.get(i, ())) > 1),
        ),
        no_form=GroupFigures(
            NONE,
            _("No form given"),
            total(allocated[i] for i in ids if not forms_of.get(i)),
            total(spent[i] for i in ids if not forms_of.get(i)),
        ),
        actions=tuple(
            ActionFigures(
                code=a.code,
                title=a.title,
                action_line=a.action_line.label if a.action_line_id else _("No action line"),
                by_line=tuple(by_line[a.pk].items()),
                allocated=allocated[a.pk],
                spent=spent[a.pk],
                demo=a.pk in demo,
            )
            for a in actions
        ),
        rounds=_by_round(per_round),
        has_demo=bool(demo),
        warnings=tuple(figures.warnings()),
    )


def _forms_of(action_ids: Iterable[int]) -> dict[int, list[str]]:
    through = Action.exploitation_forms.through
    out: dict[int, list[str]] = defaultdict(list)
    rows = through.objects.filter(action_id__in=list(action_ids)).values_list(
        "action_id", "exploitationform__code"
    )
    for action_id, code in rows:
        out[action_id].append(code)
    return out


def _by_action_line(
    actions: list[Action], allocated: Mapping[int, Decimal], spent: Mapping[int, Decimal]
) -> tuple[GroupFigures, ...]:
    members: dict[Any, list[int]] = defaultdict(list)
    for a in actions:
        members[a.action_line_id].append(a.pk)
    rows = [
        GroupFigures(
            line.code,
            line.label,
            total(allocated.get(i, ZERO) for i in members[line.pk]),
            total(spent.get(i, ZERO) for i in members[line.pk]),
        )
        for line in ActionLine.objects.all()
    ]
    if members[None]:
        rows.append(
            GroupFigures(
                NONE,
                _("No action line"),
                total(allocated.get(i, ZERO) for i in members[None]),
                total(spent.get(i, ZERO) for i in members[None]),
            )
        )
    return tuple(rows)


def _by_form(
    forms_of: Mapping[int, list[str]],
    allocated: Mapping[int, Decimal],
    spent: Mapping[int, Decimal],
) -> tuple[FormFigures, ...]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    for action_id, codes in forms_of.items():
        shared = 2 if len(codes) > 1 else 0
        for code in codes:
            sums[code][shared] += allocated.get(action_id, ZERO)
            sums[code][shared + 1] += spent.get(action_id, ZERO)
    return tuple(
        FormFigures(form.code, form.name, *sums[form.code])
        for form in ExploitationForm.objects.all()
    )


def _by_round(per_round: Mapping[int | None, Decimal]) -> tuple[GroupFigures, ...]:
    from samen.reporting.models import ReportingRound

    rounds = ReportingRound.objects.filter(pk__in=[k for k in per_round if k is not None])
    out = [
        GroupFigures(str(r.pk), r.title, spent=per_round[r.pk])
        for r in sorted(rounds, key=lambda r: (r.period_start, r.pk))
    ]
    if None in per_round:
        out.append(GroupFigures(NONE, _("Not reported in a round"), spent=per_round[None]))
    return tuple(out)


# --- for the progress report ---------------------------------------------------------


def budget_summary(year: int) -> dict[str, Any]:
    """The budget of `year` as plain data, for the progress report to parliament.

    Keys: year, currency, envelope, allocated, spent, remaining (Decimals);
    funding_lines: [{code, name, ministry, envelope, allocated, spent, remaining,
    over_allocated, confirmed, inferred_fields, source}]; action_lines: [{code,
    label, allocated, spent}] (these add up to the totals); exploitation_forms:
    [{code, label, allocated_only, spent_only, allocated_shared, spent_shared}]
    (an action with several forms counts in full under each; see several_forms);
    several_forms / no_form: {allocated, spent}; rounds: [{code, label, spent}];
    warnings: [text]; has_demo: whether demo data is included (say so in print).
    """
    data = budget_year(year)
    figures = data.figures

    def group(g: GroupFigures) -> dict[str, Any]:
        return {"code": g.code, "label": str(g.label), "allocated": g.allocated, "spent": g.spent}

    return {
        "year": year,
        "currency": "EUR",
        "envelope": figures.envelope,
        "allocated": figures.allocated,
        "spent": figures.spent,
        "remaining": figures.remaining,
        "funding_lines": [
            {
                **asdict(line),
                "inferred_fields": list(line.inferred_fields),
                "remaining": line.remaining,
                "over_allocated": line.over_allocated,
            }
            for line in figures.lines
        ],
        "action_lines": [group(g) for g in data.action_lines],
        "exploitation_forms": [asdict(f) for f in data.forms],
        "several_forms": {
            "allocated": data.several_forms.allocated,
            "spent": data.several_forms.spent,
        },
        "no_form": {"allocated": data.no_form.allocated, "spent": data.no_form.spent},
        "rounds": [{"code": g.code, "label": str(g.label), "spent": g.spent} for g in data.rounds],
        "warnings": list(data.warnings),
        "has_demo": data.has_demo,
    }


# --- one action --------------------------------------------------------------------


@dataclass(frozen=True)
class ActionYear:
    year: int
    lines: tuple[tuple[str, Decimal, Decimal], ...]  # (funding line name, allocated, spent)
    allocated: Decimal
    spent: Decimal
    demo: bool


def action_funding(action: Action) -> list[ActionYear]:
    """Per year, what the action gets and spent from which funding line. Two queries."""
    rows: dict[int, dict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [ZERO, ZERO])
    )
    demo: set[int] = set()
    for model, index in ((Allocation, 0), (Spending, 1)):
        entries = model.objects.filter(action=action).select_related("funding_line")
        for e in entries.order_by("funding_line__order", "funding_line__code"):
            rows[e.year][e.funding_line.name][index] += e.amount
            if e.is_demo:
                demo.add(e.year)
    return [
        ActionYear(
            year=year,
            lines=tuple((name, a, s) for name, (a, s) in lines.items()),
            allocated=total(a for a, _s in lines.values()),
            spent=total(s for _a, s in lines.values()),
            demo=year in demo,
        )
        for year, lines in sorted(rows.items())
    ]


# --- money in the coverage matrix ---------------------------------------------------


@dataclass
class MoneyCoverage:
    """The coverage matrix with allocated euros instead of action counts. An
    action counts in full in every cell it belongs to; row, column and grand
    totals count each action once."""

    rows: plan_selectors.Dimension
    columns: plan_selectors.Dimension
    row_members: list[tuple[str, str]]
    column_members: list[tuple[str, str]]
    amounts: dict[tuple[str, str], Decimal]
    row_totals: dict[str, Decimal]
    column_totals: dict[str, Decimal]
    total: Decimal
    year: int
    # How many actions with money this year each cell, row and column has.
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    column_counts: dict[str, int] = field(default_factory=dict)
    total_count: int = 0

    def amount(self, row: str, column: str) -> Decimal:
        return self.amounts.get((row, column), ZERO)

    def count(self, row: str, column: str) -> int:
        """How many actions in the cell have money this year."""
        return self.counts.get((row, column), 0)

    @property
    def gaps(self) -> list[tuple[str, str]]:
        return [
            (r, c)
            for r, _l in self.row_members
            for c, _m in self.column_members
            if not self.amount(r, c)
        ]

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "code": r,
                "label": label,
                "total": self.row_totals.get(r, ZERO),
                "cells": [
                    {"column": c, "amount": self.amount(r, c)} for c, _m in self.column_members
                ],
            }
            for r, label in self.row_members
        ]


def money_coverage(
    rows: str = "actionLine",
    columns: str = "exploitationForm",
    f: ActionFilter | None = None,
    year: int | None = None,
    user: Any = None,
) -> MoneyCoverage:
    """Allocated euros per (row, column) cell of the coverage matrix in `year`
    (a reported-progress filter reads what `user` may see). Raises FilterError
    for an unknown or repeated dimension. Fixed queries."""
    dims = plan_selectors.DIMENSIONS
    if rows not in dims:
        raise FilterError("rows", rows, list(dims))
    if columns not in dims or columns == rows:
        raise FilterError("columns", columns, [d for d in dims if d != rows])
    year = year if year is not None else default_year(budget_years())
    rdim, cdim = dims[rows], dims[columns]
    actions = plan_selectors.filter_actions(f or ActionFilter(), user=user)
    amounts = _amounts_by(Allocation, "action_id", year=year, action__in=actions.values("pk"))
    per_action = {key[0]: amount for key, amount in amounts.items()}

    def keys(dim: plan_selectors.Dimension) -> dict[int, set[str]]:
        out: dict[int, set[str]] = defaultdict(set)
        funded = actions.filter(pk__in=Allocation.objects.filter(year=year).values("action_id"))
        for pk, value in funded.values_list("pk", dim.path):
            if value is None and dim.param == "actionLine":
                value = NONE
            if value is not None:
                out[pk].add(value)
        return out

    row_keys, column_keys = keys(rdim), keys(cdim)
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    row_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    column_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    row_counts: dict[str, int] = defaultdict(int)
    column_counts: dict[str, int] = defaultdict(int)
    for pk, amount in per_action.items():
        for r in row_keys.get(pk, ()):
            row_totals[r] += amount
            row_counts[r] += 1
            for c in column_keys.get(pk, ()):
                cells[(r, c)] += amount
                counts[(r, c)] += 1
        for c in column_keys.get(pk, ()):
            column_totals[c] += amount
            column_counts[c] += 1
    return MoneyCoverage(
        rdim,
        cdim,
        [m for m in rdim.members() if m[0] != NONE or NONE in row_totals],
        [m for m in cdim.members() if m[0] != NONE or NONE in column_totals],
        dict(cells),
        dict(row_totals),
        dict(column_totals),
        total(per_action.values()),
        year,
        dict(counts),
        dict(row_counts),
        dict(column_counts),
        len(per_action),
    )

"""Sums per year, funding line, action line and exploitation form, checked against
figures worked out by hand; the over-allocation warning; money in the coverage
matrix; a fixed number of queries."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from samen.budget import selectors
from samen.budget.models import Allocation
from samen.plan.models import Action
from samen.reporting.models import ReportingRound
from tests.plan.factories import ActionFactory, ActionLineFactory

from .factories import AllocationFactory, FundingLineFactory, SpendingFactory


@pytest.fixture
def budget(db):
    """Two funding lines, four actions, allocations and spending in 2025 (and a
    little in 2024, which must not leak into 2025). The figures in the tests
    below are worked out by hand from these rows."""
    struct = FundingLineFactory(
        code="struct", name_nl="Structureel", amount_per_year=D("2000000.00"), start_year=2023
    )
    extra = FundingLineFactory(
        code="extra",
        name_nl="Versterking",
        amount_per_year=D("500000.00"),
        start_year=2024,
        end_year=2027,
        order=1,
    )
    l1, l2 = ActionLineFactory(number=1, code="L1"), ActionLineFactory(number=2, code="L2")
    a1 = ActionFactory(code="A.1", action_line=l1, forms=["sexual"])
    a2 = ActionFactory(code="A.2", action_line=l1, forms=["sexual", "labour"])
    a3 = ActionFactory(code="A.3", action_line=l2, forms=["criminal"])
    a4 = ActionFactory(code="A.4", action_line=None)
    r1 = ReportingRound.objects.create(
        title="Eerste helft 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        opens_on=dt.date(2025, 7, 1),
        deadline=timezone.now(),
    )
    for action, line, amount in (
        (a1, struct, "300000.10"),
        (a1, extra, "100000.00"),
        (a2, struct, "450000.55"),
        (a3, extra, "420000.00"),
        (a4, struct, "1000000.00"),
    ):
        AllocationFactory(action=action, funding_line=line, year=2025, amount=D(amount))
    AllocationFactory(action=a1, funding_line=struct, year=2024, amount=D("10.00"))
    SpendingFactory(action=a1, funding_line=struct, year=2025, amount=D("100000.05"), round=r1)
    SpendingFactory(action=a2, funding_line=struct, year=2025, amount=D("0.10"), round=r1)
    SpendingFactory(action=a3, funding_line=extra, year=2025, amount=D("50000.00"))
    return r1


def test_per_year_and_funding_line(budget):
    year = selectors.year_figures(2025)
    lines = {line.code: line for line in year.lines}
    assert (lines["struct"].envelope, lines["struct"].allocated, lines["struct"].spent) == (
        D("2000000.00"),
        D("1750000.65"),
        D("100000.15"),
    )
    assert (lines["extra"].envelope, lines["extra"].allocated, lines["extra"].spent) == (
        D("500000.00"),
        D("520000.00"),
        D("50000.00"),
    )
    assert year.envelope == D("2500000.00")
    assert year.allocated == D("2270000.65")
    assert year.spent == D("150000.15")
    assert year.remaining == D("229999.35")
    assert lines["extra"].remaining == D("-20000.00")


def test_allocations_over_a_funding_line_give_a_warning_that_names_it(budget):
    year = selectors.year_figures(2025)
    assert [line.code for line in year.over_allocated] == ["extra"]
    (warning,) = year.warnings()
    assert "Versterking" in warning and "2025" in warning
    assert "€\u00a0520.000,00" in warning and "€\u00a020.000,00" in warning
    # Within the line again, and the warning is gone.
    Allocation.objects.filter(action__code="A.3").update(amount=D("400000.00"))
    assert selectors.year_figures(2025).warnings() == []


def test_overview_lists_every_budget_year_with_its_envelope(budget):
    overview = {y.year: y for y in selectors.overview()}
    assert min(overview) == 2023 and max(overview) >= 2027
    assert overview[2023].envelope == D("2000000.00")  # the extra line starts in 2024
    assert overview[2024].envelope == D("2500000.00")
    assert overview[2024].allocated == D("10.00")
    assert overview[2025].allocated == D("2270000.65")


def test_per_action_line_adds_up_to_the_year(budget):
    data = selectors.budget_year(2025)
    lines = {g.code: (g.allocated, g.spent) for g in data.action_lines}
    assert lines == {
        "L1": (D("850000.65"), D("100000.15")),
        "L2": (D("420000.00"), D("50000.00")),
        "none": (D("1000000.00"), D("0.00")),
    }
    assert sum(a for a, _s in lines.values()) == data.figures.allocated


def test_per_exploitation_form_separates_dedicated_and_shared_money(budget):
    data = selectors.budget_year(2025)
    forms = {f.code: f for f in data.forms}
    assert (forms["sexual"].allocated_only, forms["sexual"].spent_only) == (
        D("400000.10"),
        D("100000.05"),
    )
    assert (forms["sexual"].allocated_shared, forms["sexual"].spent_shared) == (
        D("450000.55"),
        D("0.10"),
    )
    assert (forms["labour"].allocated_only, forms["labour"].allocated_shared) == (
        D("0.00"),
        D("450000.55"),
    )
    assert (forms["criminal"].allocated_only, forms["criminal"].spent_only) == (
        D("420000.00"),
        D("50000.00"),
    )
    assert data.several_forms.allocated == D("450000.55")
    assert data.no_form.allocated == D("1000000.00")
    # Dedicated + several + none partition the year's money.
    dedicated = sum(f.allocated_only for f in data.forms)
    assert dedicated + data.several_forms.allocated + data.no_form.allocated == D("2270000.65")


def test_spending_per_round(budget):
    with translation.override("en"):
        data = selectors.budget_year(2025)
    assert [(g.label, g.spent) for g in data.rounds] == [
        ("Eerste helft 2025", D("100000.15")),
        ("Not reported in a round", D("50000.00")),
    ]


def test_per_action_and_the_funding_of_one_action(budget):
    data = selectors.budget_year(2025)
    a1 = next(a for a in data.actions if a.code == "A.1")
    assert a1.allocated == D("400000.10") and a1.spent == D("100000.05")
    assert dict(a1.by_line) == {"struct": D("300000.10"), "extra": D("100000.00")}
    years = selectors.action_funding(Action.objects.get(code="A.1"))
    assert [(y.year, y.allocated, y.spent) for y in years] == [
        (2024, D("10.00"), D("0.00")),
        (2025, D("400000.10"), D("100000.05")),
    ]
    assert years[1].lines == (
        ("Structureel", D("300000.10"), D("100000.05")),
        ("Versterking", D("100000.00"), D("0.00")),
    )


def test_budget_summary_is_plain_data_for_the_progress_report(budget):
    summary = selectors.budget_summary(2025)
    assert summary["envelope"] == D("2500000.00") and summary["allocated"] == D("2270000.65")
    assert summary["funding_lines"][1]["over_allocated"] is True
    assert summary["funding_lines"][1]["remaining"] == D("-20000.00")
    assert {g["code"]: g["allocated"] for g in summary["action_lines"]}["L1"] == D("850000.65")
    assert summary["several_forms"] == {"allocated": D("450000.55"), "spent": D("0.10")}
    assert len(summary["warnings"]) == 1 and summary["has_demo"] is False
    # Nothing but plain values: the report may render it however it likes.
    assert all(isinstance(v, (str, int, bool, D, list, dict)) for v in summary.values())


def test_many_cents_add_up_exactly(db):
    line = FundingLineFactory(amount_per_year=D("1.00"))
    for _ in range(10):
        AllocationFactory(funding_line=line, year=2025, amount=D("0.10"))
    AllocationFactory(funding_line=line, year=2025, amount=D("0.20"))
    figures = selectors.year_figures(2025)
    assert figures.allocated == D("1.20") and isinstance(figures.allocated, D)
    assert figures.over_allocated  # 1.20 > 1.00


def test_money_coverage_counts_an_action_in_every_cell_but_once_in_totals(budget):
    matrix = selectors.money_coverage("actionLine", "exploitationForm", year=2025)
    assert matrix.amount("L1", "sexual") == D("850000.65")  # A.1 + A.2
    assert matrix.amount("L1", "labour") == D("450000.55")  # A.2 only
    assert matrix.amount("L2", "criminal") == D("420000.00")
    assert matrix.count("L1", "sexual") == 2
    assert matrix.row_totals["L1"] == D("850000.65")  # A.2 once, not twice
    assert matrix.column_totals["sexual"] == D("850000.65")
    assert matrix.total == D("2270000.65")  # A.4 has no form but counts in the total
    assert ("L2", "sexual") in matrix.gaps
    assert matrix.row_members[-1][0] == "none"  # A.4 has no action line: a row of its own


def test_money_coverage_of_another_year(budget):
    matrix = selectors.money_coverage("actionLine", "exploitationForm", year=2024)
    assert matrix.total == D("10.00") and matrix.amount("L1", "sexual") == D("10.00")


def test_budget_reads_do_not_grow_with_the_plan(db):
    line = FundingLineFactory(start_year=2025)
    lines = [ActionLineFactory() for _ in range(2)]

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.budget_year(2025)
            selectors.overview()
            selectors.money_coverage(year=2025)
        return len(ctx.captured_queries)

    for i in range(3):
        AllocationFactory(
            funding_line=line, action=ActionFactory(action_line=lines[i % 2], forms=["sexual"])
        )
    small = queries()
    for i in range(40):
        action = ActionFactory(action_line=lines[i % 2], forms=["labour", "criminal"])
        AllocationFactory(funding_line=line, action=action)
        SpendingFactory(funding_line=line, action=action)
    assert queries() == small

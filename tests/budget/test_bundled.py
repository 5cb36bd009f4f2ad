"""The bundled funding lines are the public facts, with their provenance; demo
allocations are labelled as demo data; loading is idempotent and audited."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samen.budget import bundled, selectors
from samen.budget.models import Allocation, FundingLine, Spending
from samen.core.models import AuditEvent
from samen.plan import document as doc

from .factories import FundingLineFactory


def load(*args):
    call_command("load_budget", *args, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_bundled_budget_is_2_million_from_2023_plus_half_a_million_2024_to_2027(bundled_plan):
    load()
    overview = {y.year: y.envelope for y in selectors.overview()}
    assert overview[2023] == D("2000000.00")
    assert all(overview[year] == D("2500000.00") for year in (2024, 2025, 2026, 2027))
    struct = FundingLine.objects.get(code="coalitieakkoord")
    extra = FundingLine.objects.get(code="versterking-2024")
    assert struct.structural and struct.start_year == 2023
    assert (extra.start_year, extra.end_year) == (2024, 2027)
    # Provenance: both name their source; the ministry of the structural line is inferred.
    assert struct.source.startswith("https://www.tweedekamer.nl/") and extra.source
    assert struct.inferred_fields == ["ministry"] and extra.inferred_fields == []
    assert struct.ministry.code == "jenv" and not struct.is_demo
    # Allocations are not public: none is shipped as fact.
    assert not Allocation.objects.exists()
    assert AuditEvent.objects.filter(object_type="budget.fundingline", kind="create").count() == 2


def test_loading_again_changes_nothing(bundled_plan):
    load()
    events = AuditEvent.objects.count()
    load()
    assert AuditEvent.objects.count() == events


def test_demo_allocations_and_spending_are_marked_as_demo(bundled_plan, users):
    load()
    load("--demo")
    assert Allocation.objects.exists() and Spending.objects.exists()
    assert not Allocation.objects.filter(is_demo=False).exists()
    assert not Spending.objects.filter(is_demo=False).exists()
    data = selectors.budget_year(2027)
    assert data.has_demo
    assert data.warnings  # one demo year is over-allocated on purpose, to show the warning
    count = Allocation.objects.count()
    load("--demo")  # a second run leaves the demo alone
    assert Allocation.objects.count() == count


def test_demo_needs_a_programme_account(bundled_plan):
    load()
    with pytest.raises(CommandError, match="programme-team account"):
        load("--demo")


def test_a_broken_budget_file_names_every_problem(db, tmp_path: Path):
    FundingLineFactory(code="bestaand")
    path = tmp_path / "budget.yaml"
    path.write_text(
        "schema: samen-budget/1\n"
        "currency: USD\n"
        "funding_lines:\n"
        "  - code: a\n    name_nl: A\n    amount_per_year: '1,5 miljoen'\n    start_year: 2023\n"
        "  - code: b\n    name_nl: B\n    amount_per_year: 10\n    start_year: 2025\n"
        "    end_year: 2024\n    ministry: onbekend\n    colour: rood\n"
        "  - code: a\n    amount_per_year: 1\n    start_year: 2023\n",
        encoding="utf-8",
    )
    with pytest.raises(doc.PlanDocumentInvalid) as caught:
        bundled.read_file(path)
    errors = [str(e) for e in caught.value.errors]
    for part in (
        "currency: alleen EUR wordt ondersteund, maar kreeg 'USD'",
        "funding_lines[1].amount_per_year: verwacht: een bedrag in euro",
        "funding_lines[2].end_year: 2024 ligt vóór het eerste jaar 2025",
        "funding_lines[2].ministry: organisatie 'onbekend' is niet bekend",
        "funding_lines[2].colour: onbekend veld",
        "funding_lines[3].name_nl: is verplicht",
        "funding_lines[3].code: de code 'a' (financieringsbron) komt twee keer voor",
    ):
        assert any(part in e for e in errors), (part, errors)
    assert FundingLine.objects.count() == 1

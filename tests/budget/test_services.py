"""Writes of the budget: only the programme team, every change audited with before
and after, stale edits refused, bad values refused by field."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from samen.accounts.access import Denied
from samen.budget import services
from samen.budget.models import Allocation, Spending
from samen.budget.services import EntryData
from samen.core import audit
from samen.core.models import AuditEvent
from samen.reporting.models import ReportingRound
from tests.plan.factories import ActionFactory

from .factories import AllocationFactory, FundingLineFactory


@pytest.fixture
def line(db):
    return FundingLineFactory(
        code="extra", amount_per_year=D("500000.00"), start_year=2024, end_year=2027
    )


def entry(**changes):
    return EntryData(
        **(
            {"funding_line": "extra", "action": "A.1", "year": 2025, "amount": D("1250.50")}
            | changes
        )
    )


def test_the_programme_team_allocates_and_the_trail_records_it(users, line):
    ActionFactory(code="A.1")
    allocation = services.create_allocation(users.programme, entry())
    assert allocation.amount == D("1250.50")
    event = AuditEvent.objects.for_object(allocation).get()
    assert event.kind == "create" and event.actor_name == "programma"
    assert event.after["amount"] == "1250.50" and event.after["action"] == "A.1"

    changed = services.update_allocation(
        users.programme, allocation.pk, entry(amount=D("2000.00"), note="Meer nodig"), 1
    )
    assert changed.version == 2
    event = AuditEvent.objects.for_object(allocation).latest("id")
    assert (event.kind, event.before["amount"], event.after["amount"]) == (
        "update",
        "1250.50",
        "2000.00",
    )
    assert event.after["note"] == "Meer nodig"

    services.delete_allocation(users.programme, allocation.pk)
    assert not Allocation.objects.exists()
    event = AuditEvent.objects.filter(object_type="budget.allocation").latest("id")
    assert event.kind == "delete" and event.before["amount"] == "2000.00"
    assert list(audit.verify()) == []


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_nobody_else_changes_the_budget(users, line, role):
    ActionFactory(code="A.1")
    user = getattr(users, role)
    existing = AllocationFactory(funding_line=line, action__code="A.2")
    with pytest.raises(Denied):
        services.create_allocation(user, entry())
    with pytest.raises(Denied):
        services.update_allocation(user, existing.pk, entry(action="A.2", amount=D("1")), None)
    with pytest.raises(Denied):
        services.delete_allocation(user, existing.pk)
    with pytest.raises(Denied):
        services.create_spending(user, entry())
    with pytest.raises(Denied):
        services.import_allocations(user, [entry()])
    assert Allocation.objects.get().amount == existing.amount
    assert not Spending.objects.exists()
    assert not AuditEvent.objects.filter(object_type__startswith="budget.").exists()


def test_a_stale_edit_is_refused_not_lost(users, line):
    ActionFactory(code="A.1")
    allocation = services.create_allocation(users.programme, entry())
    services.update_allocation(users.programme, allocation.pk, entry(amount=D("1.00")), 1)
    with pytest.raises(services.Conflict) as caught:
        services.update_allocation(users.programme, allocation.pk, entry(amount=D("2.00")), 1)
    assert caught.value.current.amount == D("1.00")
    assert Allocation.objects.get().amount == D("1.00")


def test_bad_values_are_refused_by_field(users, line):
    ActionFactory(code="A.1")
    with pytest.raises(services.Invalid) as caught:
        services.create_allocation(
            users.programme, entry(funding_line="nope", action="X.9", year=1900)
        )
    assert set(caught.value.errors) == {"funding_line", "action", "year"}
    with pytest.raises(services.Invalid) as caught:
        services.create_allocation(users.programme, entry(year=2023))
    assert "2024–2027" in caught.value.errors["year"]  # the line has no money in 2023
    with pytest.raises(services.Invalid) as caught:
        services.create_allocation(users.programme, entry(amount=D("1.005")))
    assert "amount" in caught.value.errors
    services.create_allocation(users.programme, entry())
    with pytest.raises(services.Invalid) as caught:
        services.create_allocation(users.programme, entry())
    assert "heeft al een toewijzing" in caught.value.errors["year"]


def test_money_never_enters_as_a_float(users, line):
    ActionFactory(code="A.1")
    with pytest.raises(TypeError):
        services.create_allocation(users.programme, entry(amount=1250.5))


def test_spending_is_reported_per_round_within_its_period(users, line):
    ActionFactory(code="A.1")
    r = ReportingRound.objects.create(
        title="Eerste helft 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        opens_on=dt.date(2025, 7, 1),
        deadline=timezone.now(),
    )
    spent = services.create_spending(users.programme, entry(round_id=r.pk, amount=D("99.99")))
    assert spent.round == r
    event = AuditEvent.objects.for_object(spent).get()
    assert event.after["round"] == r.pk and event.after["amount"] == "99.99"
    with pytest.raises(services.Invalid) as caught:
        services.create_spending(users.programme, entry(round_id=r.pk, year=2026))
    assert "het jaar moet daarbinnen vallen" in caught.value.errors["year"]
    with pytest.raises(services.Invalid):  # the same again in the same round
        services.create_spending(users.programme, entry(round_id=r.pk))
    services.create_spending(users.programme, entry())  # without a round: a separate entry
    assert Spending.objects.count() == 2

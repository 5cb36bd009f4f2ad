"""factory_boy factories for budget objects, used inside tests."""

from decimal import Decimal

import factory

from samen.budget.models import Allocation, FundingLine, Spending
from tests.plan.factories import ActionFactory


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    code = factory.Sequence(lambda n: f"line-{n}")
    name_nl = factory.Sequence(lambda n: f"Bron {n}")
    amount_per_year = Decimal("1000000.00")
    start_year = 2023
    end_year = None


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    funding_line = factory.SubFactory(FundingLineFactory)
    action = factory.SubFactory(ActionFactory)
    year = 2025
    amount = Decimal("1000.00")


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    funding_line = factory.SubFactory(FundingLineFactory)
    action = factory.SubFactory(ActionFactory)
    year = 2025
    amount = Decimal("100.00")

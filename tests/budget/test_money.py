"""Money is exact: parsed strictly (Dutch first), formatted the Dutch way, never a float."""

from decimal import Decimal

import pytest

from samen.budget import money


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2.000.000,00", "2000000.00"),
        ("€ 2.000.000,00", "2000000.00"),
        ("EUR 1250000", "1250000.00"),
        ("1 250 000,5", "1250000.50"),
        ("1250000.05", "1250000.05"),
        ("500,-", "500.00"),
        ("1.234", "1234.00"),  # Dutch first: a dot before three digits groups thousands
        ("0,1", "0.10"),
        (1234.56, "1234.56"),  # what a spreadsheet cell gives: the typed value, not 1234.5599...
        (0.1, "0.10"),
        (2000000, "2000000.00"),
        (Decimal("999999999999.99"), "999999999999.99"),
    ],
)
def test_amounts_are_read_exactly(typed, expected):
    amount = money.to_amount(typed)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1,234.56", "1250000"),  # English grouping is ambiguous for a Dutch reader: refused
        ("12,345", "2 decimalen"),
        ("0.001", "2 decimalen"),
        ("-5", "nul of meer"),
        ("€ -5,00", "nul of meer"),
        ("twee miljoen", "1250000"),
        ("", "1250000"),
        (None, "1250000"),
        (True, "1250000"),
        (float("nan"), "1250000"),
        (Decimal("1000000000000.00"), "hoogstens 999999999999.99"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_how_to_write_it(typed, says):
    # Dutch, the language of the screens; every message says how to write an amount.
    with pytest.raises(money.AmountError) as caught:
        money.to_amount(typed)
    assert says in str(caught.value)


def test_amounts_are_formatted_the_dutch_way_and_exactly():
    assert money.format_eur(Decimal("2000000")) == "€\u00a02.000.000,00"
    assert money.format_eur(Decimal("0.1") + Decimal("0.2")) == "€\u00a00,30"
    assert money.format_eur(Decimal("-25000")) == "€\u00a0-25.000,00"
    assert money.format_eur(Decimal("999999999999.99")) == "€\u00a0999.999.999.999,99"
    assert money.format_eur(Decimal("2500000"), "en") == "€2,500,000.00"


def test_sums_are_exact_where_floats_are_not():
    tenths = [Decimal("0.10")] * 10
    assert sum(0.1 for _ in range(10)) != 1.0  # why money never passes through a float
    assert money.total(tenths) == Decimal("1.00")
    assert money.as_string(money.total([])) == "0.00"

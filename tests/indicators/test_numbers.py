"""Dutch number input: what a holder types, read or refused with the field named."""

from decimal import Decimal

import pytest
from django.utils import translation

from samen.indicators.notation import format_value, input_text, parse_value


@pytest.mark.parametrize(
    ("text", "kind", "unit", "expected"),
    [
        ("12.345", "number", "", Decimal("12345")),
        ("1.234", "number", "", Decimal("1234")),
        ("12,5", "percentage", "", Decimal("12.5")),
        ("1 234", "number", "", Decimal("1234")),
        ("340 professionals", "number", "professionals", Decimal("340")),
        ("12,5 %", "percentage", "", Decimal("12.5")),
        ("12,5%", "percentage", "", Decimal("12.5")),
        ("100", "percentage", "", Decimal("100")),
        ("0", "percentage", "", Decimal("0")),
        ("ja", "yes_no", "", Decimal(1)),
        ("Nee", "yes_no", "", Decimal(0)),
        ("bereikt", "milestone", "", Decimal(1)),
        ("", "number", "", None),
    ],
)
def test_dutch_input_is_read(text, kind, unit, expected):
    assert parse_value(text, kind, unit, "Getrainde professionals") == expected


@pytest.mark.parametrize(
    ("text", "kind", "unit", "words"),
    [
        ("veel", "number", "", "is geen getal"),  # text in a number
        ("12 euro", "number", "professionals", "eenheid"),  # wrong unit
        ("12 %", "number", "professionals", "niet in procenten"),  # percent for a count
        ("100,5 %", "percentage", "", "tussen 0 en 100"),  # a percentage over 100
        ("-1", "percentage", "", "tussen 0 en 100"),
        ("1,234.5", "number", "", "op meer dan één manier"),  # English notation: ambiguous
        ("1.23", "number", "", "op meer dan één manier"),
        ("misschien", "yes_no", "", "'ja' of 'nee'"),
        ("1234567890123", "number", "", "te groot"),
        ("-3", "number", "", "kan niet negatief zijn, niet -3"),  # a count
        ("12,5", "number", "", "een aantal is een heel getal, niet 12,5"),
    ],
)
def test_bad_values_are_refused_with_the_field_named_in_dutch(text, kind, unit, words):
    with translation.override("nl"), pytest.raises(ValueError) as caught:
        parse_value(text, kind, unit, "Getrainde professionals")
    message = str(caught.value)
    assert message.startswith("Getrainde professionals: ")
    assert words in message


def test_values_are_shown_the_dutch_way():
    with translation.override("nl"):
        assert format_value(Decimal("1234.5"), "number", "professionals") == "1.234,5 professionals"
        assert format_value(Decimal("12.50"), "percentage") == "12,5 %"
        assert format_value(Decimal(1), "yes_no") == "ja"
        assert input_text(Decimal("1234.5000")) == "1234,5"
    with translation.override("en"):
        assert format_value(Decimal("1234.5"), "number") == "1,234.5"

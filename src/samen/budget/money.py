"""Money as exact decimals: parsing what people type, formatting the Dutch way.

No float ever holds an amount: the database stores DecimalField(14, 2), Python
works with Decimal, JSON carries strings ("2000000.00"), spreadsheets get
Decimal cells. Parsing is Dutch first and strict: an amount that could be read
two ways is refused with a message that says how to write it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # what DecimalField(max_digits=14, decimal_places=2) holds

# What may stand around the number: a currency sign or code, spaces of any kind.
_CURRENCY = re.compile(r"^(€|eur\b|euro\b)\s*|\s*(€|eur|euro)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_FORMS = (
    # Dutch: 1.234.567,89 / 1234567,89 / 1 234 567,89 / 500,-
    (re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d{1,2}|,-)?$"), "nl"),
    (re.compile(r"^[1-9]\d{0,2}( \d{3})+(,\d{1,2}|,-)?$"), "nl"),
    (re.compile(r"^\d+(,\d{1,2}|,-)?$"), "nl"),
    # A decimal point is only read as one when it cannot be a thousands separator.
    (re.compile(r"^\d+\.\d{1,2}$"), "point"),
)


def _how_to_write() -> str:
    return _("an amount in euros such as 1250000, 1.250.000,00 or 1250000.00 (at most 2 decimals)")


class AmountError(ValueError):
    """The value is not an amount; the message says what was expected."""


def to_amount(value: Any) -> Decimal:
    """Read an amount from a cell, a form or a document. Raises AmountError."""
    if isinstance(value, bool) or value is None:
        raise _expected(_how_to_write(), value)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # A spreadsheet stores numbers as binary floats; their shortest repr is
        # what was typed (1234.56 stays 1234.56), never 1234.5599999.
        if not math.isfinite(value):
            raise _expected(_how_to_write(), value)
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise _expected(_how_to_write(), value)
    if not amount.is_finite():
        raise _expected(_how_to_write(), value)
    if amount < 0:
        raise _expected(_("an amount of zero or more"), value)
    if amount > MAX_AMOUNT:
        raise _expected(_("at most %(max)s") % {"max": as_string(MAX_AMOUNT)}, value)
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise _expected(_("at most 2 decimals (whole cents)"), value)
    return amount.quantize(CENT)


def _expected(what: str, value: Any) -> AmountError:
    return AmountError(
        _("expected %(what)s, got %(value)s") % {"what": what, "value": _shown(value)}
    )


def from_sheet(value: Any) -> Decimal:
    """An amount from a spreadsheet cell typed by a person: as to_amount, but
    text such as "12.5" is refused, because in a Dutch sheet it may mean 12,50
    or 12.500. (In JSON and the API the point is the decimal sign.)"""
    if isinstance(value, str):
        raw = value
        text = _CURRENCY.sub("", _SPACES.sub(" ", value.strip())).strip()
        if re.fullmatch(r"\d+\.\d", text):
            raise AmountError(
                _(
                    "%(value)s is ambiguous: in Dutch the point separates thousands, in English it "
                    "is the decimal sign. Write %(comma)s for %(comma)s euro, or the whole amount "
                    "without a point"
                )
                % {"value": _shown(raw), "comma": text.replace(".", ",") + "0"}
            )
    return to_amount(value)


def _parse_text(text: str) -> Decimal:
    raw = text
    text = _CURRENCY.sub("", _SPACES.sub(" ", text.strip())).strip()
    if text.startswith("-"):
        raise _expected(_("an amount of zero or more"), raw)
    for pattern, kind in _FORMS:
        if pattern.match(text):
            if kind == "nl":
                text = text.replace(".", "").replace(" ", "").replace(",-", "").replace(",", ".")
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the patterns admit digits only
                break
    raise _expected(_how_to_write(), raw)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return _("nothing") if value is None else repr(value)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of amounts (in Python: SQL SUM on SQLite would add floats)."""
    return sum(amounts, ZERO)


def as_string(amount: Decimal) -> str:
    """The canonical text of an amount, as in JSON: '2000000.00'."""
    return f"{amount.quantize(CENT):f}"


def format_eur(amount: Decimal | int | None, language: str = "nl", symbol: bool = True) -> str:
    """€ 2.000.000,00 (Dutch) or €2,000,000.00 (English); exact, never rounded
    through a float. A negative amount (an overrun) keeps its sign: € -25.000,00.
    Without `symbol` only the number (for a table whose caption says "in euros")."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(CENT)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.2f}"
    if language.startswith("nl"):
        text = text.translate(str.maketrans(",.", ".,"))
    if not symbol:
        return f"{sign}{text}"
    return f"€\u00a0{sign}{text}" if language.startswith("nl") else f"{sign}€{text}"

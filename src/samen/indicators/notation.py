"""Numbers as Dutch people type them: `1.234,5`, `12,5 %`, `ja`.

`parse_value` reads one reported value for an indicator of a given kind and
unit, or raises ValueError with a message that names the field. Dutch notation
only: a comma separates the decimals, a dot groups thousands (in groups of
three). Input that could be read two ways (`1,234.5`, `1.23`) is refused rather
than guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 4
YES = {"ja", "j", "yes", "y", "1", "bereikt", "behaald", "gereed", "klaar", "done", "reached"}
NO = {"nee", "n", "no", "0", "niet bereikt", "niet behaald", "not reached"}
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
PLAIN = re.compile(r"[-+]?\d+(?:,\d+)?")
GROUPED = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
NUMBER_START = re.compile(r"^[-+]?\d[\d.,]*(?:[ \u00a0\u202f\u2009]\d[\d.,]*)*")


def parse_decimal(text: str, field: str) -> Decimal:
    """A number in Dutch notation ('1.234,5', '-3', '0,25'); ValueError otherwise."""
    compact = SPACES.sub("", text)
    if PLAIN.fullmatch(compact) or GROUPED.fullmatch(compact):
        value = Decimal(compact.replace(".", "").replace(",", "."))
    elif re.fullmatch(r"[-+]?[\d.,]+", compact):
        raise ValueError(
            _(
                "%(field)s: '%(value)s' can be read in more than one way. Write numbers the "
                "Dutch way: a comma before the decimals and dots between thousands, "
                "like 1.234,5."
            )
            % {"field": field, "value": text.strip()}
        )
    else:
        raise ValueError(
            _("%(field)s: '%(value)s' is not a number. Enter a number, like 1.234,5.")
            % {"field": field, "value": text.strip()}
        )
    _sign, digits, exponent = value.as_tuple()
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if len(digits) - decimals > MAX_INTEGER_DIGITS or decimals > MAX_DECIMALS:
        raise ValueError(
            _(
                "%(field)s: '%(value)s' is too large or too precise "
                "(at most %(digits)s digits before and %(decimals)s after the comma)."
            )
            % {
                "field": field,
                "value": text.strip(),
                "digits": MAX_INTEGER_DIGITS,
                "decimals": MAX_DECIMALS,
            }
        )
    return value


def parse_value(text: str, kind: str, unit: str, field: str) -> Decimal | None:
    """One reported value; None for empty input. `kind`: number, percentage,
    yes_no or milestone. `field` names the field in every message."""
    raw = (text or "").strip()
    if not raw:
        return None
    if kind in ("yes_no", "milestone"):
        word = SPACES.sub(" ", raw.lower())
        if word in YES:
            return Decimal(1)
        if word in NO:
            return Decimal(0)
        return _refuse_binary(raw, kind, field)
    number_part = raw
    suffix = ""
    match = NUMBER_START.match(raw)
    if match:
        number_part, suffix = match.group(0), raw[match.end() :].strip()
    if suffix == "%":
        if kind != "percentage":
            raise ValueError(
                _("%(field)s: this indicator counts in %(unit)s, not in percent.")
                % {"field": field, "unit": unit or _("numbers")}
            )
    elif suffix:
        if not match:
            raise ValueError(
                _("%(field)s: '%(value)s' is not a number. Enter a number, like 1.234,5.")
                % {"field": field, "value": raw}
            )
        if kind == "percentage" or suffix.lower() != unit.strip().lower():
            expected = "%" if kind == "percentage" else (unit or _("numbers"))
            raise ValueError(
                _("%(field)s: the unit '%(given)s' is wrong; this indicator counts in %(unit)s.")
                % {"field": field, "given": suffix, "unit": expected}
            )
    value = parse_decimal(number_part, field)
    if kind == "number" and value < 0:
        raise ValueError(
            _("%(field)s: a count cannot be negative, not %(value)s.")
            % {"field": field, "value": raw}
        )
    if kind == "number" and value != value.to_integral_value():
        raise ValueError(
            _("%(field)s: a count is a whole number, not %(value)s.")
            % {"field": field, "value": raw}
        )
    if kind == "percentage" and not Decimal(0) <= value <= Decimal(100):
        raise ValueError(
            _("%(field)s: a percentage lies between 0 and 100, not %(value)s.")
            % {"field": field, "value": raw}
        )
    return value


def _refuse_binary(raw: str, kind: str, field: str) -> Decimal:
    if kind == "milestone":
        message = _("%(field)s: answer 'bereikt' or 'niet bereikt', not '%(value)s'.")
    else:
        message = _("%(field)s: answer 'ja' or 'nee', not '%(value)s'.")
    raise ValueError(message % {"field": field, "value": raw})


def format_value(value: Decimal | None, kind: str = "number", unit: str = "") -> str:
    """A value as people read it, in the active language: '1.234,5', '12,5 %', 'ja'."""
    if value is None:
        return "–"
    if kind == "yes_no":
        return _("yes") if value >= 1 else _("no")
    if kind == "milestone":
        return _("reached") if value >= 1 else _("not reached")
    text = number_text(value)
    if kind == "percentage":
        return f"{text} %"
    return f"{text} {unit}".strip() if unit else text


def number_text(value: Decimal) -> str:
    """'1.234,5': grouped, with no trailing zeros."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    try:
        return number_format(normal, decimals, use_l10n=True, force_grouping=True)
    except (InvalidOperation, ValueError):
        return str(value)


def input_text(value: Decimal | None, kind: str = "number") -> str:
    """A stored value as the form shows it back for editing (Dutch notation)."""
    if value is None:
        return ""
    if kind == "yes_no":
        return "ja" if value >= 1 else "nee"
    if kind == "milestone":
        return "bereikt" if value >= 1 else "niet bereikt"
    normal = value.normalize()
    text = f"{normal:f}"
    return text.replace(".", ",")

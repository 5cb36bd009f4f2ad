"""How the impact monitor writes its figures, the one way for every page and the report.

The Effect page, the form pages, the detection page, the charts' descriptions and the
report's chapter *Effect* all write counts, percentages and intervals through these
functions, so a reader who compares the report with the page finds the same text:
standard rounding (half up: 12.5 % is 13 %), the language's thousands separator, an
interval in brackets after the figure ("13 % (10 %–17 %)"), a derived figure marked ``*``
and an estimate per year saying so ("5.000 per jaar").
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def whole(value: float) -> int:
    """Standard rounding, half away from zero (Python's ``round`` rounds half to even)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def number(value: float) -> str:
    """A whole number with the thousands separator of the active language (1.372; 1,372)."""
    return number_format(whole(value), use_l10n=True, force_grouping=True)


def percent(value: float | None) -> str:
    """0.2668 -> "27 %" (Dutch and English both put a space before % in samen)."""
    if value is None:
        return "?"
    return f"{whole(value * 100)} %"


def interval(text: str, lower: str | None, upper: str | None) -> str:
    """``text (lower–upper)``, or ``text`` alone when there is no interval."""
    if lower is None or upper is None:
        return text
    return f"{text} ({lower}–{upper})"


def count_text(value: float | None, lower: float | None = None, upper: float | None = None) -> str:
    """A count with its interval: "5.000 (4.000–7.000)"."""
    if value is None:
        return "?"
    return interval(
        number(value),
        None if lower is None else number(lower),
        None if upper is None else number(upper),
    )


def estimate_value(estimate: Any) -> str:
    """An estimate's figure, "per year" when it is one per year: "5.000 per jaar"."""
    text = number(estimate.estimate)
    return f"{text} {_('a year')}" if getattr(estimate, "per_year", False) else text


def range_text(lower: float | None, upper: float | None) -> str:
    """An interval on its own: "4.000–7.000"; "n/a" without one."""
    if lower is None or upper is None:
        return _("n/a")
    return f"{number(lower)}–{number(upper)}"


def estimate_text(estimate: Any) -> str:
    """An estimate (public_tables.Estimate or anything with estimate, lower, upper and
    per_year) with its interval, "per year" when it is a figure per year:
    "5.000 per jaar (4.000–7.000)"."""
    text = estimate_value(estimate)
    lower, upper = estimate.lower, estimate.upper
    if not lower or not upper:
        return text
    return interval(text, number(lower), number(upper))


def rate_text(values: Any) -> str:
    """A detection rate (detection.RateInterval) with its interval: "13 % (10 %–17 %)"."""
    return interval(
        percent(values.rate),
        None if values.rate_lower is None else percent(values.rate_lower),
        None if values.rate_upper is None else percent(values.rate_upper),
    )


def dark_text(values: Any) -> str:
    """The dark number (detection.RateInterval) with its interval."""
    return count_text(values.dark, values.dark_lower, values.dark_upper)


def cell_text(shown: Any) -> str:
    """A published cell (public_tables.Shown) as the tables show it: the count or the
    mark, ``*`` after a derived figure."""
    return f"{shown}*" if getattr(shown, "derived", False) else str(shown)

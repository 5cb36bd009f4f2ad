"""Dutch dates and periods, as people type them in spreadsheets.

Dates: `2025-07-01`, `1-7-2025`, `01/07/2025`, `1 juli 2025`, `juli 2025`
(the last day of the month: a deadline), `Q3 2024` (the last day of the
quarter), real Excel date cells and Excel serial numbers (days since
1899-12-30). Periods (whole years): `2025`, `2024-2025`, `2024 t/m 2027`,
`Q3 2024`, `juli 2025`, `1-7-2025 – 31-12-2026`, `doorlopend` (open, no end),
`2025 - doorlopend` or `vanaf 2025` (from 2025, no end).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

MONTHS = {
    **{
        name: i
        for i, name in enumerate(
            (
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ),
            start=1,
        )
    },
    **{
        name: i
        for i, name in enumerate(
            ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
            start=1,
        )
    },
    **{
        name.lower(): i
        for i, name in enumerate(calendar.month_name)
        if name  # English, for sheets written in English
    },
}
OPEN_WORDS = ("doorlopend", "continu", "structureel", "ongoing", "continuous")
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_RANGE = (20_000, 80_000)  # 1954 .. 2119: a number in this range in a date column


class NotADate(ValueError):
    pass


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def from_serial(number: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def read_date(value: Any) -> dt.date:
    """A date from a cell; raises NotADate."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return from_serial(value)
        raise NotADate(value)
    text = re.sub(r"\s+", " ", str(value or "")).strip().lower().rstrip(".")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if (m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", text)) and m[2] in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
        if (m := re.fullmatch(r"([a-z]+)\.? (\d{4})", text)) and m[1] in MONTHS:
            return _last_day(int(m[2]), MONTHS[m[1]])
        if m := re.fullmatch(r"q([1-4]) ?(\d{4})", text):
            return _last_day(int(m[2]), int(m[1]) * 3)
    except ValueError as exc:  # 31-2-2025
        raise NotADate(value) from exc
    raise NotADate(value)


def _year_of(text: str) -> int | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{4}\.0", text):
        return int(text[:4])
    try:
        return read_date(text).year
    except NotADate:
        return None


def read_period(value: Any) -> dict[str, int | None] | Any:
    """A period as {"start": year, "end": year or None}, or the value unchanged
    when it is not one (the document checks then report it as written)."""
    if isinstance(value, (dt.date, dt.datetime)):
        year = value.year
        return {"start": year, "end": year}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 <= value <= 2100 and float(value).is_integer():
            return {"start": int(value), "end": int(value)}
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            year = from_serial(value).year
            return {"start": year, "end": year}
        return value
    text = re.sub(r"\s+", " ", str(value or "")).strip().lower()
    if not text:
        return value
    if text in OPEN_WORDS:
        return {"start": None, "end": None}
    if m := re.fullmatch(r"(?:vanaf|from) (.+)", text):
        start = _year_of(m[1])
        return {"start": start, "end": None} if start else value
    single = _year_of(text)
    if single:
        return {"start": single, "end": single}
    for separator in (
        r" ?t/m ?",
        r" tot en met ",
        r" tot ",
        r" ?[–—] ?",
        r" - ",
        r"(?<=\d{4})-(?=\d{4}$)",
        r" ?/ ?",
    ):
        parts = re.split(separator, text, maxsplit=1)
        if len(parts) != 2:
            continue
        start = _year_of(parts[0])
        if parts[1].strip() in OPEN_WORDS:
            return {"start": start, "end": None} if start else value
        end = _year_of(parts[1])
        if start and end:
            return {"start": start, "end": end}
    return value


_YEAR_WORDS = re.compile(r"\d{4}(?:\.0)?|t/m|tot en met|tot|vanaf|from|" + "|".join(OPEN_WORDS))


def finer_than_year(value: Any) -> bool:
    """Whether a period cell says more than whole years (a day, month or
    quarter), which `read_period` keeps as its year only."""
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not 1900 <= value <= 2100
    text = _YEAR_WORDS.sub("", str(value or "").lower())
    return bool(re.sub(r"[\W_]+", "", text))

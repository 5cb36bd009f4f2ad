"""CSV as Dutch spreadsheet programs read it: semicolons, a byte-order mark so
Excel takes the text as UTF-8, and cells that look like formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any


def csv_safe(value: Any) -> Any:
    """Stop a cell from being run as a formula when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    cell: Callable[[Any], Any] = csv_safe,
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()

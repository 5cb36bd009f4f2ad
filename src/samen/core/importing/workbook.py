"""Bytes to tables: the sheets of an XLSX workbook or the text of a CSV file,
as people keep them.

Every table is a `Grid` of visible rows with merged cells filled in; hidden
sheets and hidden rows are left out and named in `Grid.skipped`/`Book.hidden`.
`open_workbook` and `read_csv` are the only places bytes are parsed, so that
a bounded loader can replace them in one line each.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .headings import Field, HeadingMapping, heading_key, map_headings

HEADER_SEARCH_ROWS = 15
_DEFUSED = re.compile(r"^'(?=[=+\-@])")


class Unreadable(Exception):
    """The file cannot be read at all; the message says why (in the UI language)."""


@dataclass(frozen=True)
class Cell:
    value: Any
    formula: bool = False  # a formula or an error value (#REF!): never evaluated


@dataclass
class Grid:
    title: str
    rows: list[tuple[int, list[Cell]]]  # (row number, cells from column A), visible rows only
    hidden: bool = False
    skipped_rows: list[int] = field(default_factory=list)  # hidden rows, by number
    max_row: int = 0
    max_column: int = 0

    def cell(self, row_cells: list[Cell], column: int) -> Cell:
        return row_cells[column - 1] if column - 1 < len(row_cells) else Cell(None)

    def header_cells(self, number: int) -> list[tuple[str, Any]]:
        for row, cells in self.rows:
            if row == number:
                return [(get_column_letter(i), c.value) for i, c in enumerate(cells, start=1)]
        return []


@dataclass
class Book:
    grids: list[Grid]
    note: str = ""  # e.g. how a CSV file's encoding was detected

    @property
    def visible(self) -> list[Grid]:
        return [g for g in self.grids if not g.hidden]

    @property
    def hidden(self) -> list[Grid]:
        return [g for g in self.grids if g.hidden]


def open_workbook(content: bytes) -> Any:
    """The openpyxl workbook: formulas kept as text (never evaluated), no
    external links, no macros. Raises whatever openpyxl raises."""
    from openpyxl import load_workbook

    return load_workbook(
        io.BytesIO(content),
        read_only=False,
        data_only=False,
        keep_links=False,
        keep_vba=False,
        rich_text=False,
    )


def grid_of(ws: Any) -> Grid:
    """A worksheet as a Grid: merged ranges copied to every cell they cover."""
    merged: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = value
    hidden_rows = {n for n, dim in ws.row_dimensions.items() if dim.hidden}
    grid = Grid(
        ws.title,
        [],
        hidden=ws.sheet_state != "visible",
        max_row=ws.max_row,
        max_column=ws.max_column,
    )
    for row in ws.iter_rows():
        if not row:
            continue
        number = row[0].row
        cells = []
        for cell in row:
            value = merged.get((number, cell.column), cell.value)
            formula = cell.data_type in ("f", "e") or (
                isinstance(value, str) and value.startswith("=")
            )
            cells.append(Cell(value, formula))
        if number in hidden_rows:
            if any(c.value not in (None, "") for c in cells):
                grid.skipped_rows.append(number)
            continue
        grid.rows.append((number, cells))
    return grid


def read_xlsx(content: bytes) -> Book:
    try:
        wb = open_workbook(content)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise Unreadable(_("cannot read the workbook: %(problem)s") % {"problem": exc}) from exc
    return Book([grid_of(ws) for ws in wb.worksheets])


def decode_text(content: bytes) -> tuple[str, str]:
    """Text of a CSV file and a note on how it was decoded: UTF-8 (with or
    without byte-order mark), else Windows-1252 (what Excel writes on Dutch
    Windows), which the note says."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict"), ""
    try:
        return content.decode("utf-8"), ""
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), _(
            "the file is not UTF-8; it was read as Windows-1252 (the encoding of Excel on "
            "Windows). Check the accented letters in the preview."
        )


def read_csv(content: bytes, filename: str) -> Book:
    """A CSV file as one Grid. The separator is `;` (Dutch Excel, samen's own
    exports), `,` or a tab, whichever the first line holds most of. A cell
    that samen defused as text ('=…) is read back without the quote."""
    try:
        text, note = decode_text(content)
    except UnicodeDecodeError as exc:
        raise Unreadable(_("the text is not valid UTF-8: %(problem)s") % {"problem": exc}) from exc
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [Cell(_DEFUSED.sub("", v) if v else None) for v in values]
        rows.append((number, cells))
    width = max((len(c) for _n, c in rows), default=0)
    return Book([Grid(filename, rows, max_row=len(rows), max_column=width)], note)


def read_book(content: bytes, filename: str) -> Book:
    """XLSX or CSV, by the file name."""
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(content, filename)
    return read_xlsx(content)


def find_header(
    grid: Grid,
    fields: Iterable[Field],
    chosen: Mapping[str, str] | None = None,
    saved: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[int, HeadingMapping] | None:
    """The header row (among the first rows, below any title rows) whose cells
    name most fields, with how each heading was understood. `saved` maps a
    layout key (headings.layout_key) to a saved mapping for that layout."""
    from .headings import layout_key

    fields = tuple(fields)
    best: tuple[int, list[tuple[str, Any]], Mapping[str, str] | None, int] | None = None
    for number, cells in grid.rows[:HEADER_SEARCH_ROWS]:
        values = [(get_column_letter(i), c.value) for i, c in enumerate(cells, start=1)]
        distinct = {heading_key(v) for _l, v in values if v not in (None, "")}
        if len(distinct) < 2:
            continue  # a title row or a merged heading
        layout = (saved or {}).get(layout_key(v for _l, v in values))
        found = len(map_headings(values, fields, chosen, layout, suggestions=False).columns)
        if found >= 2 and (best is None or found > best[3]):
            best = (number, values, layout, found)
    if best is None:
        return None
    number, values, layout, _found = best
    return number, map_headings(values, fields, chosen, layout)


def body(grid: Grid, header_row: int) -> Iterator[tuple[int, list[Cell]]]:
    """The rows below the header."""
    for number, cells in grid.rows:
        if number > header_row:
            yield number, cells


def report_lines(
    read: list[tuple[str, str]],
    mappings: list[tuple[str, int, HeadingMapping, dict[str, str]]],
    hidden_sheets: list[str],
    hidden_rows: list[tuple[str, list[int]]],
) -> list[str]:
    """How a file was understood, one line each (shared by the imports):
    `read` (sheet, what it was read as), `mappings` (sheet, header row, the
    mapping, field key -> label), and what was skipped because it was hidden."""
    from .headings import describe

    def is_file(title: str) -> bool:  # a CSV file has no sheets: its one grid is the file
        return title.lower().endswith((".csv", ".txt"))

    out = [
        (
            _('Read file "%(file)s" as %(part)s.') % {"file": title, "part": part}
            if is_file(title)
            else _('Read sheet "%(sheet)s" as %(part)s.') % {"sheet": title, "part": part}
        )
        for title, part in read
    ]
    for title, row, mapping, labels in mappings:
        if is_file(title):
            out.append(
                _('Headings of file "%(file)s" (row %(row)s):') % {"file": title, "row": row}
            )
        else:
            out.append(
                _('Headings of sheet "%(sheet)s" (row %(row)s):') % {"sheet": title, "row": row}
            )
        out += [f"  {line}" for line in describe(mapping, labels)]
    out += [_('Hidden sheet "%(sheet)s" skipped.') % {"sheet": title} for title in hidden_sheets]
    for title, rows in hidden_rows:
        out.append(
            _('Hidden rows in sheet "%(sheet)s" skipped: %(rows)s.')
            % {"sheet": title, "rows": ", ".join(str(r) for r in rows)}
        )
    return out

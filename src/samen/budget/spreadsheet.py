"""Allocations in spreadsheets: the export (allocations and spending) and the
import of allocations.

Reading is forgiving about layout (Dutch or English headers, title rows above
the header, merged cells, names of funding lines instead of codes, amounts
typed as "€ 1.250.000,00") and strict about content: every cell that cannot be
read gives an error naming the file, sheet, row and column and what was
expected, and a file with any error writes nothing. Reading is safe: bounded
size, formulas refused (never evaluated), external links not followed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samen.core import safeload
from samen.core.exports import csv_safe, csv_text
from samen.core.importing import headings as hd
from samen.core.importing.workbook import (
    Book,
    Grid,
    Unreadable,
    body,
    find_header,
    read_xlsx,
    report_lines,
)
from samen.plan import document as doc
from samen.plan import spreadsheet as plan_sheets
from samen.plan.models import Action

from . import money
from .models import Allocation, FundingLine, Spending
from .services import EntryData

SHEET = "Toewijzingen"
SHEET_ALIASES = ("toewijzingen", "allocations", "allocaties", "budget", "begroting")
SPENDING_SHEET = "Uitgaven"
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as our own export writes it (Dutch)
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("action", "Actie", ("action", "actienummer", "nummer", "code", "action code", "nr")),
    Column("title", "Titel", ("title", "actietitel", "omschrijving")),  # read for people only
    Column(
        "funding_line",
        "Financieringsbron",
        ("funding line", "financiering", "budgetlijn", "bron van financiering", "funding"),
    ),
    Column("year", "Jaar", ("year", "begrotingsjaar")),
    Column(
        "amount",
        "Bedrag",
        ("amount", "bedrag (€)", "bedrag in euro", "bedrag (eur)", "toegewezen", "allocated"),
    ),
    Column("note", "Opmerking", ("note", "toelichting", "notes", "opmerkingen")),
    Column("demo", "Demo", ("demo data", "demogegevens")),
)
REQUIRED = ("action", "funding_line", "year", "amount")
HEADER_SEARCH_ROWS = 15


# --- writing ---------------------------------------------------------------------------


def allocation_rows(allocations: Iterable[Allocation]) -> Iterable[list[Any]]:
    for a in allocations:
        yield [
            a.action.code,
            a.action.title,
            a.funding_line.code,
            a.year,
            a.amount,
            a.note,
            "ja" if a.is_demo else "nee",
        ]


def spending_rows(spending: Iterable[Spending]) -> Iterable[list[Any]]:
    for s in spending:
        yield [
            s.action.code,
            s.action.title,
            s.funding_line.code,
            s.year,
            s.round.title if s.round_id else "",
            s.amount,
            s.note,
            "ja" if s.is_demo else "nee",
        ]


SPENDING_HEADERS = (
    "Actie",
    "Titel",
    "Financieringsbron",
    "Jaar",
    "Ronde",
    "Bedrag",
    "Opmerking",
    "Demo",
)


def _sheet(
    ws: Worksheet, headers: Iterable[str], rows: Iterable[list[Any]], money_column: int
) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font, cell.fill = plan_sheets.HEADER_FONT, plan_sheets.HEADER_FILL
    for row in rows:
        ws.append(row)
        # Decimal cells are written as they are (no float); shown with thousands separators.
        ws.cell(ws.max_row, money_column).number_format = MONEY_FORMAT
    ws.freeze_panes = "A2"
    for index, width in enumerate((10, 50, 22, 8, 18, 40, 40, 8)[: ws.max_column], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_workbook(allocations: Iterable[Allocation], spending: Iterable[Spending]) -> bytes:
    """Allocations (the sheet the import reads) and spending, as XLSX."""
    wb = Workbook()
    _sheet(wb.active, (c.header for c in COLUMNS), allocation_rows(allocations), 5)
    wb.active.title = SHEET
    _sheet(wb.create_sheet(SPENDING_SHEET), SPENDING_HEADERS, spending_rows(spending), 6)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_csv(headers: Iterable[str], rows: Iterable[list[Any]]) -> str:
    """Semicolons and decimal commas, as Dutch spreadsheet programs expect."""
    return csv_text(headers, rows, _csv_cell)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money.as_string(value).replace(".", ",")
    return csv_safe(value)


# --- reading ---------------------------------------------------------------------------


class _Errors:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[doc.DocumentError] = []

    def where(self, grid: Grid, row: int, column: int | None = None, header: str = "") -> str:
        text = _('%(file)s, sheet "%(sheet)s", row %(row)s') % {
            "file": self.filename,
            "sheet": grid.title,
            "row": row,
        }
        if column is not None:
            text += _(", column %(column)s") % {"column": get_column_letter(column)}
            if header:
                text += f' ("{header}")'
        return text

    def add(self, location: str, message: str) -> None:
        self.items.append(doc.DocumentError((), message, location))

    def raise_if_any(self) -> None:
        if self.items:
            raise doc.PlanDocumentInvalid(self.items, self.filename)


FIELDS = tuple(hd.Field(c.key, c.header, c.aliases) for c in COLUMNS)


def read_allocations(
    content: bytes, filename: str, understood: list[str] | None = None
) -> list[EntryData]:
    """Check a workbook of allocations completely; raise
    PlanDocumentInvalid with every error found, or return the rows to import.
    Hidden sheets and rows are skipped; action codes match in any case.
    `understood`, when given, receives the lines saying how the file was read
    (the sheet, each heading's field, what was skipped)."""
    safeload.check_xlsx(content, filename)  # bounded: checked in a child process (issue 16)
    errors = _Errors(filename)
    try:
        book = read_xlsx(content)
    except Unreadable as exc:
        errors.add(filename, str(exc))
        errors.raise_if_any()
    grid = _find_sheet(book, errors)
    errors.raise_if_any()
    if grid.max_row > plan_sheets.MAX_ROWS or grid.max_column > plan_sheets.MAX_COLUMNS:
        errors.add(
            errors.where(grid, grid.max_row),
            _(
                "too large (%(rows)s rows × %(columns)s columns); at most %(max_rows)s rows and "
                "%(max_columns)s columns allowed"
            )
            % {
                "rows": grid.max_row,
                "columns": grid.max_column,
                "max_rows": plan_sheets.MAX_ROWS,
                "max_columns": plan_sheets.MAX_COLUMNS,
            },
        )
        errors.raise_if_any()
    header = _find_header(grid, errors)
    errors.raise_if_any()
    header_row, mapping = header
    if understood is not None:
        understood += report_lines(
            [(grid.title, _("allocations"))],
            [(grid.title, header_row, mapping, {c.key: c.header for c in COLUMNS})],
            [g.title for g in book.hidden],
            [(grid.title, grid.skipped_rows)] if grid.skipped_rows else [],
        )
    rows = _read_rows(grid, header_row, mapping, errors)
    errors.raise_if_any()
    if not rows:
        errors.add(
            errors.where(grid, header_row), _("the sheet has no allocations below its header")
        )
        errors.raise_if_any()
    return rows


def _find_sheet(book: Book, errors: _Errors) -> Grid:
    visible = book.visible
    for grid in visible:
        if hd.heading_key(grid.title) in {hd.heading_key(a) for a in SHEET_ALIASES}:
            return grid
    if len(visible) == 1:
        return visible[0]
    errors.add(
        errors.filename,
        _(
            "no sheet with allocations found; expected a sheet named '%(name)s' (or 'Allocations'), "
            "or a workbook with a single sheet; found: %(found)s"
        )
        % {"name": SHEET, "found": ", ".join(f"'{g.title}'" for g in visible)},
    )
    return book.grids[0]


def _find_header(grid: Grid, errors: _Errors) -> tuple[int, hd.HeadingMapping]:
    best = find_header(grid, FIELDS)
    expected = ", ".join(f"'{c.header}'" for c in COLUMNS if c.key in REQUIRED)
    if best is None:
        errors.add(
            f'{errors.filename}, sheet "{grid.title}"',
            _("no header row found in the first %(n)s rows; expected the columns %(columns)s")
            % {"n": HEADER_SEARCH_ROWS, "columns": expected},
        )
        return (0, hd.HeadingMapping())
    row, mapping = best
    for key in REQUIRED:
        if key not in mapping.columns:
            column = next(c for c in COLUMNS if c.key == key)
            errors.add(
                errors.where(grid, row),
                _("missing required column '%(header)s' (or %(aliases)s)")
                % {
                    "header": column.header,
                    "aliases": ", ".join(f"'{a}'" for a in column.aliases[:3]),
                },
            )
    labels = {c.key: c.header for c in COLUMNS}
    for use in mapping.similar_unused:
        errors.add(
            errors.where(grid, row, column_index_from_string(use.column), use.heading),
            _(
                "this heading is not used, but looks like '%(field)s'; did you mean that column? "
                "Rename the heading, or map it in the web import"
            )
            % {"field": labels.get(use.suggestion or "", use.suggestion)},
        )
    return best


def _read_rows(
    grid: Grid, header_row: int, mapping: hd.HeadingMapping, errors: _Errors
) -> list[EntryData]:
    columns, written = mapping.columns, mapping.written
    actions = {code.lower(): code for code in Action.objects.values_list("code", flat=True)}
    lines = list(FundingLine.objects.all())
    line_names = {
        plan_sheets.normalise(name): line
        for line in lines
        for name in (line.code, line.name_nl, line.name_en)
        if name
    }
    out: list[EntryData] = []
    seen: dict[tuple[str, str, int], int] = {}
    for row, cells in body(grid, header_row):
        values: dict[str, Any] = {}
        for key, col in columns.items():
            cell = grid.cell(cells, col)
            value = cell.value
            if cell.formula:
                errors.add(
                    errors.where(grid, row, col, written[key]),
                    _("cell holds a formula; enter the value itself (formulas are not evaluated)"),
                )
                value = None
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                values[key] = value
        if not values:
            continue

        def where(key: str, row: int = row) -> str:
            return errors.where(grid, row, columns.get(key), written.get(key, ""))

        for key in REQUIRED:
            if key not in values:
                errors.add(where(key), _("is empty; every allocation needs it"))
        written_code = values.get("action", "")
        if isinstance(written_code, float) and written_code.is_integer():
            written_code = int(written_code)
        code = actions.get(str(written_code).strip().lower(), "")
        if written_code not in ("", None) and not code:
            errors.add(where("action"), _("unknown action '%(code)s'") % {"code": written_code})
        line = None
        if "funding_line" in values:
            line = line_names.get(plan_sheets.normalise(values["funding_line"]))
            if line is None:
                errors.add(
                    where("funding_line"),
                    _("unknown funding line '%(value)s'; expected one of: %(known)s")
                    % {"value": values["funding_line"], "known": ", ".join(x.code for x in lines)},
                )
        year = _year(values.get("year"))
        if "year" in values and year is None:
            errors.add(
                where("year"),
                _("expected a year such as 2025, got '%(value)s'") % {"value": values["year"]},
            )
        elif year is not None and line is not None and not line.covers(year):
            errors.add(
                where("year"),
                _("the funding line '%(line)s' has no money in %(year)s (its period is %(period)s)")
                % {"line": line.code, "year": year, "period": line.period_label},
            )
        amount = None
        if "amount" in values:
            try:
                amount = money.from_sheet(values["amount"])
            except money.AmountError as exc:
                errors.add(where("amount"), str(exc))
        # Without a Demo column an existing entry keeps its flag (None); with
        # one, an empty cell means real data.
        demo = _yes(values.get("demo")) if "demo" in columns else None
        if "demo" in columns and demo is None:
            errors.add(
                where("demo"),
                _("expected ja or nee (yes or no), got '%(value)s'") % {"value": values["demo"]},
            )
        if line is None or year is None or amount is None or not code:
            continue
        entry = (line.code, code, year)
        if entry in seen:
            errors.add(
                errors.where(grid, row),
                _("%(action)s, %(line)s, %(year)s is listed twice (also in row %(other)s)")
                % {"action": code, "line": line.code, "year": year, "other": seen[entry]},
            )
            continue
        seen[entry] = row
        out.append(
            EntryData(
                funding_line=line.code,
                action=code,
                year=year,
                amount=amount,
                note=str(values.get("note", ""))[:2000],
                is_demo=demo,
            )
        )
    return out


def _year(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 2000 <= value <= 2100:
        return value
    return None


def _yes(value: Any) -> bool | None:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in doc.TRUE_WORDS:
        return True
    if text in doc.FALSE_WORDS:
        return False
    return None

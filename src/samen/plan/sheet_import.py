"""Reading a plan from a workbook (XLSX) or the explorer's CSV: from tables to
the raw plan document that `document.parse_document` checks.

The steps are shared (`samen.core.importing`): the workbook gives visible
tables, `headings` maps each heading to a field and says how, `names` reads
organisation names, `periods` reads Dutch dates. This module adds what is
particular to the plan: which sheet holds which part, "Actielijn N: …"
heading rows in the annex layout, and the vocabulary of labels (status,
exploitation forms, …) that cells may use instead of codes.

Every problem is collected (a formula in one cell does not hide the others)
with its sheet, row, column, the value found and what is accepted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from samen.core import safeload
from samen.core.importing import headings as hd
from samen.core.importing import names as nm
from samen.core.importing import periods
from samen.core.importing.changes import shown
from samen.core.importing.workbook import (
    Book,
    Cell,
    Grid,
    Unreadable,
    body,
    find_header,
    read_book,
    report_lines,
)

from . import document as doc
from . import spreadsheet as plan_sheets
from .models import (
    Action,
    SavedHeadingMapping,
)
from .spreadsheet import PLAN_SHEET, SHEETS, Column, SheetSpec
from .vocabulary import Vocabulary, unknown_label

LINE_HEADING = re.compile(r"^\s*(?:actielijn|action line)\s*(\d+)\s*[:.\-–—]?\s*(.*)$", re.I)
NO_LINE = {
    "geen actielijn",
    "no action line",
    "niet aan een actielijn gekoppeld",
    "not linked to an action line",
    "-",
    "–",
}


@dataclass
class ImportOptions:
    """What the user decided for this import: the sheet to read, headings
    mapped by hand (heading_key -> field key, "" for not used), organisation
    names mapped by hand (name_key -> organisation code) and organisations to
    add (documents in the `organisations` format, with `aliases`)."""

    sheet: str | None = None
    headings: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    new_organisations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Understood:
    """How the file was read, for the report and the web mapping step."""

    filename: str
    note: str = ""
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, section)
    hidden_sheets: list[str] = field(default_factory=list)
    hidden_rows: list[tuple[str, list[int]]] = field(default_factory=list)
    mappings: list[tuple[str, int, hd.HeadingMapping, str]] = field(default_factory=list)
    line_rows: list[tuple[str, int, str]] = field(default_factory=list)  # sheet, row, line
    sheet_choices: list[str] = field(default_factory=list)
    unknown_names: dict[str, list[str]] = field(default_factory=dict)  # as written -> suggestions
    # Names the user mapped whose mapping led to an error (as written -> code):
    # the web import offers them again, with the choice made.
    mapped_names: dict[str, str] = field(default_factory=dict)
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # sheet -> (key, label)
    # What the user must know although it is no error: a value read coarser than
    # written, a value not stored, a column that becomes public ("where: what").
    notes: list[str] = field(default_factory=list)

    @property
    def unknown_headings(self) -> list[tuple[str, str, hd.HeadingUse]]:
        """(sheet, layout key, heading) for each heading that is not used; the
        web import offers to map them."""
        return [(s, layout, u) for s, _r, m, layout in self.mappings for u in m.unused]

    def lines(self, notes: bool = True) -> list[str]:
        """The report of how the file was understood, one line each (`notes`:
        with the notes at the end; the web import shows them apart)."""
        out = [self.note] if self.note else []
        out += report_lines(
            [(title, section_label(section)) for title, section in self.sheets],
            [
                (title, row, mapping, dict(self.fields.get(title, [])))
                for title, row, mapping, _layout in self.mappings
            ],
            self.hidden_sheets,
            self.hidden_rows,
        )
        for title, row, line in self.line_rows:
            out.append(
                _('Sheet "%(sheet)s", row %(row)s: heading row for %(line)s.')
                % {"sheet": title, "row": row, "line": line}
            )
        return out + self.notes if notes else out


def section_label(section: str) -> str:
    labels = {
        "exploitation_forms": _("exploitation forms"),
        "age_groups": _("age groups"),
        "organisation_types": _("organisation types"),
        "organisations": _("organisations"),
        "strategic_goals": _("strategic goals"),
        "action_lines": _("action lines"),
        "actions": _("actions"),
        "milestones": _("milestones"),
        "indicators": _("indicators"),
        "versions": _("plan versions"),
        "version_actions": _("actions in plan versions"),
        "plan": _("plan"),
    }
    return str(labels.get(section, section))


def fields_of(columns: Iterable[Column]) -> tuple[hd.Field, ...]:
    return tuple(hd.Field(c.key, c.header, c.aliases, c.kind) for c in columns)


def saved_layouts() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for saved in SavedHeadingMapping.objects.all():
        out.setdefault(saved.layout, {})[saved.heading] = saved.field
    return out


# --- the reader ------------------------------------------------------------------


@dataclass
class SheetReader:
    """Collects locations (for the document checks) and errors while reading;
    callable as `locate(path)`."""

    filename: str
    options: ImportOptions
    understood: Understood
    locations: dict[doc.Path, str] = field(default_factory=dict)
    errors: list[doc.DocumentError] = field(default_factory=list)

    def where(
        self, grid: Grid, row: int | None = None, column: int | None = None, header: str = ""
    ) -> str:
        text = (
            self.filename  # a CSV file: no sheet to name
            if grid.title == self.filename
            else _('%(file)s, sheet "%(sheet)s"') % {"file": self.filename, "sheet": grid.title}
        )
        if row is not None:
            text += ", " + _("row %(row)s") % {"row": row}
        if column is not None:
            text += ", " + _("column %(column)s") % {"column": get_column_letter(column)}
            if header:
                text += f' ("{header}")'
        return text

    def fail(self, location: str, message: str) -> None:
        self.errors.append(doc.DocumentError((), message, location))

    def note(self, location: str, message: str) -> None:
        """Something the user must know that is not an error (see Understood.notes)."""
        self.understood.notes.append(f"{location}: {message}")

    def __call__(self, path: doc.Path) -> str:
        for length in range(len(path), 0, -1):
            found = self.locations.get(path[:length])
            if found:
                return found
        return f"{self.filename}: {doc.format_path(path)}"

    locate = __call__


@dataclass
class Table:
    grid: Grid
    spec: SheetSpec
    header_row: int
    mapping: hd.HeadingMapping
    rows: list[tuple[int, dict[str, Any]]]  # (row number, field -> value as in the cell)


def read_plan_workbook(
    content: bytes, filename: str, options: ImportOptions | None = None
) -> tuple[dict[str, Any], SheetReader]:
    """Read a plan workbook (or the explorer's CSV) into a raw document.

    Returns the document and the reader: callable as `locate(path)` for the
    document checks, with `.errors` (problems found while reading, to be
    reported with the checks' own) and `.understood` (the report of how the
    file was read). Raises PlanDocumentInvalid only when no table can be read.
    """
    options = options or ImportOptions()
    if not filename.lower().endswith((".csv", ".txt")):
        safeload.check_xlsx(content, filename)  # bounded: checked in a child process (issue 16)
    understood = Understood(filename)
    reader = SheetReader(filename, options, understood)
    try:
        book = read_book(content, filename)
    except Unreadable as exc:
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), str(exc), filename)], filename
        ) from exc
    understood.note = capfirst(book.note) if book.note else ""
    tables = _tables(book, reader)
    if reader.errors and not tables:
        raise doc.PlanDocumentInvalid(reader.errors, filename, understood=understood)
    raw: dict[str, Any] = {}
    for title_grid in book.visible:
        if hd.heading_key(title_grid.title) == hd.heading_key(PLAN_SHEET):
            raw["plan"], schema = _plan_sheet(title_grid, reader)
            if schema:
                raw["schema"] = schema
    for section in (
        "exploitation_forms",
        "age_groups",
        "organisation_types",
        "organisations",
        "strategic_goals",
        "action_lines",
    ):
        if section in tables:
            table = tables[section]
            raw[section] = []
            for row, values in table.rows:
                values.pop("__unreadable__", None)
                values.pop("__line__", None)
                if values:
                    _remember(reader, table, row, (section, len(raw[section])))
                    raw[section].append(values)
    vocabulary = Vocabulary()
    vocabulary.load(raw, options.new_organisations)
    if "actions" in tables:
        raw["actions"] = _actions(reader, vocabulary, tables["actions"])
        if "milestones" in tables:
            _milestones(reader, raw["actions"], tables["milestones"])
        if "indicators" in tables:
            _indicators(reader, raw["actions"], tables["indicators"])
    if "versions" in tables:
        raw["versions"] = _versions(reader, tables["versions"], tables.get("version_actions"))
    return raw, reader


def _tables(book: Book, reader: SheetReader) -> dict[str, Table]:
    understood = reader.understood
    understood.hidden_sheets = [g.title for g in book.hidden]
    by_name = {
        hd.heading_key(n): spec for spec in SHEETS for n in (spec.name, spec.section, *spec.aliases)
    }
    actions_spec = next(s for s in SHEETS if s.section == "actions")
    wanted = hd.heading_key(reader.options.sheet) if reader.options.sheet else None
    saved = saved_layouts()
    found: dict[str, Table] = {}
    candidates: list[Table] = []
    for grid in book.grids:
        if grid.hidden and hd.heading_key(grid.title) != wanted:
            continue
        if grid.max_row > plan_sheets.MAX_ROWS or grid.max_column > plan_sheets.MAX_COLUMNS:
            reader.fail(
                reader.where(grid),
                _(
                    "too large (%(rows)s rows × %(columns)s columns); at most %(max_rows)s rows and %(max_columns)s columns allowed"
                )
                % {
                    "rows": grid.max_row,
                    "columns": grid.max_column,
                    "max_rows": plan_sheets.MAX_ROWS,
                    "max_columns": plan_sheets.MAX_COLUMNS,
                },
            )
            continue
        key = hd.heading_key(grid.title)
        if key == hd.heading_key(PLAN_SHEET):
            continue
        if wanted is not None:
            if key == wanted:
                table = _table(grid, actions_spec, reader, saved, strict=True)
                if table:
                    found["actions"] = table
            elif by_name.get(key) and by_name[key].section != "actions":
                table = _table(grid, by_name[key], reader, saved, strict=True)
                if table:
                    found[table.spec.section] = table
            continue
        spec = by_name.get(key)
        if spec is not None:
            table = _table(grid, spec, reader, saved, strict=True)
            if table:
                found[spec.section] = table
            continue
        table = _table(grid, actions_spec, reader, saved, strict=False)
        if table is not None:
            candidates.append(table)
    if wanted is not None and "actions" not in found and not reader.errors:
        reader.fail(
            reader.filename,
            _('there is no sheet "%(sheet)s" with actions; the sheets are: %(sheets)s')
            % {
                "sheet": reader.options.sheet,
                "sheets": ", ".join(f'"{g.title}"' for g in book.grids),
            },
        )
    if "actions" not in found and candidates:
        if len(candidates) == 1:
            found["actions"] = candidates[0]
        else:
            understood.sheet_choices = [t.grid.title for t in candidates]
            reader.fail(
                reader.filename,
                _(
                    "several sheets hold actions: %(sheets)s; choose the sheet to read (in the CLI: --sheet)"
                )
                % {"sheets": ", ".join(f'"{t.grid.title}"' for t in candidates)},
            )
            return found
    if not found and not reader.errors:
        reader.fail(
            reader.filename,
            _(
                "no sheet with actions found; expected a visible sheet with the headings 'Nummer' and 'Actie', or a sheet named 'Acties'"
            ),
        )
    for section in [s.section for s in SHEETS]:
        if section in found:
            table = found[section]
            understood.sheets.append((table.grid.title, section))
            layout = hd.layout_key(v for _l, v in table.grid.header_cells(table.header_row))
            understood.mappings.append((table.grid.title, table.header_row, table.mapping, layout))
            _public_columns(table, reader)
            understood.fields[table.grid.title] = [
                (c.key, plan_sheets.column_label(c)) for c in table.spec.columns
            ]
            if table.grid.skipped_rows:
                understood.hidden_rows.append((table.grid.title, table.grid.skipped_rows))
            _read_rows(table, reader)
    return found


def _table(
    grid: Grid,
    spec: SheetSpec,
    reader: SheetReader,
    saved: dict[str, dict[str, str]],
    *,
    strict: bool,
) -> Table | None:
    """The sheet as a table of `spec`, or None. `strict`: the sheet is named
    for this part, so a missing header or column is an error; otherwise the
    sheet is only a candidate and is passed over quietly."""
    header = find_header(grid, fields_of(spec.columns), reader.options.headings, saved)
    if header is None:
        if strict:
            expected = ", ".join(f"'{c.header}'" for c in spec.columns if c.key in spec.required)
            reader.fail(
                reader.where(grid),
                _(
                    "no header row found in the first %(rows)s rows; expected columns such as %(columns)s"
                )
                % {"rows": 15, "columns": expected},
            )
        return None
    row, mapping = header
    missing = [key for key in spec.required if key not in mapping.columns]
    if missing and not strict:
        return None
    for key in missing:
        column = next(c for c in spec.columns if c.key == key)
        message = _("missing required column '%(column)s'") % {"column": column.header}
        if column.aliases:
            message += " " + _("(or %(aliases)s)") % {
                "aliases": ", ".join(f"'{a}'" for a in column.aliases[:4])
            }
        reader.fail(reader.where(grid, row), message)
    labels = {c.key: c.header for c in spec.columns}
    for use in mapping.similar_unused:
        from openpyxl.utils import column_index_from_string

        reader.fail(
            reader.where(grid, row, column_index_from_string(use.column), use.heading),
            _(
                "this heading is not used, but looks like '%(field)s'; did you mean that column? Rename the heading, or map it in the web import"
            )
            % {"field": labels.get(use.suggestion or "", use.suggestion)},
        )
    if missing:
        return None
    return Table(grid, spec, row, mapping, [])


PUBLIC_BY_HAND = ("note",)  # shown on the public pages, yet a home for internal remarks


def _public_columns(table: Table, reader: SheetReader) -> None:
    """A column the user mapped (now or in a saved mapping) to a field that is
    published: say so, since an internal column may end up on the public site."""
    labels = {c.key: plan_sheets.column_label(c) for c in table.spec.columns}
    for use in table.mapping.uses:
        if use.field in PUBLIC_BY_HAND and (use.mapped or use.saved):
            from openpyxl.utils import column_index_from_string

            reader.note(
                reader.where(
                    table.grid, table.header_row, column_index_from_string(use.column), use.heading
                ),
                _(
                    "this column is read as '%(field)s', which is public: its contents are shown "
                    "to everyone on the action's page. Map it to 'not used' if it holds internal "
                    "remarks."
                )
                % {"field": labels.get(use.field, use.field)},
            )


def _read_rows(table: Table, reader: SheetReader) -> None:
    columns = table.mapping.columns
    written = table.mapping.written
    kinds = {c.key: c.kind for c in table.spec.columns}
    for number, cells in body(table.grid, table.header_row):
        values: dict[str, Any] = {}
        line = _line_heading(cells, columns)
        if line is not None:
            values["__line__"] = line
            table.rows.append((number, values))
            continue
        for key, col in columns.items():
            cell: Cell = table.grid.cell(cells, col)
            value = cell.value
            if cell.formula:
                reader.fail(
                    reader.where(table.grid, number, col, written[key]),
                    _(
                        "cell holds a formula (%(value)s); enter the value itself (formulas are not evaluated)"
                    )
                    % {"value": value},
                )
                values.setdefault("__unreadable__", set()).add(key)
                continue
            if isinstance(value, str):
                value = value.strip()
            if value in (None, ""):
                continue
            values[key] = _convert(
                value, kinds[key], key, reader, reader.where(table.grid, number, col, written[key])
            )
        if any(k != "__unreadable__" for k in values) or "__unreadable__" in values:
            table.rows.append((number, values))


def _line_heading(cells: list[Cell], columns: dict[str, int]) -> str | None:
    """The text of an "Actielijn N: …" row: one value across the row (merged or not)."""
    values = {str(c.value).strip() for c in cells if c.value not in (None, "") and not c.formula}
    if len(values) != 1:
        return None
    text = next(iter(values))
    return text if LINE_HEADING.match(text) else None


def _convert(value: Any, kind: str, key: str, reader: SheetReader, location: str) -> Any:
    if key == "aliases" and isinstance(value, str):
        return [part.strip() for part in re.split(r"[\n;]", value) if part.strip()]
    if kind == "period" or key == "period":
        period = periods.read_period(value)
        if isinstance(period, dict):
            _note_period(value, period, reader, location)
        return period
    if kind == "date":
        try:
            return periods.read_date(value)
        except periods.NotADate:
            reader.fail(
                location,
                _(
                    "expected a date such as 1-7-2025, 2025-07-01, juli 2025 or Q3 2025, got '%(value)s'"
                )
                % {"value": value},
            )
            return None
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "bool" and isinstance(value, str):
        text = re.sub(r"\s*\(.*\)\s*$", "", value).strip().lower()
        return text or value
    if kind == "json":
        try:
            return json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError as exc:
            reader.fail(
                location,
                _("expected JSON data, got invalid JSON (%(problem)s)") % {"problem": exc.msg},
            )
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _note_period(value: Any, period: dict[str, Any], reader: SheetReader, location: str) -> None:
    """Never silent: an open period without a start year stores nothing, and a
    month, quarter or day is kept as its year."""
    if period.get("start") is None:
        reader.note(
            location,
            _(
                "'%(value)s' is ongoing without a start year: no period is stored (samen keeps "
                "the period in years; write e.g. '2025 - doorlopend')"
            )
            % {"value": value},
        )
    elif periods.finer_than_year(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = periods.from_serial(value)  # a date cell stored as a number
        shown_value = value.strftime("%d-%m-%Y") if isinstance(value, dt.date) else value
        reader.note(
            location,
            _("'%(value)s' → %(period)s; samen keeps the period in years")
            % {"value": shown_value, "period": shown(period)},
        )


def _remember(reader: SheetReader, table: Table, row: int, path: doc.Path) -> None:
    reader.locations[path] = reader.where(table.grid, row)
    for key, col in table.mapping.columns.items():
        reader.locations[(*path, key)] = reader.where(
            table.grid, row, col, table.mapping.written.get(key, "")
        )


def _plan_sheet(grid: Grid, reader: SheetReader) -> tuple[dict[str, Any], str]:
    plan: dict[str, Any] = {}
    schema = ""
    for number, cells in grid.rows[1:]:
        key = cells[0].value if cells else None
        value = cells[1] if len(cells) > 1 else Cell(None)
        if key in (None, ""):
            continue
        if value.formula:
            reader.fail(
                reader.where(grid, number, 2), _("cell holds a formula; enter the value itself")
            )
        elif str(key) == "schema":
            schema = str(value.value or "")
        elif value.value not in (None, ""):
            plan[str(key).strip()] = value.value
            reader.locations[("plan", str(key).strip())] = reader.where(grid, number, 2)
    return plan, schema


# --- actions ---------------------------------------------------------------------


def _actions(reader: SheetReader, vocabulary: Vocabulary, table: Table) -> list[dict[str, Any]]:
    existing = _existing_actions()
    out: list[dict[str, Any]] = []
    current_line: str | None = None
    current_number: int | None = None
    for row, values in table.rows:
        if "__line__" in values:
            text = values["__line__"]
            match = LINE_HEADING.match(text)
            current_number = int(match.group(1)) if match else None
            current_line = vocabulary.lines_by_number.get(current_number or -1)
            reader.understood.line_rows.append((table.grid.title, row, text))
            if current_line is None:
                reader.fail(
                    reader.where(table.grid, row),
                    _("heading row '%(value)s': there is no action line %(number)s in the plan")
                    % {"value": text, "number": current_number},
                )
            continue
        path: doc.Path = ("actions", len(out))
        _remember(reader, table, row, path)
        unreadable = values.pop("__unreadable__", set())
        action: dict[str, Any] = {}
        mapped: dict[str, str] = {}  # code -> the name the user mapped to it
        for key, value in values.items():
            where = reader.locations.get((*path, key), "")
            if key in ("holders", "involved"):
                action[key] = _organisations(value, vocabulary, reader, where, mapped)
            elif key in ("exploitation_forms", "age_groups", "strategic_goals"):
                codes = []
                for item in doc.split_list(str(value)) if isinstance(value, str) else [value]:
                    code = vocabulary.code(key, item)
                    if code is None:
                        reader.fail(where, unknown_label(key, item, vocabulary))
                    else:
                        codes.append(code)
                action[key] = codes
            elif key in ("action_line", "status", "kind"):
                if key == "action_line" and str(value).strip().lower() in NO_LINE:
                    action[key] = None
                    continue
                code = vocabulary.code(key, value)
                if code is None or code == doc.ALL:
                    reader.fail(where, unknown_label(key, value, vocabulary))
                else:
                    action[key] = code
            elif key == "inferred":
                action[key] = doc.split_list(str(value))
            else:
                action[key] = value
        _holder_and_involved(reader, vocabulary, action, mapped, path)
        if "action_line" not in values and "action_line" not in unreadable and current_line:
            action["action_line"] = current_line
        code = action.get("code")
        line = action.get("action_line")
        if isinstance(code, str) and re.fullmatch(r"\d+", code):
            code = int(code)
        # Annexes number actions within their line ("3" under line 2 is 2.3).
        if isinstance(code, int) and line in vocabulary.line_numbers:
            action["code"] = f"{vocabulary.line_numbers[line]}.{code}"
        elif isinstance(code, int) and current_number is not None:
            action["code"] = f"{current_number}.{code}"
        elif isinstance(code, (int, float)):
            action["code"] = str(code)
        columns = dict(table.mapping.columns)
        if current_line:
            columns.setdefault("action_line", 0)
        out.append(_merge_with_existing(action, columns, existing))
    return out


def _organisations(
    value: Any,
    vocabulary: Vocabulary,
    reader: SheetReader,
    where: str,
    mapped: dict[str, str] | None = None,
) -> list[str]:
    found = vocabulary.organisations.resolve(value)
    codes = list(found.codes)
    for name, suggestions in found.unknown:
        chosen = reader.options.names.get(nm.name_key(name))
        if chosen:
            codes.append(chosen)
            if mapped is not None:
                mapped.setdefault(chosen, name)
            continue
        reader.understood.unknown_names.setdefault(name, suggestions)
        message = _("organisation '%(name)s' is not known") % {"name": name}
        if suggestions:
            message += "; " + _("did you mean: %(names)s?") % {"names": ", ".join(suggestions)}
        reader.fail(where, message)
    return list(dict.fromkeys(codes))


def _holder_and_involved(
    reader: SheetReader,
    vocabulary: Vocabulary,
    action: dict[str, Any],
    mapped: dict[str, str],
    path: doc.Path,
) -> None:
    """An organisation both holds an action and is involved in it: an error
    that names it (never by its code), and, when the user's own mapping made
    it so, says which mapping and offers it again to be changed."""
    holders, involved = action.get("holders") or [], action.get("involved") or []
    both = [code for code in holders if code in involved]
    if not both:
        return
    where = reader.locations.get((*path, "involved"), "")
    for code in both:
        name = vocabulary.organisations.shown(code)
        if code in mapped:
            written = mapped[code]
            reader.understood.mapped_names[written] = code
            reader.understood.unknown_names.setdefault(
                written, vocabulary.organisations.suggestions(written)
            )
            message = _(
                "organisation %(name)s is both action holder and involved, because you "
                "mapped '%(written)s' to %(name)s; change that mapping below"
            ) % {"name": name, "written": written}
        else:
            message = _("organisation %(name)s is both action holder and involved") % {"name": name}
        reader.fail(where, message)
    # Reported here by name; the document check would name it again by code.
    action["involved"] = [code for code in involved if code not in both]


def _existing_actions() -> dict[str, dict[str, Any]]:
    from .selectors import action_data

    actions = Action.objects.for_document()
    return {a.code: doc.compact_action(action_data(a).as_dict()) for a in actions}


def _merge_with_existing(
    action: dict[str, Any], columns: dict[str, int], existing: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A sheet speaks only for its own columns. For an action already in the
    plan, a column the sheet does not have keeps its current value (so an annex
    without descriptions or milestones does not wipe them); a column it has,
    even empty, is what the sheet says."""
    current = existing.get(str(action.get("code")))
    if current is None:
        return action
    merged = {key: value for key, value in current.items() if key not in columns}
    merged.update(action)
    return merged


def _milestones(reader: SheetReader, actions: list[dict[str, Any]], table: Table) -> None:
    index = {str(a.get("code")): i for i, a in enumerate(actions)}
    for row, values in table.rows:
        values.pop("__unreadable__", None)
        if "__line__" in values:
            continue
        code = str(values.pop("action", "")).strip()
        if code not in index:
            col = table.mapping.columns["action"]
            reader.fail(
                reader.where(table.grid, row, col, table.mapping.written.get("action", "")),
                _("the milestone refers to action '%(code)s', which is not known") % {"code": code},
            )
            continue
        milestones = actions[index[code]].setdefault("milestones", [])
        path: doc.Path = ("actions", index[code], "milestones", len(milestones))
        _remember(reader, table, row, path)
        milestones.append(
            {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
        )


def _indicators(reader: SheetReader, actions: list[dict[str, Any]], table: Table) -> None:
    """The sheet "Indicatoren" (issue 14): it speaks for every action it names."""
    from samen.indicators.sheet import read_row

    index = {str(a.get("code")): i for i, a in enumerate(actions)}
    named = {str(v.get("action", "")).strip() for _row, v in table.rows if "__line__" not in v}
    for code in named & set(index):
        actions[index[code]]["indicators"] = []
    for row, values in table.rows:
        values.pop("__unreadable__", None)
        if "__line__" in values:
            continue
        code = str(values.pop("action", "")).strip()
        if code not in index:
            col = table.mapping.columns["action"]
            reader.fail(
                reader.where(table.grid, row, col, table.mapping.written.get("action", "")),
                _("the indicator refers to action '%(code)s', which is not known") % {"code": code},
            )
            continue
        indicators = actions[index[code]]["indicators"]
        path: doc.Path = ("actions", index[code], "indicators", len(indicators))
        _remember(reader, table, row, path)
        for key in ("baseline_value", "baseline_date"):
            if (*path, key) in reader.locations:
                reader.locations[(*path, "baseline")] = reader.locations[(*path, key)]
        indicators.append(read_row(values))


def _versions(reader: SheetReader, versions: Table, entries: Table | None) -> list[dict[str, Any]]:
    out = []
    for row, values in versions.rows:
        values.pop("__unreadable__", None)
        path: doc.Path = ("versions", len(out))
        _remember(reader, versions, row, path)
        out.append({**values, "actions": []})
    if entries is None:
        return out
    index = {str(v.get("code")): i for i, v in enumerate(out)}
    for row, values in entries.rows:
        values.pop("__unreadable__", None)
        version = str(values.get("version", "")).strip()
        if version not in index:
            col = entries.mapping.columns["version"]
            reader.fail(
                reader.where(entries.grid, row, col, entries.mapping.written.get("version", "")),
                _("version '%(code)s' is not known") % {"code": version},
            )
            continue
        listed = out[index[version]]["actions"]
        reader.locations[("versions", index[version], "actions", len(listed))] = reader.where(
            entries.grid, row
        )
        data = values.get("data")
        listed.append(data if isinstance(data, dict) else str(values.get("action", "")).strip())
    return out

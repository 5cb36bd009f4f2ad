"""Reading registration tables from CSV and XLSX, in the two layouts people keep.

* **long**: one row per cell, with a year column, a count column and optional columns
  for the exploitation form, age group, gender, register, status, source and note;
* **cross-table**: years down the first column, forms of exploitation (or age groups)
  across, counts in the cells, optionally a total column.

Headers may be Dutch or English; forms, age groups and genders may be given by name (in
either language) or code. Reading is strict about content: every problem is reported
with the file, sheet, row and column and what was expected, in the user's language, and a
file with any problem writes nothing (the write is one transaction,
:func:`samen.impact.registrations.write_cells`).

samen stores aggregates only. A file that holds person-level data is refused whole,
before anything else is looked at: a column that identifies people (name, date of birth,
BSN, case number, ...), a long table without a count column (each row is then a person),
or a count of 1 in a table of more than three dimensions.

Reading is safe: bounded size, rows and columns; formulas refused, never evaluated;
external links not followed (the same limits as the plan's spreadsheet import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from samen.core.text import clean_text
from samen.plan import document as doc
from samen.plan import spreadsheet as plan_sheets
from samen.plan.models import AgeGroup, ExploitationForm

from .models import Register
from .models.registrations import Gender, Status
from .registrations import Cell, WriteReport, check_import, write_cells

MAX_ROWS = plan_sheets.MAX_ROWS
MAX_COLUMNS = plan_sheets.MAX_COLUMNS
HEADER_SEARCH_ROWS = 15
YEARS = (1990, 2100)
MAX_COUNT = 10_000_000

# Long layout: field -> header names (normalised: lower case, single spaces).
LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("jaar", "year", "registratiejaar", "jaar van registratie", "year of registration"),
    "count": (
        "aantal",
        "count",
        "number",
        "n",
        "aantal slachtoffers",
        "aantal vermoedelijke slachtoffers",
        "number of victims",
        "number of presumed victims",
        "frequency",
        "freq",
    ),
    "exploitation_form": (
        "uitbuitingsvorm",
        "vorm van uitbuiting",
        "vorm",
        "exploitation form",
        "form of exploitation",
        "form",
        "exploitation",
    ),
    "age_group": ("leeftijdsgroep", "leeftijd", "age group", "age", "leeftijdscategorie"),
    "gender": ("geslacht", "gender", "sex", "sekse"),
    "register": ("register", "registratie", "bron register", "source register"),
    "status": ("status", "soort cijfer", "kind of figure"),
    "source": ("bron", "source", "bronlink", "source link", "url"),
    "note": ("opmerking", "toelichting", "note", "notes", "remark", "opmerkingen"),
}
DIMENSIONS = ("year", "exploitation_form", "age_group", "gender")
TOTAL_WORDS = {"totaal", "total", "alle", "all", "allemaal", "alle vormen", "all forms", "*", ""}
GENDER_WORDS = {
    Gender.FEMALE: {"vrouw", "vrouwen", "female", "f", "v", "woman", "women", "vrouwelijk"},
    Gender.MALE: {"man", "mannen", "male", "m", "men", "mannelijk"},
    Gender.OTHER: {"anders", "onbekend", "other", "unknown", "x", "overig", "anders of onbekend"},
}
STATUS_WORDS = {
    Status.PUBLISHED: {"gepubliceerd", "published", "bron", "source"},
    Status.DERIVED: {"afgeleid", "derived", "berekend", "computed"},
    Status.DEMO: {"demo", "demogegevens", "demo data"},
}
# Headers that identify people: a file with one of these holds person-level data.
PERSON_COLUMNS = (
    "naam",
    "name",
    "voornaam",
    "achternaam",
    "first name",
    "last name",
    "surname",
    "full name",
    "volledige naam",
    "geboortedatum",
    "date of birth",
    "birth date",
    "birthdate",
    "dob",
    "bsn",
    "burgerservicenummer",
    "social security number",
    "zaaknummer",
    "case number",
    "case id",
    "case no",
    "dossiernummer",
    "cliëntnummer",
    "clientnummer",
    "client number",
    "client id",
    "adres",
    "address",
    "postcode",
    "telefoonnummer",
    "phone",
    "e-mail",
    "email",
    "v-nummer",
)


def normalise(value: Any) -> str:
    return plan_sheets.normalise(value)


class RegistrationFileInvalid(doc.PlanDocumentInvalid):
    """Errors in a registration file; `person_level` when it was refused as person data."""

    def __init__(
        self, errors: list[doc.DocumentError], filename: str, person_level: bool = False
    ) -> None:
        self.person_level = person_level
        super().__init__(errors, filename)


@dataclass
class Reading:
    """How the file was understood, and the cells it holds."""

    filename: str
    cells: list[Cell] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # lines for people
    locations: list[tuple[str | None, int]] = field(default_factory=list)  # (sheet, row) per cell


@dataclass
class _Grid:
    """One sheet (or a CSV file) as rows of cell values, with where each is."""

    name: str | None  # sheet name; None for CSV
    rows: list[list[Any]]
    formulas: set[tuple[int, int]] = field(default_factory=set)


class _Errors:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[doc.DocumentError] = []

    def where(
        self, grid: _Grid, row: int | None = None, col: int | None = None, header: str = ""
    ) -> str:
        text = self.filename
        if grid.name is not None:
            text += _(', sheet "%(sheet)s"') % {"sheet": grid.name}
        if row is not None:
            text += _(", row %(row)s") % {"row": row}
        if col is not None:
            text += _(", column %(column)s") % {"column": get_column_letter(col)}
            if header:
                text += f' ("{header}")'
        return text

    def add(self, location: str, message: str) -> None:
        self.items.append(doc.DocumentError((), message, location))


def read(content: bytes, filename: str, register: Register | None = None) -> Reading:
    """Read a registration file (CSV or XLSX, by its content), check it completely and
    return its cells; raise ``RegistrationFileInvalid`` with every error found.

    `register` is the register the counts belong to; a long table may instead name the
    register per row (by code or name). Raises with ``person_level=True`` when the file
    holds person-level data (see the module docstring); nothing else is reported then.
    """
    errors = _Errors(filename)
    grids = _grids(content, filename, errors)
    _raise(errors)
    for grid in grids:
        _refuse_person_columns(grid, errors)
    if errors.items:
        raise RegistrationFileInvalid(errors.items, filename, person_level=True)
    vocabulary = _Vocabulary()
    reading = Reading(filename)
    used = 0
    for grid in grids:
        where = errors.where(grid)
        header = _find_header(grid, vocabulary)
        if header is None:
            if len(grids) > 1:
                reading.understood.append(
                    _("%(where)s: not used (no header with a year column found)") % {"where": where}
                )
                continue
            errors.add(
                where,
                _(
                    "no header row found in the first %(n)s rows; expected a year column "
                    "('Jaar' or 'Year') and either a count column ('Aantal' or 'Count') or "
                    "columns per form of exploitation or age group"
                )
                % {"n": HEADER_SEARCH_ROWS},
            )
            continue
        used += 1
        row, layout, columns = header
        if layout == "long":
            _read_long(grid, row, columns, vocabulary, register, errors, reading)
        elif layout == "cross":
            _read_cross(grid, row, columns, vocabulary, register, errors, reading)
        else:  # year and dimensions but no count: one row per person
            errors.add(
                errors.where(grid, row),
                _(
                    "this table has no count column ('Aantal' or 'Count'): each row seems to "
                    "be one person. samen stores aggregated counts only; count the rows per "
                    "year and category, and import that table."
                ),
            )
            raise RegistrationFileInvalid(errors.items, filename, person_level=True)
    if not used and not errors.items:
        errors.add(filename, _("no sheet with registrations found"))
    _raise(errors)
    _check_cells(reading, errors)
    _raise(errors)
    if not reading.cells:
        errors.add(filename, _("the file holds no counts"))
        _raise(errors)
    return reading


def _raise(errors: _Errors) -> None:
    if errors.items:
        raise RegistrationFileInvalid(errors.items, errors.filename)


# --- files to grids -----------------------------------------------------------------------


def _grids(content: bytes, filename: str, errors: _Errors) -> list[_Grid]:
    from django.conf import settings

    if len(content) > settings.SAMEN_MAX_UPLOAD_BYTES:
        errors.add(
            filename,
            _("the file is %(size)s bytes; at most %(max)s allowed")
            % {"size": len(content), "max": settings.SAMEN_MAX_UPLOAD_BYTES},
        )
        return []
    if content[:2] == b"PK":
        return _xlsx_grids(content, filename, errors)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        errors.add(filename, _("not a valid .xlsx workbook (it is not a zip archive)"))
        return []
    return [_csv_grid(content, filename, errors)]


def _csv_grid(content: bytes, filename: str, errors: _Errors) -> _Grid:
    """The CSV file's rows, parsed by `samen.core.safeload` (ADR 0009) in its bounded
    child process: rows, columns, cells, the length of a line or cell and characters that
    cannot be stored are checked there. UTF-8 (with or without a byte-order mark) or
    Windows-1252 (what Excel writes for 'CSV'); UTF-16 and other encodings are refused."""
    from samen.core import safeload

    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        errors.add(filename, _unreadable_text())
        return _Grid(None, [])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            errors.add(filename, _unreadable_text())
            return _Grid(None, [])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = safeload.safe_csv(text.encode("utf-8"), filename, delimiter=delimiter)
    except safeload.FileRefused as exc:
        errors.items += exc.errors
        return _Grid(None, [])
    except csv.Error as exc:
        errors.add(filename, _("not a readable CSV file (%(reason)s)") % {"reason": exc})
        return _Grid(None, [])
    if len(rows) > MAX_ROWS or any(len(row) > MAX_COLUMNS for row in rows):
        errors.add(
            filename,
            _("too large; at most %(rows)s rows and %(columns)s columns allowed")
            % {"rows": MAX_ROWS, "columns": MAX_COLUMNS},
        )
        return _Grid(None, [])
    return _Grid(None, [[clean_text(v) for v in row] for row in rows])


def _unreadable_text() -> str:
    return _(
        "the file is not UTF-8 or Windows-1252 text (perhaps UTF-16); save it as "
        "'CSV UTF-8 (comma delimited)' and upload it again"
    )


def _xlsx_grids(content: bytes, filename: str, errors: _Errors) -> list[_Grid]:
    from samen.core import safeload

    try:
        # Bounded (ADR 0009): zip parts, unpacked sizes and ratios, macros, external
        # links, DTDs, the cells of every sheet, in a child process under a ceiling.
        safeload.check_xlsx(content, filename)
        plan_sheets.check_archive(content, filename)
    except doc.PlanDocumentInvalid as exc:
        errors.items += exc.errors
        return []
    try:
        wb = load_workbook(
            io.BytesIO(content),
            read_only=False,
            data_only=False,
            keep_links=False,
            keep_vba=False,
            rich_text=False,
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        errors.add(filename, _("cannot read the workbook: %(problem)s") % {"problem": exc})
        return []
    grids = []
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            errors.add(
                _('%(file)s, sheet "%(sheet)s"') % {"file": filename, "sheet": ws.title},
                _("too large; at most %(rows)s rows and %(columns)s columns allowed")
                % {"rows": MAX_ROWS, "columns": MAX_COLUMNS},
            )
            continue
        merged = plan_sheets.fill_merged(ws)
        grid = _Grid(ws.title, [])
        for r, row in enumerate(ws.iter_rows(), start=1):
            values = []
            for c, cell in enumerate(row, start=1):
                value = merged.get((r, c), cell.value)
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                    grid.formulas.add((r, c))
                if isinstance(value, str):
                    value = clean_text(value)
                values.append(value)
            grid.rows.append(values)
        grids.append(grid)
    return grids


# --- person-level data ----------------------------------------------------------------------


def _refuse_person_columns(grid: _Grid, errors: _Errors) -> None:
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS], start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str) and normalise(value) in PERSON_COLUMNS:
                errors.add(
                    errors.where(grid, r, c, str(value).strip()),
                    _(
                        "this column identifies people. samen stores aggregated counts only, "
                        "never data about a person: the whole file is refused. Import a table "
                        "of counts per year (and form, age group, gender) instead."
                    ),
                )


# --- vocabulary -------------------------------------------------------------------------------


class _Vocabulary:
    def __init__(self) -> None:
        self.forms = list(ExploitationForm.objects.all())
        self.ages = list(AgeGroup.objects.all())
        self.registers = list(Register.objects.all())
        self.form_names = self._names(self.forms)
        self.age_names = self._names(self.ages)
        self.register_names = self._names(self.registers)
        self.long_names = {normalise(n): key for key, names in LONG_COLUMNS.items() for n in names}

    @staticmethod
    def _names(objects: list[Any]) -> dict[str, Any]:
        return {
            normalise(name): obj
            for obj in objects
            for name in (obj.code, obj.name_nl, obj.name_en)
            if name
        }

    def expected(self, objects: list[Any]) -> str:
        return ", ".join(f"'{o.name}'" for o in objects)


# --- header and layout -------------------------------------------------------------------------


def _find_header(grid: _Grid, vocabulary: _Vocabulary) -> tuple[int, str, dict[str, Any]] | None:
    """(row, layout, columns) of the first row that has a year column and either a count
    column (long), columns named after forms or age groups (cross), or dimension columns
    only (person rows)."""
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS], start=1):
        names = [normalise(v) if v is not None else "" for v in row]
        long = {}
        for c, name in enumerate(names, start=1):
            key = vocabulary.long_names.get(name)
            if key and key not in long:
                long[key] = c
        if "year" not in long:
            continue
        if "count" in long:
            return r, "long", {"fields": long, "headers": row}
        forms = {
            c: vocabulary.form_names[n]
            for c, n in enumerate(names, 1)
            if n in vocabulary.form_names
        }
        ages = {
            c: vocabulary.age_names[n] for c, n in enumerate(names, 1) if n in vocabulary.age_names
        }
        if forms or ages:
            totals = [c for c, n in enumerate(names, 1) if n in TOTAL_WORDS - {""}]
            return (
                r,
                "cross",
                {
                    "year": long["year"],
                    "forms": forms,
                    "ages": ages,
                    "total": totals[0] if totals else None,
                    "headers": row,
                },
            )
        if len(long) > 1:
            return r, "persons", {"fields": long, "headers": row}
    return None


def _value(grid: _Grid, r: int, c: int) -> Any:
    row = grid.rows[r - 1]
    value = row[c - 1] if c - 1 < len(row) else None
    if isinstance(value, str):
        value = value.strip()
    return value


def _year(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and YEARS[0] <= value <= YEARS[1]:
        return value
    return None


_THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+$")


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", " ")
        if _THOUSANDS.match(text):
            text = text.replace(".", "").replace(" ", "")
        if text.isdigit():
            value = int(text)
    if isinstance(value, int) and 0 <= value <= MAX_COUNT:
        return value
    return None


def _expected_count(value: Any) -> str:
    return _("expected a whole number of presumed victims (0 or more), got '%(value)s'") % {
        "value": value
    }


def _read_long(
    grid: _Grid,
    header_row: int,
    spec: dict[str, Any],
    vocabulary: _Vocabulary,
    register: Register | None,
    errors: _Errors,
    reading: Reading,
) -> None:
    fields: dict[str, int] = spec["fields"]
    headers = spec["headers"]
    reading.understood.append(
        _("%(where)s: one row per count (long layout), header in row %(row)s")
        % {"where": errors.where(grid), "row": header_row}
    )
    by_column = {c: key for key, c in fields.items()}
    for c, header in enumerate(headers, start=1):
        if header in (None, ""):
            continue
        key = by_column.get(c)
        reading.understood.append(
            _('column %(column)s "%(header)s": %(meaning)s')
            % {
                "column": get_column_letter(c),
                "header": header,
                "meaning": _FIELD_LABELS().get(key, _("not used")) if key else _("not used"),
            }
        )
    if register is None and "register" not in fields:
        errors.add(
            errors.where(grid, header_row),
            _("no register given: choose the register, or add a column 'Register'"),
        )
        return
    dims = [k for k in DIMENSIONS if k in fields]
    unknown = [
        c for c, h in enumerate(headers, start=1) if h not in (None, "") and c not in by_column
    ]
    dimension_count = len(dims) + len(unknown)
    for r in range(header_row + 1, len(grid.rows) + 1):
        values = {key: _value(grid, r, c) for key, c in fields.items()}
        if all(v in (None, "") for v in values.values()):
            continue

        def where(key: str, r: int = r) -> str:
            c = fields.get(key)
            return errors.where(grid, r, c, str(headers[c - 1]).strip() if c else "")

        if any((r, c) in grid.formulas for c in fields.values()):
            errors.add(
                errors.where(grid, r),
                _("cell holds a formula; enter the value itself (formulas are not evaluated)"),
            )
            continue
        row_register = register
        if "register" in fields and values["register"] not in (None, ""):
            row_register = vocabulary.register_names.get(normalise(values["register"]))
            if row_register is None:
                errors.add(
                    where("register"),
                    _("unknown register '%(value)s'; expected one of: %(known)s")
                    % {
                        "value": values["register"],
                        "known": vocabulary.expected(vocabulary.registers),
                    },
                )
        year = _year(values["year"])
        if year is None:
            errors.add(
                where("year"),
                _("expected a year such as 2023, got '%(value)s'") % {"value": values["year"]},
            )
        count = _count(values["count"])
        if count is None:
            errors.add(where("count"), _expected_count(values["count"]))
        form = _member(values.get("exploitation_form"), vocabulary.form_names)
        if form is False:
            errors.add(
                where("exploitation_form"),
                _("unknown form of exploitation '%(value)s'; expected one of: %(known)s, or Total")
                % {
                    "value": values["exploitation_form"],
                    "known": vocabulary.expected(vocabulary.forms),
                },
            )
        age = _member(values.get("age_group"), vocabulary.age_names)
        if age is False:
            errors.add(
                where("age_group"),
                _("unknown age group '%(value)s'; expected one of: %(known)s, or Total")
                % {"value": values["age_group"], "known": vocabulary.expected(vocabulary.ages)},
            )
        gender = _gender(values.get("gender"))
        if gender is None:
            errors.add(
                where("gender"),
                _("unknown gender '%(value)s'; expected female, male, other or unknown, or Total")
                % {"value": values["gender"]},
            )
        status = _status(values.get("status"))
        if status is None:
            errors.add(
                where("status"),
                _("unknown status '%(value)s'; expected published, derived or demo")
                % {"value": values["status"]},
            )
        if count == 1 and dimension_count > 3:
            errors.add(
                where("count"),
                _(
                    "a count of 1 in a table of %(n)s dimensions points to one person. samen "
                    "stores aggregated counts only, never data about a person: the whole file "
                    "is refused. Combine categories until no cell describes a single person."
                )
                % {"n": dimension_count},
            )
            raise RegistrationFileInvalid(errors.items[-1:], errors.filename, person_level=True)
        if None in (row_register, year, count, gender, status) or form is False or age is False:
            continue
        reading.cells.append(
            Cell(
                register=row_register.code,
                year=year,
                count=count,
                exploitation_form=form.code if form else None,
                age_group=age.code if age else None,
                gender=gender,
                status=status,
                source=str(values.get("source") or "")[:500]
                if not _is_url(values.get("source"))
                else "",
                source_url=str(values.get("source"))[:500] if _is_url(values.get("source")) else "",
                note=str(values.get("note") or "")[:2000],
            )
        )
        reading.locations.append((grid.name, r))


def _read_cross(
    grid: _Grid,
    header_row: int,
    spec: dict[str, Any],
    vocabulary: _Vocabulary,
    register: Register | None,
    errors: _Errors,
    reading: Reading,
) -> None:
    headers = spec["headers"]
    forms, ages = spec["forms"], spec["ages"]
    if forms and ages:
        errors.add(
            errors.where(grid, header_row),
            _(
                "the header has columns for forms of exploitation and for age groups; a "
                "cross-table has one of them across (use the long layout for both)"
            ),
        )
        return
    across, what = (forms, "exploitation_form") if forms else (ages, "age_group")
    reading.understood.append(
        _("%(where)s: years down, %(across)s across (cross-table), header in row %(row)s")
        % {
            "where": errors.where(grid),
            "across": _("forms of exploitation") if forms else _("age groups"),
            "row": header_row,
        }
    )
    for c, header in enumerate(headers, start=1):
        if header in (None, ""):
            continue
        if c == spec["year"]:
            meaning = _("year")
        elif c in across:
            meaning = across[c].name
        elif c == spec["total"]:
            meaning = _("total")
        else:
            meaning = _("not used")
            _refuse_unused_counts(grid, header_row, c, str(header), errors)
        reading.understood.append(
            _('column %(column)s "%(header)s": %(meaning)s')
            % {"column": get_column_letter(c), "header": header, "meaning": meaning}
        )
    if register is None:
        errors.add(
            errors.where(grid, header_row),
            _("no register given: choose the register the counts belong to"),
        )
        return
    columns = {**across}
    if spec["total"]:
        columns[spec["total"]] = None
    for r in range(header_row + 1, len(grid.rows) + 1):
        raw_year = _value(grid, r, spec["year"])
        cells = {c: _value(grid, r, c) for c in columns}
        if raw_year in (None, "") and all(v in (None, "") for v in cells.values()):
            continue
        if normalise(raw_year) in TOTAL_WORDS - {""}:
            continue  # a total row over the years: not a registration of one year
        year = _year(raw_year)
        if year is None:
            errors.add(
                errors.where(grid, r, spec["year"], str(headers[spec["year"] - 1])),
                _("expected a year such as 2023, got '%(value)s'") % {"value": raw_year},
            )
            continue
        for c, member in columns.items():
            value = cells[c]
            if value in (None, ""):
                continue  # an empty cell is not a zero: nothing is known
            if (r, c) in grid.formulas:
                errors.add(
                    errors.where(grid, r, c, str(headers[c - 1])),
                    _("cell holds a formula; enter the value itself (formulas are not evaluated)"),
                )
                continue
            count = _count(value)
            if count is None:
                errors.add(errors.where(grid, r, c, str(headers[c - 1])), _expected_count(value))
                continue
            reading.cells.append(
                Cell(
                    register=register.code,
                    year=year,
                    count=count,
                    exploitation_form=member.code
                    if member and what == "exploitation_form"
                    else None,
                    age_group=member.code if member and what == "age_group" else None,
                )
            )
            reading.locations.append((grid.name, r))


def _check_cells(reading: Reading, errors: _Errors) -> None:
    """The same cell twice is an error that names both rows."""
    seen: dict[tuple, tuple[str | None, int]] = {}
    for cell, (sheet, row) in zip(reading.cells, reading.locations, strict=True):
        if cell.key in seen:
            _sheet, other_row = seen[cell.key]
            location = errors.filename
            if sheet is not None:
                location += _(', sheet "%(sheet)s"') % {"sheet": sheet}
            location += _(", row %(row)s") % {"row": row}
            errors.add(
                location,
                _("the same year and categories as row %(other)s; each count may appear once")
                % {"other": other_row},
            )
        else:
            seen[cell.key] = (sheet, row)


def _member(value: Any, names: dict[str, Any]) -> Any:
    """The object named by `value`; None for a total or empty cell; False if unknown."""
    if value is None or normalise(value) in TOTAL_WORDS:
        return None
    return names.get(normalise(value), False)


def _gender(value: Any) -> str | None:
    text = normalise(value)
    if text in TOTAL_WORDS:
        return ""
    for gender, words in GENDER_WORDS.items():
        if text in words:
            return str(gender)
    return None


def _status(value: Any) -> str | None:
    text = normalise(value)
    if not text:
        return Status.PUBLISHED
    for status, words in STATUS_WORDS.items():
        if text in words or text == status:
            return str(status)
    return None


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _FIELD_LABELS() -> dict[str, str]:
    return {
        "year": _("year"),
        "count": _("number of presumed victims"),
        "exploitation_form": _("exploitation form"),
        "age_group": _("age group"),
        "gender": _("gender"),
        "register": _("register"),
        "status": _("status"),
        "source": _("source"),
        "note": _("note"),
    }


def summary(reading: Reading) -> str:
    """One line for people: how many counts of how many years."""
    years = sorted({c.year for c in reading.cells})
    return ngettext(
        "%(count)s count, years %(first)s to %(last)s",
        "%(count)s counts, years %(first)s to %(last)s",
        len(reading.cells),
    ) % {"count": len(reading.cells), "first": years[0], "last": years[-1]}


def import_file(
    user: Any,
    content: bytes,
    filename: str,
    register: Register | None = None,
    *,
    dry_run: bool = False,
) -> tuple[Reading, WriteReport]:
    """Read a file (see :func:`read`) and write its cells in one transaction, as `user`
    (an analyst). Returns how the file was understood and what was (or, with `dry_run`,
    would be) written. Raises ``Denied`` for anyone but an analyst and
    ``RegistrationFileInvalid`` for a file with errors (nothing written)."""
    check_import(user)
    reading = read(content, filename, register)
    return reading, write_cells(user, reading.cells, verb="import", dry_run=dry_run)


def _refuse_unused_counts(
    grid: Any, header_row: int, column: int, header: str, errors: Any
) -> None:
    """A column that holds counts but whose heading is not a known form of exploitation or
    age group is an error, never left out in silence (its counts would be lost)."""
    for r in range(header_row + 1, len(grid.rows) + 1):
        value = _value(grid, r, column)
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            errors.add(
                errors.where(grid, header_row, column, header),
                _(
                    "this column holds counts, but its heading is not a form of exploitation "
                    "or age group samen knows; rename the heading or remove the column, "
                    "otherwise its counts would be left out"
                ),
            )
            return

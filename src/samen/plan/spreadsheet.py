"""Plans in spreadsheets: the full workbook export, and the annex layout the
programme team keeps (one row per action).

Reading is forgiving about layout (Dutch or English headers, title rows above
the header, merged cells, several names in one cell, names instead of codes)
and strict about content: whatever cannot be matched is passed on as written,
so that the document checks report it with its sheet, row and column.
Reading is safe: bounded size, formulas refused (never evaluated), external
links not followed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import document as doc
from .models import Action, ActionLine, AgeGroup, ExploitationForm, Organisation, StrategicGoal

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 15

# --- columns -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in our own export (Dutch)
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | list | bool | int | date | json


def _cols(*items: Column) -> tuple[Column, ...]:
    return items


PROVENANCE_COLUMNS = _cols(
    Column("source", "Bron", ("source", "bronvermelding")),
    Column("confirmed", "Bevestigd", ("confirmed",), "bool"),
    Column("inferred", "Afgeleid", ("inferred", "afgeleide velden", "inferred fields"), "list"),
    Column("note", "Opmerking", ("note", "notitie", "opmerkingen", "notes")),
)
TERM_COLUMNS = _cols(
    Column("code", "Code"),
    Column("name_nl", "Naam (NL)", ("naam", "name", "name (nl)", "naam (nederlands)")),
    Column("name_en", "Naam (EN)", ("name (en)", "naam (engels)", "english name")),
)
ORGANISATION_COLUMNS = _cols(
    Column("code", "Code"),
    Column("short_name", "Afkorting", ("short name", "korte naam", "afk.")),
    Column("name", "Naam", ("name", "organisatie", "organisation", "organization")),
    Column("type", "Type", ("soort", "organisatietype", "organisation type")),
    *PROVENANCE_COLUMNS,
)
GOAL_COLUMNS = _cols(
    Column("code", "Code"),
    Column("number", "Nummer", ("number", "nr", "nr.", "no", "no."), "int"),
    Column("name_nl", "Naam (NL)", ("naam", "name", "name (nl)")),
    Column("name_en", "Naam (EN)", ("name (en)",)),
    *PROVENANCE_COLUMNS,
)
ACTION_COLUMNS = _cols(
    Column(
        "code",
        "Nummer",
        (
            "code",
            "nr",
            "nr.",
            "no",
            "no.",
            "number",
            "actienummer",
            "action number",
            "action code",
            "actiecode",
            "#",
        ),
    ),
    Column("kind", "Soort", ("kind", "type actie")),
    Column("action_line", "Actielijn", ("action line", "lijn", "actielijn nr", "line")),
    Column(
        "title_nl",
        "Actie",
        (
            "action",
            "titel",
            "title",
            "titel (nl)",
            "title (nl)",
            "actie (nl)",
            "action (nl)",
            "naam actie",
            "omschrijving actie",
        ),
    ),
    Column("title_en", "Titel (EN)", ("title (en)", "action (en)", "actie (en)", "english title")),
    Column(
        "description_nl",
        "Omschrijving",
        ("omschrijving (nl)", "beschrijving", "description", "description (nl)", "toelichting"),
    ),
    Column("description_en", "Omschrijving (EN)", ("description (en)", "beschrijving (en)")),
    Column(
        "strategic_goals",
        "Strategische doelen",
        ("strategic goals", "strategic goal", "strategisch doel", "doelen", "doel"),
        "list",
    ),
    Column(
        "holders",
        "Actiehouders",
        ("actiehouder", "action holders", "action holder", "trekker", "trekkers", "holders"),
        "list",
    ),
    Column(
        "involved",
        "Betrokken organisaties",
        (
            "betrokken",
            "betrokken organisatie",
            "involved",
            "involved organisations",
            "involved organizations",
            "partners",
        ),
        "list",
    ),
    Column(
        "exploitation_forms",
        "Uitbuitingsvormen",
        (
            "uitbuitingsvorm",
            "vormen van uitbuiting",
            "vorm van uitbuiting",
            "exploitation forms",
            "exploitation form",
            "forms of exploitation",
            "uitbuiting",
        ),
        "list",
    ),
    Column(
        "age_groups",
        "Leeftijdsgroepen",
        ("leeftijdsgroep", "leeftijd", "leeftijden", "age groups", "age group", "ages", "age"),
        "list",
    ),
    Column("period", "Periode", ("planning", "period", "looptijd", "jaren", "years")),
    Column("status", "Status", ("stand van zaken", "state")),
    *PROVENANCE_COLUMNS,
    Column("demo", "Demo", ("demo data", "demogegevens"), "bool"),
)
MILESTONE_COLUMNS = _cols(
    Column("action", "Actie", ("action", "nummer", "code", "actienummer")),
    Column("title_nl", "Mijlpaal (NL)", ("mijlpaal", "milestone", "titel", "title")),
    Column("title_en", "Mijlpaal (EN)", ("milestone (en)",)),
    Column("due", "Deadline", ("due", "due date", "uiterlijk", "datum"), "date"),
    Column("done", "Gereed", ("done", "date done", "afgerond op", "klaar"), "date"),
)
VERSION_COLUMNS = _cols(
    Column("code", "Code"),
    Column("date", "Datum", ("date",), "date"),
    Column("title_nl", "Titel (NL)", ("titel", "title", "title (nl)")),
    Column("title_en", "Titel (EN)", ("title (en)",)),
    Column("source", "Bron", ("source",)),
)
VERSION_ACTION_COLUMNS = _cols(
    Column("version", "Versie", ("version",)),
    Column("action", "Actie", ("action", "nummer", "code")),
    Column("data", "Gegevens in die versie (JSON)", ("data", "gegevens", "data (json)"), "json"),
)


@dataclass(frozen=True)
class SheetSpec:
    section: str
    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: tuple[str, ...]


SHEETS = (
    SheetSpec(
        "exploitation_forms",
        "Uitbuitingsvormen",
        ("exploitation forms",),
        TERM_COLUMNS,
        ("code", "name_nl"),
    ),
    SheetSpec("age_groups", "Leeftijdsgroepen", ("age groups",), TERM_COLUMNS, ("code", "name_nl")),
    SheetSpec(
        "organisation_types",
        "Organisatietypen",
        ("organisation types",),
        TERM_COLUMNS,
        ("code", "name_nl"),
    ),
    SheetSpec(
        "organisations",
        "Organisaties",
        ("organisations", "organizations"),
        ORGANISATION_COLUMNS,
        ("code", "name", "type"),
    ),
    SheetSpec(
        "strategic_goals",
        "Strategische doelen",
        ("strategic goals", "doelen"),
        GOAL_COLUMNS,
        ("code", "number"),
    ),
    SheetSpec("action_lines", "Actielijnen", ("action lines",), GOAL_COLUMNS, ("code", "number")),
    SheetSpec(
        "actions",
        "Acties",
        ("actions", "actietabel", "bijlage", "annex"),
        ACTION_COLUMNS,
        ("code", "title_nl"),
    ),
    SheetSpec(
        "milestones", "Mijlpalen", ("milestones",), MILESTONE_COLUMNS, ("action", "title_nl")
    ),
    SheetSpec("versions", "Versies", ("versions",), VERSION_COLUMNS, ("code", "date", "title_nl")),
    SheetSpec(
        "version_actions",
        "Versie-acties",
        ("version actions",),
        VERSION_ACTION_COLUMNS,
        ("version", "action"),
    ),
)
PLAN_SHEET = "Plan"


def normalise(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().strip(":*").strip().lower()


def _header_map(columns: Iterable[Column]) -> dict[str, Column]:
    out = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            out.setdefault(normalise(name), column)
    return out


# --- writing -------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="154273")  # Rijksoverheid blue


def _cell_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "list":
        return ", ".join(str(v) for v in value) or None
    if column.kind == "bool":
        return "ja" if value else "nee"
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False) if value else None
    if column.key == "period" and isinstance(value, dict):
        start, end = value.get("start"), value.get("end")
        return f"{start}–{end}" if start != end else str(start)
    return value


def _write_sheet(
    wb: Workbook, title: str, columns: tuple[Column, ...], rows: Iterable[dict[str, Any]]
) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append([_cell_value(c, row.get(c.key)) for c in columns])
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        wide = column.key in (
            "title_nl",
            "title_en",
            "name",
            "name_nl",
            "name_en",
            "note",
            "description_nl",
            "description_en",
            "source",
            "data",
        )
        ws.column_dimensions[get_column_letter(index)].width = 50 if wide else 16
    ws.auto_filter.ref = ws.dimensions
    return ws


def write_plan_workbook(data: dict[str, Any]) -> bytes:
    """The full plan (as from export_document) as an XLSX workbook."""
    wb = Workbook()
    plan_ws = wb.active
    plan_ws.title = PLAN_SHEET
    plan_ws.append(["Veld", "Waarde"])
    for cell in plan_ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for key, value in (data.get("plan") or {}).items():
        plan_ws.append(
            [key, _cell_value(Column(key, key, (), "bool" if key == "demo" else "text"), value)]
        )
    plan_ws.append(["schema", data.get("schema", doc.SCHEMA)])
    plan_ws.column_dimensions["A"].width = 20
    plan_ws.column_dimensions["B"].width = 100

    milestones = []
    actions = []
    for action in data.get("actions", []):
        action = dict(action)
        for m in action.pop("milestones", []) or []:
            milestones.append({"action": action["code"], **m})
        actions.append(action)
    version_actions = []
    versions = []
    for version in data.get("versions", []):
        version = dict(version)
        for entry in version.pop("actions", []) or []:
            if isinstance(entry, dict):
                version_actions.append(
                    {"version": version["code"], "action": entry["code"], "data": entry}
                )
            else:
                version_actions.append({"version": version["code"], "action": entry})
        versions.append(version)
    rows = {
        **data,
        "actions": actions,
        "milestones": milestones,
        "versions": versions,
        "version_actions": version_actions,
    }
    for spec in SHEETS:
        _write_sheet(wb, spec.name, spec.columns, rows.get(spec.section) or [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def action_list_headers() -> list[str]:
    """Column headers of the readable action list, in the active language.
    The import recognises them in both languages."""
    return [
        _("Action line"),
        _("Number"),
        _("Action"),
        _("Title (EN)"),
        _("Action holders"),
        _("Involved organisations"),
        _("Exploitation forms"),
        _("Age groups"),
        _("Strategic goals"),
        _("Period"),
        _("Status"),
        _("Confirmed"),
        _("Source"),
    ]


def action_rows(actions: Iterable[Action]) -> Iterable[list[Any]]:
    """Rows of the readable action list (CSV and XLSX share them)."""
    for a in actions:
        yield [
            a.action_line.label if a.action_line else _("No action line"),
            a.code,
            a.title_nl,
            a.title_en,
            "; ".join(o.short_name for o in a.holders),
            "; ".join(o.short_name for o in a.involved),
            "; ".join(f.name for f in a.exploitation_forms.all()),
            "; ".join(g.name for g in a.age_groups.all()),
            "; ".join(g.code for g in a.strategic_goals.all()),
            a.period_label,
            a.get_status_display(),
            _("yes") if a.confirmed else _("no (inferred)"),
            a.source,
        ]


def write_action_list(actions: Iterable[Action]) -> bytes:
    """A filtered list of actions as a readable workbook (names, not codes):
    the annex layout, which the import accepts again."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Actions")[:31]
    ws.append(action_list_headers())
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in action_rows(actions):
        ws.append(row)
    ws.freeze_panes = "A2"
    for index, width in enumerate((30, 10, 60, 40, 30, 30, 30, 25, 15, 12, 14, 11, 40), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading -------------------------------------------------------------------


NO_LINE = {
    "geen actielijn",
    "no action line",
    "niet aan een actielijn gekoppeld",
    "not linked to an action line",
    "-",
    "–",
}


class _Vocabulary:
    """Names people write in cells, mapped to codes."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, str]] = {
            "action_line": {},
            "strategic_goals": {},
            "exploitation_forms": {},
            "age_groups": {},
            "organisations": {},
            "status": {},
            "kind": {},
        }
        self.line_numbers: dict[str, int] = {}
        from django.utils import translation

        for language in ("nl", "en"):  # a sheet may be in either language
            with translation.override(language):
                for status in Action.Status:
                    self.add("status", status.value, str(status.label))
        for label in ("onbekend", "niet vastgesteld", "not recorded"):
            self.add("status", "unknown", label)
        for code, *labels in (
            ("planned", "gepland", "nog niet gestart", "niet gestart", "not started"),
            ("running", "lopend", "loopt", "in uitvoering", "ongoing", "in progress"),
            ("completed", "afgerond", "gereed", "done", "finished"),
            ("stopped", "gestopt", "beëindigd", "stopped"),
        ):
            self.add("status", code, *labels)
        self.add("kind", "action", "actie")
        self.add("kind", "theme", "thema")

    def add(self, kind: str, code: str, *names: Any) -> None:
        for name in (code, *names):
            if name not in (None, ""):
                self.maps[kind].setdefault(normalise(name), code)

    def add_line(self, code: str, number: int | None, *names: Any) -> None:
        extra = [f"actielijn {number}", f"action line {number}", str(number)] if number else []
        if number:  # the labels the readable export writes
            extra += [f"actielijn {number}: {n}" for n in names if n]
            extra += [f"action line {number}: {n}" for n in names if n]
            extra += [
                f"actielijn {number} (naam niet gevonden)",
                f"action line {number} (name not found)",
            ]
        self.add("action_line", code, *names, *extra)
        if number:
            self.line_numbers[code] = number

    def load_database(self) -> None:
        for line in ActionLine.objects.all():
            self.add_line(line.code, line.number, line.name_nl, line.name_en)
        for goal in StrategicGoal.objects.all():
            self.add(
                "strategic_goals",
                goal.code,
                goal.name_nl,
                goal.name_en,
                str(goal.number),
                f"sd{goal.number}",
                f"doel {goal.number}",
                f"goal {goal.number}",
            )
        for model, kind in ((ExploitationForm, "exploitation_forms"), (AgeGroup, "age_groups")):
            for term in model.objects.all():
                self.add(kind, term.code, term.name_nl, term.name_en)
        for org in Organisation.objects.all():
            self.add("organisations", org.code, org.short_name, org.name)

    def load_sections(self, raw: dict[str, Any]) -> None:
        for line in raw.get("action_lines", []):
            number = line.get("number")
            self.add_line(
                str(line.get("code", "")),
                number if isinstance(number, int) else None,
                line.get("name_nl"),
                line.get("name_en"),
            )
        for goal in raw.get("strategic_goals", []):
            self.add(
                "strategic_goals",
                str(goal.get("code", "")),
                goal.get("name_nl"),
                goal.get("name_en"),
            )
        for kind in ("exploitation_forms", "age_groups"):
            for term in raw.get(kind, []):
                self.add(kind, str(term.get("code", "")), term.get("name_nl"), term.get("name_en"))
        for org in raw.get("organisations", []):
            self.add(
                "organisations", str(org.get("code", "")), org.get("short_name"), org.get("name")
            )

    def code(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "action_line" and normalise(value) in NO_LINE:
            return None
        if normalise(value) in (
            "all",
            "alle",
            "alle vormen",
            "alle leeftijden",
            "allen",
            "all ages",
            "all forms",
        ):
            return doc.ALL
        return self.maps[kind].get(normalise(value), str(value).strip())

    def codes(self, kind: str, value: Any) -> list[Any]:
        items = doc.split_list(value) if isinstance(value, str) else [value]
        return [self.code(kind, item) for item in items if item not in (None, "")]


@dataclass
class _Reader:
    filename: str
    locations: dict[doc.Path, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # per sheet: key -> as written
    errors: list[doc.DocumentError] = field(default_factory=list)

    def where(self, ws: Worksheet, row: int, column: int | None = None, header: str = "") -> str:
        text = _('%(file)s, sheet "%(sheet)s", row %(row)s') % {
            "file": self.filename,
            "sheet": ws.title,
            "row": row,
        }
        if column is not None:
            text += ", " + _("column %(column)s") % {"column": get_column_letter(column)}
            if header:
                text += f' ("{header}")'
        return text

    def sheet(self, ws: Worksheet) -> str:
        return _('%(file)s, sheet "%(sheet)s"') % {"file": self.filename, "sheet": ws.title}

    def fail(self, location: str, message: str) -> None:
        self.errors.append(doc.DocumentError((), message, location))

    def locate(self, path: doc.Path) -> str:
        for length in range(len(path), 0, -1):
            found = self.locations.get(path[:length])
            if found:
                return found
        return f"{self.filename}: {doc.format_path(path)}"


def _check_archive(content: bytes, filename: str) -> None:
    limit = settings.SAMEN_MAX_UPLOAD_BYTES
    problem = None
    if len(content) > limit:
        problem = _("the file is %(size)s bytes; at most %(max)s allowed") % {
            "size": f"{len(content):,}".replace(",", "."),
            "max": f"{limit:,}".replace(",", "."),
        }
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                size = sum(info.file_size for info in archive.infolist())
                if size > MAX_UNCOMPRESSED_BYTES:
                    problem = _(
                        "the workbook unpacks to %(size)s bytes; at most %(max)s allowed"
                    ) % {
                        "size": f"{size:,}".replace(",", "."),
                        "max": f"{MAX_UNCOMPRESSED_BYTES:,}".replace(",", "."),
                    }
        except zipfile.BadZipFile:
            problem = _("not a valid .xlsx workbook (it is not a zip archive)")
    if problem:
        raise doc.PlanDocumentInvalid([doc.DocumentError((), problem)], filename)


def _fill_merged(ws: Worksheet) -> dict[tuple[int, int], Any]:
    """Values of merged ranges, copied to every cell they cover."""
    filled = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                filled[(row, col)] = value
    return filled


# Shared with the other spreadsheet imports (samen.budget): the same limits, the same cells.
check_archive = _check_archive
fill_merged = _fill_merged


def read_plan_workbook(
    content: bytes, filename: str
) -> tuple[dict[str, Any], Callable[[doc.Path], str]]:
    from samen.core import safeload  # bounded: checked in a child process first (issue 16)

    safeload.check_xlsx(content, filename)
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
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), _("cannot read the workbook: %(problem)s") % {"problem": exc})],
            filename,
        ) from exc
    reader = _Reader(filename)
    raw: dict[str, Any] = {}
    sheets: dict[str, tuple[Worksheet, list[tuple[int, dict[str, Any], dict[str, int]]]]] = {}

    by_name = {
        normalise(n): spec for spec in SHEETS for n in (spec.name, spec.section, *spec.aliases)
    }
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            reader.fail(
                reader.sheet(ws),
                _(
                    "too large (%(rows)s rows × %(columns)s columns); at most %(max_rows)s rows "
                    "and %(max_columns)s columns allowed"
                )
                % {
                    "rows": ws.max_row,
                    "columns": ws.max_column,
                    "max_rows": MAX_ROWS,
                    "max_columns": MAX_COLUMNS,
                },
            )
            continue
        if normalise(ws.title) == normalise(PLAN_SHEET):
            raw["plan"], schema = _read_plan_sheet(ws, reader)
            if schema:
                raw["schema"] = schema
            continue
        spec = by_name.get(normalise(ws.title))
        if spec is None and len(wb.worksheets) == 1:
            spec = SHEETS[[s.section for s in SHEETS].index("actions")]
        if spec is None:
            continue  # other sheets (notes, pivot tables) are not ours to judge
        rows = _read_table(ws, spec, reader)
        if rows is not None:
            sheets[spec.section] = (ws, rows)

    if "actions" not in sheets and not reader.errors and not sheets:
        reader.fail(
            filename,
            _(
                "no sheet with actions found; expected a sheet named 'Acties' "
                "(or 'Actions'), or a workbook with a single sheet"
            ),
        )
    if reader.errors:
        raise doc.PlanDocumentInvalid(reader.errors, filename)

    for section in (
        "exploitation_forms",
        "age_groups",
        "organisation_types",
        "organisations",
        "strategic_goals",
        "action_lines",
    ):
        if section in sheets:
            ws, rows = sheets[section]
            raw[section] = []
            for row_number, values, columns in rows:
                path: doc.Path = (section, len(raw[section]))
                _remember(reader, ws, row_number, columns, path, _headers(reader, ws))
                raw[section].append(values)

    vocabulary = _Vocabulary()
    vocabulary.load_database()
    vocabulary.load_sections(raw)
    if "actions" in sheets:
        raw["actions"] = _actions(reader, vocabulary, *sheets["actions"])
        if "milestones" in sheets:
            _milestones(reader, raw["actions"], *sheets["milestones"])
    if "versions" in sheets:
        raw["versions"] = _versions(reader, sheets["versions"], sheets.get("version_actions"))
    if reader.errors:
        raise doc.PlanDocumentInvalid(reader.errors, filename)
    return raw, reader.locate


def _remember(
    reader: _Reader,
    ws: Worksheet,
    row: int,
    columns: dict[str, int],
    path: doc.Path,
    headers: dict[str, str] | None = None,
) -> None:
    reader.locations[path] = reader.where(ws, row)
    for key, col in columns.items():
        reader.locations[(*path, key)] = reader.where(ws, row, col, (headers or {}).get(key, ""))


def _read_plan_sheet(ws: Worksheet, reader: _Reader) -> tuple[dict[str, Any], str]:
    plan: dict[str, Any] = {}
    schema = ""
    for row in ws.iter_rows(min_row=2):
        key, value = (row[0].value, row[1].value) if len(row) > 1 else (row[0].value, None)
        if key in (None, ""):
            continue
        if isinstance(value, str) and value.startswith("="):
            reader.fail(
                reader.where(ws, row[0].row, 2), _("cell holds a formula; enter the value itself")
            )
        elif str(key) == "schema":
            schema = str(value or "")
        elif value not in (None, ""):
            plan[str(key).strip()] = value
            reader.locations[("plan", str(key).strip())] = reader.where(ws, row[0].row, 2)
    return plan, schema


def _find_header(
    ws: Worksheet, spec: SheetSpec, merged: dict[tuple[int, int], Any]
) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """The first row (of the top few) whose cells name most of our columns."""
    names = _header_map(spec.columns)
    best = None
    for row in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
        found: dict[str, int] = {}
        written: dict[str, str] = {}
        for col in range(1, ws.max_column + 1):
            value = merged.get((row, col), ws.cell(row, col).value)
            column = names.get(normalise(value))
            if column and column.key not in found:
                found[column.key] = col
                written[column.key] = str(value).strip()
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (row, found, written)
    return best


def _read_table(
    ws: Worksheet, spec: SheetSpec, reader: _Reader
) -> list[tuple[int, dict[str, Any], dict[str, int]]] | None:
    merged = _fill_merged(ws)
    header = _find_header(ws, spec, merged)
    if header is None:
        expected = ", ".join(f"'{c.header}'" for c in spec.columns if c.key in spec.required)
        reader.fail(
            reader.sheet(ws),
            _(
                "no header row found in the first %(rows)s rows; expected columns such as "
                "%(columns)s"
            )
            % {"rows": HEADER_SEARCH_ROWS, "columns": expected},
        )
        return None
    header_row, columns, written = header
    for key in spec.required:
        if key not in columns:
            column = next(c for c in spec.columns if c.key == key)
            also = ", ".join(f"'{a}'" for a in column.aliases[:4])
            message = _("missing required column '%(column)s'") % {"column": column.header}
            if also:
                message += " " + _("(or %(aliases)s)") % {"aliases": also}
            reader.fail(reader.where(ws, header_row), message)
    if any(key not in columns for key in spec.required):
        return None
    kinds = {c.key: c.kind for c in spec.columns}
    rows = []
    for row in range(header_row + 1, ws.max_row + 1):
        values: dict[str, Any] = {}
        for key, col in columns.items():
            cell = ws.cell(row, col)
            value = merged.get((row, col), cell.value)
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                reader.fail(
                    reader.where(ws, row, col, written[key]),
                    _("cell holds a formula; enter the value itself (formulas are not evaluated)"),
                )
                continue
            if isinstance(value, str):
                value = value.strip()
            if value in (None, ""):
                continue
            values[key] = _convert(
                value, kinds[key], reader, reader.where(ws, row, col, written[key])
            )
        if values:
            rows.append((row, values, columns))
    reader.headers[ws.title] = written
    return rows


def _convert(value: Any, kind: str, reader: _Reader, location: str) -> Any:
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
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
    return value


def _headers(reader: _Reader, ws: Worksheet) -> dict[str, str]:
    return reader.headers.get(ws.title, {})


def _actions(
    reader: _Reader,
    vocabulary: _Vocabulary,
    ws: Worksheet,
    rows: list[tuple[int, dict[str, Any], dict[str, int]]],
) -> list[dict[str, Any]]:
    headers = _headers(reader, ws)
    existing = _existing_actions()
    out = []
    for row_number, values, columns in rows:
        path: doc.Path = ("actions", len(out))
        _remember(reader, ws, row_number, columns, path, headers)
        action: dict[str, Any] = {}
        for key, value in values.items():
            if key in ("holders", "involved"):
                action[key] = vocabulary.codes("organisations", value)
            elif key in ("exploitation_forms", "age_groups", "strategic_goals"):
                action[key] = vocabulary.codes(key, value)
            elif key in ("action_line", "status", "kind"):
                action[key] = vocabulary.code(key, value)
            elif key == "inferred":
                action[key] = doc.split_list(str(value))
            else:
                action[key] = value
        code = action.get("code")
        # Annexes often number actions within their line ("3" under line 2 is 2.3).
        if isinstance(code, int) and action.get("action_line") in vocabulary.line_numbers:
            action["code"] = f"{vocabulary.line_numbers[action['action_line']]}.{code}"
        elif isinstance(code, (int, float)):
            action["code"] = str(code)
        out.append(_merge_with_existing(action, columns, existing))
    return out


def _existing_actions() -> dict[str, dict[str, Any]]:
    from .selectors import action_data

    actions = Action.objects.with_relations().prefetch_related("milestones")
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


def _milestones(
    reader: _Reader,
    actions: list[dict[str, Any]],
    ws: Worksheet,
    rows: list[tuple[int, dict[str, Any], dict[str, int]]],
) -> None:
    headers = _headers(reader, ws)
    index = {str(a.get("code")): i for i, a in enumerate(actions)}
    for row_number, values, columns in rows:
        code = str(values.pop("action", "")).strip()
        if code not in index:
            reader.fail(
                reader.where(ws, row_number, columns["action"], headers.get("action", "")),
                _("the milestone refers to action '%(code)s', which is not known") % {"code": code},
            )
            continue
        milestones = actions[index[code]].setdefault("milestones", [])
        path: doc.Path = ("actions", index[code], "milestones", len(milestones))
        _remember(reader, ws, row_number, columns, path, headers)
        milestones.append(values)


def _versions(
    reader: _Reader,
    versions: tuple[Worksheet, list[Any]],
    entries: tuple[Worksheet, list[Any]] | None,
) -> list[dict[str, Any]]:
    ws, rows = versions
    headers = _headers(reader, ws)
    out = []
    for row_number, values, columns in rows:
        path: doc.Path = ("versions", len(out))
        _remember(reader, ws, row_number, columns, path, headers)
        out.append({**values, "actions": []})
    if entries is None:
        return out
    index = {str(v.get("code")): i for i, v in enumerate(out)}
    ews, erows = entries
    eheaders = _headers(reader, ews)
    for row_number, values, columns in erows:
        version = str(values.get("version", "")).strip()
        if version not in index:
            reader.fail(
                reader.where(ews, row_number, columns["version"], eheaders.get("version", "")),
                _("version '%(code)s' is not known") % {"code": version},
            )
            continue
        listed = out[index[version]]["actions"]
        path = ("versions", index[version], "actions", len(listed))
        reader.locations[path] = reader.where(ews, row_number)
        data = values.get("data")
        listed.append(data if isinstance(data, dict) else str(values.get("action", "")).strip())
    return out

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

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samen.indicators import sheet as indicator_sheet

from . import document as doc
from .models import Action

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


# A column's name on screen, in the UI language (the header above stays the
# Dutch heading of our own export, which is what is matched and written).
HEADER_LABELS = {
    "Code": gettext_lazy("Code"),
    "Naam (NL)": gettext_lazy("Name (NL)"),
    "Naam (EN)": gettext_lazy("Name (EN)"),
    "Afkorting": gettext_lazy("Short name"),
    "Naam": gettext_lazy("Name"),
    "Type": gettext_lazy("Type"),
    "Ook geschreven als": gettext_lazy("Also written as"),
    "Bron": gettext_lazy("Source"),
    "Bevestigd": gettext_lazy("Confirmed"),
    "Afgeleid": gettext_lazy("Inferred fields"),
    "Opmerking": gettext_lazy("Note"),
    "Nummer": gettext_lazy("Number"),
    "Soort": gettext_lazy("Kind"),
    "Actielijn": gettext_lazy("Action line"),
    "Actie": gettext_lazy("Action"),
    "Titel (EN)": gettext_lazy("Title (EN)"),
    "Omschrijving": gettext_lazy("Description"),
    "Omschrijving (EN)": gettext_lazy("Description (EN)"),
    "Strategische doelen": gettext_lazy("Strategic goals"),
    "Actiehouders": gettext_lazy("Action holders"),
    "Betrokken organisaties": gettext_lazy("Involved organisations"),
    "Uitbuitingsvormen": gettext_lazy("Exploitation forms"),
    "Leeftijdsgroepen": gettext_lazy("Age groups"),
    "Periode": gettext_lazy("Period"),
    "Status": gettext_lazy("Status"),
    "Demo": gettext_lazy("Demo data"),
    "Mijlpaal (NL)": gettext_lazy("Milestone (NL)"),
    "Mijlpaal (EN)": gettext_lazy("Milestone (EN)"),
    "Deadline": gettext_lazy("Deadline"),
    "Gereed": gettext_lazy("Done"),
    "Datum": gettext_lazy("Date"),
    "Titel (NL)": gettext_lazy("Title (NL)"),
    "Versie": gettext_lazy("Version"),
    "Gegevens in die versie (JSON)": gettext_lazy("Data in that version (JSON)"),
}


def column_label(column: Column) -> str:
    """The column's name in the UI language."""
    return str(HEADER_LABELS.get(column.header, column.header))


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
    Column(
        "aliases", "Ook geschreven als", ("aliases", "aliassen", "alias", "ook bekend als"), "list"
    ),
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
            "actienr",
            "actie nr",
            "nummer actie",
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
        (
            "actiehouder",
            "action holders",
            "action holder",
            "trekker",
            "trekkers",
            "holders",
            "eigenaar",
            "verantwoordelijke",
            "verantwoordelijke organisatie",
            "uitvoerder",
        ),
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
            "ketenpartners",
            "ketenpartner",
            "betrokken partijen",
            "betrokken partij",
            "samenwerkingspartners",
            "overige betrokkenen",
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
            "vorm",
            "vormen",
            "type uitbuiting",
        ),
        "list",
    ),
    Column(
        "age_groups",
        "Leeftijdsgroepen",
        (
            "leeftijdsgroep",
            "leeftijd",
            "leeftijden",
            "doelgroep",
            "doelgroepen",
            "age groups",
            "age group",
            "ages",
            "age",
            "target group",
        ),
        "list",
    ),
    Column(
        "period",
        "Periode",
        ("planning", "period", "looptijd", "termijn", "jaren", "years", "tijdpad", "wanneer"),
        "period",
    ),
    Column("status", "Status", ("stand van zaken", "state", "voortgang", "fase")),
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
# issue 14: the sheet "Indicatoren" (its columns are the indicators app's)
INDICATOR_COLUMNS = tuple(Column(*spec) for spec in indicator_sheet.COLUMNS)
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
    SheetSpec(
        "indicators",
        "Indicatoren",
        ("indicators",),
        INDICATOR_COLUMNS,
        ("action", "code", "name_nl"),
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
    if column.key == "aliases":  # names may hold commas ("Volksgezondheid, Welzijn en Sport")
        return "\n".join(value) or None
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
    indicators = indicator_sheet.export_rows(data.get("actions", []))
    for action in data.get("actions", []):
        action = dict(action)
        action.pop("indicators", None)
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
        "indicators": indicators,
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


# --- reading (see sheet_import.py) ------------------------------------------------


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

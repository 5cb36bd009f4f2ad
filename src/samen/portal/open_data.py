"""Open data: the published plan and the published progress, as CSV, XLSX and
JSON with one stable schema per data set (documented in docs/open-data.md).

Only public facts go in: the plan (a public parliamentary document) and, per
published round, the approved updates' public text layer. Column names are
stable English identifiers; adding a column is compatible, renaming is not
(raise the schema version).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from samen.core.exports import csv_text
from samen.plan.models import Action
from samen.reporting.models import ReportingRound
from samen.reporting.publication import public_updates

FORMATS = ("csv", "xlsx", "json")
# The comma-separated variant for machines (decimal points, true/false, no byte-order mark);
# `csv` is what Dutch spreadsheet programs open without a question.
MACHINE_CSV = "komma.csv"
FILE_FORMATS = (*FORMATS, MACHINE_CSV)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    MACHINE_CSV: "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

PLAN_SCHEMA = "samen-open-plan/1"
PLAN_FIELDS = (
    "action_code",
    "title_nl",
    "title_en",
    "action_line",
    "action_line_number",
    "action_line_name_nl",
    "action_line_name_en",
    "strategic_goals",
    "holders",
    "involved",
    "exploitation_forms",
    "age_groups",
    "period_start",
    "period_end",
    "plan_status",
    "confirmed",
    "source",
)

PROGRESS_SCHEMA = "samen-open-progress/1"
PROGRESS_FIELDS = (
    "round_id",
    "round_title",
    "period_start",
    "period_end",
    "published_at",
    "action_code",
    "action_title_nl",
    "action_title_en",
    "action_line",
    "exploitation_forms",
    "organisation",
    "organisation_name",
    "progress_status",
    "percent_complete",
    "achievements",
    "obstacles",
    "help_needed",
)
LIST_SEPARATOR = ";"


def plan_records() -> list[dict[str, Any]]:
    out = []
    for a in Action.objects.with_relations():
        line = a.action_line
        out.append(
            {
                "action_code": a.code,
                "title_nl": a.title_nl,
                "title_en": a.title_en,
                "action_line": line.code if line else None,
                "action_line_number": line.number if line else None,
                "action_line_name_nl": line.name_nl if line else None,
                "action_line_name_en": line.name_en if line else None,
                "strategic_goals": [g.code for g in a.strategic_goals.all()],
                "holders": [o.code for o in a.holders],
                "involved": [o.code for o in a.involved],
                "exploitation_forms": [f.code for f in a.exploitation_forms.all()],
                "age_groups": [g.code for g in a.age_groups.all()],
                "period_start": a.period_start,
                "period_end": a.period_end,
                "plan_status": a.status,
                "confirmed": a.confirmed,
                "source": a.source,
            }
        )
    return out


def progress_records(r: ReportingRound | None = None) -> list[dict[str, Any]]:
    """One record per published, approved update (all published rounds, or `r`)."""
    updates = public_updates(r).prefetch_related("action__exploitation_forms")
    return [
        {
            "round_id": u.round.pk,
            "round_title": u.round.title,
            "period_start": u.round.period_start,
            "period_end": u.round.period_end,
            "published_at": u.round.published_at,
            "action_code": u.action.code,
            "action_title_nl": u.action.title_nl,
            "action_title_en": u.action.title_en,
            "action_line": u.action.action_line.code if u.action.action_line else None,
            "exploitation_forms": [f.code for f in u.action.exploitation_forms.all()],
            "organisation": u.organisation.code,
            "organisation_name": u.organisation.name,
            "progress_status": u.progress_status or None,
            "percent_complete": u.percent_complete,
            "achievements": u.public_achievements,
            "obstacles": u.public_obstacles,
            "help_needed": u.public_help_needed,
        }
        for u in updates
    ]


def _cell(value: Any, dutch: bool = True) -> Any:
    """A value as a file cell: lists joined, dates ISO, booleans ja/nee and
    decimal commas in the Dutch files (true/false and points for machines)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return ("ja" if value else "nee") if dutch else ("true" if value else "false")
    if isinstance(value, (float, Decimal)) and dutch:
        return str(value).replace(".", ",")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # never a formula in a spreadsheet
    return "" if value is None else value


def _xlsx_cell(value: Any) -> Any:
    """Numbers stay numbers in a workbook; the rest as in the Dutch CSV."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return _cell(value)


def write(
    records: Iterable[dict[str, Any]], fields: tuple[str, ...], schema: str, fmt: str
) -> bytes:
    """One data set in one format (see FILE_FORMATS and docs/open-data.md)."""
    records = list(records)
    if fmt == "json":
        body = {
            "schema": schema,
            "generatedAt": timezone.now().isoformat(),
            "count": len(records),
            "records": records,
        }
        return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
    if fmt == MACHINE_CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)  # comma-separated, decimal points, true/false
        writer.writerow(fields)
        for record in records:
            writer.writerow([_cell(record[f], dutch=False) for f in fields])
        return buffer.getvalue().encode()
    if fmt == "csv":
        return csv_text(fields, ([_cell(record[f]) for f in fields] for record in records)).encode()
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = schema.split("/")[0].removeprefix("samen-open-")[:31]
        ws.append(list(fields))
        for record in records:
            ws.append([_xlsx_cell(record[f]) for f in fields])
        ws.freeze_panes = "A2"
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(fmt)

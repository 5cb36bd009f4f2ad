"""The whole plan as a document (YAML, JSON) and back from bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from . import document as doc
from .models import (
    Action,
    ActionLine,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    Plan,
    PlanVersion,
    StrategicGoal,
)
from .selectors import action_data

BUNDLED_PLAN = Path(__file__).resolve().parent.parent / "data" / "plan.yaml"
FORMATS = ("yaml", "json", "xlsx")


def _provenance(obj: Any, inferable: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if obj.source:
        out["source"] = obj.source
    if not obj.confirmed:
        out["confirmed"] = False
    if obj.inferred_fields and inferable:
        out["inferred"] = list(obj.inferred_fields)
    if obj.note:
        out["note"] = obj.note
    return out


def _terms(model: Any) -> list[dict[str, str]]:
    return [
        {"code": t.code, "name_nl": t.name_nl, **({"name_en": t.name_en} if t.name_en else {})}
        for t in model.objects.all()
    ]


def export_document() -> dict[str, Any]:
    """The whole plan as a plain mapping, in the format `parse_document` reads."""
    out: dict[str, Any] = {"schema": doc.SCHEMA}
    plan = Plan.objects.first()
    if plan is not None:
        meta = {
            "code": plan.code,
            "title_nl": plan.title_nl,
            "title_en": plan.title_en,
            "country": plan.country,
            "dossier": plan.dossier,
            "ambition_nl": plan.ambition_nl,
            "ambition_en": plan.ambition_en,
            "ambition_source": plan.ambition_source,
            "demo": plan.is_demo,
        }
        out["plan"] = {k: v for k, v in meta.items() if v not in ("", None, False)}
    out["exploitation_forms"] = _terms(ExploitationForm)
    out["age_groups"] = _terms(AgeGroup)
    out["organisation_types"] = _terms(OrganisationType)
    out["organisations"] = [
        {
            "code": o.code,
            "short_name": o.short_name,
            "name": o.name,
            **({"aliases": list(o.aliases)} if o.aliases else {}),
            "type": o.type.code,
            **_provenance(o),
        }
        for o in Organisation.objects.select_related("type").order_by("code")
    ]
    for section, model in (("strategic_goals", StrategicGoal), ("action_lines", ActionLine)):
        out[section] = [
            {
                "code": g.code,
                "number": g.number,
                **({"name_nl": g.name_nl} if g.name_nl else {}),
                **({"name_en": g.name_en} if g.name_en else {}),
                **_provenance(g),
            }
            for g in model.objects.all()
        ]
    actions = {a.code: action_data(a).as_dict() for a in Action.objects.for_document()}
    out["actions"] = [doc.compact_action(a) for a in actions.values()]
    out["versions"] = [
        {
            "code": v.code,
            "date": v.date.isoformat(),
            "title_nl": v.title_nl,
            **({"title_en": v.title_en} if v.title_en else {}),
            **({"source": v.source} if v.source else {}),
            # An action as it is now is written as its code; one that differs
            # from the live plan is written out in full, as it was then.
            "actions": [
                entry["code"]
                if actions.get(entry["code"]) == {**doc.ACTION_DEFAULTS, **entry}
                else doc.compact_action(entry)
                for entry in v.snapshot
            ],
        }
        for v in PlanVersion.objects.all()
    ]
    return out


def to_yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode()


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_bytes(fmt: str) -> bytes:
    if fmt == "yaml":
        return to_yaml(export_document())
    if fmt == "json":
        return to_json(export_document())
    if fmt == "xlsx":
        from .spreadsheet import write_plan_workbook

        return write_plan_workbook(export_document())
    raise ValueError(f"unknown format '{fmt}'; expected one of: {', '.join(FORMATS)}")


def read_bytes(
    content: bytes, filename: str, options: Any = None
) -> tuple[Any, Callable[[doc.Path], str] | None]:
    """Turn file content into a raw document (and, for spreadsheets and CSV, a
    reader that maps document paths to cells and holds the reading errors).
    `options`: sheet_import.ImportOptions. Raises PlanDocumentInvalid when the
    file cannot be read at all."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".csv"):
        from .sheet_import import read_plan_workbook

        return read_plan_workbook(content, filename, options)
    if suffix not in (".yaml", ".yml", ".json"):
        raise doc.PlanDocumentInvalid(
            [
                doc.DocumentError(
                    (),
                    _(
                        "unsupported file type '%(type)s'; expected .yaml, .yml, .json, .xlsx or .csv"
                    )
                    % {"type": suffix or filename},
                )
            ],
            filename,
        )
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), _("not UTF-8 text (byte %(byte)s)") % {"byte": exc.start})],
            filename,
        ) from exc
    try:
        from samen.core import safeload  # bounded parsing (issue 16)

        raw = (safeload.safe_json if suffix == ".json" else safeload.safe_yaml)(content, filename)
    except json.JSONDecodeError as exc:
        raise doc.PlanDocumentInvalid(
            [
                doc.DocumentError(
                    (),
                    _("invalid JSON at line %(line)s, column %(column)s: %(problem)s")
                    % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg},
                )
            ],
            filename,
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        message = (
            _("invalid YAML at line %(line)s, column %(column)s: %(problem)s")
            % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
            if mark
            else _("invalid YAML: %(problem)s") % {"problem": problem}
        )
        raise doc.PlanDocumentInvalid([doc.DocumentError((), message)], filename) from exc
    if raw is None:
        raise doc.PlanDocumentInvalid([doc.DocumentError((), _("the file is empty"))], filename)
    return raw, None

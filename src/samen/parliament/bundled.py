"""The parliament document: the bundled motions and commitments
(src/samen/data/parliament.yaml) and any file in the same format. Checked
completely before anything is written; every error names where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from samen.plan import document as doc

from .models import Motion
from .services import BundledMotion, MotionData

SCHEMA = "samen-parliament/1"
BUNDLED_MOTIONS = Path(__file__).resolve().parent.parent / "data" / "parliament.yaml"
KEYS = (
    "code",
    "kind",
    "kamerstuk",
    "title_nl",
    "title_en",
    "date",
    "submitters",
    "decision",
    "status",
    "actions",
    "answer_nl",
    "answer_en",
    "answer_source",
    *doc.PROVENANCE_KEYS,
    "demo",
)
INFERABLE = ("title", "date", "submitters", "kamerstuk", "decision", "status", "actions", "answer")


def read_file(path: Path, actions: set[str] | None = None) -> list[BundledMotion]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), f"not valid YAML: {exc}")], path.name
        ) from exc
    return parse(raw, actions, filename=path.name)


def parse(raw: Any, actions: set[str] | None = None, filename: str = "") -> list[BundledMotion]:
    """Check a parliament document. `actions`: the action codes it may name
    (None: those in the database)."""
    if actions is None:
        from samen.plan.models import Action

        actions = set(Action.objects.values_list("code", flat=True))
    check = doc.Checker(None)
    top = check.mapping(raw, (), ("schema", "motions"))
    if top.get("schema") != SCHEMA:
        check.error(
            ("schema",),
            _("expected '%(expected)s', got '%(value)s'")
            % {"expected": SCHEMA, "value": top.get("schema")},
        )
    out = []
    for i, item in enumerate(check.items(top.get("motions"), ("motions",))):
        path: doc.Path = ("motions", i)
        data = check.mapping(item, path, KEYS)
        choices = {
            "kind": Motion.Kind.values,
            "status": Motion.Status.values,
            "decision": Motion.Decision.values,
        }
        values = {}
        for name, allowed in choices.items():
            values[name] = check.text(data, name, path, max_length=20) or allowed[0]
            if values[name] not in allowed:
                check.error(
                    (*path, name),
                    _("unknown value '%(value)s'; expected one of: %(values)s")
                    % {"value": values[name], "values": ", ".join(allowed)},
                )
        codes = check.codes(data, "actions", path, actions, "action")
        submitters = data.get("submitters") or []
        if not isinstance(submitters, list) or not all(isinstance(s, str) for s in submitters):
            check.error((*path, "submitters"), _("expected a list of names"))
            submitters = []
        inferred = data.get("inferred") or []
        for name in inferred if isinstance(inferred, list) else [inferred]:
            if name not in INFERABLE:
                check.error(
                    (*path, "inferred"),
                    _("'%(name)s' cannot be marked inferred; expected one of: %(fields)s")
                    % {"name": name, "fields": ", ".join(INFERABLE)},
                )
        out.append(
            BundledMotion(
                code=check.code(data, "code", path),
                data=MotionData(
                    kind=values["kind"],
                    kamerstuk=check.text(data, "kamerstuk", path, max_length=40),
                    title_nl=check.text(data, "title_nl", path, required=True, max_length=600),
                    title_en=check.text(data, "title_en", path, max_length=600),
                    date=check.date(data, "date", path),
                    submitters=list(submitters),
                    decision=values["decision"],
                    status=values["status"],
                    answer_nl=check.text(data, "answer_nl", path, max_length=10_000),
                    answer_en=check.text(data, "answer_en", path, max_length=10_000),
                    answer_source=check.text(data, "answer_source", path, max_length=500),
                    actions=list(codes),
                ),
                source=check.text(data, "source", path, max_length=500),
                confirmed=check.boolean(data, "confirmed", path, True),
                inferred=tuple(str(n) for n in inferred) if isinstance(inferred, list) else (),
                note=check.text(data, "note", path, max_length=2000),
                demo=check.boolean(data, "demo", path, False),
            )
        )
    check.unique([(m.code, ("motions", i)) for i, m in enumerate(out)], "motion")
    if check.errors:
        raise doc.PlanDocumentInvalid(check.errors, filename)
    return out

"""The budget document: the bundled funding lines (src/samen/data/budget.yaml)
and any file in the same format. Checked completely before anything is written;
every error names where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from samen.plan import document as doc

from . import money
from .services import FundingLineData

SCHEMA = "samen-budget/1"
BUNDLED_BUDGET = Path(__file__).resolve().parent.parent / "data" / "budget.yaml"
LINE_KEYS = (
    "code",
    "name_nl",
    "name_en",
    "origin_nl",
    "origin_en",
    "ministry",
    "amount_per_year",
    "start_year",
    "end_year",
    *doc.PROVENANCE_KEYS,
    "demo",
)
INFERABLE = ("name_nl", "origin_nl", "ministry", "amount_per_year", "start_year", "end_year")


def read_file(path: Path) -> list[FundingLineData]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), f"not valid YAML: {exc}")], path.name
        ) from exc
    return parse(raw, ministries=None, filename=path.name)


def parse(raw: Any, ministries: set[str] | None, filename: str = "") -> list[FundingLineData]:
    """Check a budget document. `ministries`: the organisation codes a line may
    name (None: look them up in the database)."""
    if ministries is None:
        from samen.plan.models import Organisation

        ministries = set(Organisation.objects.values_list("code", flat=True))
    check = doc.Checker(None)
    top = check.mapping(raw, (), ("schema", "currency", "funding_lines"))
    if top.get("schema") != SCHEMA:
        check.error(
            ("schema",),
            _("expected '%(expected)s', got '%(value)s'")
            % {"expected": SCHEMA, "value": top.get("schema")},
        )
    if top.get("currency", "EUR") != "EUR":
        check.error(
            ("currency",),
            _("only EUR is supported, got '%(value)s'") % {"value": top.get("currency")},
        )
    out = []
    for i, item in enumerate(check.items(top.get("funding_lines"), ("funding_lines",))):
        path: doc.Path = ("funding_lines", i)
        data = check.mapping(item, path, LINE_KEYS)
        ministry = check.text(data, "ministry", path, max_length=60) or None
        if ministry and ministry not in ministries:
            check.error(
                (*path, "ministry"),
                _("%(what)s '%(code)s' is not known")
                % {"what": doc.noun("organisation"), "code": ministry},
            )
        amount = money.ZERO
        try:
            amount = money.to_amount(data.get("amount_per_year"))
        except money.AmountError as exc:
            check.error((*path, "amount_per_year"), str(exc))
        start = check.integer(data, "start_year", path, required=True, low=2000, high=2100)
        end = check.integer(data, "end_year", path, low=2000, high=2100)
        if start and end and end < start:
            check.error(
                (*path, "end_year"),
                _("%(end)s is before the first year %(start)s") % {"end": end, "start": start},
            )
        inferred = data.get("inferred") or []
        for name in inferred if isinstance(inferred, list) else [inferred]:
            if name not in INFERABLE:
                check.error(
                    (*path, "inferred"),
                    _("'%(name)s' cannot be marked inferred; expected one of: %(fields)s")
                    % {"name": name, "fields": ", ".join(INFERABLE)},
                )
        out.append(
            FundingLineData(
                code=check.code(data, "code", path),
                name_nl=check.text(data, "name_nl", path, required=True, max_length=300),
                name_en=check.text(data, "name_en", path, max_length=300),
                origin_nl=check.text(data, "origin_nl", path, max_length=300),
                origin_en=check.text(data, "origin_en", path, max_length=300),
                ministry=ministry,
                amount_per_year=amount,
                start_year=start or 0,
                end_year=end,
                order=i,
                source=check.text(data, "source", path, max_length=500),
                confirmed=check.boolean(data, "confirmed", path, True),
                inferred=tuple(str(n) for n in inferred) if isinstance(inferred, list) else (),
                note=check.text(data, "note", path, max_length=2000),
                demo=check.boolean(data, "demo", path, False),
            )
        )
    check.unique([(line.code, ("funding_lines", i)) for i, line in enumerate(out)], "funding line")
    if check.errors:
        raise doc.PlanDocumentInvalid(check.errors, filename)
    return out

"""The sheet "Indicatoren" of the plan workbook: one row per indicator, with
the action's code in the first column (like the sheet "Mijlpalen").

Targets share one cell: `2026-12-31: 300; 2027-12-31: 500` (a date, a colon,
the value; several separated by semicolons or new lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# (key, header as written, aliases, kind) — kinds as samen.plan.spreadsheet.Column.
COLUMNS = (
    ("action", "Actie", ("action", "actienummer", "nummer"), "text"),
    ("code", "Code", ("indicatorcode", "indicator code"), "text"),
    ("name_nl", "Indicator (NL)", ("indicator", "naam", "name", "name (nl)"), "text"),
    ("name_en", "Indicator (EN)", ("name (en)", "indicator (en)"), "text"),
    ("description_nl", "Omschrijving (NL)", ("omschrijving", "description"), "text"),
    ("description_en", "Omschrijving (EN)", ("description (en)",), "text"),
    ("unit", "Eenheid", ("unit",), "text"),
    ("kind", "Soort", ("kind", "type"), "text"),
    ("direction", "Richting", ("direction", "beter is"), "text"),
    ("combination", "Optelling", ("combination", "over de tijd", "aggregatie"), "text"),
    ("baseline_value", "Nulmeting", ("baseline", "basiswaarde", "baseline value"), "text"),
    ("baseline_date", "Datum nulmeting", ("baseline date",), "date"),
    ("targets", "Streefwaarden", ("targets", "doelen", "streefwaarde"), "text"),
    ("disaggregation", "Uitsplitsing", ("disaggregation", "uitgesplitst naar"), "text"),
    ("source", "Bron", ("source",), "text"),
    ("confirmed", "Bevestigd", ("confirmed",), "bool"),
    ("inferred", "Afgeleid", ("inferred",), "list"),
    ("note", "Opmerking", ("note",), "text"),
    ("demo", "Demo", ("demo data",), "bool"),
)
# Dutch words people write for the choices, and our own codes.
WORDS = {
    "kind": {
        "aantal": "number",
        "getal": "number",
        "percentage": "percentage",
        "ja/nee": "yes_no",
        "ja of nee": "yes_no",
        "mijlpaal": "milestone",
    },
    "direction": {
        "omhoog": "up",
        "hoger": "up",
        "hoger is beter": "up",
        "omlaag": "down",
        "lager": "down",
        "lager is beter": "down",
    },
    "combination": {
        "per periode": "per_period",
        "cumulatief": "cumulative",
        "opgeteld": "cumulative",
        "laatste waarde": "latest",
        "laatste": "latest",
    },
    "disaggregation": {
        "geen": "",
        "uitbuitingsvorm": "exploitation_form",
        "per uitbuitingsvorm": "exploitation_form",
        "leeftijdsgroep": "age_group",
        "per leeftijdsgroep": "age_group",
    },
}

# What the sheet writes for each code: Dutch words that WORDS reads back.
LABELS = {
    "kind": {
        "number": "aantal",
        "percentage": "percentage",
        "yes_no": "ja/nee",
        "milestone": "mijlpaal",
    },
    "direction": {"up": "hoger is beter", "down": "lager is beter"},
    "combination": {
        "per_period": "per periode",
        "cumulative": "cumulatief",
        "latest": "laatste waarde",
    },
    "disaggregation": {
        "": "",
        "exploitation_form": "per uitbuitingsvorm",
        "age_group": "per leeftijdsgroep",
    },
}


def export_rows(actions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sheet rows from the document's actions (each with its `indicators`)."""
    rows = []
    for action in actions:
        for indicator in action.get("indicators") or []:
            row = {"action": action["code"], **indicator}
            baseline = row.pop("baseline", None) or {}
            row["baseline_value"] = baseline.get("value")
            row["baseline_date"] = baseline.get("date")
            row["targets"] = "; ".join(
                f"{t['date']}: {t['value']}" for t in row.get("targets") or []
            )
            for key, labels in LABELS.items():
                if isinstance(row.get(key), str):
                    row[key] = labels.get(row[key], row[key])
            rows.append(row)
    return rows


def read_row(values: dict[str, Any]) -> dict[str, Any]:
    """One sheet row (without its action) as an indicator in document form;
    what cannot be read is passed on as written, for the document checks."""
    from samen.core.importing.periods import NotADate, read_date

    out = dict(values)
    for key, words in WORDS.items():
        if isinstance(out.get(key), str):
            out[key] = words.get(out[key].strip().lower(), out[key].strip())
    if "baseline_value" in out or "baseline_date" in out:
        out["baseline"] = {
            "value": out.pop("baseline_value", None),
            "date": _iso(out.pop("baseline_date", None)),
        }
    if "targets" in out:
        text = str(out["targets"])
        targets: list[Any] = []
        for part in (p.strip() for p in re.split(r"[;\n]", text)):
            if not part:
                continue
            day, sep, value = part.rpartition(":")
            if not sep:
                return {**out, "targets": text}  # the checks say it is not a list
            try:
                date: Any = read_date(day.strip()).isoformat()
            except NotADate:
                date = day.strip()
            targets.append({"date": date, "value": value.strip()})
        out["targets"] = targets
    if isinstance(out.get("inferred"), str):
        out["inferred"] = [p.strip() for p in re.split(r"[,;]", out["inferred"]) if p.strip()]
    return out


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value

"""The small chart of an indicator on the action page: the values per round
and the straight line from the baseline to the targets (the on-track rule).
One Vega-Lite specification drawn by vl-convert (ADR 0005); the page puts the
same numbers in a table beside it, and `summary` is its text alternative."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samen.documents.charts import FONT, Chart

from .selectors import IndicatorProgress

REPORTED = "#01689b"
PATH = "#535353"


def chart(item: IndicatorProgress) -> Chart | None:
    indicator = item.indicator
    # The line plots the combined value: name it by its rule ("Stand (cumulatief)").
    label = (
        _("Standing (%(rule)s)") % {"rule": indicator.get_combination_display()}
        if indicator.combination != "per_period"
        else _("Reported")
    )
    reported = [
        {"date": r.period_end.isoformat(), "value": float(r.combined), "series": label}
        for r in item.rounds
        if r.combined is not None
    ]
    if not reported:
        return None
    path = []
    if indicator.baseline_value is not None and indicator.baseline_date is not None:
        path.append(
            {
                "date": indicator.baseline_date.isoformat(),
                "value": float(indicator.baseline_value),
                "series": _("Course to the target"),
            }
        )
    path += [
        {"date": t.date.isoformat(), "value": float(t.value), "series": _("Course to the target")}
        for t in indicator.targets.all()
    ]
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 4},
    }
    y = {"field": "value", "type": "quantitative", "title": indicator.unit or None}
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [label, _("Course to the target")] if path else [label],
            "range": [REPORTED, PATH] if path else [REPORTED],
        },
        "legend": {"orient": "bottom"},
    }
    layers: list[dict[str, Any]] = []
    if path:
        layers.append(
            {
                "data": {"values": path},
                "mark": {"type": "line", "strokeDash": [5, 4], "point": True},
                "encoding": {"x": x, "y": y, "color": colour},
            }
        )
    layers.append(
        {
            "data": {"values": reported},
            "mark": {"type": "line", "point": {"size": 60}, "strokeWidth": 3},
            "encoding": {"x": x, "y": y, "color": colour},
        }
    )
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 320,
        "height": 150,
        "layer": layers,
        "config": {"font": FONT, "view": {"stroke": None}},
    }
    if (get_language() or "nl").startswith("nl"):
        spec["config"]["locale"] = {
            "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
            "time": {
                "dateTime": "%a %e %B %Y %X",
                "date": "%d-%m-%Y",
                "time": "%H:%M:%S",
                "periods": ["", ""],
                "days": [
                    "zondag",
                    "maandag",
                    "dinsdag",
                    "woensdag",
                    "donderdag",
                    "vrijdag",
                    "zaterdag",
                ],
                "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
                "months": [
                    "januari",
                    "februari",
                    "maart",
                    "april",
                    "mei",
                    "juni",
                    "juli",
                    "augustus",
                    "september",
                    "oktober",
                    "november",
                    "december",
                ],
                "shortMonths": [
                    "jan",
                    "feb",
                    "mrt",
                    "apr",
                    "mei",
                    "jun",
                    "jul",
                    "aug",
                    "sep",
                    "okt",
                    "nov",
                    "dec",
                ],
            },
        }
    return Chart(f"indicator-{indicator.pk}", indicator.name, item.summary, spec)

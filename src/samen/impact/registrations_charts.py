"""The impact monitor's charts, each one Vega-Lite specification drawn by vl-convert
through the project's one chart module (`samen.documents.charts`, ADR 0005), with a text
alternative; the pages put the same numbers in a table beside each chart.

Suppressed cells are never drawn as 0: a line skips them (and says so in the text
alternative), a stacked bar shows them together as one "not published" segment (the
total minus the published parts, which anyone can work out from the published table) and
leaves out a year whose total is suppressed.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samen.documents.charts import FONT, WIDTH, Chart, render

from . import figure_text, snapshots
from .public_tables import ALL, PublishedTables, Table, number

PALETTE = ["#01689b", "#e17000", "#39870c", "#8b4a9c", "#d52b1e", "#696969", "#a90061"]
ESTIMATE_COLOUR = "#154273"


@functools.cache
def _locale(language: str) -> dict[str, Any]:
    """The d3 number and time format locale of a page language (vl-convert's own)."""
    import vl_convert as vlc

    name = "nl-NL" if language.startswith("nl") else "en-GB"
    return {"number": vlc.get_format_locale(name), "time": vlc.get_time_format_locale(name)}


def localised(spec: dict[str, Any]) -> dict[str, Any]:
    """Numbers (axes, labels, tooltips) as the page writes them: 11.418 and 2,5 on a Dutch
    page, 11,418 and 2.5 on an English one. The locale is part of the specification, so
    the rendering cache keeps the two languages apart."""
    spec.setdefault("config", {})["locale"] = _locale(get_language() or "nl")
    return spec


def _year_position(date: dt.date) -> float:
    """A date as a position on a year axis (2024-06-17 -> 2024.46)."""
    start = dt.date(date.year, 1, 1)
    return date.year + (date - start).days / 365.25


def _version_layers(versions: Sequence[Any], top: float) -> list[Any]:
    """Dashed vertical rules with a label for the plan versions."""
    import altair as alt

    if not versions:
        return []
    rows = [
        {"x": _year_position(v.date), "label": date_format(v.date, "M Y"), "y": top * (1 - i / 12)}
        for i, v in enumerate(versions)
    ]
    rule = (
        alt.Chart(alt.Data(values=rows))
        .mark_rule(strokeDash=[4, 3], color="#535353")
        .encode(x=alt.X("x:Q"))
    )
    text = (
        alt.Chart(alt.Data(values=rows))
        .mark_text(align="right", dx=-3, dy=4, fontSize=10, color="#535353")
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("label:N"))
    )
    return [rule, text]


def _x(years: list[int], versions: Sequence[Any]) -> Any:
    import altair as alt

    first = min([*years, *(v.date.year for v in versions)] or [2020])
    last = max([*years, *(v.date.year + 1 for v in versions)] or [2021])
    return alt.X(
        "x:Q",
        title=_("Year"),
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True),
    )


def trend(t: PublishedTables, versions: Sequence[Any]) -> Chart:
    """Registrations per year by register (lines), the estimates with their intervals
    (points and bars), the plan versions (dashed rules)."""
    import altair as alt

    series, told = [], []
    for column in t.totals.columns:
        shown, segment, previous = [], 0, None
        for year, cell in t.totals.column(column.code):
            if cell.value is None:
                continue  # no figure or not published: a gap, never a 0
            if previous is not None and year != previous + 1:
                segment += 1  # the line stops where a year is missing
            previous = year
            series.append({"x": year, "y": cell.value, "series": column.label, "segment": segment})
            shown.append(f"{year}: {number(cell.value)}")
        told.append(f"{column.label}: " + ", ".join(shown))
    estimate_label = _("Estimated number of victims")
    estimates, told_estimates = [], []
    for e in t.estimates:
        if e.exploitation_form or e.age_group or not e.per_year:
            continue  # an estimate for a part of the population or a whole period
        for year in range(e.year_from, e.year_to + 1):
            estimates.append(
                {"x": year, "y": e.estimate, "lo": e.lower, "hi": e.upper, "series": estimate_label}
            )
        interval = f" ({number(e.lower)}–{number(e.upper)})" if e.lower and e.upper else ""
        told_estimates.append(f"{e.period}: {number(e.estimate)}{interval}")
    labels = [c.label for c in t.totals.columns] + ([estimate_label] if estimates else [])
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=labels, range=[*PALETTE[: len(labels) - 1], ESTIMATE_COLOUR]
                        if estimates else PALETTE[: len(labels)]),
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=400),
    )  # fmt: skip
    years = t.years
    x = _x(years, versions)
    top = max([r["y"] or 0 for r in series] + [r["hi"] or r["y"] for r in estimates] + [10])
    y = alt.Y("y:Q", title=_("Number of victims"), axis=alt.Axis(format=",d"))
    layers = [
        alt.Chart(alt.Data(values=series))
        .mark_line(point=True)
        .encode(x=x, y=y, color=colour, detail="segment:N")
    ]
    if estimates:
        layers.append(
            alt.Chart(alt.Data(values=estimates))
            .mark_rule(strokeWidth=2)
            .encode(x="x:Q", y="lo:Q", y2="hi:Q", color=colour)
        )
        layers.append(
            alt.Chart(alt.Data(values=estimates))
            .mark_point(filled=True, size=60, shape="diamond")
            .encode(x="x:Q", y="y:Q", color=colour)
        )
    layers += _version_layers(versions, top)
    title = _("Registered presumed victims and the estimated total per year")
    chart = (
        alt.layer(*layers, width=WIDTH, height=260, title=title)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    description = "; ".join(told)
    if told_estimates:
        description += ". " + _("Estimated: %(values)s") % {"values": "; ".join(told_estimates)}
    if versions:
        description += ". " + _("Plan versions: %(dates)s") % {
            "dates": ", ".join(date_format(v.date, "F Y") for v in versions)
        }
    return Chart("trend", title, description, localised(chart.to_dict()))


def breakdowns(tables: Sequence[Table], key: str, title: str) -> Chart | None:
    """One faceted chart of the by-form (or by-age) tables of every register: stacked bars
    per year, one small multiple per register on the same scales (ADR 0005). Suppressed
    parts are shown together as one "not published" segment, years with a suppressed
    total are left out (and named). None without any table."""
    import altair as alt

    if not tables:
        return None
    hidden_label = _("Not published (small numbers)")
    rows, told = [], []
    labels: list[str] = []
    for table in tables:
        name = table.register.name if table.register else table.title
        parts = [c for c in table.columns if c.code != ALL]
        for c in parts:
            if c.label not in labels:
                labels.append(c.label)
        total_index = [c.code for c in table.columns].index(ALL)
        shown_years, left_out = [], []
        for row in table.rows:
            total = row.cells[total_index]
            if total.value is None:
                left_out.append(str(row.year))
                continue
            published = 0
            shown = []
            for column, cell in zip(table.columns, row.cells, strict=True):
                if column.code == ALL or cell.value is None:
                    continue
                published += cell.value
                rows.append(
                    {"register": name, "year": row.year, "part": column.label, "count": cell.value}
                )
                shown.append(f"{column.label} {number(cell.value)}")
            if total.value > published:
                rows.append({"register": name, "year": row.year, "part": hidden_label,
                             "count": total.value - published})  # fmt: skip
                shown.append(f"{hidden_label} {number(total.value - published)}")
            shown_years.append(f"{row.year}: " + ", ".join(shown))
        text = f"{name}: " + "; ".join(shown_years)
        if left_out:
            text += ". " + _("Not published: %(years)s") % {"years": ", ".join(left_out)}
        told.append(text)
    colours = dict(zip(labels, [*PALETTE[: len(labels) - 1], "#b4b4b4"], strict=False))
    colours[hidden_label] = "#ffffff"
    used = {r["part"] for r in rows}
    domain = [label for label in colours if label in used]
    registers = list(dict.fromkeys(r["register"] for r in rows))
    years = sorted({r["year"] for r in rows})
    columns = 1 if len(registers) == 1 else 2
    width = WIDTH if columns == 1 else (WIDTH - 40) // 2
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(stroke="#535353", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "year:O",
                title=_("Year"),
                scale=alt.Scale(domain=years),
                axis=alt.Axis(labelAngle=0 if columns == 1 else -90, labelOverlap=True),
            ),
            # One scale per register (their sizes differ a hundredfold); the title says what.
            y=alt.Y("count:Q", title=None, axis=alt.Axis(format=",d")),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[colours[label] for label in domain]),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=300),
            ),
            order=alt.Order("order:Q"),
        )
        .transform_calculate(order=f"indexof({json.dumps(domain)}, datum.part)")
        .properties(width=width, height=160 if columns == 1 else 120)
        .facet(
            facet=alt.Facet(
                "register:N", title=None, sort=registers, header=alt.Header(labelLimit=width)
            ),
            columns=columns,
            title=title,
        )
        .resolve_scale(y="independent")
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    return Chart(key, title, " | ".join(told), localised(chart.to_dict()))


def rates(t: PublishedTables, versions: Sequence[Any]) -> Chart | None:
    """Detection rate per year (points) with its interval (bars), by register."""
    import altair as alt

    rows, told = [], []
    for r in t.rates:
        if r.suppressed:
            continue
        d = r.rate
        v = d.values
        rows.append(
            {
                "x": (d.year_from + d.year_to) / 2,
                "y": v.rate,
                "lo": v.rate_lower if v.rate_lower is not None else v.rate,
                "hi": v.rate_upper if v.rate_upper is not None else v.rate,
                "series": d.register.name,
            }
        )
        told.append(f"{d.register.name} {d.period}: {percent(v.rate)} "
                    f"({percent(v.rate_lower)}–{percent(v.rate_upper)})")  # fmt: skip
    if not rows:
        return None
    labels = list(dict.fromkeys(r["series"] for r in rows))
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=labels, range=PALETTE[: len(labels)]),
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=400),
    )
    years = [int(r["x"]) for r in rows]
    top = max(r["hi"] for r in rows)
    layers = [
        alt.Chart(alt.Data(values=rows))
        .mark_rule(strokeWidth=2)
        .encode(x=_x(years, versions), y="lo:Q", y2="hi:Q", color=colour),
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True, size=60)
        .encode(
            x="x:Q",
            y=alt.Y("y:Q", title=_("Detection rate"), axis=alt.Axis(format=".0%")),
            color=colour,
        ),
        *_version_layers(versions, top),
    ]
    title = _("Detection rate: registered as a share of the estimated total")
    chart = (
        alt.layer(*layers, width=WIDTH, height=220, title=title)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    return Chart("rates", title, "; ".join(told), localised(chart.to_dict()))


def percent(value: float | None) -> str:
    """0.2668 -> "27 %" (`samen.impact.figure_text.percent`)."""
    return figure_text.percent(value)


@dataclass(frozen=True)
class DrawnChart(Chart):
    """A chart with its SVG drawn once, to be stored with the public tables."""

    drawn: bytes = b""

    def svg(self) -> str:
        return self.drawn.decode()

    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.drawn).decode()


def _drawn(chart: Chart | None) -> DrawnChart | None:
    if chart is None:
        return None
    return DrawnChart(
        chart.key, chart.title, chart.description, chart.spec, render(chart.spec, "svg")
    )


def effect_charts(t: PublishedTables, versions: Sequence[Any]) -> dict[str, Any]:
    """Every chart of the Effect page, drawn: "trend", "rates", and one faceted chart
    per kind of breakdown, "by_form" and "by_age" (a small multiple per register). Drawn
    once per set of published figures and language, and stored (`samen.impact.snapshots`)."""

    def draw() -> dict[str, Any]:
        charts = {
            "trend": trend(t, versions),
            "rates": rates(t, versions),
            "by_form": breakdowns(
                t.by_form, "by-form", _("Registered presumed victims per form of exploitation")
            ),
            "by_age": breakdowns(
                t.by_age, "by-age", _("Registered presumed victims per age group")
            ),
        }
        return {key: _drawn(chart) for key, chart in charts.items()}

    language = get_language() or "nl"
    return snapshots.stored(f"effect-charts:{t.threshold}:{language}", draw)

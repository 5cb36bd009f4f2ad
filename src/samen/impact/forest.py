"""The forest chart of a dataset's estimates: one row per finished run, its estimate as a
point and its interval as a line, on the project's one chart specification (Vega-Lite
through altair, drawn by `samen.documents.charts.render`; ADR 0005), with the numbers
formatted for the page's language. The page shows the
same numbers as a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samen.documents.charts import FONT, Chart

from .registrations_charts import localised

# Wider than the report's charts: at 1280 px the comparison page has room for the plot and
# for method names in full (label limit); a phone scrolls the chart sideways.
FOREST_WIDTH = 640
LABEL_LIMIT = 480


def _n(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def forest_chart(rows: Sequence[dict[str, Any]], observed: int) -> Chart | None:
    """A forest chart of `rows` (``label``, ``estimate``, ``lower``, ``upper``; an upper
    limit of None means none was found and the line runs to the chart's edge), with the
    number observed as a reference line. None when no row has an estimate."""
    import altair as alt

    rows = [r for r in rows if r.get("estimate") is not None]
    if not rows:
        return None
    finite = [v for r in rows for v in (r["estimate"], r["lower"], r["upper"]) if v is not None]
    edge = max(finite) * 1.1
    values = [
        {
            "label": r["label"],
            "estimate": r["estimate"],
            "lower": r["lower"] if r["lower"] is not None else r["estimate"],
            "upper": r["upper"] if r["upper"] is not None else edge,
        }
        for r in rows
    ]
    order = [v["label"] for v in values]
    title = _("Estimated total per method, with its interval")
    x_title = _("Estimated number of victims")
    base = alt.Chart(alt.Data(values=values))
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    lines = base.mark_rule(strokeWidth=2, color="#01689b").encode(
        y=y, x=alt.X("lower:Q", title=x_title, axis=alt.Axis(format=",d")), x2="upper:Q"
    )
    points = base.mark_point(filled=True, size=70, color="#154273").encode(y=y, x="estimate:Q")
    labels = base.mark_text(dy=-10, fontSize=10, color="#154273").encode(
        y=y, x="estimate:Q", text=alt.Text("estimate:Q", format=",d")
    )
    seen = (
        alt.Chart(alt.Data(values=[{"observed": observed}]))
        .mark_rule(strokeDash=[4, 4], color="#696969")
        .encode(x="observed:Q")
    )
    chart = (
        alt.layer(lines, points, labels, seen, width=FOREST_WIDTH, title=title)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    parts = []
    for r in rows:
        if r["upper"] is None:
            span = _("from %(lower)s, no upper limit") % {"lower": _n(r["lower"] or r["estimate"])}
        else:
            span = _("%(lower)s to %(upper)s") % {
                "lower": _n(r["lower"] or r["estimate"]),
                "upper": _n(r["upper"]),
            }
        parts.append(f"{r['label']}: {_n(r['estimate'])} ({span})")
    description = _("Observed on at least one list: %(observed)s. ") % {
        "observed": _n(observed)
    } + "; ".join(parts)
    return Chart("forest", title, description, localised(chart.to_dict()))

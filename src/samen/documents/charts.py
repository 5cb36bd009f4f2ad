"""The report's charts, specified once in Vega-Lite (built with altair) and
drawn by vl-convert: as SVG for web pages, HTML and PDF, as PNG for Word.

The same specification feeds every output, so the portal, the preview and the
documents show identical charts (ADR 0005). Rendering is cached per
specification, because a specification fully determines its picture.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .context import Group, ReportContext

# Rijkshuisstijl-like colours, one per status (same order as STATUS_ORDER).
COLOURS = {
    "on_track": "#39870c",
    "at_risk": "#e17000",
    "delayed": "#d52b1e",
    "completed": "#01689b",
    "not_started": "#8fcae7",
    "stopped": "#696969",
    "partly_reported": "#ffe9a8",
    "not_reported": "#cccccc",
}
WIDTH = 460
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # the text alternative
    spec: dict[str, Any]

    def svg(self) -> str:
        return render(self.spec, "svg").decode()

    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(render(self.spec, "svg")).decode()

    def png(self) -> bytes:
        return render(self.spec, "png")


def _count_axis(largest: int) -> Any:
    """Whole numbers only: there is no half an action."""
    import altair as alt

    return alt.Axis(format="d", tickMinStep=1, tickCount=min(largest, 10))


def _status_scale(ctx: ReportContext) -> Any:
    import altair as alt

    statuses = ctx.statuses
    return alt.Scale(
        domain=[label for _code, label in statuses],
        range=[COLOURS[code] for code, _label in statuses],
    )


def _stacked(ctx: ReportContext, key: str, title: str, rows: list[dict[str, Any]]) -> Chart:
    import altair as alt

    order = {label: i for i, (_code, label) in enumerate(ctx.statuses)}
    for row in rows:
        row["order"] = order[row["status"]]
    groups = list(dict.fromkeys(row["group"] for row in rows))
    widest = max([sum(r["count"] for r in rows if r["group"] == g) for g in groups] or [1])
    chart = (
        alt.Chart(alt.Data(values=rows), width=WIDTH, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=300)),
            x=alt.X("count:Q", title=_("Number of actions"), axis=_count_axis(widest)),
            color=alt.Color(
                "status:N",
                title=_("Status"),
                scale=_status_scale(ctx),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=300),
            ),
            order=alt.Order("order:Q"),
        )
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    description = "; ".join(
        f"{group}: "
        + ", ".join(f"{r['count']} {r['status'].lower()}" for r in rows if r["group"] == group)
        for group in groups
    )
    return Chart(key, title, description, chart.to_dict())


def _per_group(ctx: ReportContext, key: str, title: str, groups: list[Group]) -> Chart:
    rows = [
        {"group": g.title, "status": label, "count": g.counts[code]}
        for g in groups
        for code, label in ctx.statuses
        if g.counts[code]
    ]
    return _stacked(ctx, key, title, rows)


def status_per_line(ctx: ReportContext) -> Chart:
    return _per_group(ctx, "lines", _("Status of the actions per action line"), ctx.lines)


def status_per_form(ctx: ReportContext) -> Chart:
    return _per_group(ctx, "forms", _("Status of the actions per exploitation form"), ctx.forms)


def change(ctx: ReportContext) -> Chart | None:
    """Actions per status in the previous round and in this one."""
    import altair as alt

    if not ctx.previous_title:
        return None
    now, before = ctx.counts, ctx.previous_counts
    this_round, previous_round = _("This round"), _("Previous round")
    rows = []
    for code, label in ctx.statuses:
        rows.append({"status": label, "round": previous_round, "count": before[code]})
        rows.append({"status": label, "round": this_round, "count": now[code]})
    title = _("Actions per status: previous round and this round")
    chart = (
        alt.Chart(alt.Data(values=rows), width=WIDTH, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("status:N", title=None, sort=[label for _c, label in ctx.statuses]),
            yOffset=alt.YOffset("round:N", sort=[previous_round, this_round]),
            x=alt.X(
                "count:Q",
                title=_("Number of actions"),
                axis=_count_axis(max([*now.values(), *before.values(), 1])),
            ),
            color=alt.Color(
                "round:N",
                title=None,
                sort=[previous_round, this_round],
                scale=alt.Scale(range=["#b2d7ee", "#01689b"]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    description = "; ".join(
        _("%(status)s: %(before)s before, %(now)s now")
        % {"status": label, "before": before[code], "now": now[code]}
        for code, label in ctx.statuses
    )
    return Chart("change", title, description, chart.to_dict())


def charts(ctx: ReportContext) -> list[Chart]:
    out = [status_per_line(ctx), status_per_form(ctx)]
    moved = change(ctx)
    return [*out, moved] if moved else out


# --- rendering ------------------------------------------------------------------------

_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def render(spec: dict[str, Any], fmt: str) -> bytes:
    """SVG or PNG of a Vega-Lite specification (vl-convert, no browser)."""
    key = hashlib.sha256((fmt + json.dumps(spec, sort_keys=True)).encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    import vl_convert as vlc

    if fmt == "svg":
        out = vlc.vegalite_to_svg(spec).encode()
    elif fmt == "png":
        out = bytes(vlc.vegalite_to_png(spec, scale=2))
    else:
        raise ValueError(fmt)
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out

"""Template tags of the impact monitor: number formats and the block on each form of
exploitation's page (the plan's template loads it; the plan app imports nothing of ours)."""

from __future__ import annotations

from typing import Any

from django import template

from samen.impact import figure_text
from samen.impact.public_tables import MARK, Column, Row, Shown, Table, number, published_tables
from samen.impact.registrations_charts import percent

register = template.Library()


@register.filter
def count(value: Any) -> str:
    """A whole number with the language's thousands separator; "?" when unknown."""
    if value is None or value == "":
        return "?"
    return number(float(value))


@register.filter
def pct(value: Any) -> str:
    return percent(value)


@register.filter
def rate_text(values: Any) -> str:
    """A detection rate with its interval, as the report writes it too."""
    return figure_text.rate_text(values)


@register.filter
def dark_text(values: Any) -> str:
    return figure_text.dark_text(values)


@register.filter
def count_text(item: Any) -> str:
    """An estimate's count with its interval (anything with estimate, lower, upper)."""
    return figure_text.count_text(item.estimate, item.lower, item.upper)


@register.filter
def estimate_text(estimate: Any) -> str:
    """An estimate with its interval and "a year" when per year, as the report writes it."""
    return figure_text.estimate_text(estimate)


@register.filter
def estimate_value(estimate: Any) -> str:
    return figure_text.estimate_value(estimate)


@register.filter
def range_text(item: Any) -> str:
    return figure_text.range_text(item.lower, item.upper)


@register.filter
def period(start: Any, end: Any) -> str:
    """A period of years: "2013" for one year (never "2013–2013"), else "2011–2024"."""
    return str(start) if start == end else f"{start}–{end}"


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("impact/effect/_form_block.html")
def form_effect(form: Any) -> dict[str, Any]:
    """The published registrations of one form of exploitation per register and year, and
    the published estimates and detection rates for that form."""
    t = published_tables()
    columns, series = [], []
    for table in t.by_form:
        codes = [c.code for c in table.columns]
        if form.code not in codes:
            continue
        cells = {year: cell for year, cell in table.column(form.code) if not cell.missing}
        if cells:  # the register gives this form in some years
            columns.append(Column(table.register.code, table.register.name))
            series.append(cells)
    years = sorted({y for s in series for y in s})
    missing = Shown(None, missing=True)
    rows = tuple(Row(y, tuple(s.get(y, missing) for s in series)) for y in years)
    from django.utils.translation import gettext as _

    table = Table(
        key=f"form:{form.code}",
        kind="form",
        title=_("Presumed victims of %(form)s registered per year") % {"form": form.name.lower()},
        register=None,
        columns=tuple(columns),
        rows=rows,
    )
    return {
        "form": form,
        "table": table,
        "estimates": [
            e for e in t.estimates if e.exploitation_form and e.exploitation_form.pk == form.pk
        ],
        "rates": [
            r
            for r in t.rates
            if r.rate.exploitation_form and r.rate.exploitation_form.pk == form.pk
        ],
        "mark": MARK,
        "threshold": t.threshold,
    }


@register.filter
def source_text(value: Any) -> str:
    """A note, method or population definition of the bundled figures in the page's
    language (samen.impact.source_notes); anything else as written."""
    from samen.impact.source_notes import source_text as translated

    return translated(str(value)) if value else ""

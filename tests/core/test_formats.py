"""Dates read as each language writes them (issue 11, item 7)."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation


def test_short_dates_abbreviate_months_in_lower_case_in_dutch_only():
    template = Template(
        '{{ day|date:"SHORT_DATE_FORMAT" }} | {{ day|date:"SHORT_DATETIME_FORMAT" }}'
    )
    moment = dt.datetime(2026, 3, 3, 14, 5)
    with translation.override("nl"):
        assert template.render(Context({"day": moment})) == "3 mrt 2026 | 3 mrt 2026 14:05"
    with translation.override("en"):
        assert template.render(Context({"day": moment})) == "3 Mar 2026 | 3 Mar 2026 14:05"


def test_no_template_capitalises_dutch_months():
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "src" / "samen"
    offenders = [
        str(path.relative_to(source))
        for path in source.glob("**/templates/**/*.html")
        if '|date:"j M' in path.read_text() or "|date:'j M" in path.read_text()
    ]
    assert offenders == [], "use SHORT_DATE_FORMAT (samen.formats)"

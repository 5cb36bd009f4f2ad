"""The chapter Effect of the progress report (issue 10 item 7): registrations trend,
latest published estimate with interval and method, detection rate; only published
figures, suppressed, in every layer and format."""

import io
import re

import pytest
from docx import Document

from samen.documents import context, render
from samen.impact import publication
from tests.impact.figures import POLICE, build_figures

CELL_184 = re.compile(r"<td[^>]*>\s*184\s*</td>")  # 2021's registered total, as a table cell


@pytest.fixture
def effect(reported):
    figures = build_figures(reported.world)
    users = reported.users
    p = publication.propose_registrations(users.analyst, figures.police, 2020, 2022)
    publication.approve(users.programme, p)
    run = publication.propose_run(users.analyst, figures.run)
    publication.approve(users.programme, run)
    return reported, figures


def _docx_text(ctx):
    doc = Document(io.BytesIO(render.render(ctx, "docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return doc, text, cells


def test_no_chapter_while_nothing_is_published(reported):
    ctx = context.build(reported.round)
    assert "effect" not in [s.key for s in ctx.extra_sections]


def test_the_chapter_shows_trend_estimate_and_detection_rate(effect):
    reported, _figures = effect
    doc, text, cells = _docx_text(context.build(reported.round))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Effect" in headings
    assert headings.index("Effect") < headings.index("Bijlage: stand van alle acties")
    assert ["2021", "184"] in cells  # the registered total of 2021 (110 + 70 + 4)
    assert (
        "Laatst gepubliceerde schatting van het aantal slachtoffers (2021): 736 per jaar "
        "(600–900); methode: Drie lijsten 2021: SparseMSE (stapsgewijs)."
    ) in text
    rate = next(row for row in cells if row[:2] == ["2021", "Registraties van de politie"])
    assert rate[2:5] == ["184", "736 (600–900)", "25 % (20 %–31 %)"]
    assert "Ander register" not in text and not any("Ander register" in c for r in cells for c in r)


def test_the_public_report_shows_only_published_figures(effect):
    reported, figures = effect
    ctx = context.build(reported.round, "public", preview=True)
    html = render.render(ctx, "html").content.decode()
    assert "Effect" in html and CELL_184.search(html)
    publication.withdraw(reported.users.programme, figures.police.proposals.get(), "Fout")
    html = render.render(context.build(reported.round, "public", preview=True), "html")
    body = html.content.decode()
    assert not CELL_184.search(body)  # the registrations left with the withdrawal
    assert "736" in body  # the published estimate stays


def test_the_internal_report_says_what_awaits_a_decision(effect):
    reported, figures = effect
    publication.propose_registrations(reported.users.analyst, figures.other, 2020, 2022)
    _doc, text, _cells = _docx_text(context.build(reported.round))
    assert "1 voorstel om cijfers te publiceren wacht op het besluit van het programmateam" in text
    assert "Ander register" not in text  # proposed, not published: not in the chapter
    _doc, public_text, _cells = _docx_text(context.build(reported.round, "public", preview=True))
    assert "wacht op het besluit" not in public_text
    assert sum(POLICE[2021]) == 184


def _page_rows(html: str, caption: str) -> list[list[str]]:
    """The rows (header cell and data cells, as text) of the table with ``caption``."""
    from django.utils.html import strip_tags

    for table in re.findall(r"<table.*?</table>", html, re.S):
        if caption not in table:
            continue
        return [
            [" ".join(strip_tags(c).split()) for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", tr)]
            for tr in re.findall(r"<tr.*?</tr>", table, re.S)
        ][1:]
    raise AssertionError(f"no table {caption!r} on the page")


def test_the_report_and_the_effect_page_write_the_same_figures(effect, client):
    """One formatting for both: the same rounding (half up), interval, marks and "per
    year" in the report's chapter and on the public Effect page, on the same data."""
    reported, _figures = effect
    _doc, _text, cells = _docx_text(context.build(reported.round, "public", preview=True))
    page = client.get("/effect/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    page_rates = _page_rows(page, "Opsporingsgraad per jaar")
    report_rates = [row for row in cells if row[:2] == ["2021", "Registraties van de politie"]]
    assert report_rates and page_rates
    for row in report_rates:
        assert row[2:] in [r[2:] for r in page_rates], (row, page_rates)
    assert "25 % (20 %–31 %)" in report_rates[0]  # 184/736, 184/900, 184/600: half up

    page_estimates = _page_rows(page, "Gepubliceerde schattingen")
    report_estimates = [row for row in cells if row[:1] == ["2021"] and "per jaar" in row[1]]
    assert report_estimates
    assert report_estimates[0][1:3] == page_estimates[0][1:3] == ["736 per jaar", "600–900"]

    page_totals = _page_rows(
        page, "Geregistreerde vermoedelijke slachtoffers per jaar, per register"
    )
    report_totals = [r for r in cells if r and r[0] in {"2020", "2021", "2022"} and len(r) == 2]
    assert report_totals and all(r in page_totals for r in report_totals)


def test_percentages_and_counts_round_half_up():
    from samen.impact import figure_text

    assert figure_text.percent(0.125) == "13 %"  # Python's round() would say 12 %
    assert figure_text.percent(0.2668) == "27 %"  # not truncated to 26 %
    assert figure_text.percent(668 / 7000) == "10 %"  # 9.54 %: not 9 %
    assert figure_text.number(7152.5) == "7.153"

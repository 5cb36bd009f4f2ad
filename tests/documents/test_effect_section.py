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
    assert "Laatst gepubliceerde schatting (2021): 736 slachtoffers" in text
    assert "interval 600 tot 900; methode: Drie lijsten 2021: SparseMSE (stapsgewijs)." in text
    rate = next(row for row in cells if row[:2] == ["2021", "Registraties van de politie"])
    assert rate[2:5] == ["184", "736", "25 %"]
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

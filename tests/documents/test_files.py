"""The generated files, opened the way a reader would: Word through python-docx,
PDF through its text (pypdf) and as page pictures in test-artifacts/."""

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from samen.documents import context, render

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def report(reported, bundled_plan):
    return context.build(reported.round)


def _docx(ctx):
    return Document(io.BytesIO(render.render(ctx, "docx").content))


def test_docx_has_word_headings_contents_page_numbers_and_the_annex(report):
    doc = _docx(report)
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == [
        "Samenvatting",
        "Voortgang per actielijn",
        "Per vorm van uitbuiting",
        "Acties met risico of vertraging",
        "Bijlage: stand van alle acties",
    ]
    assert ("Heading 3", "A.1 " + report.actions[0].title) in headings
    body = doc.element.body.xml
    assert 'TOC \\o "1-2"' in body  # a real table-of-contents field
    # ...whose shown result already lists the chapters and sections, so a word
    # processor that does not update fields still shows the contents.
    contents = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert contents == [text for style, text in headings if style in ("Heading 1", "Heading 2")]
    assert contents[0] == "Samenvatting" and len(contents) > len(level1)
    toc_xml = "".join(p._p.xml for p in doc.paragraphs if p.style.name.startswith("toc "))
    assert toc_xml.count('w:fldCharType="begin"') == 1
    end = [p for p in doc.paragraphs if "(F9)" in p.text]
    assert len(end) == 1 and 'w:fldCharType="end"' in end[0]._p.xml
    footer = doc.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    title = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert title == [report.title]


def test_docx_and_pdf_properties_name_the_report_the_programme_and_the_day(report):
    import datetime as dt

    from django.utils import timezone

    properties = _docx(report).core_properties
    assert properties.title == f"{report.title} · {report.round_title}"
    assert properties.author == "Programmateam Samen tegen mensenhandel"
    assert properties.category == "Voortgangsrapportage"
    assert "python-docx" not in properties.comments
    assert abs(properties.created - timezone.now()) < dt.timedelta(minutes=5)
    metadata = PdfReader(io.BytesIO(render.render(report, "pdf").content)).metadata
    assert metadata.title == f"{report.title} · {report.round_title}"
    assert metadata.author == "Programmateam Samen tegen mensenhandel"
    assert metadata.creation_date.year == timezone.now().year


def test_docx_annex_has_one_row_per_action_and_repeats_its_header(report):
    doc = _docx(report)
    annex = doc.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == [
        "Actie",
        "Titel",
        "Actielijn",
        "Actiehouders",
        "Status",
    ]
    rows = [[c.text for c in row.cells] for row in annex.rows[1:]]
    assert [r[0] for r in rows] == ["A.1", "A.2", "A.3"]
    assert rows[0][4] == "Risico" and rows[1][4] == "Geen goedgekeurde rapportage"
    for table in doc.tables:
        assert 'w:tblHeader w:val="true"' in table.rows[0]._tr.xml


def test_docx_embeds_the_charts_with_alt_text(report):
    doc = _docx(report)
    pictures = doc.inline_shapes
    assert len(pictures) == 3  # per action line, per form, change since the previous round
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert descriptions[0].startswith("Status van de acties per actielijn")
    for shape in pictures:
        blob = doc.part.related_parts[
            shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        ].blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 5_000


def test_docx_shows_the_programme_teams_text_with_its_emphasis(report):
    doc = _docx(report)
    runs = [r for p in doc.paragraphs for r in p.runs]
    forty = [r for r in runs if r.text == "Forty"]
    assert forty and forty[0].bold
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "PARTNERWORD" not in text and "UNAPPROVEDWORD" not in text


def test_pdf_text_and_pages(report):
    content = render.render(report, "pdf").content
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Voortgangsrapportage",
        "Inhoud",
        "Samenvatting",
        "Bijlage: stand van alle acties",
        "A.1",
        "Forty people trained",
        "Risico",
    ):
        assert expected in text
    assert "PARTNERWORD" not in text
    assert len(reader.pages) >= 5
    # Page numbers in the footer ("3 / 7") and in the contents.
    assert f"3 / {len(reader.pages)}" in text
    # Page pictures for a human look (test-artifacts/ is not committed).
    import pypdfium2

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = pypdfium2.PdfDocument(content)
    for index in range(min(3, len(pdf))):
        pdf[index].render(scale=1).to_pil().save(ARTIFACTS / f"report-page-{index + 1}.png")
    assert (ARTIFACTS / "report-page-1.png").stat().st_size > 10_000


def test_html_is_one_self_contained_document(report):
    html = render.render(report, "html").content.decode()
    assert html.startswith("<!doctype html>")
    assert '<html lang="nl">' in html
    assert html.count('src="data:image/svg+xml;base64,') == 3
    assert "<style>" in html and 'href="http' not in html
    assert "<strong>Forty</strong> people trained." in html


def test_english_report(reported):
    ctx = context.build(reported.round, language="en")
    doc = _docx(ctx)
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1[0] == "Summary" and level1[-1] == "Annex: status of every action"


def budget_section(ctx):
    from samen.documents.context import Section, Table

    return [
        Section(
            "budget",
            "Budget en moties",
            ["Een sectie die een andere app aanlevert."],
            [Table("Budget per jaar", ["Jaar", "Bedrag"], [["2026", "EUR 2.500.000"]])],
        )
    ]


def test_other_apps_add_sections_through_the_extension_point(reported, settings):
    settings.SAMEN_REPORT_SECTIONS = ["tests.documents.test_files.budget_section"]
    ctx = context.build(reported.round)
    doc = _docx(ctx)
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1[-2:] == ["Budget en moties", "Bijlage: stand van alle acties"]
    assert any(t.rows[1].cells[1].text == "EUR 2.500.000" for t in doc.tables)
    html = render.render(ctx, "html").content.decode()
    assert '<a href="#budget">Budget en moties</a>' in html and "EUR 2.500.000" in html

"""The progress report's budget and motions sections (issue 6), built from the
real budget and motions of the report's year, in every format and layer."""

import io
from decimal import Decimal

import pytest
from docx import Document

from samen.budget.models import Allocation, FundingLine, Spending
from samen.documents import context, render, services
from samen.parliament.models import Motion
from samen.plan.models import Action
from samen.reporting.publication import publish_round
from tests.plan.factories import OrganisationFactory


@pytest.fixture
def money(reported):
    a1 = Action.objects.get(code="A.1")
    a3 = Action.objects.get(code="A.3")
    line = FundingLine.objects.create(
        code="regeerakkoord",
        name_nl="Structureel programmabudget",
        ministry=OrganisationFactory(code="jenv", short_name="JenV", name="Justitie en Veiligheid"),
        amount_per_year=Decimal("2000000.00"),
        start_year=2023,
    )
    Allocation.objects.create(funding_line=line, action=a1, year=2026, amount=Decimal("1500000"))
    Allocation.objects.create(funding_line=line, action=a3, year=2026, amount=Decimal("750000.50"))
    Spending.objects.create(
        round=reported.round, funding_line=line, action=a1, year=2026, amount=Decimal("123456.78")
    )
    # Another year's money must not show in a 2026 report.
    Allocation.objects.create(funding_line=line, action=a3, year=2025, amount=Decimal("999.99"))
    motion = Motion.objects.create(
        code="motie-1",
        kamerstuk="28 638-250",
        title_nl="Motie over meer aandacht voor arbeidsuitbuiting",
        status=Motion.Status.IN_PROGRESS,
        answer_nl="Uitgevoerd via actie A.1.",
    )
    motion.actions.add(a1)
    Motion.objects.create(
        code="toezegging-2", kind="commitment", title_nl="Toezegging zonder actie"
    )
    return reported


def _doc(ctx):
    return Document(io.BytesIO(render.render(ctx, "docx").content))


def _table_with(doc, text):
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if any(text in cell for row in rows for cell in row):
            return rows
    raise AssertionError(f"no table holds {text!r}")


def test_the_report_has_a_budget_and_a_motions_section_before_the_annex(money):
    ctx = context.build(money.round)
    doc = _doc(ctx)
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1[-3:] == [
        "Budget 2026",
        "Moties en toezeggingen",
        "Bijlage: stand van alle acties",
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    # 2,000,000 available; 1,500,000 + 750,000.50 allocated: over-allocated by 250,000.50.
    assert (
        "In 2026 heeft het programma € 2.000.000,00 beschikbaar uit 1 financieringsbron; "
        "daarvan is € 2.250.000,50 aan acties toegewezen en € 123.456,78 uitgegeven."
    ) in text.replace("\u00a0", " ")
    assert "Uitgaven gerapporteerd in deze ronde: € 123.456,78." in text.replace("\u00a0", " ")
    assert "€ 250.000,50 hoger dan de financieringsbron" in text.replace("\u00a0", " ")
    lines = _table_with(doc, "Structureel programmabudget")
    assert lines[0] == [
        "Financieringsbron",
        "Beschikbaar",
        "Toegewezen",
        "Uitgegeven",
        "Nog niet toegewezen",
    ]
    assert lines[1] == [
        "Structureel programmabudget (JenV)",
        "2.000.000,00",
        "2.250.000,50",
        "123.456,78",
        "-250.000,50",
    ]
    assert "999,99" not in "\n".join(str(_table_with(doc, "Structureel programmabudget")))
    motions = _table_with(doc, "28 638-250")
    assert motions[0] == ["Motie of toezegging", "Titel", "Status", "Acties", "Antwoord"]
    row = next(r for r in motions if r[0] == "28 638-250")
    assert row[1:] == [
        "Motie over meer aandacht voor arbeidsuitbuiting",
        "In uitvoering",
        "A.1",
        "Uitgevoerd via actie A.1.",
    ]
    # Without a Kamerstuk number the title says which one it is, never our code.
    assert ["—", "Toezegging zonder actie", "Open", "—", "—"] in motions
    contents = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert "Budget 2026" in contents and "Moties en toezeggingen" in contents


def test_the_same_sections_in_html_pdf_and_english(money):
    html = render.render(context.build(money.round), "html").content.decode()
    assert 'href="#budget">Budget 2026</a>' in html and 'href="#motions">' in html
    assert "123.456,78" in html and "28 638-250" in html
    english = render.render(context.build(money.round, language="en"), "html").content.decode()
    assert "Motions and commitments" in english and "€123,456.78" in english
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(render.render(context.build(money.round), "pdf").content))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Moties en toezeggingen" in pdf_text and "28 638-250" in pdf_text


def test_the_public_report_shows_the_funding_lines_but_no_allocations_or_spending(money):
    published = publish_round(money.users.programme, money.round)
    ctx = context.build(published, layer="public")
    html = render.render(ctx, "html").content.decode().replace("\u00a0", " ")
    assert "Budget 2026" in html and "€ 2.000.000,00" in html
    assert "2.250.000,50" not in html and "123.456,78" not in html
    assert "Toegewezen" not in html
    assert "28 638-250" in html  # motions are public facts


def test_a_stored_report_is_made_anew_when_the_budget_or_a_motion_changes(money):
    before = services.source_fingerprint(money.round, "report")
    assert services.source_fingerprint(money.round, "report") == before
    allocation = Allocation.objects.get(action__code="A.3", year=2026)
    allocation.amount = Decimal("1.00")
    allocation.save()
    after_budget = services.source_fingerprint(money.round, "report")
    assert after_budget != before
    Motion.objects.filter(code="motie-1").update(status=Motion.Status.DONE)
    assert services.source_fingerprint(money.round, "report") != after_budget


def test_without_budget_or_motions_there_are_no_empty_sections(reported):
    doc = _doc(context.build(reported.round))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Budget 2026" not in level1 and "Moties en toezeggingen" not in level1


def test_the_sections_take_a_fixed_number_of_queries(money):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            context.build(money.round)
        return len(captured)

    queries()  # the first build also stores the public impact tables
    before = queries()
    line = FundingLine.objects.create(
        code="versterking",
        name_nl="Versterking",
        amount_per_year=Decimal("500000"),
        start_year=2024,
    )
    for i, action in enumerate(Action.objects.all()):
        Spending.objects.create(
            round=money.round, funding_line=line, action=action, year=2026, amount=Decimal(i)
        )
        Motion.objects.create(code=f"extra-{i}", title_nl=f"Motie {i}").actions.add(action)
    assert queries() == before

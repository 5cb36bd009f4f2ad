"""Allocations from the corpus: codes in any case, ambiguous amounts refused,
hidden sheets and rows skipped, a mistyped heading named."""

from decimal import Decimal as D

import pytest

from samen.budget import spreadsheet
from samen.plan import document as doc
from tests.budget.conftest import users  # noqa: F401
from tests.budget.factories import FundingLineFactory
from tests.plan.factories import ActionFactory

from . import corpus


@pytest.fixture
def funding(db):
    ActionFactory(code="U.1")
    ActionFactory(code="U.2")
    return FundingLineFactory(
        code="coalitieakkoord",
        name_nl="Structureel programmabudget",
        amount_per_year=D("2000000.00"),
        start_year=2023,
    )


def errors(built):
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        spreadsheet.read_allocations(built[1], built[0])
    return [str(e) for e in info.value.errors]


def test_action_codes_match_in_any_case(funding):
    name, content = corpus.allocations_lowercase_codes()
    rows = spreadsheet.read_allocations(content, name)
    assert [(r.action, r.amount) for r in rows] == [("U.1", D("12500.00")), ("U.2", D("800.00"))]


def test_an_amount_with_a_point_and_one_decimal_is_refused_with_the_reason(funding):
    assert errors(corpus.allocations_ambiguous_amount()) == [
        'toewijzingen-punt.xlsx, tabblad "Toewijzingen", rij 2, kolom D ("Bedrag"): "12.5" is '
        "dubbelzinnig: in het Nederlands scheidt de punt duizendtallen, in het Engels is het het "
        "decimaalteken. Schrijf 12,50 voor 12,50 euro, of het hele bedrag zonder punt"
    ]


def test_a_mistyped_amount_heading_is_named_with_the_field_it_looks_like(funding):
    assert errors(corpus.allocations_hidden_row_and_typo()) == [
        'toewijzingen-tikfout.xlsx, tabblad "Toewijzingen", rij 1: verplichte kolom '
        "'Bedrag' ontbreekt (of 'amount', 'bedrag (€)', 'bedrag in euro')",
        'toewijzingen-tikfout.xlsx, tabblad "Toewijzingen", rij 1, kolom D ("Bedragg"): deze '
        "kolomkop wordt niet gebruikt, maar lijkt op 'Bedrag'; bedoelt u die kolom? Pas de "
        "kolomkop aan, of koppel hem in de import op het web",
    ]


def test_hidden_sheets_and_rows_are_skipped(funding):
    name, content = corpus.allocations_hidden_rows()
    rows = spreadsheet.read_allocations(content, name)
    assert [(r.action, r.year, r.amount) for r in rows] == [("U.1", 2025, D("100.00"))]


def test_a_dry_run_lists_every_change_field_by_field(funding, users):  # noqa: F811
    from samen.budget import services
    from tests.budget.factories import AllocationFactory

    AllocationFactory(funding_line=funding, action__code="U.3", year=2025, amount=D("100.00"))
    rows = spreadsheet.read_allocations(
        corpus.xlsx(
            [["U.3", "coalitieakkoord", 2025, "12,50"], ["u.1", "coalitieakkoord", 2025, 5]],
            corpus.ALLOCATION_HEADERS,
            sheet="Toewijzingen",
        ),
        "toewijzingen.xlsx",
    )
    report = services.import_allocations(users.programme, rows, dry_run=True)
    assert report.lines()[1:] == [
        "Toewijzing 2025 U.3 Structureel programmabudget: gewijzigd",
        "    Bedrag: €\u00a0100,00 → €\u00a012,50",
        "Toewijzing 2025 U.1 Structureel programmabudget: nieuw",
        "    Financieringsbron: – → Structureel programmabudget",
        "    Actie: – → U.1",
        "    Jaar: – → 2025",
        "    Bedrag: – → €\u00a05,00",
        "Proefrun: er is niets opgeslagen.",
    ]


def test_the_allocations_import_says_how_it_read_the_file(funding):
    name, content = corpus.allocations_hidden_rows()
    understood = []
    spreadsheet.read_allocations(content, name, understood)
    assert understood == [
        'Tabblad "Toewijzingen" gelezen als toewijzingen.',
        'Kolomkoppen van tabblad "Toewijzingen" (rij 1):',
        '  kolom A "Actie" → Actie',
        '  kolom B "Financieringsbron" → Financieringsbron',
        '  kolom C "Jaar" → Jaar',
        '  kolom D "Bedrag" → Bedrag',
        'Verborgen tabblad "Begroting" overgeslagen.',
        'Verborgen rijen in tabblad "Toewijzingen" overgeslagen: 3.',
    ]

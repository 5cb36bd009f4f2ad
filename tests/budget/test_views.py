"""The budget screens as people use them, and the rules that guard them."""

import html
import io
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from samen.budget.models import Allocation, Spending
from samen.core.models import AuditEvent
from tests.plan.factories import ActionFactory, ActionLineFactory

from .factories import AllocationFactory, FundingLineFactory, SpendingFactory


@pytest.fixture
def budget(db):
    struct = FundingLineFactory(
        code="struct", name_nl="Structureel", amount_per_year=D("2000000.00"), start_year=2023
    )
    extra = FundingLineFactory(
        code="extra",
        name_nl="Versterking",
        amount_per_year=D("500000.00"),
        start_year=2024,
        end_year=2027,
    )
    line = ActionLineFactory(number=1, code="L1", name_nl="Bewustwording")
    action = ActionFactory(code="A.1", action_line=line, forms=["sexual"], title_nl="Campagne")
    AllocationFactory(funding_line=struct, action=action, year=2025, amount=D("1500000.25"))
    AllocationFactory(funding_line=extra, action=action, year=2025, amount=D("525000.00"))
    SpendingFactory(funding_line=struct, action=action, year=2025, amount=D("0.75"))
    return action


def text(response):
    """What a reader sees: the page without tags, entities resolved, spaces collapsed."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", page.replace("\xa0", " ")).replace(" ,", ",")


def test_the_budget_page_shows_the_year_in_dutch_euros(client, users, budget):
    client.force_login(users.viewer)
    response = client.get("/budget?year=2025")
    assert response.status_code == 200
    page = text(response)
    assert "Structureel € 2.000.000,00 € 1.500.000,25 € 0,75 € 499.999,75" in page
    assert "Versterking € 500.000,00 € 525.000,00 boven de bron € 0,00 € -25.000,00" in page
    assert "Totaal 2025 € 2.500.000,00 € 2.025.000,25 € 0,75 € 474.999,75" in page
    # The warning names the line and by how much it is over.
    assert "“Versterking” (€ 525.000,00)" in page and "€ 25.000,00" in page
    assert "Actielijn 1: Bewustwording € 2.025.000,25 € 0,75" in page
    # Viewers read; only the programme team sees the buttons that change.
    assert "Toewijzing toevoegen" not in page


def test_the_budget_page_refuses_an_unknown_year_by_name(client, users, budget):
    client.force_login(users.programme)
    response = client.get("/budget?year=1999")
    assert response.status_code == 400
    assert "'year'" in text(response) and "2023" in text(response)


def test_anonymous_visitors_are_sent_to_log_in(client, budget):
    for url in (
        "/budget",
        "/budget/boekingen",
        "/budget/toewijzingen.csv",
        "/budget/toewijzingen/nieuw",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/inloggen"), url


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_only_the_programme_team_changes_the_budget(client, users, budget, role):
    client.force_login(getattr(users, role))
    allocation = Allocation.objects.first()
    form = {
        "action": "A.1",
        "funding_line": "struct",
        "year": "2026",
        "amount": "10",
        "version": "1",
    }
    for method, url in (
        ("get", "/budget/toewijzingen/nieuw"),
        ("post", "/budget/toewijzingen/nieuw"),
        ("post", f"/budget/toewijzingen/{allocation.pk}"),
        ("post", f"/budget/toewijzingen/{allocation.pk}/verwijderen"),
        ("post", "/budget/uitgaven/nieuw"),
        ("get", "/budget/importeren"),
    ):
        response = getattr(client, method)(url, form)
        assert response.status_code == 403, (method, url)
    assert (
        Allocation.objects.count() == 2
        and Allocation.objects.get(pk=allocation.pk).amount == allocation.amount
    )
    assert not AuditEvent.objects.filter(object_type__startswith="budget.").exists()


def test_the_programme_team_allocates_in_dutch_notation_and_sees_the_warning(client, users, budget):
    client.force_login(users.programme)
    response = client.post(
        "/budget/toewijzingen/nieuw",
        {
            "action": "A.1",
            "funding_line": "extra",
            "year": "2026",
            "amount": "€ 510.000,50",
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    created = Allocation.objects.get(year=2026)
    assert created.amount == D("510000.50")
    assert (
        "In 2026 zijn de toewijzingen uit “Versterking” (€ 510.000,50) € 10.000,50 hoger"
        in text(response)
    )
    assert AuditEvent.objects.for_object(created).get().after["amount"] == "510000.50"


def test_a_bad_amount_is_explained_at_the_field(client, users, budget):
    client.force_login(users.programme)
    response = client.post(
        "/budget/toewijzingen/nieuw",
        {"action": "A.1", "funding_line": "extra", "year": "2026", "amount": "1,234.56"},
    )
    assert response.status_code == 400
    assert "1.250.000,00" in text(response)  # how to write it
    assert not Allocation.objects.filter(year=2026).exists()


def test_a_stale_edit_gets_a_conflict_and_keeps_what_was_typed(client, users, budget):
    client.force_login(users.programme)
    allocation = Allocation.objects.get(funding_line__code="struct")
    form = {
        "action": "A.1",
        "funding_line": "struct",
        "year": "2025",
        "amount": "1,00",
        "version": "1",
    }
    assert client.post(f"/budget/toewijzingen/{allocation.pk}", form).status_code == 302
    form["amount"] = "2,00"
    response = client.post(f"/budget/toewijzingen/{allocation.pk}", form)
    assert response.status_code == 409
    assert "€ 1,00" in text(response) and 'value="2,00"' in response.content.decode()
    assert Allocation.objects.get(pk=allocation.pk).amount == D("1.00")


def test_spending_is_recorded_and_deleted(client, users, budget):
    client.force_login(users.programme)
    response = client.post(
        "/budget/uitgaven/nieuw",
        {"round": "", "action": "A.1", "funding_line": "extra", "year": "2025", "amount": "12,34"},
    )
    assert response.status_code == 302
    spent = Spending.objects.get(funding_line__code="extra")
    assert spent.amount == D("12.34")
    response = client.post(f"/budget/uitgaven/{spent.pk}/verwijderen", {"version": "1"})
    assert response.status_code == 302 and not Spending.objects.filter(pk=spent.pk).exists()
    assert AuditEvent.objects.filter(object_type="budget.spending", kind="delete").exists()


def test_upload_with_errors_lists_them_and_writes_nothing(client, users, budget):
    client.force_login(users.programme)
    wb = Workbook()
    wb.active.title = "Toewijzingen"
    wb.active.append(["Actie", "Financieringsbron", "Jaar", "Bedrag"])
    wb.active.append(["A.1", "struct", 2026, 100])
    wb.active.append(["X.1", "struct", 2026, 100])
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "begroting.xlsx"
    response = client.post("/budget/importeren", {"file": upload})
    assert response.status_code == 400
    assert (
        'begroting.xlsx, tabblad "Toewijzingen", rij 3, kolom A ("Actie"): onbekende actie \'X.1\''
        in text(response)
    )
    assert not Allocation.objects.filter(year=2026).exists()


def test_exports_are_exact(client, users, budget):
    client.force_login(users.analyst)
    response = client.get("/budget/toewijzingen.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "A.1;Campagne;struct;2025;1500000,25;" in body
    response = client.get("/budget/toewijzingen.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "A.1;Campagne;struct;2025;;0,75" in client.get("/budget/uitgaven.csv").content.decode()


def test_the_action_page_shows_its_funding_to_signed_in_roles_only(client, users, budget):
    assert "1.500.000,25" not in text(client.get("/acties/A.1"))
    assert "Log in om te zien hoeveel geld aan deze actie is toegewezen" in text(
        client.get("/acties/A.1")
    )
    client.force_login(users.holder)
    page = text(client.get("/acties/A.1"))
    assert "2025 Structureel € 1.500.000,25 € 0,75" in page


def test_the_coverage_matrix_switches_to_money(client, users, budget):
    counts = text(client.get("/dekking?measure=amount&year=2025"))
    assert "€ 2.025.000,25" not in counts  # anonymous: counts only, with a note
    client.force_login(users.viewer)
    response = client.get("/dekking?measure=amount&year=2025")
    page = text(response)
    assert "€ 2.025.000,25" in page
    assert 'name="measure" value="amount" id="measure-amount" checked' in response.content.decode()
    # The tabs keep the measure.
    assert "columns=ageGroup&amp;measure=amount&amp;year=2025" in response.content.decode()
    # An htmx request gets the money table only.
    fragment = client.get(
        "/dekking?measure=amount&year=2025&columns=ageGroup", HTTP_HX_REQUEST="true"
    )
    assert fragment.content.decode().lstrip().startswith("<div") and "€" in text(fragment)


def test_the_budget_page_does_not_grow_with_the_plan(client, users, budget):
    client.force_login(users.viewer)
    line = ActionLineFactory(number=2, code="L2")

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ("/budget?year=2025", "/dekking?measure=amount&year=2025")
    before = [queries(url) for url in urls]
    struct = budget.allocations.first().funding_line
    for i in range(30):
        action = ActionFactory(action_line=line, forms=["labour", "criminal"], ages=["minors"])
        AllocationFactory(funding_line=struct, action=action, year=2025, amount=D("1.01") * i)
        SpendingFactory(funding_line=struct, action=action, year=2025)
    assert [queries(url) for url in urls] == before


def test_in_english_amounts_are_written_the_english_way(client, users, budget):
    client.force_login(users.viewer)
    client.post("/i18n/setlang", {"language": "en", "next": "/budget"})
    page = text(client.get("/budget?year=2025"))
    assert "Where the money goes in 2025" in page
    assert "Structureel €2,000,000.00 €1,500,000.25 €0.75 €499,999.75" in page

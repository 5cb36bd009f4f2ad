"""The programme team follows the money in a real browser: the budget page per
year, the coverage matrix in euros, motions and the actions that carry them out."""

import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from samen.accounts.models import User

from .conftest import axe_violations

PASSWORD = "budget-test-pw-9"


@pytest.fixture
def live_budget(live_plan):
    """The bundled plan, funding lines and motions, a programme-team account and
    the demo allocations (labelled as demo data)."""
    out = open(os.devnull, "w")  # noqa: SIM115
    call_command("load_budget", stdout=out)
    call_command("load_motions", stdout=out)
    User.objects.create_user("programma", password=PASSWORD, role=User.Role.PROGRAMME)
    call_command("load_budget", "--demo", stdout=out)


def log_in(page):
    page.goto("/inloggen?next=/budget")
    # By field name: the login screen's own labels belong to the accounts app.
    page.locator("input[name=username]").fill("programma")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_the_budget_page_per_year(page, live_budget):
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Waar het geld naartoe gaat in \d{4}")
    )
    page.get_by_role("navigation", name="Begrotingsjaar").get_by_role("link", name="2025").click()
    expect(page).to_have_url(re.compile(r"/budget\?year=2025$"))
    totals = page.get_by_role("table", name=re.compile("per financieringsbron in 2025")).locator(
        "tfoot"
    )
    expect(totals).to_contain_text("€ 2.500.000,00")  # the envelope: 2 million + 0.5 million
    expect(page.get_by_text("demogegevens").first).to_be_visible()
    assert axe_violations(page) == []
    # 2027 is over-allocated in the demo: the warning names the funding line.
    page.get_by_role("navigation", name="Begrotingsjaar").get_by_role("link", name="2027").click()
    warning = page.locator(".samen-budget-warnings")
    expect(warning).to_contain_text("Extra middelen voor het versterkte actieplan")
    expect(warning).to_contain_text("€ 25.000,00 hoger")
    assert axe_violations(page) == []


def test_the_coverage_matrix_switches_to_money_and_back(page, live_budget):
    log_in(page)
    page.goto("/dekking")
    expect(page.locator("#coverage caption")).to_contain_text("Aantal acties")
    page.get_by_label("Toegewezen geld (euro)").check()
    page.get_by_label("Jaar").select_option("2025")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"measure=amount.*year=2025"))
    caption = page.locator("#coverage caption")
    expect(caption).to_contain_text("Toegewezen geld in 2025")
    expect(page.locator("#coverage tfoot")).to_contain_text("€ 2.400.000,00")  # demo: 95% + 100%
    assert axe_violations(page) == []
    # The tabs keep the money; the keyboard reaches the switch.
    page.get_by_role("link", name="Actielijn × Leeftijdsgroep").click()
    expect(page.locator("#coverage thead")).to_contain_text("Minderjarigen")
    expect(page.locator("#coverage caption")).to_contain_text("Toegewezen geld in 2025")
    page.get_by_label("Aantal acties").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Toon").press("Enter")
    expect(page.locator("#coverage caption")).to_contain_text("Aantal acties")


def test_motions_and_the_actions_that_carry_them_out(page, live_budget):
    page.goto("/moties")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moties en toezeggingen")
    assert axe_violations(page) == []
    page.get_by_role(
        "link", name="Motie over een fundamentele herziening van het actieplan"
    ).click()
    expect(page.locator(".samen-facts")).to_contain_text("S.1 Klantaanpak")
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile(r"^S\.1 Klantaanpak")).click()
    expect(page.get_by_role("heading", name="Moties en toezeggingen")).to_be_visible()
    expect(page.get_by_text("verband afgeleid").first).to_be_visible()
    assert axe_violations(page) == []


# Axe on every budget and motions screen: tests/browser/test_reflow.py.

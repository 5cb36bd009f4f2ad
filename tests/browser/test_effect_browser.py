"""A reader opens the Effect page in a real browser: the menu leads there, the chart and
its table show the registrations, the estimate and the detection rate, small numbers are
suppressed; axe-core clean; no page wider than a phone. The analyst imports a table."""

import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from samen.accounts.models import User
from samen.impact.models import PublicationProposal, Register, Registration
from samen.plan.models import ExploitationForm

from .conftest import axe_violations, smallest_chart_text

PASSWORD = "impact-test-pw-9"


@pytest.fixture
def live_impact(live_plan):
    call_command("load_impact", stdout=open(os.devnull, "w"))  # noqa: SIM115
    comensha = Register.objects.get(code="comensha")
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    for code, n in (("sexual", 500), ("labour", 200), ("organ-removal", 4)):
        Registration.objects.create(
            register=comensha, year=2021, exploitation_form=forms[code], count=n
        )
    # The programme team approves the register's figures as they now are (figures added
    # after an approval wait for a new one).
    PublicationProposal.objects.filter(register=comensha, state="approved").update(
        decided_at=timezone.now()
    )
    User.objects.create_user("analist", password=PASSWORD, role=User.Role.ANALYST)


def test_the_effect_page_in_a_browser(page, live_impact):
    page.set_default_timeout(30_000)  # the first chart drawing starts vl-convert's engine
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Effect").click()
    expect(page).to_have_url(re.compile(r"/effect/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Zijn er minder slachtoffers van mensenhandel?"
    )
    expect(page.get_by_role("complementary")).to_contain_text("omlaag brengen")  # the ambition
    chart = page.get_by_role(
        "img", name=re.compile("^Geregistreerde vermoedelijke slachtoffers en het geschatte")
    )
    expect(chart).to_be_visible()
    # One faceted chart per breakdown, a small multiple per register.
    by_form = page.get_by_role(
        "img", name=re.compile("^Geregistreerde vermoedelijke slachtoffers per uitbuitingsvorm")
    )
    expect(by_form).to_be_visible()
    assert "Aanmeldingen bij CoMensha: " in by_form.get_attribute("alt")
    # The text alternative and the table carry the same numbers.
    assert "2019: 1.372" in chart.get_attribute("alt")
    totals = page.get_by_role(
        "table", name="Geregistreerde vermoedelijke slachtoffers per jaar, per register"
    )
    expect(totals.get_by_role("row", name=re.compile("^2019"))).to_contain_text("1.372")
    rates = page.get_by_role("table", name="Opsporingsgraad per jaar")
    expect(rates.get_by_role("row", name=re.compile("^2019"))).to_contain_text("27 %")
    # Organ removal (4 in 2021) is suppressed, and so is a second cell of that row.
    forms = page.get_by_role("table", name=re.compile("per uitbuitingsvorm"))
    row = forms.get_by_role("row", name=re.compile("^2021"))
    expect(row).not_to_contain_text(re.compile(r"\b4\b"))
    assert row.inner_text().count("·") == 2
    assert axe_violations(page) == []
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The charts keep their drawn size (their figure scrolls sideways): text stays readable.
        assert smallest_chart_text(page) >= 10
    # On a phone the wide chart scrolls inside its figure, which a keyboard user can focus.
    page.set_viewport_size({"width": 390, "height": 800})
    figure = page.locator("#chart-trend")
    assert figure.evaluate("f => f.scrollWidth > f.clientWidth")
    assert figure.get_attribute("tabindex") == "0"


def test_the_analyst_imports_a_cross_table_and_sees_it_in_the_workspace(
    page, live_impact, tmp_path
):
    page.goto("/inloggen?next=/effect/registraties/importeren")
    page.locator("input[name=username]").fill("analist")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registraties importeren uit een spreadsheet"
    )
    file = tmp_path / "per-vorm.csv"
    file.write_text("Jaar;Seksuele uitbuiting;Arbeidsuitbuiting;Totaal\n2025;600;300;1100\n")
    page.get_by_label("Tabel met registraties").set_input_files(str(file))
    page.get_by_label("Register", exact=True).select_option(label="Aanmeldingen bij CoMensha")
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("status")).to_contain_text("3 toegevoegd")
    expect(page.get_by_role("status")).to_contain_text("kruistabel")
    assert axe_violations(page) == []
    page.goto("/effect/registraties/comensha")
    row = page.get_by_role("row", name=re.compile("^2025"))
    expect(row).to_contain_text("1.100")
    expect(row).to_contain_text("600")
    assert axe_violations(page) == []

"""Publishing impact figures in Debian's Chromium: the analyst proposes a register's
years, the programme team approves on the confirmation page that previews the suppressed
figures, the open data then holds them, and the programme team withdraws them with a
reason; every page axe-clean."""

import json

from playwright.sync_api import expect

from samen.impact.models import PublicationProposal
from tests.impact.figures import build_figures

from .conftest import axe_violations


def clean(page, where):
    assert axe_violations(page) == [], where


def test_propose_preview_approve_and_withdraw(people):
    world, login = people
    build_figures(world)
    analyst, programme = login("analist"), login("programma")

    analyst.goto("/")
    analyst.get_by_role("link", name="Stel registraties voor publicatie voor").first.click()
    analyst.get_by_label("Register").select_option(label="Registraties van de politie")
    analyst.get_by_label("Eerste jaar").fill("2020")
    analyst.get_by_label("Laatste jaar").fill("2022")
    analyst.get_by_label("Toelichting voor het programmateam").fill("Cijfers 2020–2022")
    clean(analyst, "proposal form")
    analyst.get_by_role("button", name="Voorstellen").click()
    expect(analyst.get_by_text("Voorgesteld: het programmateam beslist")).to_be_visible()
    expect(analyst.locator("main")).to_contain_text("Wat bij goedkeuring openbaar wordt")

    programme.goto("/")
    programme.get_by_role("link", name="Registraties van de politie, 2020–2022").click()
    programme.get_by_role("link", name="Keur de publicatie goed").click()
    expect(programme.get_by_role("heading", level=1)).to_have_text("Keur de publicatie goed")
    main = programme.locator("main")
    expect(main).to_contain_text("·")  # the small count and its complement, hidden
    expect(main.get_by_role("cell", name="4", exact=True)).to_have_count(0)
    expect(main.get_by_role("cell", name="4 nieuw", exact=True)).to_have_count(0)
    # every cell of this proposal becomes public with it: marked new
    expect(main.get_by_role("cell", name="210 nieuw", exact=True).first).to_be_visible()
    clean(programme, "approval confirmation with preview")
    programme.get_by_role("button", name="Ja, publiceer deze cijfers").click()
    expect(programme.get_by_text("Goedgekeurd: deze cijfers zijn nu openbaar")).to_be_visible()

    data = json.loads(
        programme.request.get("/openbaar/open-data/slachtofferregistraties.json").text()
    )
    small = [
        r for r in data["records"] if r["year"] == 2021 and r["exploitation_form"] == "criminal"
    ]
    assert small[0]["count"] is None and small[0]["suppressed"] is True

    programme.get_by_role("link", name="Trek de publicatie van deze cijfers in").click()
    clean(programme, "withdraw confirmation")
    programme.get_by_role("button", name="Ja, trek de publicatie in").click()
    expect(programme.get_by_text("Dit veld is verplicht.")).to_be_visible()  # a reason is required
    programme.get_by_label("Reden").fill("Fout in de bron")
    programme.get_by_role("button", name="Ja, trek de publicatie in").click()
    expect(programme.get_by_text("De publicatie is ingetrokken")).to_be_visible()
    assert PublicationProposal.objects.get().state == "withdrawn"
    data = json.loads(
        programme.request.get("/openbaar/open-data/slachtofferregistraties.json").text()
    )
    assert data["records"] == []

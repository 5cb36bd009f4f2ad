"""The messy annex through the web import: upload, map one heading and one
organisation, see the preview of every change, confirm, and find the plan changed."""

from playwright.sync_api import expect

from tests.imports import corpus

from .conftest import axe_violations
from .test_reflow import OVERFLOW


def fits_320(page):
    """No page-level sideways scroll at 320 px; wide parts scroll in labelled regions."""
    page.set_viewport_size({"width": 320, "height": 800})
    result = page.evaluate(OVERFLOW)
    page.set_viewport_size({"width": 1280, "height": 900})
    return result["page"] <= 320 and result["unlabelled"] == []


def test_messy_annex_through_the_web_import(page, live_plan, tmp_path):
    from samen.accounts.models import User
    from samen.plan.models import Action, Organisation

    User.objects.create_user("programma", password="pw-programma", role=User.Role.PROGRAMME)
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill("programma")
    page.get_by_label("Wachtwoord").fill("pw-programma")
    page.locator("main").get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Ingelogd als programma")).to_be_visible()

    name, content = corpus.messy_annex()
    path = tmp_path / name
    path.write_bytes(content)
    page.goto("/plan/importeren")
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Bestand controleren").click()

    # One name is unknown; the report says which sheet was read and what was skipped.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("organisatie 'Stichting Veilig Thuis' is niet bekend")
    understood = page.locator("#import-understood")
    expect(understood).to_contain_text('Tabblad "Actieplan 2024-2027" gelezen als acties.')
    expect(understood).to_contain_text('Verborgen tabblad "Acties" overgeslagen.')
    expect(understood).to_contain_text('kolom D "Verantwoordelijk ministerie" → niet gebruikt')
    assert axe_violations(page) == []
    assert fits_320(page)

    # Map the heading to "Betrokken organisaties" and the name to a new organisation.
    page.get_by_label(
        'Kolom D "Verantwoordelijk ministerie" (tabblad "Actieplan 2024-2027")'
    ).select_option(label="Betrokken organisaties")
    page.get_by_label("is", exact=True).select_option(label="een nieuwe organisatie")
    page.get_by_label("Korte naam (voor een nieuwe organisatie)").fill("Veilig Thuis")
    page.get_by_label("Type (voor een nieuwe organisatie)").select_option(
        label="Maatschappelijke organisatie"
    )
    page.get_by_role("button", name="Opnieuw controleren met deze keuzes").click()

    expect(
        page.get_by_role("heading", name="bijlage-rommelig.xlsx is in orde", exact=False)
    ).to_be_visible()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("organisatie Veilig Thuis (nieuw)")
    expect(preview).to_contain_text("actie 1.2 (nieuw)")
    expect(preview).to_contain_text("Stichting Veilig Thuis")
    row = preview.get_by_role("row").filter(has_text="Betrokken organisaties").first
    expect(row).to_contain_text("VWS")
    assert axe_violations(page) == []
    assert fits_320(page)
    assert not Action.objects.filter(code="1.2").exists()

    page.get_by_role("button", name="Nu importeren").click()
    expect(page.get_by_text("bijlage-rommelig.xlsx geïmporteerd", exact=False)).to_be_visible()
    action = Action.objects.get(code="1.2")
    assert action.action_line.code == "AL1"
    assert [o.code for o in action.holders] == ["veilig-thuis"]
    assert [o.code for o in action.involved] == ["vws"]
    assert (action.period_start, action.period_end) == (2025, 2025)
    assert Organisation.objects.get(code="veilig-thuis").name == "Stichting Veilig Thuis"
    assert [o.code for o in Action.objects.get(code="2.1").holders] == ["politie"]
    assert not Action.objects.filter(title_nl="Verouderde actie").exists()
    page.goto("/acties/1.2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorlichting in de zorg")


def test_the_motion_import_result_fits_a_phone(page, live_plan, tmp_path):
    """Long OData links in the result wrap; the "more pages" warning stands in
    its own warning box, the commitments are counted apart."""
    from samen.accounts.models import User

    User.objects.create_user("programma", password="pw-programma", role=User.Role.PROGRAMME)
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill("programma")
    page.get_by_label("Wachtwoord").fill("pw-programma")
    page.locator("main").get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Ingelogd als programma")).to_be_visible()

    paths = []
    for build in (corpus.kamer_with_next_link, corpus.toezeggingen):
        name, content = build()
        paths.append(tmp_path / name)
        paths[-1].write_bytes(content)
    page.goto("/moties/importeren")
    page.get_by_label("Bestanden uit de open data", exact=False).set_input_files(
        [str(p) for p in paths]
    )
    page.get_by_label("Alleen de bestanden controleren", exact=False).check()
    page.get_by_role("button", name="Importeren").click()

    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Toezeggingen: 2 nieuw")
    expect(page.locator("#import-warnings")).to_contain_text("één pagina van een langer antwoord")
    expect(page.locator(".utrecht-alert--ok")).not_to_contain_text("langer antwoord")
    expect(page.locator("#import-changes")).to_be_visible()
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        result = page.evaluate(OVERFLOW)
        assert result["page"] <= width and result["unlabelled"] == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert axe_violations(page) == []

"""A programme-team member explores the plan in a real browser."""

import re

from playwright.sync_api import expect

from .conftest import axe_violations


def test_filter_to_criminal_exploitation_of_minors_and_open_an_action(page, live_plan):
    page.goto("/acties")
    page.get_by_label("Criminele uitbuiting").check()
    expect(page.get_by_role("heading", name="12 acties gevonden")).to_be_visible()
    page.get_by_label("Minderjarigen").check()
    expect(page.locator("#results")).to_contain_text("12 acties gevonden")
    # The filter state is in the address bar, ready to share.
    expect(page).to_have_url(re.compile(r"exploitationForm=criminal.*ageGroup=minors"))
    page.get_by_label("Actielijn 2: Meldingsbereidheid").check()
    expect(page.get_by_role("heading", name="2 acties gevonden")).to_be_visible()
    page.get_by_role("link", name="Aangifte doen van mensenhandel eenvoudiger maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aangifte doen van mensenhandel eenvoudiger maken"
    )
    expect(page.locator(".samen-facts")).to_contain_text("Openbaar Ministerie")
    # Back brings the filtered list back.
    page.go_back()
    expect(page.get_by_label("Minderjarigen")).to_be_checked()


def test_filter_on_an_organisation_by_typing_its_name(page, live_plan):
    page.goto("/acties")
    field = page.get_by_label("Naam of afkorting")
    field.press_sequentially("openbaar")
    # While typing, the field offers the matching organisations.
    expect(page.locator("#organisation-suggestions option")).to_have_attribute(
        "value", "Openbaar Ministerie (OM)"
    )
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"organisation=openbaar"))
    from samen.plan.models import Action

    n = Action.objects.filter(roles__organisation__code="om").distinct().count()
    assert 0 < n < Action.objects.count()
    expect(page.get_by_role("heading", name=f"{n} acties gevonden")).to_be_visible()


def test_shared_link_opens_the_same_view(page, live_plan):
    page.goto("/acties?exploitationForm=sexual&actionLine=AL2")
    expect(page.get_by_role("heading", name="3 acties gevonden")).to_be_visible()
    expect(page.get_by_label("Seksuele uitbuiting")).to_be_checked()


def test_open_a_coverage_cell(page, live_plan):
    page.goto("/dekking")
    row = page.get_by_role("row").filter(has_text="Actielijn 2: Meldingsbereidheid")
    row.get_by_role("link", name=re.compile(r"^3 acties in")).first.click()
    expect(page).to_have_url(re.compile(r"/acties\?actionLine=AL2&exploitationForm=sexual"))
    expect(page.get_by_role("heading", name="3 acties gevonden")).to_be_visible()


def test_coverage_switches_to_age_groups_without_reload(page, live_plan):
    page.goto("/dekking")
    page.get_by_role("link", name="Actielijn × Leeftijdsgroep").click()
    expect(page.locator("#coverage thead")).to_contain_text("Jongvolwassenen")
    expect(page).to_have_url(re.compile(r"columns=ageGroup"))
    expect(page.locator(".samen-matrix__gap").first).to_contain_text("lacune")


def test_switch_to_english_and_back(page, live_plan):
    page.goto("/acties/U.1")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Campaigns and training so professionals (such as teachers and care staff) recognise signs"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage of the plan")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dekking van het plan")


def test_keyboard_only_filtering(page, live_plan):
    page.goto("/acties")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    page.get_by_label("Arbeidsuitbuiting").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="11 acties gevonden")).to_be_visible()
    expect(page.locator("#results-status")).to_have_text("11 acties gevonden")


# Axe on every page, at every width and per role: tests/browser/test_reflow.py.


def test_no_wcag_violations_in_english(page, live_plan):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    for path in ("/", "/acties", "/dekking"):
        page.goto(path)
        assert axe_violations(page) == [], path


def test_the_accessibility_check_itself_catches_a_violation(page, live_plan):
    # Guards the guard: a page with a nameless image and an unlabelled field must fail.
    page.set_content(
        '<html lang="nl"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids

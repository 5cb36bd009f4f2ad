"""The account screens in a real browser: a partner makes and revokes an API token, the
programme team lifts a login block, and every new page passes axe (WCAG 2.1 AA) and fits a
phone's width, in Dutch and in English. Screenshots go to test-artifacts/ for a human look."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from samen.accounts.models import ApiToken, User
from tests.plan.factories import OrganisationFactory

from .conftest import ARTIFACTS, axe_violations

WIDTHS = (390, 1280)
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().width > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().width))
  .join(' | ') + ' body:' + getComputedStyle(document.body).gridTemplateColumns
  + ' main-minw:' + getComputedStyle(document.querySelector('main')).minWidth"""


@pytest.fixture
def accounts(transactional_db):
    police = OrganisationFactory(code="police", short_name="Politie", name="Politie")
    User.objects.create_user(
        "politie", password="pw-politie", role="holder", organisation=police, email="p@example.org"
    )
    User.objects.create_user("programma", password="pw-programma", role="programme")


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _check(page, name, language):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        fits, widest = _fits(page), page.evaluate(WIDEST)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
        assert fits, f"{name} is wider than {width} px: {widest}"
    assert axe_violations(page) == [], name


def _login(browser, live_server, username, language="nl"):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_cookies([{"name": "samen_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/inloggen")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f"pw-{username}")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))  # every role lands on its home page
    return page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_account_pages_in_both_languages(browser, live_server, accounts, language):
    partner = _login(browser, live_server, "politie", language)
    partner.goto("/account")
    partner.locator("#id_name").fill("rapportagescript")
    partner.locator("main form.samen-form button[type=submit]").click()
    key = partner.locator("code.samen-token").inner_text()
    assert key.startswith("samen_") and ApiToken.objects.active().count() == 1
    _check(partner, "account", language)
    partner.locator("main table button[type=submit]").first.click()
    expect(partner.locator(".utrecht-alert, [role=status]").first).to_be_visible()
    assert ApiToken.objects.active().count() == 0
    partner.goto("/account/wachtwoord")
    _check(partner, "password-change", language)
    partner.context.close()

    visitor = browser.new_context(base_url=live_server.url, bypass_csp=True).new_page()
    visitor.context.add_cookies(
        [{"name": "samen_language", "value": language, "url": live_server.url}]
    )
    visitor.goto("/wachtwoord-vergeten")
    _check(visitor, "password-reset", language)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        visitor.goto("/inloggen")
        visitor.locator("#id_username").fill("politie")
        visitor.locator("#id_password").fill("fout")
        visitor.locator("main button[type=submit]").click()
    expect(visitor.locator("#id_username")).to_be_visible()
    _check(visitor, "locked-out", language)
    visitor.goto("/acties?q=%07")
    _check(visitor, "bad-input", language)
    visitor.context.close()

    programme = _login(browser, live_server, "programma", language)
    programme.goto("/beheer/inlogblokkades")
    expect(programme.locator("main table")).to_contain_text("politie")
    _check(programme, "lockouts", language)
    programme.locator("main table button[type=submit]").click()
    expect(programme.locator("main table")).to_have_count(0)
    programme.context.close()

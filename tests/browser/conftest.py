"""Browser tests: Debian's Chromium driven by Playwright, never a downloaded browser."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    # Browser tests run last: the session's Playwright event loop stays alive
    # once started, and Django refuses ORM calls beside a running loop.
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        items.remove(item)
    items.extend(browser_items)


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    # The test database is created before Playwright starts its event loop.
    del django_db_setup, django_db_blocker
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the Django
    # ORM calls that tests (and their database teardown) make beside it are still
    # synchronous and safe. Browser tests run last, so nothing else sees this.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    # Axe is injected as an inline script, which our Content-Security-Policy
    # forbids on purpose; the test browser may bypass it for that.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")):
    """Run axe-core on the current page; return its violations (WCAG 2.1 AA)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def smallest_chart_text(page, selector="figure.samen-report__chart img") -> float:
    """The smallest text, in CSS pixels as shown, of the charts (SVG images) that `selector`
    finds: the SVG's smallest font size scaled by the width the image is shown at."""
    return page.evaluate(
        """(selector) => Math.min(...[...document.querySelectorAll(selector)].map((img) => {
            const svg = atob(img.src.split(",")[1]);
            const sizes = [...svg.matchAll(/font-size="([0-9.]+)px"/g)].map((m) => +m[1]);
            return Math.min(...sizes) * img.getBoundingClientRect().width / img.naturalWidth;
        }))""",
        selector,
    )


@pytest.fixture
def live_plan(transactional_db):
    from django.core.management import call_command

    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def people(browser, live_server, transactional_db):
    """The small reporting world without its round (the programme team opens one in
    the browser), and `login(username)`: a signed-in page of its own per person."""
    from playwright.sync_api import expect

    from samen.reporting.models import ReportingRound
    from tests.reporting.world import build_world

    world = build_world()
    ReportingRound.objects.all().delete()
    contexts = []

    def login(username):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/inloggen")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(f"pw-{username}")
        page.locator("main").get_by_role("button", name="Inloggen").click()
        expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()
        return page

    yield world, login
    for context in contexts:
        context.close()

"""The programme team downloads the progress report with one click, and a
visitor without an account reads the public portal, in a real browser."""

import io
import os
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from samen.core import taskworker

from .conftest import axe_violations

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(live_plan):
    from django.core.management import call_command

    from samen.accounts.models import User
    from samen.reporting.models import ReportingRound
    from samen.reporting.publication import publish_round

    os.environ["DEMO_PASSWORD"] = PASSWORD
    try:
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    finally:
        del os.environ["DEMO_PASSWORD"]
    closed = ReportingRound.objects.get(status="closed")
    publish_round(User.objects.get(username="programma"), closed)
    return closed


def test_programme_team_downloads_the_word_report(demo, page):
    page.goto("/inloggen")
    # By field id: the login page's wording belongs to the accounts app.
    page.locator("#id_username").fill("programma")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("inloggen"))
    page.goto(f"/rapportage/rondes/{demo.pk}/rapport")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voortgangsrapportage")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Downloaden als DOCX").click()
    expect(page.get_by_role("status")).to_contain_text("Wacht op zijn beurt")
    assert axe_violations(page) == []
    # The worker makes it (here in the test's thread: the in-memory test database
    # allows one writer beside the live server); the page follows and offers the file.
    taskworker.run_pending()
    link = page.get_by_role("link", name="DOCX downloaden")
    expect(link).to_be_visible(timeout=60_000)
    assert axe_violations(page) == []
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("voortgangsrapportage-")
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Samenvatting" and headings[-1] == "Bijlage: stand van alle acties"
    assert len(doc.inline_shapes) >= 2
    # A second click finds the stored file and downloads at once.
    page.goto(f"/rapportage/rondes/{demo.pk}/rapport")
    with page.expect_download() as again:
        page.get_by_role("button", name="Downloaden als DOCX").click()
    assert again.value.suggested_filename == download.suggested_filename


def test_visitor_reads_the_published_round_and_searches(demo, page):
    page.goto("/")
    page.get_by_role("link", name="Openbaar portaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Voortgang van het actieplan tegen mensenhandel"
    )
    page.get_by_role("link", name=demo.title).click()
    expect(
        page.get_by_role("img", name=re.compile("Status van de acties per actielijn"))
    ).to_be_visible()
    page.get_by_label("Zoeken", exact=True).fill("toolkit")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"q=toolkit"))
    expect(page.locator(".samen-portal-action")).to_have_count(1)
    expect(page.locator(".samen-portal-action")).to_contain_text("toolkit")


# Axe on every portal page in Dutch: tests/browser/test_reflow.py.


def test_portal_in_english_has_no_wcag_violations(demo, page):
    page.goto("/openbaar")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Progress of the action plan against human trafficking"
    )
    for path in ("/openbaar", f"/openbaar/rondes/{demo.pk}"):
        page.goto(path)
        assert axe_violations(page) == [], path

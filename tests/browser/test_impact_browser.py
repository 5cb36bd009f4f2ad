"""Issue 10's "Done when", the whole path in Debian's Chromium on the data `make run` loads
(the bundled plan, demo accounts, the bundled victim statistics):

the analyst uploads data/mse/uk2013_6lists.csv, runs SparseMSE with a 1,000-replicate BCa
bootstrap, watches the progress bar, sees 11,418 with its BCa interval beside another
method, and proposes it (and a register's counts by form, some of them small); the
programme team approves both on the confirmation pages; the public Effect page shows the
registrations trend, the estimate and the detection rate with small cells suppressed.
axe-core finds nothing on any page of the path.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from samen.core import taskworker
from samen.impact.models import EstimationRun, PublicationProposal, Register, Registration
from samen.plan.models import ExploitationForm
from tests.demo import PASSWORD, load_demo
from tests.impact.runs_world import UK

from .conftest import axe_violations


def clean(page, where):
    assert axe_violations(page) == [], where


@pytest.fixture
def made_run(browser, live_server, live_plan):
    """What `make run` loads, plus one register's counts by form with small cells
    (demo figures, not yet published), and `login(username)`."""
    load_demo()
    call_command("load_impact", stdout=io.StringIO())
    demo = Register.objects.create(
        code="demo-vormen",
        name_nl="Demo: registraties per uitbuitingsvorm",
        name_en="Demo: registrations by form of exploitation",
    )
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    for year, counts in {
        2022: {"sexual": 410, "labour": 230, "criminal": 120, "organ-removal": 3},
        2023: {"sexual": 388, "labour": 260, "criminal": 141, "organ-removal": 0},
        2024: {"sexual": 402, "labour": 251, "criminal": 156, "organ-removal": 6},
    }.items():
        Registration.objects.create(
            register=demo, year=year, count=sum(counts.values()), status="demo"
        )
        for code, n in counts.items():
            Registration.objects.create(
                register=demo, year=year, exploitation_form=forms[code], count=n, status="demo"
            )
    contexts = []

    def login(username):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if username:
            page.goto("/inloggen")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.locator("main").get_by_role("button", name="Inloggen").click()
            expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()
        return page

    yield login
    for context in contexts:
        context.close()


def _finish(page, settings, timeout=900_000):
    """The task worker, as `samen serve` runs it beside the site; the page polls."""
    settings.SAMEN_TASK_WORKER = True
    worker = taskworker.start(interval=0.2)
    try:
        expect(page.get_by_role("status")).to_contain_text("Klaar.", timeout=timeout)
    finally:
        worker.stop()


def test_upload_estimate_propose_approve_and_the_public_effect_page(made_run, settings):
    analyst = made_run("analist")

    # Upload the UK six-list table.
    analyst.goto("/")
    clean(analyst, "analyst's home")
    analyst.goto("/analyse/overlaptabellen/nieuw/")
    analyst.get_by_label("Naam").fill("VK 2013")
    analyst.get_by_label("Eerste jaar").fill("2013")
    analyst.get_by_label("Laatste jaar").fill("2013")
    analyst.get_by_label("Overlaptabel (CSV)").set_input_files(str(UK))
    analyst.get_by_role("button", name="Uploaden en controleren").click()
    expect(analyst.get_by_role("heading", level=1)).to_have_text("VK 2013")
    expect(analyst.get_by_text("2744 gevallen op 6 lijsten")).to_be_visible()
    clean(analyst, "dataset page")

    # Another method first (quick), then SparseMSE with a 1,000-replicate BCa bootstrap.
    analyst.get_by_role("link", name="Een schatting starten").click()
    analyst.get_by_label("Onafhankelijke lijsten").check()
    analyst.get_by_role("button", name="Schatting starten").click()
    _finish(analyst, settings)
    analyst.goto("/analyse/overlaptabellen/")
    analyst.get_by_role("link", name="VK 2013").first.click()
    analyst.get_by_role("link", name="Een schatting starten").click()
    analyst.get_by_label("SparseMSE (stapsgewijs)").check()
    analyst.get_by_label("Bootstrapherhalingen (SparseMSE)").fill("1000")
    clean(analyst, "run form")
    analyst.get_by_role("button", name="Schatting starten").click()
    expect(analyst).to_have_url(re.compile(r"/analyse/schattingen/\d+/$"))
    progress = analyst.locator("progress")
    expect(progress).to_be_visible()  # the progress bar, before the worker takes the run
    clean(analyst, "run page with its progress bar")
    _finish(analyst, settings)
    expect(progress).to_have_count(0)
    expect(analyst.get_by_text("Geschat totaal: 11.418")).to_be_visible()
    expect(analyst.locator("#run-status")).to_contain_text("9.379 – 14.214")  # BCa, seed 1234
    run = EstimationRun.objects.get(method="sparsemse")
    assert run.options["bootstrap"] == 1000

    # Beside the other method.
    analyst.get_by_role("link", name="De methoden voor deze tabel vergelijken").click()
    table = analyst.get_by_role("table")
    expect(table).to_contain_text("SparseMSE (stapsgewijs)")
    expect(table).to_contain_text("11.418")
    expect(table).to_contain_text("Onafhankelijke lijsten")
    clean(analyst, "comparison")

    # Propose the estimate, and the demo register's counts by form.
    analyst.goto(f"/analyse/schattingen/{run.pk}/")
    analyst.get_by_role("link", name="Stel deze schatting voor publicatie voor").click()
    analyst.get_by_label("Toelichting voor het programmateam").fill("SparseMSE, BCa 1.000")
    clean(analyst, "proposal of the estimate")
    analyst.get_by_role("button", name="Voorstellen").click()
    expect(analyst.get_by_text("Voorgesteld: het programmateam beslist")).to_be_visible()
    analyst.goto("/impact/publicatie/registraties")
    analyst.get_by_label("Register").select_option(label="Demo: registraties per uitbuitingsvorm")
    analyst.get_by_label("Eerste jaar").fill("2022")
    analyst.get_by_label("Laatste jaar").fill("2024")
    analyst.get_by_role("button", name="Voorstellen").click()
    expect(analyst.get_by_text("Voorgesteld: het programmateam beslist")).to_be_visible()

    # The public page knows nothing of either yet.
    visitor = made_run("")
    visitor.goto("/effect/")
    expect(visitor.locator("main")).not_to_contain_text("11.418")
    expect(visitor.locator("main")).not_to_contain_text("Demo: registraties per uitbuitingsvorm")

    # The programme team approves both, each after the preview of what becomes public.
    programme = made_run("programma")
    programme.goto("/")
    expect(programme.locator("main")).to_contain_text(
        "2 voorstellen om cijfers te publiceren wachten op uw besluit."
    )
    clean(programme, "programme's home")
    for proposal in PublicationProposal.objects.filter(state="proposed").order_by("pk"):
        programme.goto(f"/impact/publicatie/{proposal.pk}/approve")
        expect(programme.get_by_role("heading", level=1)).to_have_text("Keur de publicatie goed")
        expect(programme.locator("main")).to_contain_text("Wat openbaar wordt")
        if proposal.run_id:
            expect(programme.locator("main")).to_contain_text("11.418")
        else:
            expect(programme.locator("main")).to_contain_text("·")
        clean(programme, f"approval of {proposal}")
        programme.get_by_role("button", name="Ja, publiceer deze cijfers").click()
        expect(programme.get_by_text("Goedgekeurd: deze cijfers zijn nu openbaar")).to_be_visible()

    # The portal's Effect page: trend, the estimate, the detection rate, small cells hidden.
    visitor.goto("/effect/")
    main = visitor.locator("main")
    expect(main.get_by_role("heading", name="Geregistreerd en geschat per jaar")).to_be_visible()
    expect(main).to_contain_text("Aanmeldingen bij CoMensha")  # the registrations trend
    expect(main).to_contain_text("11.418")  # the estimate published today
    expect(main.get_by_role("heading", name="Opsporingsgraad", exact=True)).to_be_visible()
    expect(main).to_contain_text("Demo: registraties per uitbuitingsvorm")
    expect(main).to_contain_text("·")  # the small counts (3 and 6) and their complements
    demo_tables = main.locator("table", has_text="Demo: registraties per uitbuitingsvorm")
    for small in ("3", "6"):
        expect(demo_tables.get_by_role("cell", name=small, exact=True)).to_have_count(0)
    clean(visitor, "public Effect page")

"""An analyst uploads the UK overlap table, starts a SparseMSE run with a small bootstrap,
watches the progress bar finish and sees the methods compared, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from samen.core import taskworker
from tests.impact.runs_world import UK

from .conftest import axe_violations, smallest_chart_text


def test_analyst_uploads_runs_sparsemse_and_compares(people, settings):
    _world, login = people
    page = login("analist")
    page.goto("/analyse/overlaptabellen/")
    page.get_by_role("link", name="Een overlaptabel uploaden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een overlaptabel uploaden")
    assert axe_violations(page) == []

    # A file with an error first: the engine's message in Dutch, next to the file.
    page.get_by_label("Naam").fill("VK 2013")
    page.get_by_label("Eerste jaar").fill("2013")
    page.get_by_label("Laatste jaar").fill("2013")
    page.get_by_label("Overlaptabel (CSV)").set_input_files(
        files=[{"name": "fout.csv", "mimeType": "text/csv", "buffer": b"A,B,count\n1,0,4\n0,1,x\n"}]
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.locator("#file-problems")).to_contain_text(
        "rij 3, kolom 'count': 'x' is geen niet-negatief geheel getal"
    )
    assert axe_violations(page) == []

    page.get_by_label("Overlaptabel (CSV)").set_input_files(str(UK))
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("VK 2013")
    expect(page.get_by_text("2744 gevallen op 6 lijsten")).to_be_visible()

    page.get_by_role("link", name="Een schatting starten").click()
    page.get_by_label("SparseMSE (stapsgewijs)").check()
    page.get_by_label("Bootstrapherhalingen (SparseMSE)").fill("200")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Schatting starten").click()
    expect(page).to_have_url(re.compile(r"/analyse/schattingen/\d+/$"))
    progress = page.locator("progress")
    expect(progress).to_be_visible()
    assert axe_violations(page) == []

    # The worker thread, as `samen serve` runs it; the page polls every second.
    settings.SAMEN_TASK_WORKER = True
    worker = taskworker.start(interval=0.2)
    try:
        expect(page.get_by_role("status")).to_contain_text("Klaar.", timeout=240_000)
    finally:
        worker.stop()
    expect(progress).to_have_count(0)
    expect(page.get_by_text("Geschat totaal: 11.418")).to_be_visible()
    expect(page.get_by_text("BCa-bootstrap, 200 herhalingen; seed 1234").first).to_be_visible()
    # The actions came with the polled fragment: no reload needed to propose the estimate.
    expect(
        page.get_by_role("link", name="Stel deze schatting voor publicatie voor")
    ).to_be_visible()
    expect(page.get_by_role("link", name="De methoden voor deze tabel vergelijken")).to_have_count(
        1
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="De methoden voor deze tabel vergelijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Methoden vergeleken: VK 2013")
    chart = page.locator("#chart-forest img")
    expect(chart).to_have_attribute("alt", re.compile("SparseMSE .*11.418"))
    # Wide screen: the chart shows whole; phone: it scrolls, its text no smaller than 10 px.
    assert chart.evaluate("img => img.naturalWidth <= img.parentElement.clientWidth")
    page.set_viewport_size({"width": 390, "height": 800})
    assert smallest_chart_text(page, "#chart-forest img") >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    table = page.get_by_role("table")
    expect(table).to_contain_text("SparseMSE (stapsgewijs)")
    expect(table).to_contain_text("11.418")
    assert axe_violations(page) == []

"""The whole round as three people would do it, in Debian's Chromium: open
(confirmed), report, return with a comment, resubmit, approve, take the approval
back and approve again, close (confirmed), publish (after a preview), withdraw.
On the way: the action's page shows the approved status, the holder gets the
e-mails, and the report says how many holders reported."""

import re

from django.core import mail
from playwright.sync_api import expect

from samen.reporting import services
from samen.reporting.models import ProgressUpdate, ReportingRound
from tests.reporting.world import submitted

from .conftest import axe_violations


def subjects_to(address):
    return [m.subject for m in mail.outbox if m.to == [address]]


def clean(page, where):
    assert axe_violations(page) == [], where


def test_a_whole_round_with_every_step_confirmed_and_every_way_back(people):
    world, login = people
    programme, police, viewer = login("programma"), login("politie"), login("kijker")

    # Create, then open: the confirmation page says what will happen.
    programme.goto("/rapportage/rondes/nieuw")
    programme.get_by_label("Titel").fill("Voortgang eerste helft 2026")
    programme.get_by_label("Rapportageperiode van").fill("2026-01-01")
    programme.get_by_label("Rapportageperiode tot en met").fill("2026-06-30")
    programme.get_by_label("Openingsdatum").fill("2026-07-01")
    programme.get_by_label("Deadline").fill("2030-07-31T17:00")
    programme.get_by_role("button", name="Ronde aanmaken").click()
    programme.get_by_role("link", name="Open de ronde voor de partners").click()
    expect(programme.get_by_role("heading", level=1)).to_have_text("Ronde openen")
    expect(programme.locator("main")).to_contain_text("4 voortgangsrapportages worden aangemaakt")
    clean(programme, "open confirmation")
    programme.get_by_role("button", name="Ja, open de ronde").click()
    expect(programme.get_by_text("De ronde is open: er zijn 4 updates aangemaakt.")).to_be_visible()
    r = ReportingRound.objects.get(title="Voortgang eerste helft 2026")
    assert "De rapportageronde Voortgang eerste helft 2026 is open" in subjects_to(
        "politie@example.org"
    )

    # The police report on A.1; the second holder of A.3 (the NGO) never reports on it.
    police.goto("/mijn-taken")
    police.get_by_role("link", name=re.compile(r"^A\.1 ")).click()
    police.get_by_label("Op schema").check()
    police.get_by_label("Percentage gereed").fill("40")
    police.get_by_label("Resultaten").fill("Twee trainingen gegeven.")
    police.get_by_role("button", name="Indienen bij het programmateam").click()
    expect(police.get_by_text("Uw update over A.1 is ingediend.")).to_be_visible()
    a3 = ProgressUpdate.objects.get(round=r, action__code="A.3", organisation__code="police")
    submitted(world.users.police, a3, progress_status="completed", percent_complete=100)
    services.approve(world.users.programme, a3.pk)

    # Returned with a comment.
    update = ProgressUpdate.objects.get(round=r, action__code="A.1", organisation__code="police")
    programme.goto(f"/rapportage/updates/{update.pk}")
    programme.get_by_label("Wat moet er veranderen?").fill("Hoeveel professionals?")
    programme.get_by_role("button", name="Terugsturen met opmerking").click()
    expect(programme.get_by_text("Met uw opmerking teruggestuurd naar Politie.")).to_be_visible()
    assert "Teruggestuurd: uw update over A.1" in subjects_to("politie@example.org")

    # The holder sees the thread, replies, and resubmits with more words.
    police.goto(f"/rapportage/updates/{update.pk}")
    thread = police.locator("section.samen-thread")
    expect(thread).to_contain_text("Hoeveel professionals?")
    police.get_by_label("Uw reactie").fill("Veertig; het staat er nu bij.")
    police.get_by_role("button", name="Reactie toevoegen").click()
    expect(police.get_by_text("Reactie toegevoegd aan de beoordeling.")).to_be_visible()
    police.get_by_label("Resultaten").fill("Twee trainingen gegeven aan 40 professionals.")
    police.get_by_role("button", name="Indienen bij het programmateam").click()
    expect(police.get_by_text("Uw update over A.1 is ingediend.")).to_be_visible()

    # The reviewer sees what changed, in words, and approves.
    programme.goto(f"/rapportage/updates/{update.pk}")
    changes = programme.locator("section.samen-diff")
    expect(changes).to_contain_text("Wat is er veranderd van inzending 1 naar inzending 2")
    expect(changes.locator("ins")).to_contain_text("aan 40 professionals")
    clean(programme, "update with review history")
    programme.get_by_role("button", name="Goedkeuren", exact=True).click()
    expect(programme.get_by_text("Goedgekeurd.")).to_be_visible()

    # The action's page shows the approved status, with the round.
    viewer.goto("/acties/A.1")
    progress = viewer.locator("#progress-title").locator("..")
    expect(progress).to_contain_text("Op schema")
    expect(progress.get_by_role("link", name="Voortgang eerste helft 2026").first).to_be_visible()
    clean(viewer, "action page")

    # Take the approval back, with a reason, and approve again.
    programme.goto(f"/rapportage/updates/{update.pk}")
    programme.get_by_label("Reden").fill("Percentage nog eens bekijken")
    programme.get_by_role("button", name="Goedkeuring intrekken").click()
    expect(programme.get_by_text("De goedkeuring is ingetrokken")).to_be_visible()
    viewer.reload()
    expect(viewer.locator("#progress-title").locator("..")).to_contain_text("Niet vastgelegd")
    programme.get_by_role("button", name="Goedkeuren", exact=True).click()
    expect(programme.get_by_text("Goedgekeurd.")).to_be_visible()
    assert subjects_to("politie@example.org").count("Goedgekeurd: uw update over A.1") == 2
    assert "Goedkeuring ingetrokken: uw update over A.1" in subjects_to("politie@example.org")

    # The holder's list of notifications has them too.
    police.goto("/meldingen")
    expect(police.locator("main")).to_contain_text("Goedkeuring ingetrokken: uw update over A.1")
    clean(police, "notifications")

    # Close: the confirmation says what becomes of the updates not submitted.
    programme.goto(f"/rapportage/rondes/{r.pk}")
    programme.get_by_role("link", name="Sluit de ronde en leg het resultaat vast").click()
    expect(programme.locator("main")).to_contain_text("2 updates zijn niet ingediend")
    clean(programme, "close confirmation")
    programme.get_by_role("button", name="Ja, sluit de ronde").click()
    expect(programme.get_by_text("De ronde is gesloten")).to_be_visible()

    # The report says how many holders reported on A.3.
    programme.goto(f"/rapportage/rondes/{r.pk}/rapport")
    expect(programme.locator("article.samen-report")).to_contain_text(
        "Deels gerapporteerd (1 van 2 actiehouders heeft gerapporteerd)"
    )

    # Publish after a preview of exactly what becomes public.
    programme.get_by_role("link", name="Deze ronde bekijken en publiceren").click()
    expect(programme.locator("main")).to_contain_text("2 goedgekeurde updates worden openbaar")
    expect(programme.locator("article.samen-report")).to_contain_text(
        "Twee trainingen gegeven aan 40 professionals."
    )
    clean(programme, "publish preview")
    programme.get_by_role("button", name="Ja, publiceer deze ronde").click()
    expect(programme.get_by_text("De ronde is gepubliceerd")).to_be_visible()
    viewer.goto(f"/openbaar/rondes/{r.pk}")
    expect(viewer.locator("main")).to_contain_text("Twee trainingen gegeven aan 40 professionals.")

    # Withdraw, with a reason: the portal says so, and when.
    programme.goto(f"/rapportage/rondes/{r.pk}")
    programme.get_by_role("link", name="Publicatie intrekken").click()
    programme.get_by_label("Reden").fill("Tabel 2 klopt niet")
    clean(programme, "withdraw confirmation")
    programme.get_by_role("button", name="Ja, trek de publicatie in").click()
    expect(programme.get_by_text("De publicatie is ingetrokken: niets van")).to_be_visible()
    viewer.goto(f"/openbaar/rondes/{r.pk}")
    expect(viewer.locator("main")).to_contain_text("Deze publicatie is ingetrokken op")
    expect(viewer.locator("main")).not_to_contain_text("40 professionals")
    clean(viewer, "withdrawn publication")

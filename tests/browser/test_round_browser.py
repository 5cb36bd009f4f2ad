"""A whole reporting round, three people in three browsers."""

import re

from playwright.sync_api import expect

from samen.reporting.models import ProgressUpdate, ReportingRound

from .conftest import axe_violations


def test_round_from_opening_to_approved_snapshot(people):
    _world, login = people
    programme, police = login("programma"), login("politie")

    # The programme team creates and opens a round.
    programme.goto("/rapportage/rondes/nieuw")
    programme.get_by_label("Titel").fill("Voortgang eerste helft 2026")
    programme.get_by_label("Rapportageperiode van").fill("2026-01-01")
    programme.get_by_label("Rapportageperiode tot en met").fill("2026-06-30")
    programme.get_by_label("Openingsdatum").fill("2026-07-01")
    programme.get_by_label("Deadline").fill("2030-07-31T17:00")
    programme.get_by_role("button", name="Ronde aanmaken").click()
    expect(programme.get_by_role("heading", level=1)).to_have_text("Voortgang eerste helft 2026")
    programme.get_by_role("link", name="Open de ronde voor de partners").click()
    programme.get_by_role("button", name="Ja, open de ronde").click()
    expect(programme.get_by_text("De ronde is open: er zijn 4 updates aangemaakt.")).to_be_visible()

    # The police report on A.1, with autosave and then submit.
    police.goto("/mijn-taken")
    police.get_by_role("link", name=re.compile(r"^A\.1 ")).click()
    police.get_by_label("Op schema").check()
    police.get_by_label("Percentage gereed").fill("40")
    police.get_by_label("Resultaten").fill("Twee trainingen gegeven.")
    expect(police.locator("#autosave-status")).to_contain_text("Concept opgeslagen om")
    police.get_by_role("button", name="Indienen bij het programmateam").click()
    expect(police.get_by_text("Uw update over A.1 is ingediend.")).to_be_visible()

    # The programme team returns it with a comment.
    update = ProgressUpdate.objects.get(action__code="A.1", organisation__code="police")
    programme.goto(f"/rapportage/updates/{update.pk}")
    programme.get_by_label("Wat moet er veranderen?").fill(
        "Hoeveel professionals zijn er getraind?"
    )
    programme.get_by_role("button", name="Terugsturen met opmerking").click()
    expect(programme.get_by_text("Met uw opmerking teruggestuurd naar Politie.")).to_be_visible()

    # The police see the comment, complete the text and resubmit.
    police.goto(f"/rapportage/updates/{update.pk}")
    expect(police.get_by_text("Hoeveel professionals zijn er getraind?").first).to_be_visible()
    police.get_by_label("Resultaten").fill("Twee trainingen gegeven aan 40 professionals.")
    police.get_by_role("button", name="Indienen bij het programmateam").click()
    expect(police.get_by_text("Uw update over A.1 is ingediend.")).to_be_visible()

    # An involved partner (NGO) reads it and comments, in a third browser.
    ngo = login("ngo-lezer")
    ngo.goto(f"/rapportage/updates/{update.pk}")
    expect(ngo.get_by_text("Twee trainingen gegeven aan 40 professionals.")).to_be_visible()
    ngo.get_by_role("textbox", name="Opmerking (verplicht)").fill(
        "Wij sluiten graag aan bij de volgende training."
    )
    ngo.get_by_role("button", name="Opmerking toevoegen").click()
    expect(ngo.get_by_text("Opmerking toegevoegd.")).to_be_visible()

    # The programme team approves in bulk from the review queue, then closes.
    round_id = update.round_id
    programme.goto(f"/rapportage/rondes/{round_id}/beoordelen")
    programme.get_by_label(re.compile(r"Selecteer A\.1 van Politie")).check()
    programme.get_by_role("button", name="Selectie goedkeuren").click()
    expect(programme.get_by_text("1 update verwerkt.")).to_be_visible()
    programme.goto(f"/rapportage/rondes/{round_id}")
    programme.get_by_role("link", name="Sluit de ronde en leg het resultaat vast").click()
    programme.get_by_role("button", name="Ja, sluit de ronde").click()
    expect(
        programme.get_by_text("De ronde is gesloten en het resultaat is vastgelegd")
    ).to_be_visible()

    snapshot = ReportingRound.objects.get(pk=round_id).snapshot
    frozen = next(u for u in snapshot["updates"] if u["action"]["code"] == "A.1")
    assert frozen["review_state"] == "approved"
    assert frozen["achievements"] == "Twee trainingen gegeven aan 40 professionals."

    # Every step is in the audit trail.
    programme.goto(f"/audit/reporting.progressupdate/{update.pk}")
    table = programme.locator("table")
    for step in (
        "Concept opgeslagen",
        "Ingediend",
        "Teruggestuurd met een opmerking",
        "Goedgekeurd",
    ):
        expect(table).to_contain_text(step)
    expect(table).to_contain_text("Beoordelingsstatus: Ingediend → Teruggestuurd")


def test_no_wcag_violations_on_the_reporting_screens(people):
    world, login = people
    import datetime as dt

    from django.utils import timezone

    from samen.reporting import services
    from tests.reporting.world import submitted

    r = services.create_round(
        world.users.programme,
        services.RoundData(
            "Ronde",
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 30),
            timezone.localdate(),
            timezone.now() + dt.timedelta(days=5),
        ),
    )
    services.open_round(world.users.programme, r)
    update = r.updates.get(action__code="A.1", organisation__code="police")
    police = login("politie")
    for path in ("/mijn-taken", f"/rapportage/updates/{update.pk}"):
        police.goto(path)
        assert axe_violations(police) == [], path
    submitted(world.users.police, update)
    programme = login("programma")
    for path in (
        "/rapportage/rondes",
        "/rapportage/rondes/nieuw",
        f"/rapportage/rondes/{r.pk}",
        f"/rapportage/rondes/{r.pk}/beoordelen",
        f"/rapportage/updates/{update.pk}",
        "/audit",
    ):
        programme.goto(path)
        assert axe_violations(programme) == [], path
    programme.context.clear_cookies()
    programme.goto("/inloggen")
    assert axe_violations(programme) == []

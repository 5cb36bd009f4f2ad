"""Indicators in the browser (issue 14): a holder reports two indicators, the
programme team approves, and the action page shows the progress toward the
target; axe-core finds nothing, and at 390 px nothing scrolls sideways."""

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from samen.indicators.document import TargetData
from samen.reporting import services
from samen.reporting.models import ProgressUpdate
from tests.indicators.helpers import define

from .conftest import axe_violations

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_holder_reports_two_indicators_and_the_action_page_shows_progress(people):
    world, login = people
    programme_user = world.users.programme
    r = services.create_round(
        programme_user,
        services.RoundData(
            title="Voortgang eerste helft 2026",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            opens_on=dt.date(2026, 7, 1),
            deadline=timezone.now() + dt.timedelta(days=14),
        ),
    )
    services.open_round(programme_user, r)
    define(programme_user, world.actions.a1)
    define(
        programme_user,
        world.actions.a1,
        code="I2",
        name_nl="Gemeenten met een aanpak",
        name_en="",
        unit="",
        kind="percentage",
        combination="latest",
        baseline_value=Decimal(40),
        targets=(TargetData(Decimal(80), dt.date(2027, 12, 31)),),
    )
    update = ProgressUpdate.objects.get(round=r, action__code="A.1", organisation__code="police")

    # The holder fills in the update with both indicators, the Dutch way.
    police = login("politie")
    police.goto(f"/rapportage/updates/{update.pk}")
    expect(police.get_by_text("Indicatoren van deze actie")).to_be_visible()
    assert axe_violations(police) == []
    police.get_by_label("Op schema").check()
    police.get_by_label("Percentage gereed").fill("40")
    police.get_by_label("Resultaten").fill("Trainingen gegeven in drie regio's.")
    police.get_by_label("Getrainde professionals (professionals)").fill("veel")
    police.get_by_role("button", name="Concept opslaan").click()
    expect(police.get_by_text("'veel' is geen getal").first).to_be_visible()
    police.get_by_label("Getrainde professionals (professionals)").fill("1.200")
    police.get_by_label("Toelichting bij Getrainde professionals", exact=True).fill(
        "Inclusief e-learning."
    )
    police.get_by_label("Gemeenten met een aanpak", exact=True).fill("52,5 %")
    police.get_by_role("button", name="Indienen bij het programmateam").click()
    expect(police.get_by_text("Uw update over A.1 is ingediend.")).to_be_visible()

    # The programme team sees the values and approves from the review queue.
    programme = login("programma")
    programme.goto(f"/rapportage/updates/{update.pk}")
    expect(programme.get_by_text("Getrainde professionals: 1.200 professionals")).to_be_visible()
    programme.goto(f"/rapportage/rondes/{r.pk}/beoordelen")
    programme.get_by_label(re.compile(r"Selecteer A\.1 van Politie")).check()
    programme.get_by_role("button", name="Selectie goedkeuren").click()
    expect(programme.get_by_text("1 update verwerkt.")).to_be_visible()

    # The action page shows the progress toward the targets.
    programme.goto("/acties/A.1")
    section = programme.locator("section.samen-indicators")
    expect(section.get_by_role("heading", name="Getrainde professionals")).to_be_visible()
    expect(section.get_by_text("1.200 professionals").first).to_be_visible()
    expect(section.get_by_text("240 %")).to_be_visible()  # of the way from 0 to 500
    expect(section.get_by_text("Doel bereikt")).to_be_visible()
    expect(section.get_by_text("31,3 %")).to_be_visible()  # (52,5 - 40) / (80 - 40)
    expect(section.get_by_role("img").first).to_have_attribute(
        "alt", re.compile("Getrainde professionals: 1.200 professionals op 30 juni 2026")
    )
    assert axe_violations(programme) == []
    programme.set_viewport_size({"width": 390, "height": 844})
    assert programme.evaluate(NO_SIDEWAYS_SCROLL)

    # The tables per action line show it too, and the definitions page is clean.
    programme.goto("/indicatoren")
    expect(programme.get_by_text("1.200 professionals").first).to_be_visible()
    assert programme.evaluate(NO_SIDEWAYS_SCROLL)
    # Each action line's table follows its heading directly: no header squeezed to a word a
    # line, which left a blank gap between the heading and the table's first row.
    gaps = programme.evaluate(
        """() => [...document.querySelectorAll("main section h2")].map((h) =>
            h.nextElementSibling.querySelector("tbody").getBoundingClientRect().top
            - h.getBoundingClientRect().bottom)"""
    )
    assert gaps and max(gaps) < 130, gaps  # a squeezed header made it ~200 px
    programme.goto("/acties/A.1/indicatoren")
    assert axe_violations(programme) == []
    assert programme.evaluate(NO_SIDEWAYS_SCROLL)

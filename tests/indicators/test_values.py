"""Values in the reporting round: the update form asks for each defined
indicator (and each member of its breakdown), refuses bad input with the field
named, and the values follow the update through review to the action page."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.indicators.document import TargetData
from samen.indicators.models import IndicatorValue
from samen.indicators.selectors import action_progress
from samen.reporting import services
from tests.reporting.world import second_round

from .helpers import define

pytestmark = pytest.mark.django_db


def indicators(world):
    trained = define(world.users.programme, world.actions.a1, disaggregation="exploitation_form")
    share = define(
        world.users.programme,
        world.actions.a1,
        code="I2",
        name_nl="Aandeel gemeenten met beleid",
        unit="",
        kind="percentage",
        combination="latest",
        baseline_value=Decimal(10),
        targets=(TargetData(Decimal(50), dt.date(2027, 12, 31)),),
    )
    return trained, share


def post(client, update, **values):
    update.refresh_from_db()
    data = {
        "version": update.version,
        "progress_status": "on_track",
        "percent_complete": "40",
        "achievements": "Trainingen gegeven",
        "obstacles": "",
        "help_needed": "",
        **values,
    }
    return client.post(reverse("update", args=[update.pk]), data)


def test_the_form_asks_for_each_indicator_and_member(client, world):
    indicators(world)
    client.force_login(world.users.police)
    update = world.updates[("A.1", "police")]
    page = client.get(reverse("update", args=[update.pk])).content.decode()
    assert "Indicatoren van deze actie" in page
    assert "Getrainde professionals (professionals)" in page
    form = world.actions.a1.exploitation_forms.get()
    assert f"Getrainde professionals: {form.name}" in page
    assert "Aandeel gemeenten met beleid" in page
    assert "Streefwaarde: 500 professionals op 31 december 2027" in page
    # The free indicators stay, marked as not yet defined.
    assert "Andere indicatoren, nog niet vastgelegd (optioneel)" in page


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("I2", "120 %", "Aandeel gemeenten met beleid: een percentage ligt tussen 0 en 100"),
        ("I1", "veel", "Getrainde professionals: 'veel' is geen getal"),
        ("I1", "40 euro", "Getrainde professionals: de eenheid 'euro' klopt niet"),
        ("I1", "1,234.5", "op meer dan één manier"),
        ("I1", "-5", "Getrainde professionals: een aantal kan niet negatief zijn"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(client, world, field, text, words):
    trained, share = indicators(world)
    client.force_login(world.users.police)
    update = world.updates[("A.1", "police")]
    indicator = trained if field == "I1" else share
    response = post(client, update, **{f"ind_{indicator.pk}_all_value": text, "save": "1"})
    assert response.status_code == 400
    assert words in html.unescape(response.content.decode())
    assert not IndicatorValue.objects.exists()


def test_a_round_with_values_flows_from_the_form_to_the_action_page(client, world):
    trained, share = indicators(world)
    form = world.actions.a1.exploitation_forms.get()
    update = world.updates[("A.1", "police")]
    client.force_login(world.users.police)
    response = post(
        client,
        update,
        **{
            f"ind_{trained.pk}_all_value": "1.200",
            f"ind_{trained.pk}_all_note": "Inclusief e-learning",
            f"ind_{trained.pk}_exploitation_form{form.pk}_value": "300",
            f"ind_{share.pk}_all_value": "22,5 %",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == 3
    note = IndicatorValue.objects.get(indicator=trained, exploitation_form=None).note
    assert note == "Inclusief e-learning"

    # Submitted, not approved: the action page shows nothing yet, not even to the team.
    client.force_login(world.users.programme)
    action_url = reverse("action", args=["A.1"])
    assert "1.200 professionals" not in client.get(action_url).content.decode()

    services.approve(world.users.programme, update.pk)
    page = client.get(action_url).content.decode()
    assert "1.200 professionals" in page  # cumulative: 0 + 1.200
    assert "240 %" in page  # of the way from 0 to 500
    assert "Doel bereikt" in page
    assert "22,5 %" in page and "31,3 %" in page  # (22,5 - 10) / (50 - 10)
    assert f"{form.name}: 300 professionals" in page

    # The public does not see it before the round is published.
    client.logout()
    assert "1.200 professionals" not in client.get(action_url).content.decode()


def test_values_over_rounds_are_combined_by_the_rule(world):
    trained, share = indicators(world)
    programme = world.users.programme
    first = world.updates[("A.1", "police")]
    from tests.reporting.world import submitted

    def report(update, trained_value, share_value):
        IndicatorValue.objects.create(update=update, indicator=trained, value=trained_value)
        IndicatorValue.objects.create(update=update, indicator=share, value=share_value)

    submitted(world.users.police, first)
    report(first, Decimal(100), Decimal(20))
    services.approve(programme, first.pk)
    r2 = second_round(world, open_it=True)
    second = r2.updates.get(action=world.actions.a1, organisation=world.orgs.police)
    submitted(world.users.police, second)
    report(second, Decimal(150), Decimal(18))
    services.approve(programme, second.pk)
    rows = {row.indicator.code: row for row in action_progress(programme, world.actions.a1)}
    assert [r.combined for r in rows["I1"].rounds] == [Decimal(100), Decimal(250)]
    assert rows["I1"].progress.current == Decimal(250)
    assert rows["I1"].progress.percent == Decimal("50.0")
    assert [r.combined for r in rows["I2"].rounds] == [Decimal(20), Decimal(18)]
    assert rows["I2"].progress.current == Decimal(18)
    assert rows["I2"].progress.as_of == dt.date(2026, 12, 31)
    assert timezone.now()  # rounds are dated by their period, not by when they were filled


def test_the_reviewer_sees_which_values_changed_between_submissions(client, world):
    trained, _share = indicators(world)
    update = world.updates[("A.1", "police")]
    client.force_login(world.users.police)
    post(client, update, **{f"ind_{trained.pk}_all_value": "100", "submit": "1"})
    services.return_update(world.users.programme, update.pk, "Klopt het aantal?")
    post(client, update, **{f"ind_{trained.pk}_all_value": "120", "submit": "1"})
    client.force_login(world.users.programme)
    page = html.unescape(client.get(reverse("update", args=[update.pk])).content.decode())
    changes = page[page.index("Wat er veranderde") :] if "Wat er veranderde" in page else page
    assert "Indicatoren van deze actie" in changes
    assert re.search(r"<del[^>]*>.*?100.*?</del>", changes, re.S)
    assert re.search(r"<ins[^>]*>.*?120.*?</ins>", changes, re.S)
    first, second = update.submissions.order_by("number")
    assert first.data["indicator_values"] == ["Getrainde professionals: 100 professionals"]
    assert second.data["indicator_values"] == ["Getrainde professionals: 120 professionals"]


def test_autosave_keeps_the_values_too(client, world):
    trained, _share = indicators(world)
    update = world.updates[("A.1", "police")]
    client.force_login(world.users.police)
    update.refresh_from_db()
    data = {
        "version": update.version,
        "progress_status": "on_track",
        "percent_complete": "10",
        "achievements": "",
        "obstacles": "",
        "help_needed": "",
        f"ind_{trained.pk}_all_value": "1.234",
    }
    response = client.post(reverse("update-autosave", args=[update.pk]), data)
    assert response.status_code == 200
    assert IndicatorValue.objects.get().value == Decimal("1234")
    data[f"ind_{trained.pk}_all_value"] = "veel"
    data["version"] = update.version + 1
    text = client.post(reverse("update-autosave", args=[update.pk]), data).content.decode()
    assert "Nog niet opgeslagen" in text
    assert IndicatorValue.objects.get().value == Decimal("1234")


def test_values_per_form_may_not_add_up_to_more_than_the_total(client, world):
    trained, _share = indicators(world)
    form = world.actions.a1.exploitation_forms.get()
    update = world.updates[("A.1", "police")]
    client.force_login(world.users.police)
    response = post(
        client,
        update,
        **{
            f"ind_{trained.pk}_all_value": "100",
            f"ind_{trained.pk}_exploitation_form{form.pk}_value": "150",
            "save": "1",
        },
    )
    assert response.status_code == 400
    assert "tellen op tot 150 professionals, meer dan het totaal van 100 professionals" in (
        html.unescape(response.content.decode())
    )
    assert not IndicatorValue.objects.exists()

"""The overview tables per action line and per exploitation form, the coverage
count of actions with an indicator, and constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samen.indicators.models import IndicatorValue
from samen.reporting import services
from tests.reporting.world import submitted

from .helpers import define

pytestmark = pytest.mark.django_db


def reported(world, value=Decimal(120)):
    indicator = define(world.users.programme, world.actions.a1)
    update = world.updates[("A.1", "police")]
    submitted(world.users.police, update)
    IndicatorValue.objects.create(update=update, indicator=indicator, value=value)
    services.approve(world.users.programme, update.pk)
    return indicator


def test_tables_per_action_line_and_per_exploitation_form(client, world):
    reported(world)
    client.force_login(world.users.viewer)
    page = client.get(reverse("indicators")).content.decode()
    assert world.actions.a1.action_line.label in page
    assert "Getrainde professionals" in page and "120 professionals" in page
    assert "24 %" in page  # 120 of the way from 0 to 500
    per_form = client.get(reverse("indicators-per-form")).content.decode()
    assert world.actions.a1.exploitation_forms.get().name in per_form
    assert "120 professionals" in per_form


def test_the_public_overview_shows_published_values_only(client, world):
    reported(world)
    page = client.get(reverse("indicators")).content.decode()
    assert "Getrainde professionals" in page
    assert "120 professionals" not in page
    assert "Nog geen waarde" in page


def test_coverage_counts_actions_with_an_indicator(client, world):
    reported(world)
    page = client.get(reverse("coverage")).content.decode()
    assert "1 met een indicator" in page
    assert "0 met een indicator" in page  # A.2 and A.3 have none: a gap in measurement


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_indicators(client, world):
    reported(world)
    client.force_login(world.users.programme)
    urls = [reverse("action", args=["A.1"]), reverse("indicators"), reverse("indicators-per-form")]
    before = [queries(client, url) for url in urls]
    for n in range(2, 6):
        indicator = define(
            world.users.programme,
            world.actions.a1,
            code=f"I{n}",
            targets=(),
            baseline_date=dt.date(2025, 1, n),
        )
        IndicatorValue.objects.create(
            update=world.updates[("A.1", "police")], indicator=indicator, value=Decimal(n)
        )
    assert [queries(client, url) for url in urls] == before


def test_the_api_coverage_counts_actions_with_an_indicator(client, world):
    reported(world)
    cells = client.get("/api/v1/coverage").json()["cells"]
    form = world.actions.a1.exploitation_forms.get().code
    a1 = next(c for c in cells if c["row"] == "L1" and c["column"] == form)
    assert a1["count"] == 1 and a1["withIndicator"] == 1
    assert sum(c["withIndicator"] for c in cells) == 1


def approve_in_order(world, indicator, values, order):
    for org, value in values.items():
        update = world.updates[("A.3", org)]
        submitted(getattr(world.users, org), update)
        IndicatorValue.objects.create(update=update, indicator=indicator, value=value)
    for org in order:
        services.approve(world.users.programme, world.updates[("A.3", org)].pk)


@pytest.mark.parametrize("order", [("police", "ngo"), ("ngo", "police")])
def test_two_holders_percentages_follow_a_stated_rule_not_the_approval_order(client, world, order):
    indicator = define(
        world.users.programme,
        world.actions.a3,
        name_nl="Dekking",
        unit="",
        kind="percentage",
        combination="latest",
        targets=(),
    )
    approve_in_order(world, indicator, {"police": Decimal(40), "ngo": Decimal(80)}, order)
    client.force_login(world.users.viewer)
    page = client.get(reverse("action", args=["A.3"])).content.decode()
    assert "60 %" in page  # the average of both holders, whichever was approved first
    assert "Politie: 40 %" in page and "NGO: 80 %" in page  # each holder's value
    assert "percentages worden gemiddeld" in page  # the rule, on the page
    assert "percentages worden gemiddeld" in client.get(reverse("indicators")).content.decode()


def test_the_table_per_form_shows_the_forms_own_value_or_marks_the_total(client, world):
    from samen.plan.models import ExploitationForm

    world.actions.a3.exploitation_forms.add(ExploitationForm.objects.get(code="labour"))
    criminal = ExploitationForm.objects.get(code="criminal")
    labour = ExploitationForm.objects.get(code="labour")
    reported(world)  # A.1, not broken down: 120 in total
    split = define(
        world.users.programme,
        world.actions.a3,
        code="S1",
        name_nl="Slachtoffers gesproken",
        unit="slachtoffers",
        disaggregation="exploitation_form",
    )
    update = world.updates[("A.3", "police")]
    submitted(world.users.police, update)
    IndicatorValue.objects.create(update=update, indicator=split, value=Decimal(30))
    IndicatorValue.objects.create(
        update=update, indicator=split, exploitation_form=criminal, value=Decimal(10)
    )
    IndicatorValue.objects.create(
        update=update, indicator=split, exploitation_form=labour, value=Decimal(20)
    )
    services.approve(world.users.programme, update.pk)
    client.force_login(world.users.viewer)
    page = client.get(reverse("indicators-per-form")).content.decode()
    sections = {
        form.name: page.split(f">{form.name}</h2>")[1].split("</section>")[0]
        for form in (criminal, labour, world.actions.a1.exploitation_forms.get())
    }
    assert "10 slachtoffers" in sections[criminal.name]
    assert "20 slachtoffers" in sections[labour.name]
    assert "30 slachtoffers" not in page  # the action's total under each form: never
    a1_form = sections[world.actions.a1.exploitation_forms.get().name]
    assert "120 professionals" in a1_form and "totaal van de actie" in a1_form
    assert "tel een kolom dus niet op" in page


def test_the_chart_legend_names_the_cumulative_standing(world):
    from django.utils import translation

    from samen.indicators import charts, selectors

    reported(world)  # a cumulative indicator
    with translation.override("nl"):
        (item,) = selectors.action_progress(world.users.viewer, world.actions.a1)
        spec = charts.chart(item).spec
    assert "Stand (cumulatief)" in str(spec)
    assert "'Gerapporteerd'" not in str(spec)


def test_a_new_definition_is_not_marked_confirmed_beforehand(client, world):
    client.force_login(world.users.programme)
    page = client.get(reverse("indicator-new", args=["A.1"])).content.decode()
    (box,) = [tag for tag in page.split("<input")[1:] if 'name="confirmed"' in tag]
    assert "checked" not in box.split(">")[0]


def test_coverage_marks_cells_without_a_measured_action_and_counts_totals(client, world):
    reported(world)  # only A.1 has an indicator
    page = client.get(reverse("coverage")).content.decode()
    assert page.count("samen-matrix__unmeasured") == 2  # A.2 and A.3: actions, no indicator
    assert "meetgat" in page and "gestippelde rand" in page
    total = page.split("<tfoot")[1].split("</tfoot>")[0]
    measured = total.split("Acties met een indicator</th>")[1]
    assert ">3</td>" in total and measured.rstrip().endswith(">1</td>\n    </tr>")  # 3, 1 measured

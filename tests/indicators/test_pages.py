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

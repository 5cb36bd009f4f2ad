"""`samen demo` gives the demo actions indicators with baselines and targets,
labelled demo, and demo values, so that an action page shows progress."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from samen.indicators.models import Indicator, IndicatorValue
from tests.demo import load_demo


@pytest.mark.django_db
def test_the_demo_plan_has_indicators_with_progress(client, bundled_plan):
    load_demo()
    indicators = Indicator.objects.all()
    assert indicators.count() >= 8
    assert all(i.is_demo and "(demo)" in i.name_nl for i in indicators)
    assert all(i.targets.exists() and i.baseline_value is not None for i in indicators)
    assert IndicatorValue.objects.exists()
    action = Indicator.objects.order_by("pk").first().action
    page = client.get(reverse("action", args=[action.code])).content.decode()
    assert "Getrainde professionals (demo)" in page
    assert "60 professionals" in page  # the published past round: public
    assert "Deel van de weg naar het doel" in page

    # Running it again adds nothing.
    count, values = indicators.count(), IndicatorValue.objects.count()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Indicator.objects.count(), IndicatorValue.objects.count()) == (count, values)

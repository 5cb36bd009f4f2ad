"""A round with indicator values flows to the report, the portal and the API;
the public sees approved values of published rounds only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from samen.documents import context
from samen.indicators.models import IndicatorValue
from samen.reporting import publication, services
from tests.reporting.world import submitted

from .helpers import define

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    indicator = define(world.users.programme, world.actions.a1)
    update = world.updates[("A.1", "police")]
    submitted(world.users.police, update)
    IndicatorValue.objects.create(update=update, indicator=indicator, value=Decimal(120))
    services.approve(world.users.programme, update.pk)
    # Submitted but never approved: counts nowhere.
    other = define(world.users.programme, world.actions.a2, code="J1", name_nl="Meldingen")
    ngo_update = world.updates[("A.2", "ngo")]
    submitted(world.users.ngo, ngo_update)
    IndicatorValue.objects.create(update=ngo_update, indicator=other, value=Decimal(999))
    services.close_round(world.users.programme, world.round)
    world.round.refresh_from_db()
    return world


def section(ctx):
    (found,) = [s for s in ctx.extra_sections if s.key == "indicators"]
    return found


def test_the_report_has_an_indicator_table_per_action_line(closed):
    ctx = context.build(closed.round, "report", "nl")
    found = section(ctx)
    assert found.title == "Indicatoren"
    (table,) = found.tables  # A.1 and A.2 share action line 1
    assert closed.actions.a1.action_line.label in table.caption
    rows = {row[0]: row for row in table.rows}
    assert rows["A.1"][1] == "Getrainde professionals"
    assert rows["A.1"][4] == "120 professionals" and rows["A.1"][5] == "24 %"
    assert rows["A.2"][4] == "–"  # the unapproved 999 is not counted
    assert "999" not in str(table.rows)


def test_the_public_report_and_portal_show_published_values_only(client, closed):
    preview = context.build(closed.round, "public", "nl", preview=True)
    assert "120 professionals" in str([t.rows for t in section(preview).tables])
    assert client.get(reverse("portal-round", args=[closed.round.pk])).status_code == 404
    publication.publish_round(closed.users.programme, closed.round)
    page = client.get(reverse("portal-round", args=[closed.round.pk])).content.decode()
    assert "Indicatoren" in page and "120 professionals" in page
    assert "999" not in page


def test_the_api_lists_indicators_with_values_per_round(client, closed):
    anonymous = client.get("/api/v1/indicators").json()
    assert anonymous["count"] == 2
    first = next(i for i in anonymous["results"] if i["code"] == "I1")
    assert first["rounds"] == [] and first["progress"]["status"] == "no_data"  # not published

    publication.publish_round(closed.users.programme, closed.round)
    body = client.get("/api/v1/indicators", {"action": "A.1"}).json()
    (item,) = body["results"]
    assert item["action"] == {"code": "A.1", "title": closed.actions.a1.title}
    assert item["baseline"] == {"value": 0.0, "date": "2025-12-31"}
    assert item["targets"] == [{"value": 500.0, "date": "2027-12-31"}]
    assert item["rounds"] == [
        {
            "round": closed.round.pk,
            "roundTitle": "Ronde 1",
            "periodEnd": "2026-06-30",
            "reported": 120.0,
            "combined": 120.0,
        }
    ]
    assert item["progress"]["percentOfWay"] == 24.0
    assert item["progress"]["expected"] == 123.97  # 500 × 181 / 730 days, rounded
    one = client.get("/api/v1/actions/A.1/indicators/I1")
    assert one.status_code == 200 and one.json()["code"] == "I1"
    missing = client.get("/api/v1/actions/A.1/indicators/nope")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    unknown = client.get("/api/v1/indicators", {"actie": "A.1"})
    assert unknown.status_code == 400


def test_a_withdrawn_publication_takes_the_values_back(client, closed):
    publication.publish_round(closed.users.programme, closed.round)
    assert client.get("/api/v1/indicators", {"action": "A.1"}).json()["results"][0]["rounds"]
    publication.withdraw_publication(closed.users.programme, closed.round, "Fout in de cijfers.")
    item = client.get("/api/v1/indicators", {"action": "A.1"}).json()["results"][0]
    assert item["rounds"] == [] and item["progress"]["status"] == "no_data"
    page = client.get(reverse("action", args=["A.1"])).content.decode()
    assert "120 professionals" not in page


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_the_report_files_hold_the_indicator_table(closed, fmt):
    import io
    import zipfile

    from samen.documents.render import render

    content = render(context.build(closed.round, "report", "nl"), fmt).content
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            content = docx.read("word/document.xml")
    text = content.decode()
    assert "Indicatoren" in text and "Getrainde professionals" in text
    assert "120 professionals" in text


def test_an_indicator_in_a_published_report_is_not_deleted_but_can_be_retired(client, closed):
    from samen.indicators.models import Indicator
    from samen.indicators.updates import rows_for

    publication.publish_round(closed.users.programme, closed.round)
    client.force_login(closed.users.programme)
    url = reverse("indicator-delete", args=["A.1", "I1"])
    page = client.get(url).content.decode()
    assert "kan niet worden verwijderd" in page and "Ronde 1" in page  # what is affected
    assert "Yes, delete" not in page and "Ja, de indicator verwijderen" not in page
    # A forged deletion is refused, and the published report keeps its value.
    assert client.post(url).status_code == 409
    assert Indicator.objects.filter(code="I1").exists()
    portal = client.get(reverse("portal-round", args=[closed.round.pk])).content.decode()
    assert "120 professionals" in portal
    # Retiring it: kept in the past round, no longer asked in new ones.
    client.post(url, {"retire": "1"})
    indicator = Indicator.objects.get(code="I1")
    assert indicator.retired
    assert indicator not in [row.indicator for row in rows_for(closed.actions.a1)]
    manage = client.get(reverse("indicators-manage", args=["A.1"])).content.decode()
    assert "niet meer in gebruik" in manage
    client.logout()
    portal = client.get(reverse("portal-round", args=[closed.round.pk])).content.decode()
    assert "120 professionals" in portal


def test_an_indicator_without_published_values_is_still_deleted(client, closed):
    from samen.indicators.models import Indicator

    client.force_login(closed.users.programme)
    url = reverse("indicator-delete", args=["A.1", "I1"])
    assert "niet ongedaan" in client.get(url).content.decode()
    client.post(url)
    assert not Indicator.objects.filter(code="I1").exists()

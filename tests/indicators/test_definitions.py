"""The programme team defines indicators (audited); they travel with the plan
through YAML, JSON and XLSX, and plan versions show their changes."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from samen.accounts.access import Denied
from samen.core.models import AuditEvent
from samen.indicators.document import IndicatorData, TargetData, action_indicators
from samen.indicators.models import Indicator
from samen.plan import selectors
from samen.plan.export import export_bytes, read_bytes
from samen.plan.models import Action, Plan, PlanVersion
from samen.plan.services import parse_and_import

from .helpers import define

pytestmark = pytest.mark.django_db


def test_programme_defines_an_indicator_and_the_audit_trail_says_so(world):
    indicator = define(world.users.programme, world.actions.a1)
    assert [t.value for t in indicator.targets.all()] == [Decimal(500)]
    event = AuditEvent.objects.filter(object_type="indicators.indicator").get()
    assert event.kind == "create"
    assert event.after["targets"] == "2027-12-31: 500"


@pytest.mark.parametrize("who", ["police", "ngo_reader", "analyst", "viewer"])
def test_only_the_programme_team_defines_indicators(world, who):
    with pytest.raises(Denied):
        define(getattr(world.users, who), world.actions.a1)
    assert not Indicator.objects.exists()


def test_the_edit_pages_refuse_others(client, world):
    url = reverse("indicator-new", args=["A.1"])
    assert client.get(url).status_code == 403
    client.force_login(world.users.police)
    assert client.post(url, {"code": "I1", "name_nl": "x"}).status_code == 403
    assert not Indicator.objects.exists()


def form(**changes):
    return {
        "code": "I1",
        "name_nl": "Getrainde professionals",
        "unit": "professionals",
        "kind": "number",
        "direction": "up",
        "combination": "cumulative",
        "baseline_value": "1.200",
        "baseline_date": "2025-12-31",
        "targets": "2026-12-31: 1.500\n2027-12-31: 2.000,5",
        "disaggregation": "exploitation_form",
        "confirmed": "on",
        **changes,
    }


def test_the_programme_team_adds_changes_and_deletes_an_indicator(client, world):
    client.force_login(world.users.programme)
    response = client.post(reverse("indicator-new", args=["A.1"]), form())
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.baseline_value == Decimal(1200)
    assert [t.value for t in indicator.targets.all()] == [Decimal(1500), Decimal("2000.5")]
    page = client.get(reverse("indicators-manage", args=["A.1"])).content.decode()
    assert "Getrainde professionals" in page and "2.000,5 professionals" in page

    edit = reverse("indicator-edit", args=["A.1", "I1"])
    assert "2027-12-31: 2000,5" in client.get(edit).content.decode()
    client.post(edit, form(targets="2027-12-31: 3.000"))
    assert [t.value for t in indicator.targets.all()] == [Decimal(3000)]
    assert AuditEvent.objects.filter(object_type="indicators.indicator", kind="update").exists()

    delete = reverse("indicator-delete", args=["A.1", "I1"])
    assert "cannot be undone" in client.get(delete, HTTP_ACCEPT_LANGUAGE="en").content.decode() or (
        "niet ongedaan" in client.get(delete).content.decode()
    )
    assert Indicator.objects.exists()  # the confirmation page deletes nothing
    client.post(delete)
    assert not Indicator.objects.exists()
    assert AuditEvent.objects.filter(object_type="indicators.indicator", kind="delete").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"baseline_value": "veel"}, "baseline_value", "is geen getal"),
        ({"targets": "2027-12-31: 1,234.5"}, "targets", "op meer dan één manier"),
        ({"targets": "2027-12-31"}, "targets", "dubbele punt"),
        (
            {"kind": "percentage", "baseline_value": "10", "targets": "2027-12-31: 120"},
            None,
            "tussen 0 en 100",
        ),
        ({"targets": "2020-01-01: 5"}, "targets", "na de datum van de nulmeting"),
    ],
)
def test_bad_definitions_are_refused_with_the_field_named(client, world, changes, field, words):
    client.force_login(world.users.programme)
    response = client.post(reverse("indicator-new", args=["A.1"]), form(**changes))
    assert response.status_code == 400
    assert words in html.unescape(response.content.decode())
    if field:
        assert words in " ".join(response.context["form"].errors[field])
    assert not Indicator.objects.exists()


def two_indicators(world):
    define(world.users.programme, world.actions.a1)
    define(
        world.users.programme,
        world.actions.a1,
        code="I2",
        name_nl="Aandeel gemeenten met beleid",
        name_en="",
        unit="",
        kind="percentage",
        direction="up",
        combination="latest",
        baseline_value=Decimal("12.5"),
        targets=(
            TargetData(Decimal(50), dt.date(2026, 12, 31)),
            TargetData(Decimal("87.5"), dt.date(2027, 12, 31)),
        ),
        disaggregation="exploitation_form",
        source="https://example.org/bron",
        note="demo",
        demo=True,
    )


def state():
    return {
        a.code: [i.as_dict() for i in action_indicators(a)]
        for a in Action.objects.prefetch_related("indicators__targets")
    }


@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx"])
def test_definitions_round_trip_through_every_format(world, fmt):
    Plan.objects.create(code="nap", title_nl="Nationaal actieplan")
    # (A second XLSX import doubles an action's milestones: a separate, older matter.)
    world.actions.a1.milestones.all().delete()
    two_indicators(world)
    before = state()
    assert len(before["A.1"]) == 2
    content = export_bytes(fmt)
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content))["Indicatoren"]
        assert [c.value for c in sheet[1]][:3] == ["Actie", "Code", "Indicator (NL)"]
        assert sheet.max_row == 3
        header = [c.value for c in sheet[1]]
        shown = {
            h: {row[header.index(h)].value for row in sheet.iter_rows(min_row=2)} for h in header
        }
        assert shown["Soort"] <= {"aantal", "percentage", "ja/nee", "mijlpaal"}  # Dutch, not codes
        assert shown["Richting"] <= {"hoger is beter", "lager is beter"}
        assert shown["Optelling"] <= {"per periode", "cumulatief", "laatste waarde"}
    Indicator.objects.all().delete()
    raw, locate = read_bytes(content, f"plan.{fmt}")
    report = parse_and_import(raw, locate=locate, filename=f"plan.{fmt}")
    assert report.updated["actions"] == 1
    assert state() == before
    # A second import changes nothing.
    raw, locate = read_bytes(content, f"plan.{fmt}")
    again = parse_and_import(raw, locate=locate, filename=f"plan.{fmt}")
    assert again.changes == 0


def test_a_bad_indicator_in_a_file_is_named_with_its_place(world):
    import yaml

    from samen.plan.document import PlanDocumentInvalid
    from samen.plan.export import export_document

    data = export_document()
    action = next(a for a in data["actions"] if a["code"] == "A.1")
    action["indicators"] = [
        {
            "code": "I1",
            "name_nl": "x",
            "kind": "aantal",
            "targets": [{"value": "veel", "date": "2027-01-01"}],
        }
    ]
    raw, _ = read_bytes(yaml.safe_dump(data).encode(), "plan.yaml")
    with pytest.raises(PlanDocumentInvalid) as caught:
        parse_and_import(raw, filename="plan.yaml")
    text = caught.value.summary()
    assert "indicators" in text and "kind" in text and "veel" in text
    assert not Indicator.objects.exists()


def test_plan_versions_show_indicator_changes(client, world):
    define(world.users.programme, world.actions.a1)
    PlanVersion.objects.create(
        code="v1",
        date=dt.date(2026, 1, 1),
        title_nl="Versie 1",
        snapshot=selectors.current_snapshot(),
    )
    indicator = Indicator.objects.get()
    indicator.targets.update(value=Decimal(800))
    diff = selectors.diff_versions("v1", selectors.CURRENT)
    (change,) = diff.changed
    assert [c.field for c in change.changes] == ["indicators"]
    page = client.get(reverse("version-compare"), {"base": "v1", "target": selectors.CURRENT})
    text = page.content.decode()
    assert "indicatoren" in text.lower()
    assert "streefwaarde 500 professionals op 31 december 2027" in text
    assert "streefwaarde 800 professionals op 31 december 2027" in text


def test_an_old_snapshot_without_indicators_compares_cleanly(world):
    snapshot = selectors.current_snapshot()
    for entry in snapshot:
        entry.pop("indicators")
    PlanVersion.objects.create(
        code="old", date=dt.date(2025, 1, 1), title_nl="Oud", snapshot=snapshot
    )
    assert not selectors.diff_versions("old", selectors.CURRENT).changed
    define(
        world.users.programme,
        world.actions.a1,
        targets=(TargetData(Decimal(5), dt.date(2027, 1, 1)),),
    )
    assert IndicatorData  # the document form is what the snapshot stores
    assert [c.code for c in selectors.diff_versions("old", selectors.CURRENT).changed] == ["A.1"]


def test_a_file_without_indicators_leaves_them_as_they_are(world):
    import yaml

    from samen.plan.export import export_document

    define(world.users.programme, world.actions.a1)
    data = export_document()
    for action in data["actions"]:
        action.pop("indicators", None)  # e.g. the bundled plan, which has none
    raw, _ = read_bytes(yaml.safe_dump(data, allow_unicode=True).encode(), "plan.yaml")
    report = parse_and_import(raw, filename="plan.yaml")
    assert report.updated["actions"] == 0
    assert Indicator.objects.count() == 1
    # An empty list says: no indicators.
    next(a for a in data["actions"] if a["code"] == "A.1")["indicators"] = []
    raw, _ = read_bytes(yaml.safe_dump(data, allow_unicode=True).encode(), "plan.yaml")
    parse_and_import(raw, filename="plan.yaml")
    assert not Indicator.objects.exists()


def test_the_programme_team_downloads_the_whole_plan_in_the_web(client, world):
    import io

    from openpyxl import load_workbook

    Plan.objects.create(code="nap", title_nl="Nationaal actieplan")
    two_indicators(world)
    client.force_login(world.users.programme)
    page = client.get(reverse("plan-import")).content.decode()
    for fmt in ("xlsx", "yaml", "json"):
        assert reverse("plan-export", args=[fmt]) in page
    assert "met het tabblad Indicatoren" in page
    response = client.get(reverse("plan-export", args=["xlsx"]))
    assert response.status_code == 200
    assert "Indicatoren" in load_workbook(io.BytesIO(response.content)).sheetnames
    assert b"Getrainde professionals" in client.get(reverse("plan-export", args=["yaml"])).content
    assert client.get(reverse("plan-export", args=["json"])).json()["actions"]
    assert client.get(reverse("plan-export", args=["exe"])).status_code == 404
    client.force_login(world.users.police)
    assert client.get(reverse("plan-export", args=["xlsx"])).status_code == 403
    client.logout()
    anonymous = client.get(reverse("plan-export", args=["yaml"]))
    assert anonymous.status_code == 302 and "/inloggen" in anonymous["Location"]


def test_the_definition_form_gives_every_error_at_once_in_dutch_words(client, world):
    client.force_login(world.users.programme)
    response = client.post(
        reverse("indicator-new", args=["A.1"]),
        form(name_nl="", kind="percentage", baseline_value="veel", targets="31-12-2027: 150"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["name_nl"] == ["Naam (Nederlands) is verplicht."]
    assert (
        errors["baseline_value"][0].startswith("Waarde nulmeting: ")
        and "geen getal" in errors["baseline_value"][0]
    )
    (target_error,) = errors["targets"]
    assert target_error.startswith("Streefwaarden: ")
    assert "niet 150 %" in target_error and "E+" not in target_error  # Dutch number, not 1.5E+2
    for messages in errors.values():
        assert all(m[:1].isupper() for m in messages)


def test_target_and_baseline_dates_may_be_written_the_dutch_way(client, world):
    client.force_login(world.users.programme)
    response = client.post(
        reverse("indicator-new", args=["A.1"]),
        form(baseline_date="31-12-2025", targets="31-12-2027: 1.500"),
    )
    assert response.status_code == 302, response.context["form"].errors
    indicator = Indicator.objects.get()
    assert indicator.baseline_date == dt.date(2025, 12, 31)
    assert [(t.date, t.value) for t in indicator.targets.all()] == [
        (dt.date(2027, 12, 31), Decimal(1500))
    ]

"""Filters, coverage and version comparison, on data built in each test."""

import pytest

from samen.plan import selectors
from samen.plan.models import PlanVersion
from tests.plan.factories import ActionFactory, ActionLineFactory, OrganisationFactory


def getlist(params):
    return lambda name: params.get(name, [])


@pytest.fixture
def small_plan(db):
    line1, line2 = ActionLineFactory(number=1, code="L1"), ActionLineFactory(number=2, code="L2")
    police, ngo = OrganisationFactory(code="police"), OrganisationFactory(code="ngo")
    ActionFactory(
        code="A.1", action_line=line1, forms=["criminal"], ages=["minors"], holders=[police]
    )
    ActionFactory(
        code="A.2",
        action_line=line1,
        forms=["sexual", "criminal"],
        ages=["adults"],
        holders=[ngo],
        involved=[police],
    )
    ActionFactory(code="A.3", action_line=line2, forms=["labour"], ages=["minors", "adults"])
    ActionFactory(
        code="A.4", action_line=None, forms=["criminal"], ages=["minors"], title_nl="Zonder lijn"
    )
    return {"line1": line1, "police": police}


def codes(f):
    return sorted(selectors.filter_actions(f).values_list("code", flat=True))


def test_filters_combine_across_and_alternate_within_dimensions(small_plan):
    parse = selectors.parse_action_filter
    assert codes(parse(getlist({"exploitationForm": ["criminal"], "ageGroup": ["minors"]}))) == [
        "A.1",
        "A.4",
    ]
    assert codes(parse(getlist({"exploitationForm": ["sexual,labour"]}))) == ["A.2", "A.3"]
    assert codes(parse(getlist({"actionLine": ["none"]}))) == ["A.4"]
    assert codes(parse(getlist({"organisation": ["police"]}))) == ["A.1", "A.2"]
    assert codes(parse(getlist({"organisation": ["police"], "role": ["involved"]}))) == ["A.2"]
    assert codes(parse(getlist({"q": ["zonder"]}))) == ["A.4"]


def test_unknown_filter_value_names_the_parameter(small_plan):
    with pytest.raises(selectors.FilterError) as info:
        selectors.parse_action_filter(getlist({"ageGroup": ["elderly"]}))
    assert info.value.param == "ageGroup" and "elderly" in str(info.value)
    with pytest.raises(selectors.FilterError):
        selectors.parse_action_filter(getlist({"role": ["boss"]}))


def test_filter_survives_a_round_trip_through_the_url(small_plan):
    f = selectors.parse_action_filter(
        getlist({"exploitationForm": ["criminal"], "role": ["holder"], "q": ["x"]})
    )
    params = {}
    for key, value in f.as_params():
        params.setdefault(key, []).append(value)
    assert selectors.parse_action_filter(getlist(params)) == f


def test_coverage_counts_distinct_actions_and_marks_gaps(small_plan):
    matrix = selectors.coverage("actionLine", "exploitationForm")
    assert matrix.count("L1", "criminal") == 2
    assert matrix.count("L1", "labour") == 0 and ("L1", "labour") in matrix.gaps
    assert matrix.count("none", "criminal") == 1
    assert matrix.row_totals["L1"] == 2  # A.2 counts once although it has two forms
    assert matrix.total == 4
    assert [c for c, _label in matrix.row_members] == ["L1", "L2", "none"]


def test_coverage_by_age_group_and_with_a_filter(small_plan):
    matrix = selectors.coverage(
        "actionLine", "ageGroup", selectors.ActionFilter(exploitation_forms=("criminal",))
    )
    assert matrix.count("L1", "minors") == 1 and matrix.count("L1", "adults") == 1
    assert matrix.count("L2", "minors") == 0


def test_coverage_rejects_unknown_dimensions(small_plan):
    with pytest.raises(selectors.FilterError):
        selectors.coverage("actionLine", "colour")
    with pytest.raises(selectors.FilterError):
        selectors.coverage("ageGroup", "ageGroup")


def test_version_diff_is_field_by_field(small_plan):
    snapshot = selectors.current_snapshot()
    PlanVersion.objects.create(code="v1", date="2024-01-01", title_nl="Een", snapshot=snapshot[:3])
    changed = [dict(a) for a in snapshot[1:]]
    changed[0]["holders"] = ["police"]
    changed[0]["status"] = "completed"
    PlanVersion.objects.create(code="v2", date="2024-06-01", title_nl="Twee", snapshot=changed)
    diff = selectors.diff_versions("v1", "v2")
    assert [a["code"] for a in diff.added] == ["A.4"]
    assert [a["code"] for a in diff.removed] == ["A.1"]
    assert [c.code for c in diff.changed] == ["A.2"]
    fields = {fc.field: (fc.before, fc.after) for fc in diff.changed[0].changes}
    assert fields == {"holders": (["ngo"], ["police"]), "status": ("unknown", "completed")}
    assert diff.unchanged == 1
    current = selectors.diff_versions("v2", selectors.CURRENT)
    assert [c.code for c in current.changed] == ["A.2"]


def test_bundled_versions_show_the_strengthening_themes(bundled_plan):
    diff = selectors.diff_versions("2023-10", "2024-06")
    assert [a["code"] for a in diff.added] == ["S.1", "S.2", "S.3", "S.4", "S.5"]
    assert not diff.removed and not diff.changed

"""Disclosure control, tested by attack: after protect(), an attacker who solves the linear
programme over everything published must not narrow any small count below the threshold."""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from samen.impact.disclosure import (
    SUPPRESSED_MARK,
    Protection,
    Relation,
    feasible_ranges,
    protect,
)

T = "total"


def cross_table(counts: np.ndarray, names: tuple[str, ...] = ()) -> tuple[dict, list[Relation]]:
    """Every cell of an n-way table and all its margins, with one relation per margin line.

    Cell ids are tuples of category indices, ``"total"`` for a margin: ``(2, "total")`` is
    row 2's total. ``names`` prefixes every id (to hold several tables in one set).
    """
    shape = counts.shape
    values: dict = {}
    for key in itertools.product(*[[*range(n), T] for n in shape]):
        picks = tuple(slice(None) if k == T else k for k in key)
        values[(*names, *key)] = int(counts[picks].sum())
    relations = [
        Relation(
            key, tuple((*key[: len(names) + d], i, *key[len(names) + d + 1 :]) for i in range(n))
        )
        for key in values
        for d, n in enumerate(shape)
        if key[len(names) + d] == T
    ]
    return values, relations


def attack(result: Protection, relations: list[Relation]) -> dict:
    return feasible_ranges(result.published, relations)


def assert_protected(result: Protection, relations: list[Relation], values: dict) -> dict:
    """What a data user sees, and what the attacker can work out, both as the rule says."""
    ranges = attack(result, relations)
    for cell, value in result.published.items():
        if cell in result.suppressed:
            assert value is None
        else:
            assert value == values[cell]  # published figures are never changed
    for cell in result.primary:
        lo, hi = ranges[cell]
        assert lo <= values[cell] <= hi
        assert hi - lo >= result.protection - 1e-6, (cell, values[cell], lo, hi)
    for cell in result.suppressed:
        lo, hi = ranges[cell]
        assert hi - lo > 0, f"{cell} can be worked out exactly"
    return ranges


def test_one_small_cell_with_its_margin_needs_a_second_suppression():
    values = {"all": 50, "sexual": 3, "labour": 20, "criminal": 27}
    relations = [Relation("all", ("sexual", "labour", "criminal"))]

    result = protect(values, relations)

    assert result.primary == {"sexual"}
    assert result.secondary == {"labour"}  # the cheaper of the two, never the total
    assert result.published == {"all": 50, "sexual": None, "labour": None, "criminal": 27}
    ranges = assert_protected(result, relations, values)
    assert ranges["sexual"] == (0.0, 23.0)  # 50 - 27 shared by the two hidden cells


def test_small_cells_that_add_up_to_less_than_the_threshold_take_a_large_one_with_them():
    values = {"all": 57, "a": 3, "b": 4, "c": 50}
    relations = [Relation("all", ("a", "b", "c"))]

    result = protect(values, relations)

    assert result.published["all"] == 57  # the grand total stays
    assert result.suppressed == {"a", "b", "c"}  # a + b = 7 would give both away to within 7
    assert_protected(result, relations, values)


def test_two_way_table_with_margins():
    counts = np.array([[3, 15, 40, 22], [12, 1, 30, 18], [25, 22, 9, 31]])
    values, relations = cross_table(counts)

    result = protect(values, relations)

    assert {(0, 0), (1, 1), (2, 2)} == result.primary
    assert result.published[(T, T)] == counts.sum()
    assert_protected(result, relations, values)
    # no row or column shows exactly one hidden cell
    for rel in relations:
        hidden = [c for c in (rel.total, *rel.parts) if result.published[c] is None]
        assert len(hidden) != 1


def test_two_tables_sharing_the_year_total_are_protected_together():
    # one year: victims by form and by age group; both tables end in the same total
    by_form = {"form:sexual": 40, "form:labour": 25, "form:criminal": 12, "form:organ": 2}
    by_age = {"age:minor": 7, "age:young": 30, "age:adult": 42}
    values = {"year": 79, **by_form, **by_age}
    relations = [Relation("year", tuple(by_form)), Relation("year", tuple(by_age))]

    result = protect(values, relations)

    assert result.primary == {"form:organ", "age:minor"}
    assert result.published["year"] == 79
    assert_protected(result, relations, values)


def test_tables_sharing_margins_leak_when_protected_one_by_one():
    # "by form" (a margin) and "form x age" (its breakdown), published together
    counts = np.array([[4, 16, 20], [14, 9, 30]])
    cross, cross_rel = cross_table(counts, ("x",))
    values = dict(cross)
    result = protect(values, cross_rel)
    assert_protected(result, cross_rel, values)
    # The attacker also has a second table that repeats the row totals under other ids.
    extra = {("form", i): int(counts[i].sum()) for i in range(2)}
    links = [Relation(("form", i), (("x", i, T),)) for i in range(2)]
    joint = protect({**values, **extra}, cross_rel + links)
    assert_protected(joint, cross_rel + links, {**values, **extra})


def test_hierarchy_total_forms_form_by_age():
    rng = np.random.default_rng(7)
    counts = rng.poisson([[30, 4, 12], [2, 8, 40], [15, 6, 3], [0, 1, 2]])
    values, relations = cross_table(counts)
    # a grand total above the form totals, as a hierarchy: total -> forms -> form x age
    values["all"] = values[(T, T)]
    relations.append(Relation("all", tuple((i, T) for i in range(4))))

    result = protect(values, relations)

    assert result.published["all"] == counts.sum()
    assert_protected(result, relations, values)


def test_a_cell_at_the_threshold_is_published_and_one_below_is_not():
    values = {"all": 60, "a": 10, "b": 9, "c": 41}
    relations = [Relation("all", ("a", "b", "c"))]

    result = protect(values, relations)

    assert result.primary == {"b"}
    assert "a" not in result.primary
    assert_protected(result, relations, values)


def test_a_configurable_threshold_and_protection_width():
    values = {"all": 60, "a": 7, "b": 12, "c": 41}
    relations = [Relation("all", ("a", "b", "c"))]

    assert protect(values, relations, threshold=5).suppressed == frozenset()
    wide = protect(values, relations, threshold=10, protection=25)
    assert wide.protection == 25
    lo, hi = attack(wide, relations)["a"]
    assert hi - lo >= 25


def test_zeros_are_suppressed_like_any_small_count():
    # organ removal: 3 victims, all adults; labour: 40 victims, no minors
    values = {
        "organ": 3, "organ:minor": 0, "organ:young": 0, "organ:adult": 3,
        "labour": 40, "labour:minor": 0, "labour:young": 12, "labour:adult": 28,
        "all": 43, "minor": 0, "young": 12, "adult": 31,
    }  # fmt: skip
    relations = [
        Relation("organ", ("organ:minor", "organ:young", "organ:adult")),
        Relation("labour", ("labour:minor", "labour:young", "labour:adult")),
        Relation("all", ("organ", "labour")),
        Relation("minor", ("organ:minor", "labour:minor")),
        Relation("young", ("organ:young", "labour:young")),
        Relation("adult", ("organ:adult", "labour:adult")),
        Relation("all", ("minor", "young", "adult")),
    ]

    result = protect(values, relations)

    # every cell below the threshold is primary, 0 included: a 0 is never shown
    zeros_and_small = {c for c, v in values.items() if v < 10}
    assert zeros_and_small == result.primary
    assert all(result.published[c] is None for c in zeros_and_small)
    assert 0 not in result.published.values()
    assert_protected(result, relations, values)


def test_a_derived_zero_remainder_is_suppressed_and_cannot_be_worked_out():
    # a year's total minus the forms given: "not specified" is 0 (forms sum to the total)
    values = {"total": 120, "sexual": 70, "labour": 38, "criminal": 12, "rest": 0}
    relations = [Relation("total", ("sexual", "labour", "criminal", "rest"))]

    result = protect(values, relations)

    assert result.published["rest"] is None
    assert "rest" in result.primary
    lo, hi = attack(result, relations)["rest"]
    assert hi - lo >= 10
    assert_protected(result, relations, values)


def test_an_empty_table_is_suppressed_whole():
    values = {"all": 0, "a": 0, "b": 0}
    relations = [Relation("all", ("a", "b"))]

    result = protect(values, relations)

    assert result.suppressed == frozenset(values)
    assert all(v is None for v in result.published.values())


def test_a_table_where_everything_is_small_is_suppressed_whole():
    values, relations = cross_table(np.array([[1, 2], [3, 1]]))  # grand total 7

    result = protect(values, relations)

    assert result.suppressed == frozenset(values)
    assert all(v is None for v in result.published.values())
    ranges = attack(result, relations)
    assert all(lo == 0 and hi == math.inf for lo, hi in ranges.values())


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_survive_the_attack(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(2, 6, size=int(rng.integers(2, 4))))
    # skewed counts: many small cells, some zeros, a few large ones
    counts = rng.poisson(rng.gamma(0.8, 12.0, size=shape))
    values, relations = cross_table(counts)
    # shuffle the order of the input: the rule must not depend on it
    keys = list(values)
    rng.shuffle(keys)
    values = {k: values[k] for k in keys}

    result = protect(values, relations)

    assert result.primary == {c for c, v in values.items() if v < 10}
    assert_protected(result, relations, values)


def string_ids_example() -> list[str]:
    """Suppressed cells of a table whose ids are strings (their hashes vary per process)."""
    counts = np.random.default_rng(3).poisson(8.0, size=(5, 4))
    values, relations = cross_table(counts)
    result = protect(
        {repr(k): v for k, v in values.items()},
        [Relation(repr(r.total), tuple(repr(p) for p in r.parts)) for r in relations],
    )
    return sorted(result.suppressed)


def test_the_same_input_gives_the_same_suppression_in_another_process():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, tests.impact.test_disclosure as t; "
            "print(json.dumps(t.string_ids_example()))",
        ],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == string_ids_example()
    values, relations = cross_table(np.random.default_rng(3).poisson(8.0, size=(5, 4)))
    assert protect(values, relations) == protect(values, relations)


def test_feasible_ranges_match_the_frechet_bounds_of_a_two_by_two_table():
    # all four inner cells hidden, margins published: the classic bounds
    # max(0, r_i + c_j - n) <= x_ij <= min(r_i, c_j)
    rng = np.random.default_rng(11)
    for _ in range(5):
        counts = rng.integers(0, 30, size=(2, 2))
        values, relations = cross_table(counts)
        published = {c: (None if T not in c else v) for c, v in values.items()}
        ranges = feasible_ranges(published, relations)
        rows, cols, n = counts.sum(axis=1), counts.sum(axis=0), counts.sum()
        for i, j in itertools.product(range(2), range(2)):
            assert ranges[(i, j)] == (max(0, rows[i] + cols[j] - n), min(rows[i], cols[j]))


def test_feasible_ranges_of_a_cell_nothing_bounds_is_infinite():
    published = {"all": None, "a": None, "b": 12}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no inf - inf noise from the bound propagation
        ranges = feasible_ranges(published, [Relation("all", ("a", "b"))])
    assert ranges == {"all": (12.0, math.inf), "a": (0.0, math.inf)}


def test_a_small_cell_in_no_relation_is_hidden_and_nothing_bounds_it():
    result = protect({"organ removal": 3, "all forms": 812}, [])
    assert result.published == {"organ removal": None, "all forms": 812}
    assert feasible_ranges(result.published, []) == {"organ removal": (0.0, math.inf)}


def test_feasible_ranges_for_chosen_cells_only():
    published = {"all": 20, "a": None, "b": None, "c": 5}
    relations = [Relation("all", ("a", "b", "c"))]
    assert feasible_ranges(published, relations, cells=["b"]) == {"b": (0.0, 15.0)}
    with pytest.raises(ValueError, match="only for suppressed cells"):
        feasible_ranges(published, relations, cells=["c"])
    with pytest.raises(ValueError, match="'d' is not in the published set"):
        feasible_ranges(published, relations, cells=["d"])


def test_feasible_ranges_refuse_published_values_no_table_fits():
    with pytest.raises(ValueError, match="no non-negative table"):
        feasible_ranges({"all": 5, "a": None, "b": 9}, [Relation("all", ("a", "b"))])


@pytest.mark.parametrize(
    ("values", "relations", "message"),
    [
        ({"all": 5, "a": 2, "b": 2}, [Relation("all", ("a", "b"))], "does not hold"),
        ({"all": 5, "a": -1, "b": 6}, [Relation("all", ("a", "b"))], "non-negative whole"),
        ({"all": 5, "a": 2.5, "b": 2.5}, [Relation("all", ("a", "b"))], "non-negative whole"),
        ({"all": 5, "a": 5}, [Relation("all", ("a", "b"))], "'b', which has no value"),
    ],
)
def test_bad_input_is_refused_with_what_is_wrong(values, relations, message):
    with pytest.raises(ValueError, match=message):
        protect(values, relations)


def test_bad_relations_are_refused():
    with pytest.raises(ValueError, match="no parts"):
        Relation("all", ())
    with pytest.raises(ValueError, match="twice"):
        Relation("all", ("a", "a"))
    with pytest.raises(ValueError, match="among its parts"):
        Relation("all", ("all", "a"))


def test_a_zero_the_relations_themselves_fix_cannot_be_protected():
    # "all" is both a + b and a + b + c, so c is 0 in every table; it sits in a small group
    values = {"all": 4, "a": 1, "b": 3, "c": 0}
    relations = [Relation("all", ("a", "b")), Relation("all", ("a", "b", "c"))]
    with pytest.raises(ValueError, match="'c' cannot be protected"):
        protect(values, relations)


def test_suppressed_cells_share_one_mark():
    assert SUPPRESSED_MARK == "·"

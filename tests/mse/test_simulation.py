"""Simulation study (samen.mse.simulation, run by bench/mse_simulation.py): bias and coverage with known truth."""

from __future__ import annotations

import pytest

from samen.mse.simulation import Row, run


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], Row]:
    return {(r.scenario, r.model): r for r in run(reps=200, seed=2024)}


def test_right_model_covers_about_95_percent(rows: dict[tuple[str, str], Row]) -> None:
    for key in [("independent lists", "independence"), ("A and B dependent", "with A:B")]:
        r = rows[key]
        assert 0.88 <= r.coverage <= 0.99, key
        assert abs(r.rel_bias) < 0.05, key


def test_wrong_model_underestimates_and_undercovers(rows: dict[tuple[str, str], Row]) -> None:
    wrong = rows[("A and B dependent", "independence")]
    right = rows[("A and B dependent", "with A:B")]
    assert wrong.rel_bias < -0.10  # positive dependence hides the unobserved
    assert wrong.coverage < 0.5
    assert wrong.coverage < right.coverage - 0.3


def test_extra_term_costs_width_not_coverage(rows: dict[tuple[str, str], Row]) -> None:
    lean = rows[("independent lists", "independence")]
    rich = rows[("independent lists", "with A:B")]
    assert rich.median_width > lean.median_width
    assert rich.coverage >= 0.88

"""Rcapture's closedp.t table and closedpCI profile intervals against R."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from samen.mse.loglinear import ModelSpec, fit_loglinear, profile_interval
from samen.mse.rcapture import closedp_table
from tests.mse.conftest import load
from tests.mse.results.r_reference import CLOSEDP_T, PROFILE_CI

# R printed two decimals: compare to half a unit in the last printed digit.
PRINTED = 0.005 + 1e-9


@pytest.mark.parametrize("name", sorted(CLOSEDP_T))
def test_closedp_table_matches_r(name: str) -> None:
    table = load(name)
    _, counts = table.full()
    rows = {r.name: r for r in closedp_table(counts, table.k)}
    for model, expected in CLOSEDP_T[name].items():
        r = rows[model]
        got = (r.abundance, r.stderr, r.deviance, r.df, r.aic, r.bic)
        assert_allclose(got, expected, rtol=0, atol=PRINTED, err_msg=f"{name} {model}")


SPECS = {
    "Mt": ModelSpec("Mt"),
    "M0": ModelSpec("M0"),
    "Mth Chao": ModelSpec("Mt", heterogeneity="chao"),
    "Mth Poisson": ModelSpec("Mt", heterogeneity="poisson"),
    "Mth Darroch": ModelSpec("Mt", heterogeneity="darroch"),
    "Mth Gamma": ModelSpec("Mt", heterogeneity="gamma"),
}


@pytest.mark.parametrize("name", sorted(PROFILE_CI))
def test_profile_intervals_match_r(name: str) -> None:
    table = load(name)
    _, counts = table.full()
    for model, (est, lo, hi) in PROFILE_CI[name].items():
        fit = fit_loglinear(counts, SPECS[model], table.k)
        ci = profile_interval(fit)
        # R prints whole numbers; its optimiser tolerance is 1e-4.
        assert_allclose([ci.abundance, ci.lower], [est, lo], rtol=1e-4, atol=0.5, err_msg=model)
        if hi is None:
            assert math.isinf(ci.upper), f"{name} {model}: R found no upper bound"
        else:
            assert_allclose(ci.upper, hi, rtol=1e-4, atol=0.5, err_msg=model)


def test_multinomial_estimate_is_below_the_poisson_one() -> None:
    table = load("uk2013_6lists")
    _, counts = table.full()
    fit = fit_loglinear(counts, ModelSpec("Mt"), table.k)
    ci = profile_interval(fit)
    assert_allclose(fit.abundance, 12214.00, atol=PRINTED)
    assert 12200 < ci.abundance < fit.abundance


def test_chao_negative_eta_are_dropped_and_reported() -> None:
    table = load("western_us_5lists")
    _, counts = table.full()
    fit = fit_loglinear(counts, ModelSpec("Mt", heterogeneity="chao"), table.k)
    assert fit.dropped_eta == (4, 5)
    assert (fit.fit.coef[fit.nca :] >= 0).all()

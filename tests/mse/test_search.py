"""closedpMS.t: the same best-AIC and best-BIC models as R, and their intervals."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from samen.mse.design import parse_terms
from samen.mse.loglinear import ModelSpec, fit_loglinear, profile_interval
from samen.mse.search import SearchResult, exhaustive_search, stepwise_search
from tests.mse.conftest import load
from tests.mse.results.r_reference import MODEL_SEARCH, TOP5_BIC

PRINTED = 0.005 + 1e-9


@pytest.fixture(scope="module")
def searches() -> dict[str, SearchResult]:
    out = {}
    for name in MODEL_SEARCH:
        table = load(name)
        _, counts = table.full()
        out[name] = exhaustive_search(counts, table.k, "aic")
    return out


@pytest.mark.parametrize("name", sorted(MODEL_SEARCH))
@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_best_model_matches_r(searches: dict[str, SearchResult], name: str, criterion: str) -> None:
    r_name, r_value, est, lo, hi = MODEL_SEARCH[name][criterion]
    best = searches[name].ranked(criterion).best
    assert best.name == r_name
    assert_allclose(best.criterion(criterion), r_value, atol=PRINTED)
    if est is None:  # R: no finite MLE for this model (NA estimate)
        assert best.abundance > 1e9
        return
    table = load(name)
    _, counts = table.full()
    ci = profile_interval(fit_loglinear(counts, ModelSpec("pairs", best.pairs), table.k))
    assert_allclose([ci.abundance, ci.lower, ci.upper], [est, lo, hi], rtol=1e-4, atol=0.5)


@pytest.mark.parametrize("name", sorted(TOP5_BIC))
def test_top_five_by_bic_match_r(searches: dict[str, SearchResult], name: str) -> None:
    top = searches[name].ranked("bic").models[:5]
    assert [m.name for m in top] == [r[0] for r in TOP5_BIC[name]]
    assert_allclose([m.abundance for m in top], [r[1] for r in TOP5_BIC[name]], atol=PRINTED)
    assert_allclose([m.bic for m in top], [r[2] for r in TOP5_BIC[name]], atol=PRINTED)


def test_search_counts_every_pairwise_model(searches: dict[str, SearchResult]) -> None:
    assert len(searches["uk2013_6lists"].models) == 2**15
    assert len(searches["uk2013_5lists"].models) == 2**10


def test_batch_estimates_equal_single_fits(searches: dict[str, SearchResult]) -> None:
    table = load("uk2013_6lists")
    _, counts = table.full()
    for m in searches["uk2013_6lists"].models[:5]:
        single = fit_loglinear(counts, ModelSpec("pairs", m.pairs), table.k)
        assert_allclose(m.abundance, single.abundance, rtol=1e-6)
        assert_allclose(m.aic, single.aic, rtol=1e-9)


def test_stepwise_search_beyond_six_lists_stops_at_a_local_optimum() -> None:
    table = load("neworleans_8lists")
    _, counts = table.full()
    res = stepwise_search(counts, table.k, "bic")
    best = res.best
    neighbours = [m for m in res.models if len(set(m.pairs) ^ set(best.pairs)) == 1]
    assert len(neighbours) == 28  # every single addition or removal was tried
    assert all(m.bic >= best.bic for m in neighbours)
    assert parse_terms("D:E", table.lists)[0] in best.pairs

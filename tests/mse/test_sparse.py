"""SparseMSE: stepwise terms in R's order, Wald intervals, checkident, checkallmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samen.mse.design import parse_terms, term_names
from samen.mse.sparse import (
    check_all_models,
    checkident,
    count_triples,
    estimate_population0,
    model_fit,
    poisson_tail_pvalue,
)
from tests.mse.conftest import load
from tests.mse.results.r_reference import CHECK_ALL_MODELS, SPARSE_STEPWISE


@pytest.mark.parametrize("name", sorted(SPARSE_STEPWISE))
def test_stepwise_matches_r(name: str) -> None:
    (est, lo, hi), terms, lp_checks, main = SPARSE_STEPWISE[name]
    table = load(name)
    hist, counts = table.full()
    w = estimate_population0(hist, counts)
    assert term_names(w.model.pairs, table.lists) == terms  # same terms, same order
    assert w.lp_checks == lp_checks
    assert_allclose([w.estimate, w.lower, w.upper], [est, lo, hi], atol=0.5)
    m = estimate_population0(hist, counts, "main")
    assert_allclose([m.estimate, m.lower, m.upper], main, atol=0.5)


@pytest.mark.parametrize("name", sorted(CHECK_ALL_MODELS))
def test_checkallmodels_matches_r(name: str) -> None:
    hist, counts = load(name).full()
    assert len(check_all_models(hist, counts)) == CHECK_ALL_MODELS[name]


def test_artificial_example_verdicts_as_documented() -> None:
    table = load("artificial_3lists")
    hist, counts = table.full()

    def verdict(terms: str) -> int:
        return checkident(hist, counts, parse_terms(terms, table.lists))

    assert verdict("A:B,A:C,B:C") == 2  # all pairs: not identifiable
    assert verdict("A:B") == 1  # AB: no finite MLE
    assert verdict("A:B,A:C") == 1
    assert verdict("A:C,B:C") == 0
    assert verdict("") == 0
    bad = {term_names(m, table.lists) for m in check_all_models(hist, counts)}
    assert bad == {("A:B",), ("A:B", "A:C"), ("A:B", "B:C")}
    assert count_triples(hist, counts) == 0


def test_empty_overlap_deletes_cells_and_adds_two_to_aic() -> None:
    table = load("western_us_5lists")
    hist, counts = table.full()
    pairs = parse_terms("A:B", table.lists)  # A and B never overlap
    fit = model_fit(hist, counts, pairs)
    main = model_fit(hist, counts, [])
    assert fit.empty_pairs == ((0, 1),)
    assert fit.histories.shape[0] == 31 - 8  # the 8 cells with A = B = 1 are gone
    assert_allclose(fit.aic, fit.fit.aic + 2)
    lam = fit.fit.coef[0] + fit.fit.coef[1] + fit.fit.coef[2]
    assert_allclose(fit.poisspempty[0], math.exp(-math.exp(lam)))
    assert fit.estimate < main.estimate  # removing cells removes expected cases


def test_poisson_tail_pvalue_is_one_sided_and_not_doubled() -> None:
    assert_allclose(poisson_tail_pvalue(0, 2.0), math.exp(-2.0))
    assert_allclose(
        poisson_tail_pvalue(10, 2.0),
        1 - sum(math.exp(-2) * 2**i / math.factorial(i) for i in range(10)),
    )
    assert poisson_tail_pvalue(2, 2.0) > 0.5


def test_lp_existence_agrees_with_divergent_glm() -> None:
    table = load("artificial_3lists")
    hist, counts = table.full()
    fit = model_fit(hist, counts, parse_terms("A:B", table.lists))
    assert fit.estimate > 1e6  # no finite MLE: IRLS walks off to infinity
    assert np.isfinite(model_fit(hist, counts, parse_terms("A:C", table.lists)).estimate)

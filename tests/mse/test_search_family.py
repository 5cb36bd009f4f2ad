"""The exhaustive search fitted as a family gives the one-by-one fits' numbers and ranking.

The family engine (:mod:`samen.mse.family`) fits the 2^(k(k-1)/2) pairwise
models together on shared marginal sums. Every number an analyst sees in
``samen mse models`` (estimate, standard error, deviance, AIC, BIC, df,
convergence) must equal what R's ``glm`` iteration gives model by model
(:func:`samen.mse.loglinear.fit_loglinear`), to 1e-9 relative, and the models
must come out in the same order.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from samen.mse.design import all_histories, all_pairs, loglinear_design, rcapture_name
from samen.mse.family import fit_indicator_family, subset_codes
from samen.mse.glm import fit_poisson
from samen.mse.loglinear import ModelSpec, fit_loglinear
from samen.mse.search import SearchedModel, SearchResult, _ranked, exhaustive_search
from tests.mse.conftest import load

RTOL = 1e-9


def _one_by_one(name: str, codes: np.ndarray) -> list[SearchedModel]:
    """The models of the given mask codes, each fitted on its own as R fits it."""
    table = load(name)
    _, counts = table.full()
    pairs = all_pairs(table.k)
    out = []
    for code in codes.tolist():
        chosen = tuple(p for j, p in enumerate(pairs) if code >> j & 1)
        f = fit_loglinear(counts, ModelSpec("pairs", chosen), table.k)
        out.append(
            SearchedModel(
                chosen,
                rcapture_name(chosen, table.k),
                f.abundance,
                f.stderr,
                f.deviance,
                f.df,
                f.aic,
                f.bic,
                f.converged,
            )
        )
    return out


def _assert_same(fast: list[SearchedModel], slow: list[SearchedModel]) -> None:
    assert [m.name for m in fast] == [m.name for m in slow]
    assert [m.df for m in fast] == [m.df for m in slow]
    assert [m.converged for m in fast] == [m.converged for m in slow]
    for field in ("abundance", "stderr", "deviance", "aic", "bic"):
        assert_allclose(
            [getattr(m, field) for m in fast],
            [getattr(m, field) for m in slow],
            rtol=RTOL,
            atol=1e-9,  # deviances of (near-)saturated models are ~0
            err_msg=field,
        )


def _in_code_order(result: SearchResult) -> list[SearchedModel]:
    pairs = all_pairs(6 if len(result.models) == 2**15 else 5)
    index = {p: j for j, p in enumerate(pairs)}
    return sorted(result.models, key=lambda m: sum(1 << index[p] for p in m.pairs))


@pytest.fixture(scope="module")
def uk5() -> SearchResult:
    _, counts = load("uk2013_5lists").full()
    return exhaustive_search(counts, 5, "aic", n_jobs=1)


@pytest.fixture(scope="module")
def uk6() -> SearchResult:
    _, counts = load("uk2013_6lists").full()
    return exhaustive_search(counts, 6, "aic", n_jobs=1)


def test_five_lists_every_model_as_fitted_one_by_one(uk5: SearchResult) -> None:
    slow = _one_by_one("uk2013_5lists", np.arange(2**10))
    _assert_same(_in_code_order(uk5), slow)
    for criterion in ("aic", "bic"):
        ranked = [m.name for m in _ranked(slow, criterion, "exhaustive").models]
        assert [m.name for m in uk5.ranked(criterion).models] == ranked


def test_six_lists_sampled_models_as_fitted_one_by_one(uk6: SearchResult) -> None:
    # every 16th model (2,048 of 32,768: fitting all one by one takes minutes),
    # and the ten best, which the analyst reads first
    index = {p: j for j, p in enumerate(all_pairs(6))}
    best = [sum(1 << index[p] for p in m.pairs) for m in uk6.models[:10]]
    codes = np.unique(np.r_[np.arange(0, 2**15, 16), best])
    fast_all = _in_code_order(uk6)
    fast = [fast_all[c] for c in codes.tolist()]
    slow = _one_by_one("uk2013_6lists", codes)
    _assert_same(fast, slow)
    for criterion in ("aic", "bic"):
        order = {m.name: r for r, m in enumerate(uk6.ranked(criterion).models)}
        ranked = [m.name for m in _ranked(slow, criterion, "exhaustive").models]
        assert sorted(ranked, key=order.__getitem__) == ranked


@pytest.mark.slow
def test_six_lists_family_equals_the_earlier_batched_path(uk6: SearchResult) -> None:
    _, counts = load("uk2013_6lists").full()
    rows = exhaustive_search(counts, 6, "aic", n_jobs=1, engine="rows")
    assert [m.name for m in uk6.models] == [m.name for m in rows.models]
    assert [m.name for m in uk6.ranked("bic").models] == [m.name for m in rows.ranked("bic").models]
    _assert_same(list(uk6.models), list(rows.models))


def test_family_fit_of_hierarchical_terms_beyond_pairs() -> None:
    # a three-list term with its pairs: the marginal sums serve any list set
    _, counts = load("kosovo_4lists").full()
    y = counts.astype(float)
    pairs = [(0, 1), (0, 2), (1, 2)]
    codes = subset_codes(4, [(0,), (1,), (2,), (3,), *pairs, (0, 1, 2)])
    fam = fit_indicator_family(y, 4, codes, np.ones((1, codes.size), dtype=bool), maxit=200)
    hist = all_histories(4)
    triple = (hist[:, 0] * hist[:, 1] * hist[:, 2]).astype(float)
    single = fit_poisson(np.column_stack([loglinear_design(hist, pairs), triple]), y, maxit=200)
    assert_allclose(fam.coef[0], single.coef, rtol=1e-9)
    assert_allclose(fam.aic[0], single.aic, rtol=1e-12)
    assert_allclose(fam.intercept_variance[0], single.intercept_variance, rtol=1e-9)
    assert_array_equal(fam.converged, [single.converged])

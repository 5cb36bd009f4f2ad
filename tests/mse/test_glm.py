"""The hand-written IRLS against statsmodels, and the batch fit against the single fit."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from numpy.testing import assert_allclose

from samen.mse.design import all_histories, all_pairs, loglinear_design
from samen.mse.glm import fit_poisson, fit_poisson_batch
from tests.mse.conftest import load


def test_irls_matches_statsmodels_glm() -> None:
    _, counts = load("uk2013_5lists").full()
    hist = all_histories(5)
    x = loglinear_design(hist, [(0, 1), (1, 4), (2, 4)])
    ours = fit_poisson(x, counts.astype(float))
    ref = sm.GLM(counts, x, family=sm.families.Poisson()).fit()
    assert ours.converged
    assert_allclose(ours.coef, ref.params, rtol=1e-6)
    assert_allclose(ours.deviance, ref.deviance, rtol=1e-6)
    assert_allclose(ours.cov_unscaled, ref.cov_params(), rtol=1e-5)
    assert_allclose(ours.aic, ref.aic, rtol=1e-8)


def test_batch_fit_equals_single_fits() -> None:
    _, counts = load("kosovo_4lists").full()
    hist = all_histories(4)
    pairs = all_pairs(4)
    x = loglinear_design(hist, pairs)
    rng = np.random.default_rng(5)
    masks = np.column_stack([np.ones((20, 5), bool), rng.random((20, 6)) < 0.5])
    batch = fit_poisson_batch(x, counts.astype(float), masks)
    for b in range(20):
        single = fit_poisson(x[:, masks[b]], counts.astype(float))
        assert_allclose(batch.coef[b, masks[b]], single.coef, rtol=1e-7, atol=1e-9)
        assert_allclose(batch.aic[b], single.aic, rtol=1e-9)
        assert_allclose(batch.intercept_variance[b], single.intercept_variance, rtol=1e-6)


def test_aliased_columns_get_nan_like_r() -> None:
    x = np.column_stack([np.ones(6), [1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1]]).astype(float)
    fit = fit_poisson(x, np.array([3.0, 5, 4, 6, 2, 7]))
    assert np.isnan(fit.coef[2]) and fit.rank == 2

"""SparseMSE's BCa bootstrap: jackknife acceleration exactly, limits within Monte Carlo error."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samen.mse.bootstrap import bca_limits, bootstrap_estimate
from tests.mse.conftest import load
from tests.mse.results.r_reference import SPARSE_BCA


@pytest.fixture(scope="module")
def rome() -> object:
    t = load("rome_hiv_4lists")
    return bootstrap_estimate(t.histories, t.counts, nboot=1000, seed=1234)


def test_full_bootstrap_matches_r_within_monte_carlo_error(rome: object) -> None:
    ahat, lo, hi = SPARSE_BCA["rome_hiv_4lists"]
    assert_allclose(rome.ahat, ahat, atol=5e-5)  # deterministic: jackknife over histories
    got = rome.interval(0.95)
    assert_allclose(got, (lo, hi), rtol=0.03)
    assert rome.replicates.size == 1000
    assert_allclose(rome.estimate, 11124.58, atol=0.01)


def test_acceleration_matches_r_on_the_sparse_artificial_set() -> None:
    t = load("artificial_3lists")
    res = bootstrap_estimate(t.histories, t.counts, nboot=200, seed=1)
    assert_allclose(res.ahat, SPARSE_BCA["artificial_3lists"][0], atol=5e-5)
    lo, hi = res.interval()
    # 200 replicates on 96 cases: loose, but the BCa interval is skewed upwards as R's
    assert 240 < lo < 340 and 1100 < hi < 2000
    assert hi - res.estimate > res.estimate - lo


def test_seeded_bootstrap_is_reproducible_whatever_the_workers() -> None:
    t = load("artificial_3lists")
    a = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=9, n_jobs=1)
    b = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=9, n_jobs=2)
    assert_allclose(a.replicates, b.replicates)


def test_bca_without_skew_is_the_percentile_interval() -> None:
    reps = np.random.default_rng(3).normal(100, 10, 4001)
    z0, lim = bca_limits(reps, float(np.median(reps)), 0.0, (0.025, 0.975))
    assert abs(z0) < 1e-3
    assert_allclose(lim, np.quantile(reps, [0.025, 0.975]), rtol=1e-3)

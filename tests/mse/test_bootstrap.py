"""SparseMSE's BCa bootstrap: jackknife acceleration exactly, limits within Monte Carlo error."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm

from samen.mse._parallel import process_pool, start_method
from samen.mse.bootstrap import bca_limits, bootstrap_estimate
from samen.mse.sparse import check_cache_info, stepwise_fit
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


def _r_quantile_type8(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """R 4.2 ``quantile(x, probs, type = 8)`` transcribed (with its fuzz and end padding)."""
    xs = np.sort(x)
    n = xs.size
    a = 1.0 / 3.0
    fuzz = 4.0 * np.finfo(float).eps
    nppm = a + probs * (n + 1 - 2 * a)
    j = np.floor(nppm + fuzz).astype(int)
    h = nppm - j
    h = np.where(np.abs(h) < fuzz, 0.0, h)
    padded = np.concatenate([[xs[0], xs[0]], xs, [xs[-1], xs[-1]]])
    lo, hi = padded[j + 1], padded[j + 2]
    return np.where(h == 0, lo, np.where(h == 1, hi, (1 - h) * lo + h * hi))


def test_limits_are_r_type8_quantiles_even_deep_in_the_tails() -> None:
    # BCa pushes the 2.5% limit to levels like 0.0001-0.002 on these data
    # (see docs/mse-guide.md): there type 8 returns the smallest replicates.
    reps = np.random.default_rng(5).lognormal(9, 0.3, 1000)
    est = float(np.quantile(reps, 0.3))
    for ahat in (-0.1, -0.01, 0.0, 0.05):
        z0, lim = bca_limits(reps, est, ahat, (0.0005, 0.025, 0.5, 0.975, 0.9995))
        assert_allclose(z0, norm.ppf(np.mean(reps < est)))
        za0 = norm.ppf([0.0005, 0.025, 0.5, 0.975, 0.9995]) + z0
        levels = norm.cdf(z0 + za0 / (1 - ahat * za0))
        assert_allclose(lim, _r_quantile_type8(reps, levels), rtol=1e-13)
    assert lim[0] == reps.min()


@pytest.mark.parametrize("name", sorted(SPARSE_BCA))
def test_jackknife_acceleration_matches_r_on_every_set(name: str) -> None:
    # The jackknife is deterministic; two replicates keep the call cheap.
    t = load(name)
    res = bootstrap_estimate(t.histories, t.counts, nboot=2, seed=1, n_jobs=1)
    assert_allclose(res.ahat, SPARSE_BCA[name][0], atol=5e-5)


def test_bca_is_nan_not_an_error_when_all_replicates_are_on_one_side() -> None:
    z0, lim = bca_limits(np.array([5.0, 6.0, 7.0]), 1.0, -0.01, (0.025, 0.975))
    assert z0 == -np.inf
    assert np.isnan(lim).all()


def test_workers_start_with_empty_caches_whatever_the_parent_computed() -> None:
    t = load("western_us_5lists")
    hist, counts = t.full()
    stepwise_fit(hist, counts)  # warms this process's cache of checkident verdicts
    assert check_cache_info()[1] > 0
    with process_pool(2) as pool:
        infos = [pool.submit(check_cache_info).result() for _ in range(4)]
    assert all(hits == 0 and misses == 0 for hits, misses, _ in infos)


def test_threaded_callers_get_forkserver_workers_and_the_same_replicates() -> None:
    t = load("artificial_3lists")
    assert start_method() in ("fork", "forkserver", "spawn")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() != "fork"
        threaded = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=9, n_jobs=2)
    finally:
        stop.set()
        other.join()
    plain = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=9, n_jobs=1)
    assert_allclose(threaded.replicates, plain.replicates, rtol=0, atol=0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_and_leaves_the_result_unchanged(jobs: int) -> None:
    t = load("western_us_5lists")
    seen: list[tuple[int, int]] = []
    args = {"nboot": 60, "seed": 7, "n_jobs": jobs}
    with_progress = bootstrap_estimate(
        t.histories, t.counts, progress=lambda d, n: seen.append((d, n)), **args
    )
    plain = bootstrap_estimate(t.histories, t.counts, **args)
    total = 60 + int((t.counts > 0).sum())  # replicates and one jackknife table per history
    assert seen[-1] == (total, total)
    done = [d for d, _ in seen]
    assert done == sorted(done) and len(done) > 1 and {n for _, n in seen} == {total}
    assert_allclose(with_progress.replicates, plain.replicates, rtol=0, atol=0)
    assert with_progress.interval() == plain.interval()

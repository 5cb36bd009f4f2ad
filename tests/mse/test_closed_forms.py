"""Two lists: the log-linear estimate is Lincoln-Petersen; Chapman is its bias correction."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samen.mse.estimate import estimate
from samen.mse.loglinear import ModelSpec, fit_loglinear
from samen.mse.table import CaptureTable


@pytest.mark.parametrize(("n10", "n01", "n11"), [(60, 40, 20), (300, 120, 15), (7, 9, 3)])
def test_independence_on_two_lists_is_lincoln_petersen(n10: int, n01: int, n11: int) -> None:
    table = CaptureTable.from_arrays([[1, 0], [0, 1], [1, 1]], [n10, n01, n11], ["A", "B"])
    _, counts = table.full()
    fit = fit_loglinear(counts, ModelSpec("Mt"), 2)
    n1, n2 = n10 + n11, n01 + n11
    assert_allclose(fit.abundance, n1 * n2 / n11, rtol=1e-10)
    # Chapman's (n1+1)(n2+1)/(m+1)-1 is smaller: the MLE is biased upwards in small samples
    chapman = (n1 + 1) * (n2 + 1) / (n11 + 1) - 1
    assert chapman < fit.abundance
    # and the unobserved count is n10 * n01 / n11
    assert_allclose(fit.abundance - table.observed, n10 * n01 / n11, rtol=1e-10)


def test_chapman_is_less_biased_in_simulation() -> None:
    rng = np.random.default_rng(7)
    big_n, p1, p2 = 400, 0.15, 0.2
    lp, ch = [], []
    for _ in range(2000):
        a = rng.random(big_n) < p1
        b = rng.random(big_n) < p2
        m = int((a & b).sum())
        n1, n2 = int(a.sum()), int(b.sum())
        if m == 0:
            continue
        lp.append(n1 * n2 / m)
        ch.append((n1 + 1) * (n2 + 1) / (m + 1) - 1)
    assert abs(np.mean(ch) - big_n) < abs(np.mean(lp) - big_n)
    assert np.mean(lp) > big_n


def test_sparsemse_on_two_lists_is_lincoln_petersen() -> None:
    table = CaptureTable.from_arrays([[1, 0], [0, 1], [1, 1]], [60, 40, 20], ["A", "B"])
    res = estimate(table, "sparsemse")
    assert_allclose(res.estimate, 80 * 60 / 20, rtol=1e-10)
    assert res.ci_lower < res.estimate < res.ci_upper

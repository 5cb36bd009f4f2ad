"""The fast stepwise path takes exactly the decisions of the merged engine.

``results/stepwise_reference.json`` was written by
``results/make_stepwise_reference.py`` with the engine as merged (before the
rank shortcut for the existence LP and the lazy candidate checks): bootstrap
replicates (seed 1234) and every jackknife table of seven data sets, 3 to 8
lists. For each table the model chosen now must be the same, term by term and
in the same order, with the same empty overlaps, the same count of LP checks
and the same estimate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samen.mse import sparse
from samen.mse.bootstrap import _full_counts
from samen.mse.design import all_histories, all_pairs
from samen.mse.sparse import check_cache_info, checkident, clear_caches, stepwise_fit

REF = json.loads((Path(__file__).parent / "results" / "stepwise_reference.json").read_text())


@pytest.mark.parametrize("name", sorted(REF))
def test_same_models_and_estimates_as_before_the_speed_up(name: str) -> None:
    data: dict[str, Any] = REF[name]
    obs_hist = np.array(data["histories"], dtype=np.int64)
    k = obs_hist.shape[1]
    hist = all_histories(k)
    clear_caches()
    for i, row in enumerate(data["rows"]):
        counts = np.array(row["counts"], dtype=np.int64)
        sw = stepwise_fit(hist, _full_counts(k, obs_hist, counts))
        where = f"{name} table {i} ({row['kind']})"
        assert [list(p) for p in sw.model.pairs] == row["pairs"], where
        assert [list(p) for p in sw.model.empty_pairs] == row["empty"], where
        assert sw.lp_checks == row["lp_checks"], where
        # The decisions above must be identical; the numbers may differ in the last
        # bits between BLAS builds (seen: 1.4e-12 relative on a p-value of 8e-8).
        assert_allclose([p for _, p in sw.steps], row["pvalues"], rtol=1e-9, err_msg=where)
        assert_allclose(sw.model.estimate, row["estimate"], rtol=1e-9, err_msg=where)


def test_the_lp_is_rarely_needed_on_real_data() -> None:
    data: dict[str, Any] = REF["uk2013_6lists"]
    obs_hist = np.array(data["histories"], dtype=np.int64)
    hist = all_histories(6)
    clear_caches()
    lp_before = check_cache_info()[2]
    for row in data["rows"][:10]:
        stepwise_fit(hist, _full_counts(6, obs_hist, np.array(row["counts"], dtype=np.int64)))
    _hits, misses, lp = check_cache_info()
    assert misses > 0
    assert lp - lp_before == 0  # every verdict came from the exact rank shortcut


def _lp_verdict(k: int, support: np.ndarray, pairs: list[tuple[int, int]]) -> int:
    """checkident as merged: the LP whenever a retained cell is zero."""
    h, c, filled, _ = sparse._reduce(all_histories(k), support, pairs)
    a = sparse._design(h, filled)
    rankdef = a.shape[1] - int(np.linalg.matrix_rank(a))
    no_mle = bool(np.any(c == 0)) and sparse._lp_no_mle(a.T, a.T @ c.astype(float))
    return int(no_mle) + 2 * int(rankdef > 0)


@pytest.mark.parametrize("k", [3, 4, 5])
def test_rank_shortcut_gives_the_lp_verdict_on_random_patterns(k: int) -> None:
    rng = np.random.default_rng(100 + k)
    pairs = all_pairs(k)
    ncells = 2**k - 1
    shortcut = 0
    for _ in range(150):
        support = (rng.random(ncells) < rng.choice([0.25, 0.5, 0.75])).astype(np.int64)
        model = [p for p in pairs if rng.random() < 0.5]
        h, c, filled, _ = sparse._reduce(all_histories(k), support, model)
        a = sparse._design(h, filled)
        if sparse._mle_exists_by_rank(a, c > 0, int(np.linalg.matrix_rank(a))):
            shortcut += 1
        assert checkident(all_histories(k), support, model) == _lp_verdict(k, support, model)
    assert shortcut > 20  # the shortcut was exercised, not only the LP

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

from samen.mse.bootstrap import _full_counts
from samen.mse.design import all_histories
from samen.mse.sparse import check_cache_info, clear_caches, stepwise_fit

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
        assert [p for _, p in sw.steps] == row["pvalues"], where
        assert sw.model.estimate == row["estimate"], where


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

"""Each bootstrap replicate's estimate equals R SparseMSE's on the same table.

R's random stream cannot be reproduced, so the BCa limits can only agree with
R's within Monte Carlo error. What can be compared exactly is the estimator:
``results/r_bootstrap_tables.json`` holds bootstrap tables drawn here and the
estimate SparseMSE 2.0.1's R code (``stepwisefit``, pthresh 0.02, with its
``checkident`` LP through lpSolve) gives on each (see its ``_source``). Any
remaining difference between our BCa limits and R's is therefore the random
draw, which docs/mse-guide.md quantifies over 20 seeds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samen.mse.bootstrap import _full_counts
from samen.mse.design import all_histories
from samen.mse.sparse import stepwise_fit

REF: dict[str, Any] = json.loads(
    (Path(__file__).parent / "results" / "r_bootstrap_tables.json").read_text()
)


@pytest.mark.parametrize("name", sorted(k for k in REF if not k.startswith("_")))
def test_replicate_estimates_equal_r_on_the_same_tables(name: str) -> None:
    data = REF[name]
    obs_hist = np.array(data["histories"], dtype=np.int64)
    k = obs_hist.shape[1]
    hist = all_histories(k)
    ours = [
        stepwise_fit(hist, _full_counts(k, obs_hist, np.array(c, dtype=np.int64))).model.estimate
        for c in data["counts"]
    ]
    assert_allclose(ours, data["r_estimate"], rtol=1e-9)

"""Benchmark of samen.mse beside a plain statsmodels baseline, in the same run.

Per data set: the time of each samen.mse method, and of a baseline that fits
the same models one by one with ``statsmodels`` GLM (what a straightforward
Python port would do). Also the exhaustive 6-list search (32,768 models) and
the 1,000-replicate SparseMSE bootstrap on the UK 6-list data. Medians of
``--repeat`` runs; ratios are against the baseline measured in the same run,
because the machine is shared and noisy.

Run: ``.venv/bin/python -m bench.mse [--repeat 5] [--skip-bootstrap]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import statsmodels.api as sm

from samen.mse.bootstrap import bootstrap_estimate
from samen.mse.design import all_histories, all_pairs, loglinear_design
from samen.mse.estimate import estimate
from samen.mse.search import exhaustive_search
from samen.mse.table import read_capture_csv

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mse"


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def statsmodels_search(counts: np.ndarray, k: int, limit: int | None = None) -> float:
    """Baseline: every pairwise model fitted one by one with statsmodels; best AIC."""
    hist = all_histories(k)
    pairs = all_pairs(k)
    x = loglinear_design(hist, pairs)
    best = np.inf
    n = 2 ** len(pairs) if limit is None else min(limit, 2 ** len(pairs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for code in range(n):
            cols = list(range(1 + k)) + [1 + k + j for j in range(len(pairs)) if code >> j & 1]
            fit = sm.GLM(counts, x[:, cols], family=sm.families.Poisson()).fit(maxiter=200)
            best = min(best, fit.aic)
    return float(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-bootstrap", action="store_true")
    args = parser.parse_args()
    print(f"{'data set':<20} {'method':<13} {'samen (s)':>10} {'baseline (s)':>12} {'ratio':>7}")
    for path in sorted(REFERENCE.glob("*.csv")):
        table = read_capture_csv(path)
        _, counts = table.full()
        k = table.k
        base_one = timed(partial(statsmodels_search, counts, k, limit=1), args.repeat)
        for method in ("independence", "chao", "sparsemse"):
            ours = timed(partial(estimate, table, method), args.repeat)
            print(
                f"{path.stem:<20} {method:<13} {ours:>10.4f} "
                f"{base_one:>12.4f} {ours / base_one:>7.2f}"
            )
        if k <= 5:
            ours = timed(partial(exhaustive_search, counts, k, "aic", n_jobs=1), args.repeat)
            base = timed(partial(statsmodels_search, counts, k), 1)
            print(f"{path.stem:<20} {'search':<13} {ours:>10.4f} {base:>12.4f} {ours / base:>7.3f}")
    print("(baseline for a single method: one statsmodels GLM fit of the independence model;")
    print(" for 'search': all 2^(k(k-1)/2) models fitted one by one with statsmodels)")
    uk6 = read_capture_csv(REFERENCE / "uk2013_6lists.csv")
    _, counts6 = uk6.full()
    for jobs in (1, 2):
        t = timed(lambda j=jobs: exhaustive_search(counts6, 6, "aic", n_jobs=j), 1)
        print(f"exhaustive 6-list search (32,768 models), {jobs} process(es): {t:.1f} s")
    sample = 512
    t_base = timed(lambda: statsmodels_search(counts6, 6, limit=sample), 1)
    print(
        f"statsmodels baseline: {sample} of 32,768 models in {t_base:.1f} s "
        f"-> about {t_base * 32768 / sample:.0f} s for all"
    )
    if not args.skip_bootstrap:
        for jobs in (1, 2):
            t = timed(
                lambda j=jobs: bootstrap_estimate(
                    uk6.histories, uk6.counts, nboot=1000, seed=1234, n_jobs=j
                ),
                1,
            )
            print(
                f"SparseMSE BCa bootstrap, UK 6 lists, 1,000 replicates, "
                f"{jobs} process(es): {t:.1f} s"
            )
        print("(R SparseMSE estimatepopulation on the same data: 308 s, R-REFERENCE.md)")


if __name__ == "__main__":
    main()

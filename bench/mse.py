"""Benchmark of samen.mse beside a plain statsmodels baseline, in the same run.

Per data set: the time of each samen.mse method, and of a baseline that fits
the same models one by one with ``statsmodels`` GLM (what a straightforward
Python port would do). Then the exhaustive 6-list search (32,768 models) and
the 1,000-replicate SparseMSE BCa bootstrap on the UK 6-list data, on 1 and 2
processes.

Every timing of the search and the bootstrap runs in a fresh Python process
(``--child``), so caches start cold and the worker processes, their start-up
included, are counted; configurations take turns (round robin) so that the
load of a shared machine falls on all of them alike; medians of the repeats
are printed. Ratios are against R (R-REFERENCE.md: 308 s for the bootstrap,
229 s for ``closedpMS.t``) and against the statsmodels baseline measured in
the same run.

The bootstrap baseline is the same stepwise selection written plainly:
statsmodels GLM for every fit and scipy ``linprog`` (HiGHS) for the existence
LP of every candidate model, no cache. It runs on the first
``--baseline-tables`` bootstrap tables only, and its time per table is
extrapolated to the tables of the full run (point estimate, 1,000 replicates,
one jackknife table per observed history).

The search is timed before (engine ``rows``: the batched IRLS on the design
rows) and after (engine ``family``: the family fit on marginal sums, the
default) in the same run, and the top models of every run are compared.

Run: ``.venv/bin/python -m bench.mse [--repeat 5] [--boot-repeat 3]
[--baseline-tables 40] [--skip-bootstrap] [--skip-datasets] [--search-only]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import statsmodels.api as sm
from scipy.optimize import linprog
from scipy.special import pdtr, pdtrc

from samen.mse.bootstrap import _full_counts, bootstrap_estimate
from samen.mse.design import all_histories, all_pairs, loglinear_design
from samen.mse.estimate import estimate
from samen.mse.search import exhaustive_search
from samen.mse.sparse import check_cache_info, clear_caches, stepwise_fit
from samen.mse.table import read_capture_csv

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "mse"
ROOT = Path(__file__).resolve().parents[1]
#: R-REFERENCE.md: SparseMSE estimatepopulation on uk2013_6lists, and
#: Rcapture closedpMS.t(maxorder = 2) on the same data (32,768 models).
R_BOOTSTRAP_S = 308.4
R_SEARCH_S = 228.6
NBOOT = 1000
SEED = 1234


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


# --- the plain baseline of the bootstrap: SparseMSE's stepwise written simply ---


def _baseline_reduce(
    hist: np.ndarray, counts: np.ndarray, pairs: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    keep = np.ones(hist.shape[0], dtype=bool)
    filled = []
    for i, j in pairs:
        both = (hist[:, i] == 1) & (hist[:, j] == 1)
        if counts[keep & both].sum() == 0:
            keep &= ~both
        else:
            filled.append((i, j))
    return hist[keep], counts[keep], filled


def _baseline_checkident(hist: np.ndarray, counts: np.ndarray, pairs: list[tuple[int, int]]) -> int:
    h, c, filled = _baseline_reduce(hist, counts, pairs)
    a = loglinear_design(h, filled)
    ident = a.shape[1] - np.linalg.matrix_rank(a) > 0
    npar, nobs = a.shape[1], a.shape[0]
    t = a.T @ c.astype(float)
    res = linprog(
        np.r_[np.zeros(nobs), -1.0],
        A_ub=np.column_stack([-np.eye(nobs), np.ones(nobs)]),
        b_ub=np.zeros(nobs),
        A_eq=np.column_stack([a.T, np.zeros(npar)]),
        b_eq=t,
        method="highs",
    )
    no_mle = res.status != 0 or -res.fun <= 1e-9 * max(float(t[0]), 1.0)
    return int(no_mle) + 2 * int(ident)


def _baseline_fit(hist: np.ndarray, counts: np.ndarray, pairs: list[tuple[int, int]]):
    h, c, filled = _baseline_reduce(hist, counts, pairs)
    res = sm.GLM(c, loglinear_design(h, filled), family=sm.families.Poisson()).fit()
    return h, c, res


def baseline_stepwise(hist: np.ndarray, counts: np.ndarray, pthresh: float = 0.02) -> float:
    """SparseMSE's stepwise estimate: statsmodels GLM, an LP for every candidate."""
    pairs = all_pairs(hist.shape[1])
    chosen: list[tuple[int, int]] = []
    h, c, res = _baseline_fit(hist, counts, chosen)
    nstar = [int(counts[(hist[:, i] == 1) & (hist[:, j] == 1)].sum()) for i, j in pairs]
    while True:
        mu = res.fittedvalues
        pval = np.ones(len(pairs))
        for j, (a, b) in enumerate(pairs):
            if (a, b) in chosen:
                continue
            pstar = float(np.sum(mu * h[:, a] * h[:, b]))
            up = 1.0 if nstar[j] <= 0 else float(pdtrc(nstar[j] - 1, pstar))
            pval[j] = min(float(pdtr(nstar[j], pstar)), up)
            if _baseline_checkident(hist, counts, [*chosen, (a, b)]) > 0:
                pval[j] = 1.0
        if pval.min() >= pthresh:
            break
        chosen.append(pairs[int(np.argmin(pval))])
        h, c, res = _baseline_fit(hist, counts, chosen)
    return float(c.sum() + math.exp(res.params[0]))


def _uk6_tables() -> tuple[np.ndarray, list[np.ndarray], int]:
    """Full-table counts of the UK 6-list bootstrap replicates (seed 1234), and the run's size."""
    t = read_capture_csv(REFERENCE / "uk2013_6lists.csv")
    n = int(t.counts.sum())
    rows = np.random.default_rng(SEED).multinomial(n, t.counts / n, size=NBOOT)
    tables = [_full_counts(6, t.histories, r.astype(np.int64)) for r in rows]
    # the full run fits the data, 1,000 replicates and one jackknife table per history
    return all_histories(6), tables, 1 + NBOOT + int((t.counts > 0).sum())


# --- child processes: one timed call in a fresh interpreter ---


def child(what: str, jobs: int, tables: int) -> dict[str, object]:
    clear_caches()
    if what == "bootstrap":
        uk6 = read_capture_csv(REFERENCE / "uk2013_6lists.csv")
        t0 = time.perf_counter()
        res = bootstrap_estimate(uk6.histories, uk6.counts, nboot=NBOOT, seed=SEED, n_jobs=jobs)
        dt = time.perf_counter() - t0
        lo, hi = res.interval()
        return {"seconds": dt, "lower": lo, "upper": hi, "lp_in_parent": check_cache_info()[2]}
    if what in ("search", "search-rows"):
        uk6 = read_capture_csv(REFERENCE / "uk2013_6lists.csv")
        _, counts = uk6.full()
        engine = "rows" if what == "search-rows" else "family"
        t0, c0 = time.perf_counter(), time.process_time()
        res = exhaustive_search(counts, 6, "aic", n_jobs=jobs, engine=engine)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        top = [(m.name, m.abundance, m.aic) for m in res.models[:20]]
        return {"seconds": dt, "cpu": cpu, "best": res.best.name, "top": top}
    if what == "baseline":
        hist, all_tables, total = _uk6_tables()
        sample = all_tables[:tables]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            base = [baseline_stepwise(hist, c) for c in sample]
            dt = time.perf_counter() - t0
        ours = [stepwise_fit(hist, c).model.estimate for c in sample]
        rel = max(abs(a / b - 1.0) for a, b in zip(base, ours, strict=True))
        return {"seconds": dt, "tables": tables, "total_tables": total, "max_rel_diff": rel}
    raise ValueError(what)


def run_child(what: str, jobs: int = 1, tables: int = 0) -> dict[str, object]:
    cmd = [sys.executable, "-m", "bench.mse", "--child", what, "--jobs", str(jobs)]
    cmd += ["--baseline-tables", str(tables)]
    env = dict(os.environ)
    if what.startswith("search"):
        # one core per process: no BLAS threads on the other core
        env.update({v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def parallel_probe(n: int = 4_000_000) -> float:
    """Speed-up of 2 processes on pure Python work: what the machine gives right now."""
    from samen.mse._parallel import process_pool

    t0 = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - t0
    with process_pool(2) as pool:
        pool.submit(_spin, 1).result()  # start-up not counted
        t1 = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        par = time.perf_counter() - t1
    return serial / par


def round_robin(
    configs: dict[str, Callable[[], dict[str, object]]], repeat: int
) -> dict[str, list[dict[str, object]]]:
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in configs}
    for _ in range(repeat):
        for name, fn in configs.items():
            runs[name].append(fn())
    return runs


def med(runs: list[dict[str, object]], key: str = "seconds") -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


def datasets(repeat: int) -> None:
    print(f"{'data set':<20} {'method':<13} {'samen (s)':>10} {'baseline (s)':>12} {'ratio':>7}")
    for path in sorted(REFERENCE.glob("*.csv")):
        table = read_capture_csv(path)
        _, counts = table.full()
        k = table.k
        base_one = timed(partial(statsmodels_search, counts, k, limit=1), repeat)
        for method in ("independence", "chao", "sparsemse"):
            # cold cache of existence checks for every call
            ours = timed(lambda m=method, t=table: (clear_caches(), estimate(t, m)), repeat)
            print(
                f"{path.stem:<20} {method:<13} {ours:>10.4f} "
                f"{base_one:>12.4f} {ours / base_one:>7.2f}"
            )
        if k <= 5:
            ours = timed(partial(exhaustive_search, counts, k, "aic", n_jobs=1), repeat)
            base = timed(partial(statsmodels_search, counts, k), 1)
            print(f"{path.stem:<20} {'search':<13} {ours:>10.4f} {base:>12.4f} {ours / base:>7.3f}")
    print("(baseline for a single method: one statsmodels GLM fit of the independence model;")
    print(" for 'search': all 2^(k(k-1)/2) models fitted one by one with statsmodels)")


def search6(repeat: int) -> None:
    configs = {
        "before, 1 process": partial(run_child, "search-rows", 1),
        "after, 1 process": partial(run_child, "search", 1),
        "after, 2 processes": partial(run_child, "search", 2),
    }
    runs = round_robin(configs, repeat)
    uk6 = read_capture_csv(REFERENCE / "uk2013_6lists.csv")
    _, counts6 = uk6.full()
    sample = 512
    t_base = timed(lambda: statsmodels_search(counts6, 6, limit=sample), 1)
    base = t_base * 32768 / sample
    before = med(runs["before, 1 process"])
    before_cpu = med(runs["before, 1 process"], "cpu")
    print(f"\nExhaustive 6-list search, UK (32,768 models); fresh process each, median of {repeat}")
    print(
        f"{'configuration':<20} {'median (s)':>10} {'runs (s)':>22} {'vs before':>9} "
        f"{'vs R':>7} {'vs base':>8} {'CPU (s)':>8} {'CPU vs before':>13}"
    )
    for name, rs in runs.items():
        m = med(rs)
        each = ", ".join(f"{float(r['seconds']):.2f}" for r in rs)  # type: ignore[arg-type]
        cpu = med(rs, "cpu")
        cpu_cols = f"{cpu:>8.2f} {before_cpu / cpu:>12.2f}x" if "1 process" in name else ""
        print(
            f"{name:<20} {m:>10.2f} {each:>22} {before / m:>8.2f}x {R_SEARCH_S / m:>6.1f}x "
            f"{base / m:>7.1f}x {cpu_cols}"
        )
    reference = runs["before, 1 process"][0]["top"]
    same = all(_same_top(r["top"], reference) for rs in runs.values() for r in rs)
    print(
        "before: the batched IRLS on the design rows (engine 'rows'); after: the family fit on "
        "marginal sums (engine 'family'). Top 20 models of every run, same names in the same "
        f"order and estimates and AIC within 1e-9 relative: {'yes' if same else 'NO'}."
    )
    print(
        "CPU: the process's CPU time (1 process only); on a shared machine it shows the work "
        "done when other load stretches the wall-clock time."
    )
    print(
        f"statsmodels baseline: {sample} models in {t_base:.1f} s -> about {base:.0f} s for all "
        f"(extrapolated); R closedpMS.t: {R_SEARCH_S:.0f} s. 'vs' = how many times faster."
    )


def _same_top(a: object, b: object) -> bool:
    rows_a, rows_b = list(a), list(b)  # type: ignore[call-overload]
    if [r[0] for r in rows_a] != [r[0] for r in rows_b]:
        return False
    va = np.array([r[1:] for r in rows_a], dtype=float)
    vb = np.array([r[1:] for r in rows_b], dtype=float)
    return bool(np.allclose(va, vb, rtol=1e-9, atol=0.0))


def bootstrap(repeat: int, tables: int) -> None:
    configs: dict[str, Callable[[], dict[str, object]]] = {
        "samen, 1 process": partial(run_child, "bootstrap", 1),
        "samen, 2 processes": partial(run_child, "bootstrap", 2),
        "baseline": partial(run_child, "baseline", 1, tables),
    }
    configs["probe"] = lambda: {"seconds": parallel_probe()}
    runs = round_robin(configs, repeat)
    b = runs["baseline"]
    per_table = med(b) / tables
    total = int(b[0]["total_tables"])  # type: ignore[call-overload]
    base = per_table * total
    print(
        f"\nSparseMSE BCa bootstrap, UK 6 lists, {NBOOT:,} replicates (+ jackknife), "
        f"seed {SEED}; fresh process each (cold caches), median of {repeat}"
    )
    print(f"{'configuration':<20} {'median (s)':>10} {'runs (s)':>22} {'vs R':>7} {'vs base':>8}")
    for name in ("samen, 1 process", "samen, 2 processes"):
        rs = runs[name]
        m = med(rs)
        each = ", ".join(f"{float(r['seconds']):.1f}" for r in rs)  # type: ignore[arg-type]
        print(f"{name:<20} {m:>10.1f} {each:>22} {R_BOOTSTRAP_S / m:>6.1f}x {base / m:>7.1f}x")
    print(
        f"{'baseline (extrap.)':<20} {base:>10.1f} {'':>22} {R_BOOTSTRAP_S / base:>6.1f}x {1.0:>7.1f}x"
    )
    limits = {
        (round(float(r["lower"])), round(float(r["upper"])))
        for v in runs.values()
        for r in v
        if "lower" in r
    }  # type: ignore[arg-type]
    print(
        f"baseline: statsmodels GLM + linprog for every candidate, no cache, on the first "
        f"{tables} of the {total:,} tables ({med(b):.1f} s, {per_table * 1000:.0f} ms a table), "
        f"extrapolated; its estimates differ from samen's by at most "
        f"{max(float(r['max_rel_diff']) for r in b):.1e} (relative)."  # type: ignore[arg-type]
    )
    print(
        f"R SparseMSE estimatepopulation: {R_BOOTSTRAP_S:.0f} s (R-REFERENCE.md). "
        f"95% limits of every samen run: {sorted(limits)}"
    )
    probes = ", ".join(f"{float(r['seconds']):.2f}" for r in runs["probe"])  # type: ignore[arg-type]
    print(
        f"2 processes vs 1 on pure Python work, measured between the runs: {probes}x "
        "(2.0 on an idle 2-core machine; lower means other load took the second core)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the per-data-set timings")
    parser.add_argument(
        "--boot-repeat", type=int, default=3, help="repeats of search and bootstrap"
    )
    parser.add_argument("--baseline-tables", type=int, default=40)
    parser.add_argument("--skip-bootstrap", action="store_true")
    parser.add_argument("--skip-datasets", action="store_true")
    parser.add_argument("--search-only", action="store_true", help="only the 6-list search")
    parser.add_argument(
        "--child",
        choices=("bootstrap", "search", "search-rows", "baseline"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.jobs, args.baseline_tables)))
        return
    if args.search_only:
        search6(args.boot_repeat)
        return
    if not args.skip_datasets:
        datasets(args.repeat)
    search6(args.boot_repeat)
    if not args.skip_bootstrap:
        bootstrap(args.boot_repeat, args.baseline_tables)


if __name__ == "__main__":
    main()

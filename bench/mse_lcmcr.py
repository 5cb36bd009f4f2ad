"""LCMCR against R's LCMCR: seed-to-seed spread of the posterior summaries, and time.

R's ``lcmCR`` (K 10, a = b = 0.25, seed 12345, burn-in 10,000, 1,000 draws
thinned by 100: 110,000 sweeps) gives one run per data set; its random stream
cannot be reproduced. This benchmark runs :func:`samen.mse.lcmcr.fit_lcmcr`
with the same settings and ``--seeds`` seeds per set and prints, per set, the
range over seeds of our median and 2.5/97.5 % quantiles beside R's, whether
R's value falls inside that range, the median time of one chain (sampling
only, after compilation) beside R's time from R-REFERENCE.md, and the
effective sample size and split R-hat of N.

With ``--long D`` each set also gets one long chain of ``D`` draws (same
burn-in and thinning): its quantiles are the posterior to a far smaller Monte
Carlo error than any single run of R's length, so they show how far R's single
run and ours are from it.

Run: ``.venv/bin/python -m bench.mse_lcmcr [--seeds 5] [--long 10000]
[--sets kosovo_4lists,...] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.mse import REFERENCE
from samen.mse._lcmcr_kernel import compile_kernel
from samen.mse.lcmcr import LcmcrOptions, fit_lcmcr
from samen.mse.table import read_capture_csv

#: R-REFERENCE.md, LCMCR lcmCR + lcmCR_PostSampl: median, 2.5 %, 97.5 %, mean, seconds.
R_LCMCR = {
    "uk2013_6lists": (23185, 17286, 34887, 23980, 2.3),
    "uk2013_5lists": (21970, 15736, 33040, 22514, 1.8),
    "western_us_5lists": (1841, 1325, 3027, 1920, 1.5),
    "kosovo_4lists": (10487, 9146, 13281, 10692, 2.3),
    "rome_hiv_4lists": (10882, 9418, 12899, 10970, 1.3),
    "artificial_3lists": (406, 242, 889, 444, 1.0),
}


def study(name: str, seeds: int) -> dict[str, object]:
    table = read_capture_csv(REFERENCE / f"{name}.csv")
    rows = []
    for seed in range(1, seeds + 1):
        start, cpu = time.perf_counter(), time.process_time()
        fit = fit_lcmcr(table, LcmcrOptions(), seed=seed, n_jobs=1)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        low, high = fit.interval
        rows.append(
            {
                "seed": seed,
                "median": fit.median,
                "lower": low,
                "upper": high,
                "mean": fit.mean,
                "ess": fit.ess,
                "rhat": fit.rhat,
                "seconds": fit.chains[0].seconds,
                "wall": wall,
                "cpu": cpu,
            }
        )
    r_med, r_low, r_high, r_mean, r_sec = R_LCMCR[name]
    out: dict[str, object] = {"set": name, "runs": rows, "r": R_LCMCR[name]}
    for key, r_value in (("median", r_med), ("lower", r_low), ("upper", r_high), ("mean", r_mean)):
        values = sorted(float(row[key]) for row in rows)  # type: ignore[arg-type]
        below = sum(v < r_value for v in values)
        out[key] = (values[0], values[-1], below)
    out["seconds"] = statistics.median(float(row["seconds"]) for row in rows)  # type: ignore[arg-type]
    out["cpu"] = statistics.median(float(row["cpu"]) for row in rows)  # type: ignore[arg-type]
    out["rSeconds"] = r_sec
    return out


def _range(spread: object, seeds: int) -> str:
    """``low-high k/S``: our range over seeds and how many seeds fall below R's value."""
    lo, hi, below = spread  # type: ignore[misc]
    return f"{lo:>7,.0f}-{hi:<7,.0f}{below:>2}/{seeds:<2}"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench.mse_lcmcr")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--sets", default=",".join(R_LCMCR))
    p.add_argument("--long", type=int, default=0, metavar="DRAWS")
    p.add_argument("--json")
    args = p.parse_args(argv)
    start = time.perf_counter()
    compile_kernel()
    print(f"numba compile or cache load: {time.perf_counter() - start:.2f} s")
    print(
        f"R settings (110,000 sweeps), {args.seeds} seeds per set; our min-max over seeds and "
        "k/S = seeds below R's value (R inside the spread when 0 < k < S)"
    )
    head = (
        f"{'set':<18} {'median (R)':>10} {'our medians':<21} {'2.5% (R)':>9} {'our 2.5%':<21} "
        f"{'97.5% (R)':>9} {'our 97.5%':<21} {'ESS':>5} {'R-hat':>6} {'wall s':>6} "
        f"{'cpu s':>5} {'R s':>4} {'cpu/R':>5}"
    )
    print(head)
    results = []
    for name in args.sets.split(","):
        res = study(name, args.seeds)
        results.append(res)
        r_med, r_low, r_high, _mean, r_sec = R_LCMCR[name]
        runs = res["runs"]
        ess = statistics.median(float(r["ess"]) for r in runs)  # type: ignore[attr-defined]
        rhat = max(float(r["rhat"]) for r in runs)  # type: ignore[attr-defined]
        sec = float(res["seconds"])  # type: ignore[arg-type]
        cpu = float(res["cpu"])  # type: ignore[arg-type]
        s = args.seeds
        print(
            f"{name:<18} {r_med:>10,} {_range(res['median'], s)} {r_low:>9,} "
            f"{_range(res['lower'], s)} {r_high:>9,} {_range(res['upper'], s)} {ess:>5.0f} "
            f"{rhat:>6.3f} {sec:>6.2f} {cpu:>5.2f} {r_sec:>4.1f} {cpu / r_sec:>5.2f}",
            flush=True,
        )
    print(
        "ESS: median over seeds; R-hat: largest over seeds (one chain each, split in halves); "
        "wall/cpu s: median seconds of one chain (sampling; cpu = process time, which other "
        "work on the machine inflates less than wall time); R s: R-REFERENCE.md (elapsed)."
    )
    if args.long:
        print(f"\nOne long chain per set ({args.long:,} draws x thinning 100, seed 1001):")
        print(f"{'set':<18} {'median':>7} {'2.5%':>7} {'97.5%':>7} {'ESS':>6} {'R-hat':>6}  R")
        for res in results:
            name = str(res["set"])
            table = read_capture_csv(REFERENCE / f"{name}.csv")
            fit = fit_lcmcr(table, LcmcrOptions(samples=args.long), seed=1001, n_jobs=1)
            low, high = fit.interval
            r_med, r_low, r_high, _mean, _sec = R_LCMCR[name]
            res["long"] = (fit.median, low, high, fit.ess, fit.rhat)
            print(
                f"{name:<18} {fit.median:>7,.0f} {low:>7,.0f} {high:>7,.0f} {fit.ess:>6,.0f} "
                f"{fit.rhat:>6.3f}  {r_med:,} ({r_low:,}-{r_high:,})",
                flush=True,
            )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()

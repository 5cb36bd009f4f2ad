"""Monte Carlo spread of SparseMSE's BCa limits, against R's single run.

R's SparseMSE ``estimatepopulation`` (1,000 replicates, ``set.seed(1234)``)
gives one draw of the BCa limits; its random stream cannot be reproduced.
This study reruns :func:`samen.mse.bootstrap.bootstrap_estimate` with
``--seeds`` different seeds and reports, per data set, the spread of our
limits and of the raw bootstrap quantiles, where R's values fall in it, and
the BCa-adjusted level of the lower limit: when it is far in the tail, the
limit is an extreme order statistic of the replicates and varies a lot from
seed to seed.

Run: ``.venv/bin/python -m bench.mse_bca_spread [--seeds 20] [--nboot 1000]
[--sets western_us_5lists,uk2013_5lists] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy.stats import norm

from bench.mse import REFERENCE
from samen.mse.bootstrap import bca_limits, bootstrap_estimate
from samen.mse.table import read_capture_csv

#: R-REFERENCE.md, SparseMSE estimatepopulation (nboot 1000, iseed 1234):
#: ahat, BCa 95% limits, raw bootstrap 2.5/50/97.5% quantiles.
R_RUN = {
    "western_us_5lists": (-0.0950, (1293, 3672), (1670, 2827, 7537)),
    "uk2013_5lists": (-0.0122, (8785, 14701), (9840, 11975, 27800)),
    "uk2013_6lists": (-0.0129, (9267, 14307), (9986, 12218, 24366)),
    "rome_hiv_4lists": (-0.0153, (8289, 13333), (9355, 11693, 15136)),
    "kosovo_4lists": (-0.0042, (12596, 16527), (12625, 14355, 16551)),
    "artificial_3lists": (-0.0610, (281, 1484), (305, 544, 1557)),
}
SEED0 = 1234


def r_quantile_type8(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """R's ``quantile(x, probs, type = 8)``, transcribed from R 4.2's ``quantile.default``."""
    xs = np.sort(x)
    n = xs.size
    a = b = 1.0 / 3.0
    fuzz = 4.0 * np.finfo(float).eps
    nppm = a + probs * (n + 1 - a - b)
    j = np.floor(nppm + fuzz).astype(int)
    h = nppm - j
    h = np.where(np.abs(h) < fuzz, 0.0, h)
    padded = np.concatenate([[xs[0], xs[0]], xs, [xs[-1], xs[-1]]])
    lo = padded[j + 1]
    hi = padded[j + 2]
    return np.where(h == 0, lo, np.where(h == 1, hi, (1 - h) * lo + h * hi))


def study(name: str, seeds: int, nboot: int, n_jobs: int) -> dict[str, object]:
    table = read_capture_csv(REFERENCE / f"{name}.csv")
    rows = []
    t0 = time.perf_counter()
    for i in range(seeds):
        res = bootstrap_estimate(
            table.histories, table.counts, nboot=nboot, seed=SEED0 + i, n_jobs=n_jobs
        )
        reps = res.replicates
        za = norm.ppf([0.025, 0.975])
        za0 = za + res.z0
        level = norm.cdf(res.z0 + za0 / (1.0 - res.ahat * za0))
        rows.append(
            {
                "seed": SEED0 + i,
                "estimate": res.estimate,
                "ahat": res.ahat,
                "z0": res.z0,
                "level_lo": float(level[0]),
                "level_hi": float(level[1]),
                "lo": float(res.interval()[0]),
                "hi": float(res.interval()[1]),
                "lo_r8": float(r_quantile_type8(reps, level[:1])[0]),
                "hi_r8": float(r_quantile_type8(reps, level[1:])[0]),
                # z0 from mean(boot <= estimate) instead of <: ties would matter
                "lo_le": float(
                    bca_limits(reps, res.estimate + 1e-9 * res.estimate, res.ahat, (0.025,))[1][0]
                ),
                "raw": [
                    float(q)
                    for q in np.quantile(reps, [0.025, 0.5, 0.975], method="median_unbiased")
                ],
                "nonfinite": int(np.sum(~np.isfinite(reps))),
                "huge": int(np.sum(reps > 100 * res.estimate)),
                "min": float(reps.min()),
            }
        )
    return {"name": name, "nboot": nboot, "seconds": time.perf_counter() - t0, "rows": rows}


def rank_in(values: np.ndarray, r_value: float) -> str:
    below = int(np.sum(values < r_value))
    return f"{below}/{values.size} below"


def summary(result: dict[str, object]) -> list[str]:
    name = str(result["name"])
    rows = result["rows"]
    assert isinstance(rows, list)
    ahat_r, (lo_r, hi_r), raw_r = R_RUN[name]
    lo = np.array([r["lo"] for r in rows])
    hi = np.array([r["hi"] for r in rows])
    raw = np.array([r["raw"] for r in rows])
    lev = np.array([r["level_lo"] for r in rows])
    z0 = np.array([r["z0"] for r in rows])
    same8 = all(
        np.isclose(r["lo"], r["lo_r8"], rtol=1e-12) and np.isclose(r["hi"], r["hi_r8"], rtol=1e-12)
        for r in rows
    )
    same_le = all(np.isclose(r["lo"], r["lo_le"], rtol=1e-12) for r in rows)
    out = [
        f"{name}: {len(rows)} seeds x {result['nboot']} replicates "
        f"({result['seconds']:.0f} s); ahat {rows[0]['ahat']:.4f} (R {ahat_r})",
        f"  BCa lower  : median {np.median(lo):,.0f}, range {lo.min():,.0f} - {lo.max():,.0f}"
        f" (sd {lo.std(ddof=1):,.0f}, {lo.std(ddof=1) / np.median(lo):.1%});"
        f" R {lo_r:,} -> {rank_in(lo, lo_r)}",
        f"  BCa upper  : median {np.median(hi):,.0f}, range {hi.min():,.0f} - {hi.max():,.0f}"
        f" (sd {hi.std(ddof=1):,.0f}, {hi.std(ddof=1) / np.median(hi):.1%});"
        f" R {hi_r:,} -> {rank_in(hi, hi_r)}",
    ]
    for j, q in enumerate(("2.5%", "50%", "97.5%")):
        col = raw[:, j]
        out.append(
            f"  raw {q:>5}  : median {np.median(col):,.0f}, range {col.min():,.0f} - {col.max():,.0f};"
            f" R {raw_r[j]:,} -> {rank_in(col, raw_r[j])}"
        )
    out.append(
        f"  z0 median {np.median(z0):.3f}; BCa level of the 2.5% limit: median {np.median(lev):.5f}"
        f" (order statistic ~{np.median(lev) * result['nboot']:.1f} of {result['nboot']:,})"
    )
    out.append(
        f"  R's type-8 transcription gives the same limits: {same8};"
        f" z0 with <= instead of <: same lower limits: {same_le};"
        f" non-finite replicates: {sum(r['nonfinite'] for r in rows)}"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--nboot", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sets", default="western_us_5lists,uk2013_5lists")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for name in args.sets.split(","):
        res = study(name, args.seeds, args.nboot, args.jobs)
        results.append(res)
        print("\n".join(summary(res)), flush=True)
        if args.json is not None:
            args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    main()

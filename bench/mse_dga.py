"""Time samen.mse.dga on the public data sets with at most five lists; print a table.

Run on demand (never part of the test suite):

    .venv/bin/python bench/mse_dga.py [REFERENCE_DIR]

REFERENCE_DIR defaults to data/mse. For the five sets R-REFERENCE.md gives
dga numbers for, the first row uses R's grid (Nmissing = 1..Nmax, step 1); every set is
also run with the automatic grid.
"""

from __future__ import annotations

import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from bench.mse import REFERENCE
from samen.mse.dga import DgaGridWarning, bma_cr

R_GRIDS = {
    "uk2013_5lists": 54_880,
    "western_us_5lists": 50_000,
    "kosovo_4lists": 88_000,
    "rome_hiv_4lists": 37_920,
    "artificial_3lists": 50_000,
}
OTHERS = ("netherlands_5lists", "neworleans_5lists", "australia_4lists")


def load(directory: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    with (directory / f"{name}.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    table = np.array(rows[1:], dtype=np.int64)
    return table[:, :-1], table[:, -1]


def main() -> None:
    default = REFERENCE
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(
        f"{'data set':<20} {'grid':<22} {'median':>8} {'2.5%':>8} {'97.5%':>8} "
        f"{'mean':>9} {'top w':>6} {'tail':>8} {'seconds':>8}"
    )
    for name in (*R_GRIDS, *OTHERS):
        histories, counts = load(directory, name)
        grids = [np.arange(1, R_GRIDS[name] + 1)] if name in R_GRIDS else []
        for grid in (*grids, None):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DgaGridWarning)
                start = time.perf_counter()
                result = bma_cr(histories, counts, n_missing=grid)
                seconds = time.perf_counter() - start
            g = result.n_missing
            step = int(g[1] - g[0]) if g.size > 1 else 1
            label = ("auto " if grid is None else "R    ") + f"1..{g[-1]:,} step {step}"
            print(
                f"{name:<20} {label:<22} {result.median:>8,.0f} {result.ci_lower:>8,.0f} "
                f"{result.ci_upper:>8,.0f} {result.mean:>9,.1f} {result.top_model_weight:>6.3f} "
                f"{result.tail_mass:>8.1e} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()

"""The cost model of ``samen.mse.limits`` beside measured time and peak memory.

For each method and number of lists, a synthetic table (independent lists, 20,000
cases) is estimated in a fresh process, with the budget switched off; the
process's CPU time and peak resident memory above its start are printed beside
``estimate_cost``'s figures. The estimates should stay within a factor of about
two; when they do not, adjust the constants in ``samen/mse/limits.py``.

Run: ``.venv/bin/python -m bench.mse_limits [--lists 8,10,12] [--methods
independence,sparsemse,chao,loglinear]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from samen.mse.limits import estimate_cost

#: Measures one run in a fresh process and prints a JSON line.
CHILD = """
import json, resource, sys, time
import numpy as np
from samen.mse import estimate
from samen.mse.limits import Limits
from samen.mse.table import CaptureTable

method, k = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(k)
caught = rng.random((20000, k)) < rng.uniform(0.05, 0.3, size=k)
seen = caught[caught.any(axis=1)].astype(np.int64)
codes, counts = np.unique(seen @ (2 ** np.arange(k - 1, -1, -1)), return_counts=True)
hist = (codes[:, None] >> np.arange(k - 1, -1, -1)) & 1
table = CaptureTable(tuple(f"L{i}" for i in range(k)), hist, counts.astype(np.int64))
start = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.process_time()
estimate(table, method, limits=Limits.unlimited())
seconds = time.process_time() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start.ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024}))
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", default="8,10,12")
    parser.add_argument("--methods", default="independence,sparsemse,chao,loglinear")
    args = parser.parse_args(argv)
    print(f"{'method':>13} {'lists':>5} {'est. s':>8} {'CPU s':>8} {'est. MB':>8} {'peak MB':>8}")
    for method in args.methods.split(","):
        for k in (int(v) for v in args.lists.split(",")):
            cost = estimate_cost(method, k)
            run = subprocess.run(
                [sys.executable, "-c", CHILD, method, str(k)],
                capture_output=True,
                text=True,
                check=True,
            )
            got = json.loads(run.stdout.strip().splitlines()[-1])
            print(
                f"{method:>13} {k:>5} {cost.seconds:8.1f} {got['seconds']:8.1f} "
                f"{cost.memory_bytes / 1e6:8.0f} {got['peak_mb']:8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])

"""Write ``stepwise_reference.json``: the stepwise outcome of bootstrap and jackknife tables.

Generated ONCE with the engine as merged (commit 12dd068, before the speed-ups
of the ``mse2`` branch) so that tests can check that the faster path takes
exactly the same decisions: the same terms in the same order, the same empty
overlaps, the same number of LP checks and the same estimate.

The count tables themselves are stored (not only the seed), so the fixture
does not depend on numpy's random stream. Per data set: the first ``NBOOT``
replicates of ``rng.multinomial(n, counts / n)`` with ``default_rng(1234)``
(as :func:`samen.mse.bootstrap.bootstrap_estimate` draws them), then every
jackknife table (one case removed from one observed history).

Run: ``.venv/bin/python -m tests.mse.results.make_stepwise_reference``
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from samen.mse.bootstrap import _full_counts
from samen.mse.design import all_histories
from samen.mse.sparse import stepwise_fit
from tests.mse.conftest import load

SETS = {
    "uk2013_6lists": 50,
    "uk2013_5lists": 50,
    "western_us_5lists": 50,
    "netherlands_6lists": 30,
    "neworleans_8lists": 20,
    "kosovo_4lists": 30,
    "artificial_3lists": 30,
}
OUT = Path(__file__).with_name("stepwise_reference.json")


def main() -> None:
    data: dict[str, object] = {}
    for name, nboot in SETS.items():
        t0 = time.perf_counter()
        table = load(name)
        k = table.k
        hist = all_histories(k)
        obs = table.counts.astype(np.int64)
        n = int(obs.sum())
        rng = np.random.default_rng(1234)
        boot = rng.multinomial(n, obs / n, size=nboot).astype(np.int64)
        idx = np.flatnonzero(obs > 0)
        jack = np.repeat(obs[None, :], idx.size, axis=0)
        jack[np.arange(idx.size), idx] -= 1
        rows = []
        for kind, block in (("boot", boot), ("jack", jack)):
            for counts in block:
                sw = stepwise_fit(hist, _full_counts(k, table.histories, counts))
                rows.append(
                    {
                        "kind": kind,
                        "counts": [int(c) for c in counts],
                        "pairs": [list(p) for p in sw.model.pairs],
                        "empty": [list(p) for p in sw.model.empty_pairs],
                        "lp_checks": sw.lp_checks,
                        "estimate": sw.model.estimate,
                        "pvalues": [p for _, p in sw.steps],
                    }
                )
        data[name] = {"histories": table.histories.tolist(), "rows": rows}
        print(f"{name}: {len(rows)} tables in {time.perf_counter() - t0:.1f} s", flush=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

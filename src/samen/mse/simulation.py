"""Coverage study: bias and interval coverage of the log-linear estimates, here or on Dask.

Populations of known size are simulated under (1) three independent lists and
(2) lists A and B positively dependent (a case on A is more likely on B).
Each population is estimated with the independence model and with the model
that holds the A:B term, both with Rcapture's profile-likelihood interval.
Where the model is right the 95% interval should cover the truth about 95% of
the time; the independence model on dependent lists underestimates and
undercovers.

Every population has its own seed, spawned from the study's seed with numpy's
``SeedSequence`` (:func:`samen.mse._parallel.task_seeds`), and populations are
estimated in blocks that run in this process, on worker processes or on a
Dask cluster (:func:`samen.mse._parallel.map_tasks`). Results are put back
in population order, so a seed gives the same numbers on one process, on two
local workers or on a cluster of any size, whatever the block size.

``bench/mse_simulation.py`` runs it from the command line.

References
----------
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from samen.mse._parallel import map_tasks, task_seeds
from samen.mse.design import FloatArray, IntArray, all_histories, history_codes
from samen.mse.loglinear import ModelSpec, fit_loglinear, profile_interval

if TYPE_CHECKING:
    from distributed import Client

#: Size of every simulated population.
TRUE_N = 2000
#: Populations estimated per task: large enough that a task outweighs its
#: scheduling (about a second of work), small enough to spread over workers.
BLOCK = 25


@dataclass(frozen=True)
class Scenario:
    """A way of simulating the lists: independent, or A and B dependent."""

    name: str
    dependent: bool


SCENARIOS = (Scenario("independent lists", False), Scenario("A and B dependent", True))
MODELS = {"independence": ModelSpec("Mt"), "with A:B": ModelSpec("pairs", ((0, 1),))}


@dataclass(frozen=True)
class Row:
    """One scenario and model of the study.

    Attributes
    ----------
    reps : int
        Populations simulated.
    rel_bias : float
        Mean estimate over the truth, minus 1.
    coverage : float
        Share of 95% intervals holding the truth.
    median_width : float
        Median width of the intervals (cases).
    """

    scenario: str
    model: str
    reps: int
    rel_bias: float
    coverage: float
    median_width: float


def simulate_counts(rng: np.random.Generator, dependent: bool, n: int = TRUE_N) -> IntArray:
    """Counts of the 7 observable histories (Rcapture order) for one population."""
    a = rng.random(n) < 0.2
    p_b = np.where(a, 0.5, 0.15) if dependent else np.full(n, 0.2)
    b = rng.random(n) < p_b
    c = rng.random(n) < 0.25
    caught = np.column_stack([a, b, c]).astype(np.int64)
    seen = caught[caught.any(axis=1)]
    hist = all_histories(3)
    order = np.argsort(history_codes(hist))
    # history code -> row of Rcapture's order; code 0 (never seen) is not a row
    counts_by_code = np.bincount(history_codes(seen), minlength=8)[1:]
    counts: IntArray = np.zeros(hist.shape[0], dtype=np.int64)
    counts[order] = counts_by_code
    return counts


def estimate_block(task: tuple[bool, list[np.random.SeedSequence]]) -> FloatArray:
    """Estimate, lower and upper limit of each model for each population of a task.

    Parameters
    ----------
    task : (bool, list of SeedSequence)
        Whether A and B are dependent, and one seed per population.

    Returns
    -------
    ndarray, shape (populations, models, 3)
    """
    dependent, seeds = task
    out = np.empty((len(seeds), len(MODELS), 3))
    for r, seed in enumerate(seeds):
        counts = simulate_counts(np.random.default_rng(seed), dependent)
        for m, spec in enumerate(MODELS.values()):
            ci = profile_interval(fit_loglinear(counts, spec, 3))
            out[r, m] = (ci.abundance, ci.lower, ci.upper)
    return out


def run(
    reps: int = 200,
    seed: int = 2024,
    *,
    scheduler: str | None = None,
    n_jobs: int = 1,
    client: Client | None = None,
    block: int = BLOCK,
    progress: Callable[[int, int], None] | None = None,
) -> list[Row]:
    """Simulate ``reps`` populations per scenario and summarise each model.

    Parameters
    ----------
    reps : int
        Populations per scenario.
    seed : int
        Seed of the whole study; population ``i`` of scenario ``s`` gets child
        ``s * reps + i`` of ``SeedSequence(seed)``.
    scheduler : str, optional
        ``"local"`` (a local Dask cluster of ``n_jobs`` workers) or a Dask
        scheduler address; default: ``SAMEN_DASK_SCHEDULER`` if set, else this
        process (``n_jobs`` 1) or a pool of ``n_jobs`` worker processes.
    n_jobs : int
        Worker processes.
    client : distributed.Client, optional
        An open Dask client to run on (for repeated studies on one cluster).
    block : int
        Populations per task; does not change the result.
    progress : callable, optional
        ``progress(done, total)`` as tasks finish.
    """
    seeds = task_seeds(seed, len(SCENARIOS) * reps)
    tasks = []
    for s, sc in enumerate(SCENARIOS):
        mine = seeds[s * reps : (s + 1) * reps]
        tasks += [(sc.dependent, mine[i : i + block]) for i in range(0, reps, block)]
    blocks = map_tasks(
        estimate_block, tasks, scheduler=scheduler, n_jobs=n_jobs, client=client, progress=progress
    )
    values = np.concatenate(blocks).reshape(len(SCENARIOS), reps, len(MODELS), 3)
    rows = []
    for s, sc in enumerate(SCENARIOS):
        for m, label in enumerate(MODELS):
            est, lo, hi = values[s, :, m, 0], values[s, :, m, 1], values[s, :, m, 2]
            rows.append(
                Row(
                    sc.name,
                    label,
                    reps,
                    float(np.mean(est) / TRUE_N - 1.0),
                    float(np.mean((lo <= TRUE_N) & (hi >= TRUE_N))),
                    float(np.median(hi - lo)),
                )
            )
    return rows

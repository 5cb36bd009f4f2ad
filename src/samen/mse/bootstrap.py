"""SparseMSE's ``estimatepopulation``: BCa bootstrap with model selection redone.

Each replicate draws ``rmultinom(1, n, observed counts)`` over the observed
histories and reruns the whole stepwise selection; the acceleration comes from
a jackknife over capture histories (one case removed from each history,
weighted by its count); limits are type-8 quantiles of the replicates at the
BCa-adjusted levels. R's random stream cannot be reproduced, so the limits
agree with R's within Monte Carlo error only; with a seed they are
reproducible here, whatever the number of worker processes.

References
----------
Chan, L., Silverman, B. W. & Vincent, K. (2021). *J. Am. Stat. Assoc.*
116(535), 1297-1306. doi:10.1080/01621459.2019.1708748
DiCiccio, T. J. & Efron, B. (1996). Bootstrap confidence intervals.
*Statist. Sci.* 11(3), 189-228. doi:10.1214/ss/1032280214
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from samen.mse._parallel import available_cpus, dask_scheduler, map_tasks, process_pool
from samen.mse.design import FloatArray, IntArray, all_histories, history_codes
from samen.mse.messages import CaptureDataError
from samen.mse.sparse import PTHRESH, StepwiseFit, stepwise_fit

#: ``progress(done, total)``: tables finished so far, of all tables.
Progress = Callable[[int, int], None]

#: SparseMSE's default seed, replicates and BCa levels.
DEFAULT_SEED = 1234
DEFAULT_NBOOT = 1000
DEFAULT_ALPHA = (0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975)


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate, BCa limits and the replicates.

    Attributes
    ----------
    estimate : float
        Stepwise point estimate on the data.
    fit : StepwiseFit
        The model chosen on the data.
    replicates : ndarray
        Estimate of each bootstrap replicate.
    ahat : float
        Jackknife acceleration.
    z0 : float
        Bias correction ``qnorm(mean(replicates < estimate))``.
    alpha : tuple of float
        Levels of :attr:`limits`.
    limits : ndarray
        BCa limits at each ``alpha``.
    """

    estimate: float
    fit: StepwiseFit
    replicates: FloatArray
    ahat: float
    z0: float
    alpha: tuple[float, ...]
    limits: FloatArray

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The BCa interval at ``level`` (its two limits must be in :attr:`alpha`)."""
        q = (1.0 - level) / 2.0
        alpha = np.asarray(self.alpha)
        lo = np.flatnonzero(np.isclose(alpha, q))
        hi = np.flatnonzero(np.isclose(alpha, 1.0 - q))
        if lo.size == 0 or hi.size == 0:
            raise CaptureDataError(
                "bca_level_missing", level=level, levels=", ".join(f"{a:g}" for a in self.alpha)
            )
        return float(self.limits[lo[0]]), float(self.limits[hi[0]])


def _full_counts(k: int, obs_hist: IntArray, obs_counts: IntArray) -> IntArray:
    hist = all_histories(k)
    pos = {int(c): i for i, c in enumerate(history_codes(hist))}
    out = np.zeros(hist.shape[0], dtype=np.int64)
    for code, n in zip(history_codes(obs_hist), obs_counts, strict=True):
        out[pos[int(code)]] += int(n)
    return out


def _estimates(args: tuple[int, IntArray, IntArray, float]) -> FloatArray:
    """Stepwise estimate for each row of count vectors (one worker's share)."""
    k, obs_hist, count_rows, pthresh = args
    hist = all_histories(k)
    out = np.empty(count_rows.shape[0])
    for r, counts in enumerate(count_rows):
        full = _full_counts(k, obs_hist, counts)
        out[r] = stepwise_fit(hist, full, pthresh).model.estimate
    return out


#: A long bootstrap reports progress this many times (one block of tables each).
PROGRESS_STEPS = 20


def _run(
    k: int,
    obs_hist: IntArray,
    rows: IntArray,
    pthresh: float,
    n_jobs: int,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> FloatArray:
    total = rows.shape[0]
    address = dask_scheduler(scheduler)
    parallel = n_jobs > 1 and total >= 2 * n_jobs
    # Rows were drawn in the parent; the blocks are contiguous and their results
    # are joined in order, so the replicates depend neither on n_jobs, nor on
    # progress reporting, nor on where the blocks run. Several blocks per worker
    # even out the load.
    if address is not None:
        blocks = PROGRESS_STEPS * 2
    else:
        blocks = n_jobs * 4 if parallel else (PROGRESS_STEPS if progress else 1)
    parts = [p for p in np.array_split(rows, min(blocks, total)) if p.shape[0]]
    args = [(k, obs_hist, p, pthresh) for p in parts]
    if address is not None:
        sizes = np.cumsum([p.shape[0] for p in parts])

        def report(done: int, _total: int) -> None:
            if progress is not None:
                progress(int(sizes[done - 1]), total)

        return np.concatenate(
            map_tasks(_estimates, args, scheduler=address, n_jobs=n_jobs, progress=report)
        )
    done: list[FloatArray] = []

    def collect(results: Iterable[FloatArray]) -> None:
        finished = 0
        for block in results:
            done.append(block)
            finished += block.shape[0]
            if progress is not None:
                progress(finished, total)

    if parallel:
        with process_pool(n_jobs) as pool:
            collect(pool.map(_estimates, args))
    else:
        collect(map(_estimates, args))
    return np.concatenate(done)


def bca_limits(
    replicates: FloatArray, estimate: float, ahat: float, alpha: tuple[float, ...]
) -> tuple[float, FloatArray]:
    """SparseMSE's ``bcaconfvalues``: bias ``z0`` and type-8 quantiles at BCa levels.

    ``z0 = qnorm(mean(replicates < estimate))`` (strict ``<``, as SparseMSE);
    the limits are ``quantile(replicates, levels, type = 8)``, which numpy
    calls ``median_unbiased`` (for levels below ``(2/3)/(n + 1/3)`` that is the
    smallest replicate). When every replicate lies on one side of the
    estimate, ``z0`` is infinite and the BCa levels are undefined (R stops
    with an error there); the limits are then ``nan``.
    """
    z0 = float(norm.ppf(np.mean(replicates < estimate)))
    if not math.isfinite(z0):
        return z0, np.full(len(alpha), np.nan)
    za = norm.ppf(np.asarray(alpha))
    za0 = za + z0
    levels = norm.cdf(z0 + za0 / (1.0 - ahat * za0))
    limits = np.quantile(replicates, levels, method="median_unbiased")
    return z0, np.asarray(limits, dtype=float)


def bootstrap_estimate(
    obs_hist: IntArray,
    obs_counts: IntArray,
    *,
    nboot: int = DEFAULT_NBOOT,
    pthresh: float = PTHRESH,
    seed: int | None = DEFAULT_SEED,
    alpha: tuple[float, ...] = DEFAULT_ALPHA,
    n_jobs: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> BootstrapResult:
    """SparseMSE's ``estimatepopulation`` (BCa bootstrap).

    Parameters
    ----------
    obs_hist, obs_counts : ndarray
        The observed histories (rows of the input) and their counts.
    nboot : int
        Replicates (SparseMSE: 1,000).
    pthresh : float
        Stepwise threshold.
    seed : int or None
        Seed of numpy's generator (replicates are drawn in the parent process,
        so results do not depend on ``n_jobs``).
    alpha : tuple of float
        BCa levels to report.
    n_jobs : int, optional
        Worker processes (default: all available CPUs).
    progress : callable, optional
        Called as ``progress(done, total)`` as blocks of the bootstrap and
        jackknife tables are finished; it does not change the result.
    scheduler : str, optional
        Run the tables on Dask: ``"local"`` (a local cluster of ``n_jobs``
        workers) or a scheduler address ``tcp://HOST:PORT``. Default: the one
        set by :func:`samen.mse._parallel.use_scheduler` (the CLI's
        ``--scheduler``) or ``SAMEN_DASK_SCHEDULER``; with none, worker
        processes on this machine. The result is the same wherever it runs.
    """
    k = obs_hist.shape[1]
    hist = all_histories(k)
    n = int(obs_counts.sum())
    fit = stepwise_fit(hist, _full_counts(k, obs_hist, obs_counts), pthresh)
    estimate = fit.model.estimate
    rng = np.random.default_rng(seed)
    boot_rows = rng.multinomial(n, obs_counts / n, size=nboot).astype(np.int64)
    jack_idx = np.flatnonzero(obs_counts > 0)
    jack_rows = np.repeat(obs_counts[None, :], jack_idx.size, axis=0)
    jack_rows[np.arange(jack_idx.size), jack_idx] -= 1
    jobs = available_cpus() if n_jobs is None else n_jobs
    results = _run(
        k, obs_hist, np.vstack([boot_rows, jack_rows]), pthresh, jobs, progress, scheduler
    )
    replicates = results[:nboot]
    jack = np.zeros(obs_counts.size)
    jack[jack_idx] = results[nboot:]
    w = obs_counts.astype(float)
    resid = np.sum(w * jack) / w.sum() - jack
    spread = float(np.sum(w * resid**2))
    # All jackknife estimates equal (a degenerate table): no acceleration.
    ahat = float(np.sum(w * resid**3) / (6.0 * spread**1.5)) if spread > 0 else 0.0
    z0, limits = bca_limits(replicates, estimate, ahat, alpha)
    return BootstrapResult(estimate, fit, replicates, ahat, z0, tuple(alpha), limits)

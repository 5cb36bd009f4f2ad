"""LCMCR: the Bayesian latent-class model of Manrique-Vallier (2016).

Each case belongs to one of ``K`` latent classes; within a class the lists
catch it independently, list ``j`` with probability ``lambda[j, k]``. The class
weights follow a truncated stick-breaking (Dirichlet process) prior with
concentration ``alpha ~ Gamma(a_alpha, b_alpha)``, the list probabilities
``Beta(1, 1)``, and the population size ``N`` the prior ``1/N``. Heterogeneity
in catchability, and the dependence between lists it causes, is absorbed by
the classes: no log-linear terms are chosen. The posterior of ``N`` comes from
the Gibbs sampler in :mod:`samen.mse._lcmcr_kernel`, with the cases missed by
every list imputed at each sweep.

Manrique-Vallier, D. (2016). Bayesian population size estimation using
Dirichlet process mixtures. *Biometrics* 72(4), 1246-1254.
doi:10.1111/biom.12502. The defaults (``K = 10``, ``a_alpha = b_alpha = 0.25``)
and the sweep are those of the R package LCMCR (``lcmCR``).

Entry points:

* :func:`fit_lcmcr` runs one or more chains and returns an :class:`LcmcrFit`
  (posterior median, mean, quantiles, effective sample size, split R-hat);
* :func:`run_chain` runs one chain for a table, options and seed: the unit of
  work to farm out to other processes or machines; :func:`chain_seeds` gives
  every chain of a fit its seed, so a fit is the same wherever its chains run;
* :func:`combine_chains` makes the fit from chains run elsewhere;
* :func:`split_rhat`, :func:`effective_sample_size` and :func:`sparkline` are
  the diagnostics.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from samen.mse.messages import CaptureDataError, MseMessage
from samen.mse.table import CaptureTable

if TYPE_CHECKING:
    from samen.mse.results import MseResult

#: Seed of the first chain when none is given (the value of the R reference runs).
DEFAULT_SEED = 12345
#: Split R-hat above this says the chains have not mixed (Vehtari et al. 2021).
RHAT_LIMIT = 1.01
#: Effective draws of N below this are too few for the 2.5 % and 97.5 % quantiles
#: (Vehtari et al. 2021 ask for at least 100 per chain and 400 in all).
ESS_MIN = 400.0
#: Characters of the text trace.
SPARK_WIDTH = 60
_SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class LcmcrOptions:
    """Model and sampler settings (the defaults are R's ``lcmCR`` and the reference runs).

    Attributes
    ----------
    k : int
        Number of latent classes (the truncation of the Dirichlet process), at least 2.
    a_alpha, b_alpha : float
        Shape and rate of the Gamma prior on the concentration ``alpha``.
    burnin : int
        Sweeps discarded after the warm-up.
    samples : int
        Draws kept per chain.
    thin : int
        Sweeps per kept draw.
    chains : int
        Independent chains, each with its own seed (:func:`chain_seeds`).
    """

    k: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burnin: int = 10_000
    samples: int = 1_000
    thin: int = 100
    chains: int = 1

    @property
    def sweeps(self) -> int:
        """Gibbs sweeps per chain after the warm-up: ``burnin + samples * thin``."""
        return self.burnin + self.samples * self.thin

    def check(self) -> None:
        """Refuse settings the sampler cannot run.

        Raises
        ------
        CaptureDataError
            ``option_range`` naming the option and what it must be.
        """
        whole = {
            "--lcmcr-k": (self.k, 2),
            "--burnin": (self.burnin, 0),
            "--samples": (self.samples, 2),
            "--thin": (self.thin, 1),
            "--chains": (self.chains, 1),
        }
        for option, (value, least) in whole.items():
            if not isinstance(value, int | np.integer) or value < least:
                raise CaptureDataError(
                    "option_range",
                    option=option,
                    expected=f"a whole number of at least {least}",
                    value=str(value),
                )
        for option, number in (("a_alpha", self.a_alpha), ("b_alpha", self.b_alpha)):
            if not (math.isfinite(number) and number > 0):
                raise CaptureDataError(
                    "option_range", option=option, expected="a positive number", value=number
                )


@dataclass(frozen=True)
class LcmcrChain:
    """The kept draws of one chain.

    Attributes
    ----------
    seed : int
        The chain's seed (``0 <= seed < 2**32``).
    n_missing : ndarray of int, shape (samples,)
        Cases on no list, per kept draw.
    alpha : ndarray of float, shape (samples,)
        The concentration, per kept draw.
    occupied : ndarray of int, shape (samples,)
        Latent classes holding at least one case, per kept draw.
    seconds : float
        Time the chain took (wall clock, compilation excluded).
    """

    seed: int
    n_missing: NDArray[np.int64]
    alpha: NDArray[np.float64]
    occupied: NDArray[np.int64]
    seconds: float


@dataclass(frozen=True)
class LcmcrFit:
    """The posterior of the population size from one or more chains.

    Attributes
    ----------
    observed : int
        Cases on at least one list.
    options : LcmcrOptions
    seed : int
        The seed the chain seeds were derived from.
    level : float
        Level of the credible interval (0.95 gives the 2.5 % and 97.5 % quantiles).
    chains : tuple of LcmcrChain
    """

    observed: int
    options: LcmcrOptions
    seed: int
    level: float
    chains: tuple[LcmcrChain, ...] = field(repr=False)

    @property
    def draws(self) -> NDArray[np.int64]:
        """Population size ``N = observed + n_missing``, shape ``(chains, samples)``."""
        return self.observed + np.stack([c.n_missing for c in self.chains])

    @property
    def median(self) -> float:
        return float(np.median(self.draws))

    @property
    def mean(self) -> float:
        return float(np.mean(self.draws))

    @property
    def interval(self) -> tuple[float, float]:
        """Equal-tailed credible interval of N at :attr:`level`."""
        tail = (1.0 - self.level) / 2.0
        low, high = np.quantile(self.draws, [tail, 1.0 - tail])
        return float(low), float(high)

    @property
    def ess(self) -> float:
        """Bulk effective sample size of N (:func:`effective_sample_size`)."""
        return effective_sample_size(self.draws)

    @property
    def rhat(self) -> float:
        """Rank-normalised split R-hat of N (:func:`split_rhat`)."""
        return split_rhat(self.draws)


def capture_cells(table: CaptureTable) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """The observed histories with a positive count: ``(M, J)`` int8 and ``M`` int64 counts."""
    keep = (table.counts > 0) & (table.histories.sum(axis=1) > 0)
    cells = np.ascontiguousarray(table.histories[keep], dtype=np.int8)
    return cells, np.ascontiguousarray(table.counts[keep], dtype=np.int64)


def chain_seeds(seed: int, chains: int) -> list[int]:
    """The seed of each of ``chains`` chains for a fit with ``seed``.

    The first chain uses ``seed`` itself (reduced to 32 bits), so a one-chain
    fit is reproducible from the number given; further chains get independent
    seeds from :class:`numpy.random.SeedSequence`.
    """
    first = int(seed) % 2**32
    spawned = np.random.SeedSequence(first).spawn(max(chains - 1, 0))
    return [first, *(int(s.generate_state(1)[0]) for s in spawned)]


def run_chain(table: CaptureTable, options: LcmcrOptions, seed: int) -> LcmcrChain:
    """Run one chain of the Gibbs sampler on ``table``.

    Parameters
    ----------
    table : CaptureTable
        Without covariates; at least one case observed.
    options : LcmcrOptions
        ``options.chains`` is not used here: this is one chain.
    seed : int
        The chain's seed, ``0 <= seed < 2**32`` (see :func:`chain_seeds`).

    Returns
    -------
    LcmcrChain
        ``options.samples`` draws, the same for the same table, options, seed
        and numba version, in any process.

    Raises
    ------
    CaptureDataError
        For invalid options or a table with nothing observed.
    """
    from samen.mse._lcmcr_kernel import compile_kernel

    options.check()
    cells, freq = capture_cells(table)
    if freq.sum() == 0:
        raise CaptureDataError("counts_all_zero")
    kernel = compile_kernel()
    start = time.perf_counter()
    n_missing, alpha, occupied = kernel(
        cells,
        freq,
        options.k,
        float(options.a_alpha),
        float(options.b_alpha),
        options.burnin,
        options.samples,
        options.thin,
        int(seed) % 2**32,
    )
    return LcmcrChain(
        seed=int(seed) % 2**32,
        n_missing=n_missing,
        alpha=alpha,
        occupied=occupied,
        seconds=time.perf_counter() - start,
    )


def combine_chains(
    table: CaptureTable,
    options: LcmcrOptions,
    seed: int,
    chains: Sequence[LcmcrChain],
    level: float = 0.95,
) -> LcmcrFit:
    """The fit made of ``chains`` (run with :func:`run_chain`, in any order of completion)."""
    order = chain_seeds(seed, len(chains))
    ordered = sorted(chains, key=lambda c: order.index(c.seed) if c.seed in order else len(order))
    return LcmcrFit(int(capture_cells(table)[1].sum()), options, seed, level, tuple(ordered))


def fit_lcmcr(
    table: CaptureTable,
    options: LcmcrOptions | None = None,
    *,
    seed: int | None = None,
    level: float = 0.95,
    n_jobs: int | None = None,
) -> LcmcrFit:
    """Fit the LCMCR model: ``options.chains`` chains, in worker processes when there are several.

    Parameters
    ----------
    table : CaptureTable
        Capture histories and counts, without covariates.
    options : LcmcrOptions, optional
        Defaults: ``K = 10``, ``a_alpha = b_alpha = 0.25``, burn-in 10,000,
        1,000 draws thinned by 100, one chain (R's reference settings).
    seed : int, optional
        Default :data:`DEFAULT_SEED`. The same seed gives the same draws.
    level : float
        Credible level of :attr:`LcmcrFit.interval`.
    n_jobs : int, optional
        Worker processes for several chains (default: one per chain, at most
        the CPUs available). The result does not depend on it.

    Raises
    ------
    CaptureDataError
        For invalid options or a table with nothing observed.
    """
    from samen.mse._parallel import available_cpus, process_pool

    opts = options or LcmcrOptions()
    opts.check()
    used = DEFAULT_SEED if seed is None else int(seed)
    seeds = chain_seeds(used, opts.chains)
    workers = min(opts.chains, n_jobs or available_cpus())
    if workers <= 1:
        chains = [run_chain(table, opts, s) for s in seeds]
    else:
        with process_pool(workers) as pool:
            chains = list(pool.map(run_chain, [table] * len(seeds), [opts] * len(seeds), seeds))
    return combine_chains(table, opts, used, chains, level)


def _split(draws: NDArray[np.floating] | NDArray[np.integer]) -> NDArray[np.float64]:
    x = np.atleast_2d(np.asarray(draws, dtype=float))
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, x.shape[1] - half :]])


def _rank_normal(x: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.stats import norm, rankdata

    ranks = rankdata(x, method="average").reshape(x.shape)
    return np.asarray(norm.ppf((ranks - 0.375) / (x.size + 0.25)), dtype=float)


def split_rhat(draws: NDArray[np.floating] | NDArray[np.integer]) -> float:
    """Rank-normalised split R-hat (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021).

    ``draws`` is ``(chains, samples)`` (or one chain). Each chain is split in
    halves, the draws are replaced by the normal scores of their ranks, and
    ``sqrt(var_plus / W)`` compares the spread of all draws with the spread
    within the halves: near 1 when the chains agree. ``nan`` with fewer than 4
    draws per chain or no spread at all.

    Vehtari et al. (2021). *Bayesian Analysis* 16(2), 667-718. doi:10.1214/20-BA1221
    """
    x = _split(draws)
    n = x.shape[1]
    if n < 2 or np.ptp(x) == 0:
        return math.nan
    z = _rank_normal(x)
    within = float(np.mean(np.var(z, axis=1, ddof=1)))
    between = float(n * np.var(np.mean(z, axis=1), ddof=1))
    var_plus = (n - 1) / n * within + between / n
    return math.sqrt(var_plus / within) if within > 0 else math.nan


def effective_sample_size(draws: NDArray[np.floating] | NDArray[np.integer]) -> float:
    """Bulk effective sample size of ``draws`` (``(chains, samples)``, or one chain).

    The rank-normalised split chains' autocorrelations, combined over chains,
    summed with Geyer's (1992) initial monotone sequence, as Stan and ArviZ
    do (Vehtari et al. 2021). ``nan`` with fewer than 4 draws per chain or
    no spread at all.
    """
    x = _split(draws)
    m, n = x.shape
    if n < 2 or np.ptp(x) == 0:
        return math.nan
    z = _rank_normal(x)
    centred = z - z.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)[:, :n] / n
    chain_var = acov[:, 0] * n / (n - 1.0)
    within = float(chain_var.mean())
    var_plus = within * (n - 1.0) / n + (float(np.var(z.mean(axis=1), ddof=1)) if m > 1 else 0.0)
    if var_plus <= 0:
        return math.nan
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    total = 0.0
    previous = math.inf
    for t in range(0, n - 1, 2):
        pair = float(rho[t] + rho[t + 1])
        if pair <= 0:
            break
        pair = min(pair, previous)
        total += pair
        previous = pair
    tau = max(-1.0 + 2.0 * total, 1.0 / math.log10(m * n))
    return float(m * n / tau)


def _bin_means(
    values: NDArray[np.floating] | NDArray[np.integer], width: int
) -> NDArray[np.float64]:
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0:
        return np.zeros(0)
    return np.array([b.mean() for b in np.array_split(v, min(width, v.size))])


def sparkline(
    values: NDArray[np.floating] | NDArray[np.integer],
    width: int = SPARK_WIDTH,
    scale: tuple[float, float] | None = None,
) -> str:
    """A one-line text trace: ``values`` averaged into ``width`` bins, drawn as ``▁`` .. ``█``.

    ``scale`` is the ``(low, high)`` of the bin means that map to ``▁`` and
    ``█``; by default those of ``values``. Give every chain the same scale
    (:func:`sparklines`) so that chains at different levels look different.
    """
    means = _bin_means(values, width)
    if means.size == 0:
        return ""
    low, high = scale or (float(means.min()), float(means.max()))
    if high <= low:
        return _SPARKS[0] * len(means)
    scaled = (np.clip(means, low, high) - low) / (high - low) * len(_SPARKS)
    idx = np.minimum(scaled.astype(int), len(_SPARKS) - 1)
    return "".join(_SPARKS[i] for i in idx)


def sparklines(draws: NDArray[np.integer], width: int = SPARK_WIDTH) -> list[str]:
    """One :func:`sparkline` per chain (rows of ``draws``), all on the same scale."""
    means = [_bin_means(row, width) for row in draws]
    every = np.concatenate(means) if means else np.zeros(0)
    if every.size == 0:
        return ["" for _ in means]
    scale = (float(every.min()), float(every.max()))
    return [sparkline(row, width, scale) for row in draws]


def mixing_warnings(fit: LcmcrFit) -> list[MseMessage]:
    """Coded warnings when split R-hat or the effective sample size say the chains have not mixed,
    and when draws of the number missed reached the sampler's ceiling."""
    from samen.mse._lcmcr_kernel import MAX_MISSING

    out = []
    capped = int(sum(int((c.n_missing >= MAX_MISSING).sum()) for c in fit.chains))
    if capped:
        share = capped / sum(c.n_missing.size for c in fit.chains)
        out.append(
            MseMessage("lcmcr_unbounded", share=f"{share:.1%}", ceiling=f"{MAX_MISSING:.0e}")
        )
    rhat, ess = fit.rhat, fit.ess
    if not math.isfinite(rhat) or rhat > RHAT_LIMIT:
        out.append(MseMessage("mcmc_rhat_high", rhat=rhat, limit=RHAT_LIMIT))
    if not math.isfinite(ess) or ess < ESS_MIN:
        out.append(MseMessage("mcmc_low_ess", ess=ess, minimum=ESS_MIN))
    return out


def to_result(table: CaptureTable, fit: LcmcrFit, warn: Sequence[MseMessage] = ()) -> MseResult:
    """The fit as an :class:`~samen.mse.results.MseResult`: the estimate is the posterior median.

    ``details`` holds the posterior mean, the settings, the seeds, the
    diagnostics, a text trace (``sparkline``) and the kept draws of N per chain
    (``draws``).
    """
    from samen.mse.results import MseResult

    o = fit.options
    low, high = fit.interval
    median = fit.median
    draws = fit.draws
    tail = (1.0 - fit.level) / 2.0
    return MseResult(
        method="lcmcr",
        lists=table.lists,
        model=(),
        estimate=median,
        ci_lower=low,
        ci_upper=high,
        level=fit.level,
        interval_kind=(
            f"posterior quantiles ({tail:.1%} and {1 - tail:.1%}) of {draws.size:,} draws"
        ),
        observed=fit.observed,
        unobserved=median - fit.observed,
        warnings=(*warn, *mixing_warnings(fit)),
        details={
            "posteriorMean": fit.mean,
            "ess": fit.ess,
            "rhat": fit.rhat,
            "classes": o.k,
            "aAlpha": o.a_alpha,
            "bAlpha": o.b_alpha,
            "burnin": o.burnin,
            "samples": o.samples,
            "thin": o.thin,
            "chains": o.chains,
            "seed": fit.seed,
            "chainSeeds": [c.seed for c in fit.chains],
            "seconds": [c.seconds for c in fit.chains],
            "alphaMean": float(np.mean([c.alpha.mean() for c in fit.chains])),
            "occupiedClassesMean": float(np.mean([c.occupied.mean() for c in fit.chains])),
            "sparkline": sparklines(draws),
            "draws": draws.tolist(),
        },
    )

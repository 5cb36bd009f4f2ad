"""One entry point per method, returning :class:`~samen.mse.results.MseResult`.

Methods (``method=``):

``independence``
    Rcapture's Mt: lists independent, profile-likelihood interval. With
    ``heterogeneity`` Rcapture's Mth of that form.
``loglinear``
    A log-linear model with two-list terms: the given ``terms``, or the best
    model by AIC/BIC from the exhaustive search (stepwise beyond 6 lists) that
    passes SparseMSE's ``checkident``; profile-likelihood interval
    (``closedpCI.t(mX = ...)``). With ``terms`` and ``heterogeneity``:
    ``closedpCI.t(mX = ..., h = ...)``.
``chao``
    Rcapture's Mth Chao lower bound (list effects plus heterogeneity).
``sparsemse``
    SparseMSE's stepwise model; Wald interval, or with ``bootstrap=N`` the
    BCa bootstrap interval of ``estimatepopulation``.
``covariates``
    Log-linear model with covariates (terms like ``P:year``, or chosen by
    ``select="aic"``), Wald interval.
``dga``
    Bayesian model averaging over decomposable graphs (``samen.mse.dga``),
    posterior median and 95% credible interval.
``petersen``, ``chapman``
    The two-list estimators of Lincoln–Petersen and Chapman (``samen.mse.twolist``).
``average``
    Model averaging with AIC/BIC weights over the searched log-linear models
    (``samen.mse.averaging``).
``lcmcr``
    The Bayesian latent-class model of Manrique-Vallier (2016), R's LCMCR
    (``samen.mse.lcmcr``): posterior median and credible interval from a Gibbs
    sampler, with the effective sample size and split R-hat of its chains.

Every result passes :func:`samen.mse.checks.flag_problems`: a number that
cannot be taken at face value always comes with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from samen.mse.messages import CaptureDataError
from samen.mse.results import METHODS, MseResult

if TYPE_CHECKING:
    from samen.mse.lcmcr import LcmcrOptions
    from samen.mse.limits import Limits
    from samen.mse.search import SearchResult
    from samen.mse.table import CaptureTable

# This module imports nothing heavy at the top: ``samen.mse`` exports ``estimate``
# eagerly, and the command line's ``--help`` must not wait for numpy and scipy.

__all__ = ["METHODS", "combine_strata", "estimate"]

#: Model-choice criteria.
CRITERIA = ("aic", "bic")

#: Methods that use ``terms``.
TERM_METHODS = ("loglinear", "covariates")
#: Forms of heterogeneity for ``independence`` and ``loglinear``: Rcapture's four
#: log-linear forms and the Normal model of Rivest (2011).
HETEROGENEITY_FORMS = ("chao", "poisson", "darroch", "gamma", "normal")
#: Priors of the population size for ``dga``.
DGA_PRIORS = ("1/N", "uniform")


@dataclass(frozen=True)
class Options:
    """The options of :func:`estimate`, checked, as the methods receive them."""

    criterion: str
    terms: str | Sequence[str] | None
    heterogeneity: str | None
    theta: float | None
    select: str | None
    bootstrap: int | None
    seed: int | None
    level: float
    n_jobs: int | None
    search: SearchResult | None
    progress: Callable[[int, int], None] | None
    delta: float | None
    prior: str
    grid_max: int | None
    top: int
    lcmcr: LcmcrOptions | None = None


def estimate(
    table: CaptureTable,
    method: str = "sparsemse",
    *,
    criterion: str = "aic",
    terms: str | Sequence[str] | None = None,
    heterogeneity: str | None = None,
    theta: float | None = None,
    select: str | None = None,
    bootstrap: int | None = None,
    seed: int | None = None,
    level: float = 0.95,
    n_jobs: int | None = None,
    search: SearchResult | None = None,
    progress: Callable[[int, int], None] | None = None,
    delta: float | None = None,
    prior: str = "1/N",
    grid_max: int | None = None,
    top: int = 5,
    limits: Limits | None = None,
    lcmcr: LcmcrOptions | None = None,
) -> MseResult:
    """Estimate the total population from a capture-history table.

    Parameters
    ----------
    table : CaptureTable
    method : str
        One of :data:`METHODS` (see the module docstring).
    criterion : {"aic", "bic"}
        Model choice for ``loglinear`` without ``terms``, weights for ``average``,
        and the criterion of ``select``.
    terms : str or sequence of str, optional
        Two-list terms (``"LA:NG,PF:GP"``); with covariates also ``"P:year"``.
        Only ``loglinear`` and ``covariates`` use them.
    heterogeneity : {"chao", "poisson", "darroch", "gamma", "normal"}, optional
        Heterogeneous catchability for ``independence`` and ``loglinear`` (the
        latter with ``terms``).
    theta : float, optional
        The parameter of the ``poisson`` (default 2) and ``gamma`` (default 3.5) forms.
    select : {"aic", "bic"}, optional
        ``covariates``: choose the terms stepwise by this criterion, starting from ``terms``.
    bootstrap : int, optional
        ``sparsemse`` only: BCa bootstrap with this many replicates.
    seed : int, optional
        Bootstrap seed (default SparseMSE's 1234); for ``lcmcr`` the seed of the
        first chain (default 12345). The same seed gives the same numbers.
    level : float
        Interval level, strictly between 0 and 1.
    n_jobs : int, optional
        Worker processes for the search and the bootstrap.
    search : SearchResult, optional
        A search already done on this table (reused by ``loglinear`` and ``average``).
    progress : callable, optional
        ``progress(done, total)`` while a bootstrap runs (see
        :func:`samen.mse.bootstrap.bootstrap_estimate`).
    delta, prior, grid_max : optional
        ``dga``: the hyper-Dirichlet prior count per cell (default ``2^-k``), the
        prior of ``N`` (``"1/N"``, dga's default, or ``"uniform"``), and the
        largest number of unobserved cases on the grid (default: automatic).
    top : int
        ``average``: how many of the heaviest models to report with their intervals.
    limits : Limits, optional
        Time and memory budget; the default refuses work beyond about a minute or
        a quarter of the memory (see :mod:`samen.mse.limits`).
    lcmcr : LcmcrOptions, optional
        ``lcmcr``: classes, prior of the concentration, burn-in, draws, thinning
        and chains (default: R's settings, one chain; see :mod:`samen.mse.lcmcr`).

    Raises
    ------
    CaptureDataError
        For an option the method does not use or cannot take, a table the method
        cannot handle, or work beyond the budget; before any work is done.

    Assumptions
    -----------
    A closed population (nobody enters or leaves while the lists are made),
    cases matched without error across lists, and the dependence between lists
    captured by the model. No method can see heterogeneity that leaves no trace
    in the overlaps.
    """
    opts = Options(
        criterion=criterion,
        terms=terms,
        heterogeneity=heterogeneity,
        theta=theta,
        select=select,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        n_jobs=n_jobs,
        search=search,
        progress=progress,
        delta=delta,
        prior=prior,
        grid_max=grid_max,
        top=top,
        lcmcr=lcmcr,
    )
    _validate(table, method, opts)
    from samen.mse._methods import dispatch
    from samen.mse.checks import flag_problems
    from samen.mse.limits import check_feasible

    check_feasible(table, method, bootstrap=bootstrap or 0, limits=limits)
    return flag_problems(dispatch(table, method, opts))


def _validate(table: CaptureTable, method: str, o: Options) -> None:
    """Refuse options the method would ignore or cannot use, before any work."""
    if method not in METHODS:
        raise CaptureDataError("unknown_method", allowed=", ".join(METHODS), method=method)
    if o.criterion not in CRITERIA:
        raise CaptureDataError(
            "unknown_criterion", allowed=", ".join(CRITERIA), criterion=o.criterion
        )
    if not 0.0 < o.level < 1.0:
        raise CaptureDataError(
            "option_range", option="level", expected="strictly between 0 and 1", value=o.level
        )
    covariate_model = method == "covariates" or (bool(table.covariates) and method == "loglinear")
    if o.terms and method not in TERM_METHODS:
        raise CaptureDataError("terms_not_used", method=method)
    if o.select is not None:
        if not covariate_model:
            raise CaptureDataError("select_needs_covariates", method=method)
        if o.select not in CRITERIA:
            raise CaptureDataError(
                "unknown_criterion", allowed=", ".join(CRITERIA), criterion=o.select
            )
    if o.heterogeneity is not None:
        if o.heterogeneity not in HETEROGENEITY_FORMS:
            raise CaptureDataError(
                "unknown_heterogeneity",
                form=o.heterogeneity,
                allowed=", ".join(HETEROGENEITY_FORMS),
            )
        if method not in ("independence", "loglinear") or covariate_model:
            raise CaptureDataError("heterogeneity_needs_loglinear", method=method)
        if method == "loglinear" and not o.terms:
            raise CaptureDataError("heterogeneity_needs_terms")
        if table.k < 3 and o.heterogeneity != "normal":
            raise CaptureDataError(
                "needs_lists", method=f"{o.heterogeneity} heterogeneity", minimum=3, k=table.k
            )
    if o.theta is not None:
        if o.heterogeneity not in ("poisson", "gamma"):
            raise CaptureDataError("theta_needs_form")
        if not (math.isfinite(o.theta) and o.theta > 0):
            raise CaptureDataError(
                "option_range", option="--theta", expected="a positive number", value=o.theta
            )
    if o.bootstrap is not None:
        if o.bootstrap < 1:
            raise CaptureDataError("bootstrap_positive", value=o.bootstrap)
        if method != "sparsemse":
            raise CaptureDataError("bootstrap_sparsemse_only", method=method)
    dga_options = o.delta is not None or o.grid_max is not None or o.prior != "1/N"
    if dga_options and method != "dga":
        raise CaptureDataError("dga_options_only", method=method)
    if o.prior not in DGA_PRIORS:
        raise CaptureDataError("unknown_prior", prior=o.prior, allowed=", ".join(DGA_PRIORS))
    if o.delta is not None and not (math.isfinite(o.delta) and o.delta > 0):
        raise CaptureDataError(
            "option_range", option="--delta", expected="a positive number", value=o.delta
        )
    if o.grid_max is not None and o.grid_max < 1:
        raise CaptureDataError(
            "option_range", option="--grid", expected="a positive whole number", value=o.grid_max
        )
    if o.top < 1:
        raise CaptureDataError("top_positive", value=o.top)
    if o.lcmcr is not None:
        if method != "lcmcr":
            raise CaptureDataError("lcmcr_options_only", method=method)
        o.lcmcr.check()


def combine_strata(results: Sequence[MseResult]) -> MseResult:
    """Sum per-stratum estimates; the interval adds the strata's spreads.

    Each stratum's interval is read as a normal one (half-width / z) and the
    variances are added: a rough interval, labelled as such. When a stratum has
    no finite estimate or upper limit, neither has the total; its lower limit is
    then the sum of the strata's lower limits.
    """
    from scipy.stats import norm

    from samen.mse.checks import flag_problems

    z = float(norm.ppf(0.5 + results[0].level / 2))
    observed = sum(r.observed for r in results)
    est = sum(r.estimate for r in results)
    if all(math.isfinite(r.estimate) and math.isfinite(r.ci_upper) for r in results):
        se = math.sqrt(sum(((r.ci_upper - r.ci_lower) / (2 * z)) ** 2 for r in results))
        lower, upper = max(observed, est - z * se), est + z * se
    else:
        lower, upper = sum(r.ci_lower for r in results), math.inf
    first = results[0]
    return flag_problems(
        MseResult(
            method=first.method,
            lists=first.lists,
            model=(),
            estimate=est,
            ci_lower=lower,
            ci_upper=upper,
            level=first.level,
            interval_kind="sum of strata (normal approximation, strata independent)",
            observed=observed,
            unobserved=est - observed,
            warnings=tuple(w for r in results for w in r.warnings if r.stratum is None),
            stratum="total",
        )
    )

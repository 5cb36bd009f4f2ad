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

Every result passes :func:`samen.mse.checks.flag_problems`: a number that
cannot be taken at face value always comes with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from samen.mse import _methods as build
from samen.mse._methods import Options
from samen.mse.checks import flag_problems, overlap_warnings
from samen.mse.design import parse_terms, term_names
from samen.mse.limits import Limits, check_feasible
from samen.mse.loglinear import HETEROGENEITY, ModelSpec, fit_loglinear
from samen.mse.messages import CaptureDataError, MseMessage
from samen.mse.results import METHODS, MseResult
from samen.mse.search import CRITERIA, SearchResult
from samen.mse.table import CaptureTable

__all__ = ["METHODS", "combine_strata", "estimate", "overlap_warnings"]

#: Methods that use ``terms``.
TERM_METHODS = ("loglinear", "covariates")
#: Forms of heterogeneity for ``independence`` and ``loglinear``: Rcapture's four
#: log-linear forms and the Normal model of Rivest (2011).
HETEROGENEITY_FORMS = (*HETEROGENEITY, "normal")
#: Priors of the population size for ``dga``.
DGA_PRIORS = ("1/N", "uniform")


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
        Bootstrap seed (default SparseMSE's 1234).
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
    )
    _validate(table, method, opts)
    check_feasible(table, method, bootstrap=bootstrap or 0, limits=limits)
    return flag_problems(_estimate(table, method, opts))


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


def _estimate(table: CaptureTable, method: str, o: Options) -> MseResult:
    if method == "covariates" or (table.covariates and method == "loglinear"):
        return build.covariates(table, o)
    table = table.without_covariates() if table.covariates else table
    warn = overlap_warnings(table)
    if method in ("petersen", "chapman"):
        return build.two_list(table, method, warn, o.level)
    _hist, counts = table.full()
    k = table.k
    if method == "dga":
        return build.dga_result(table, warn, o)
    if method == "average":
        return build.average(table, warn, o)
    if method == "chao":
        if k < 3:
            raise CaptureDataError("needs_lists", method="chao", minimum=3, k=k)
        return build.heterogeneous(table, method, (), "chao", None, warn, o.level)
    if method == "independence":
        if o.heterogeneity:
            return build.heterogeneous(table, method, (), o.heterogeneity, o.theta, warn, o.level)
        fit = fit_loglinear(counts, ModelSpec("Mt"), k)
        return build.loglinear_result(table, fit, method, (), warn, o.level)
    if method == "loglinear":
        if o.terms:
            pairs = tuple(parse_terms(o.terms, table.lists))
            if o.heterogeneity:
                return build.heterogeneous(
                    table, method, pairs, o.heterogeneity, o.theta, warn, o.level
                )
            chosen = "given terms"
        else:
            from samen.mse.search import search_models

            result = o.search or search_models(counts, k, o.criterion, o.n_jobs)
            pairs, passed, found = build.best_usable(table, result.ranked(o.criterion))
            crit = o.criterion.upper()
            chosen = f"best {crit} of {len(result.models)} models ({result.method} search)"
            if not found:
                chosen = "main effects: no searched model passes the checks"
                warn.append(MseMessage("no_usable_model", searched=len(result.models)))
            elif passed:
                chosen += f" that passes the checks ({passed} better-ranked models passed over)"
                warn.append(MseMessage("models_passed_over", passed=passed, criterion=crit))
        fit = fit_loglinear(counts, ModelSpec("pairs", pairs), k)
        res = build.loglinear_result(
            table, fit, method, term_names(pairs, table.lists), warn, o.level
        )
        return build.with_details(res, {"modelChoice": chosen})
    return build.sparse(table, warn, o)


def combine_strata(results: Sequence[MseResult]) -> MseResult:
    """Sum per-stratum estimates; the interval adds the strata's spreads.

    Each stratum's interval is read as a normal one (half-width / z) and the
    variances are added: a rough interval, labelled as such. When a stratum has
    no finite estimate or upper limit, neither has the total; its lower limit is
    then the sum of the strata's lower limits.
    """
    from scipy.stats import norm

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

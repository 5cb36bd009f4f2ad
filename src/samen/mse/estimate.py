"""One entry point per method, returning :class:`~samen.mse.results.MseResult`.

Methods (``method=``):

``independence``
    Rcapture's Mt: lists independent, profile-likelihood interval.
``loglinear``
    A log-linear model with two-list terms: the given ``terms``, or the best
    model by AIC/BIC from the exhaustive search (stepwise beyond 6 lists);
    profile-likelihood interval (``closedpCI.t(mX = ...)``).
``chao``
    Rcapture's Mth Chao lower bound (list effects plus heterogeneity).
``sparsemse``
    SparseMSE's stepwise model; Wald interval, or with ``bootstrap=N`` the
    BCa bootstrap interval of ``estimatepopulation``.
``covariates``
    Log-linear model with covariates (terms like ``P:year``), Wald interval.
``dga``
    Bayesian model averaging over decomposable graphs (``samen.mse.dga``),
    posterior median and 95% credible interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from samen.mse.bootstrap import DEFAULT_SEED, bootstrap_estimate
from samen.mse.covariates import fit_covariate_model
from samen.mse.design import all_pairs, parse_terms, term_names
from samen.mse.loglinear import LoglinearFit, ModelSpec, fit_loglinear, profile_interval
from samen.mse.messages import CaptureDataError, MseMessage
from samen.mse.results import MseResult
from samen.mse.search import SearchedModel, SearchResult, search_models
from samen.mse.sparse import checkident, estimate_population0
from samen.mse.table import CaptureTable

METHODS = ("independence", "loglinear", "chao", "sparsemse", "covariates", "dga")


def overlap_warnings(table: CaptureTable) -> list[MseMessage]:
    """Plain-language warnings about lists that never overlap."""
    ov = table.pair_overlaps()
    out = []
    for i in range(table.k):
        others = [j for j in range(table.k) if j != i]
        if ov[i, i] == 0:
            out.append(MseMessage("list_no_cases", list=table.lists[i]))
        elif all(ov[i, j] == 0 for j in others):
            out.append(MseMessage("list_isolated", list=table.lists[i]))
    empty = [f"{table.lists[i]}:{table.lists[j]}" for i, j in all_pairs(table.k) if ov[i, j] == 0]
    if empty:
        out.append(MseMessage("empty_pairs", pairs=", ".join(empty)))
    small = int((table.counts > 0).sum())
    if table.observed < 50:
        out.append(MseMessage("few_cases", observed=table.observed))
    if small < table.k + 1:
        out.append(MseMessage("few_histories"))
    return out


def _checks(table: CaptureTable, pairs: Sequence[tuple[int, int]]) -> tuple[bool, bool]:
    hist, counts = table.full()
    verdict = checkident(hist, counts, list(pairs))
    return verdict & 1 == 0, verdict & 2 == 0


def _best_estimable(table: CaptureTable, ranked: SearchResult) -> tuple[SearchedModel, int]:
    """The best-ranked model whose estimate exists, and how many were passed over.

    A criterion ranks models by fit alone; a model whose maximum likelihood
    estimate does not exist (SparseMSE's linear-programming check, with terms
    for lists that never overlap treated as minus infinity, as SparseMSE does)
    can fit "well" with an unbounded estimate. Such models are skipped. When no
    model qualifies the best one is returned (its result carries the existence
    verdict and warnings).
    """
    hist, counts = table.full()
    for passed, model in enumerate(ranked.models):
        if math.isfinite(model.abundance) and checkident(hist, counts, model.pairs) & 1 == 0:
            return model, passed
    return ranked.best, 0


def _loglinear_result(
    table: CaptureTable,
    fit: LoglinearFit,
    method: str,
    model: tuple[str, ...],
    warn: list[MseMessage],
    level: float,
) -> MseResult:
    ci = profile_interval(fit, level)
    if not fit.converged:
        warn.append(MseMessage("not_converged"))
    if not math.isfinite(ci.upper):
        warn.append(MseMessage("no_upper_bound", limit=ci.upper_search))
    if fit.abundance > 1e3 * max(table.observed, 1):
        warn.append(
            MseMessage(
                "estimate_absurd", estimate=fit.abundance, factor=1000, observed=table.observed
            )
        )
    pairs = fit.spec.pairs
    exists, ident = _checks(table, pairs) if fit.spec.heterogeneity is None else (None, None)
    return MseResult(
        method=method,
        lists=table.lists,
        model=model,
        estimate=ci.abundance,
        ci_lower=ci.lower,
        ci_upper=ci.upper,
        level=level,
        interval_kind="profile likelihood (multinomial, Cormack's correction)",
        observed=table.observed,
        unobserved=ci.abundance - table.observed,
        aic=fit.aic,
        bic=fit.bic,
        existence=exists,
        identifiability=ident,
        warnings=tuple(warn),
        poisson_estimate=fit.abundance,
        details={"stderr": fit.stderr, "deviance": fit.deviance, "df": fit.df},
    )


def estimate(
    table: CaptureTable,
    method: str = "sparsemse",
    *,
    criterion: str = "aic",
    terms: str | Sequence[str] | None = None,
    bootstrap: int | None = None,
    seed: int | None = None,
    level: float = 0.95,
    n_jobs: int | None = None,
    search: SearchResult | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MseResult:
    """Estimate the total population from a capture-history table.

    Parameters
    ----------
    table : CaptureTable
    method : {"independence", "loglinear", "chao", "sparsemse", "covariates", "dga"}
    criterion : {"aic", "bic"}
        Model choice for ``loglinear`` without ``terms``.
    terms : str or sequence of str, optional
        Two-list terms (``"LA:NG,PF:GP"``); with covariates also ``"P:year"``.
    bootstrap : int, optional
        ``sparsemse`` only: BCa bootstrap with this many replicates.
    seed : int, optional
        Bootstrap seed (default SparseMSE's 1234).
    level : float
        Interval level.
    n_jobs : int, optional
        Worker processes for the search and the bootstrap.
    search : SearchResult, optional
        A search already done on this table (reused by ``loglinear``).
    progress : callable, optional
        ``progress(done, total)`` while a bootstrap runs (see
        :func:`samen.mse.bootstrap.bootstrap_estimate`).

    Assumptions
    -----------
    A closed population (nobody enters or leaves while the lists are made),
    cases matched without error across lists, and the dependence between lists
    captured by the model. No method can see heterogeneity that leaves no trace
    in the overlaps.
    """
    if method not in METHODS:
        raise CaptureDataError("unknown_method", allowed=", ".join(METHODS), method=method)
    if method == "covariates" or (table.covariates and method == "loglinear"):
        return _covariates(table, terms, level)
    table = table.without_covariates() if table.covariates else table
    warn = overlap_warnings(table)
    _hist, counts = table.full()
    k = table.k
    if method == "dga":
        return _dga(table, warn)
    if method == "independence":
        fit = fit_loglinear(counts, ModelSpec("Mt"), k)
        return _loglinear_result(table, fit, method, (), warn, level)
    if method == "chao":
        if k < 3:
            raise CaptureDataError("needs_lists", method="chao", minimum=3, k=k)
        fit = fit_loglinear(counts, ModelSpec("Mt", heterogeneity="chao"), k)
        dropped = [f"eta{j}" for j in fit.dropped_eta]
        model = tuple(f"eta{j}" for j in range(3, k + 1) if f"eta{j}" not in dropped)
        if dropped:
            warn.append(MseMessage("eta_dropped", terms=", ".join(dropped)))
        return _loglinear_result(table, fit, method, model, warn, level)
    if method == "loglinear":
        if terms:
            pairs = parse_terms(terms, table.lists)
            chosen = "given terms"
        else:
            result = search if search is not None else search_models(counts, k, criterion, n_jobs)
            best, passed = _best_estimable(table, result.ranked(criterion))
            pairs = list(best.pairs)
            chosen = (
                f"best {criterion.upper()} of {len(result.models)} models ({result.method} search)"
            )
            if passed:
                chosen += f" with a finite estimate ({passed} better-ranked models passed over)"
                warn.append(
                    MseMessage("models_passed_over", passed=passed, criterion=criterion.upper())
                )
        fit = fit_loglinear(counts, ModelSpec("pairs", tuple(pairs)), k)
        res = _loglinear_result(table, fit, method, term_names(pairs, table.lists), warn, level)
        return _with_details(res, {"modelChoice": chosen})
    return _sparse(table, warn, bootstrap, seed, level, n_jobs, progress)


def _with_details(res: MseResult, extra: dict[str, Any]) -> MseResult:
    from dataclasses import replace

    return replace(res, details={**res.details, **extra})


def _sparse(
    table: CaptureTable,
    warn: list[MseMessage],
    bootstrap: int | None,
    seed: int | None,
    level: float,
    n_jobs: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> MseResult:
    hist, counts = table.full()
    wald = estimate_population0(hist, counts, "stepwise", level=level)
    model = wald.model
    exists, ident = _checks(table, model.pairs)
    empty = term_names(model.empty_pairs, table.lists)
    if empty:
        warn.append(MseMessage("empty_terms_minus_inf", terms=", ".join(empty)))
    details: dict[str, Any] = {
        "lpChecks": wald.lp_checks,
        "emptyOverlaps": list(empty),
        "poisspempty": list(model.poisspempty),
    }
    lower, upper, kind = wald.lower, wald.upper, "Wald on the log of the unobserved count"
    if bootstrap:
        used_seed = DEFAULT_SEED if seed is None else seed
        boot = bootstrap_estimate(
            table.histories,
            table.counts,
            nboot=bootstrap,
            seed=used_seed,
            n_jobs=n_jobs,
            alpha=((1 - level) / 2, 0.5 + level / 2),
            progress=progress,
        )
        lower, upper = boot.interval(level)
        if not (math.isfinite(lower) and math.isfinite(upper)):
            warn.append(MseMessage("bca_undefined"))
        kind = f"BCa bootstrap ({bootstrap} replicates, model selection redone in each)"
        details.update(
            replicates=bootstrap,
            seed=used_seed,
            ahat=boot.ahat,
            z0=boot.z0,
            bootstrapQuantiles=[
                float(v) for v in np.quantile(boot.replicates, [0.025, 0.5, 0.975])
            ],
        )
    return MseResult(
        method="sparsemse",
        lists=table.lists,
        model=term_names(model.pairs, table.lists),
        estimate=wald.estimate,
        ci_lower=lower,
        ci_upper=upper,
        level=level,
        interval_kind=kind,
        observed=table.observed,
        unobserved=wald.estimate - table.observed,
        aic=model.aic,
        bic=model.aic + (math.log(table.observed) - 2.0) * model.fit.rank,
        existence=exists,
        identifiability=ident,
        warnings=tuple(warn),
        details=details,
    )


def _covariates(table: CaptureTable, terms: str | Sequence[str] | None, level: float) -> MseResult:
    items = [t.strip() for t in terms.split(",")] if isinstance(terms, str) else list(terms or [])
    fit = fit_covariate_model(table, [t for t in items if t], level)
    tot = fit.total
    by_level = [
        {
            "covariate": r.covariate,
            "level": r.level,
            "observed": r.observed,
            "estimate": r.estimate,
            "ciLower": r.ci_lower,
            "ciUpper": r.ci_upper,
        }
        for r in fit.by_level
    ]
    warn = overlap_warnings(table.without_covariates())
    if not fit.fit.converged:
        warn.append(MseMessage("not_converged"))
    return MseResult(
        method="covariates",
        lists=table.lists,
        model=fit.terms,
        estimate=tot.estimate,
        ci_lower=tot.ci_lower,
        ci_upper=tot.ci_upper,
        level=level,
        interval_kind="Wald on the log of the unobserved count (delta method over covariate cells)",
        observed=tot.observed,
        unobserved=tot.estimate - tot.observed,
        aic=fit.aic,
        bic=fit.bic,
        warnings=tuple(warn),
        details={"covariates": list(table.covariates), "byLevel": by_level},
    )


def _dga(table: CaptureTable, warn: list[MseMessage]) -> MseResult:
    from samen.mse import dga

    if not dga.MIN_LISTS <= table.k <= dga.MAX_LISTS:
        raise CaptureDataError(
            "lists_out_of_range",
            method="dga",
            minimum=dga.MIN_LISTS,
            maximum=dga.MAX_LISTS,
            k=table.k,
            lists=", ".join(table.lists),
            alternative="--method sparsemse or loglinear",
        )
    res = dga.bma_cr(table.histories, table.counts)
    return MseResult(
        method="dga",
        lists=table.lists,
        model=(),
        estimate=float(res.median),
        ci_lower=float(res.ci_lower),
        ci_upper=float(res.ci_upper),
        level=float(res.level),
        interval_kind="posterior quantiles (Bayesian model averaging over decomposable graphs)",
        observed=int(res.observed),
        unobserved=float(res.median) - int(res.observed),
        warnings=tuple(warn) + tuple(res.warnings),
        details={"posteriorMean": float(res.mean), "topModelWeight": float(res.top_model_weight)},
    )


def combine_strata(results: Sequence[MseResult]) -> MseResult:
    """Sum per-stratum estimates; the interval adds the strata's spreads.

    Each stratum's interval is read as a normal one (half-width / z) and the
    variances are added: a rough interval, labelled as such.
    """
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + results[0].level / 2))
    est = sum(r.estimate for r in results)
    var = sum(((r.ci_upper - r.ci_lower) / (2 * z)) ** 2 for r in results)
    se = math.sqrt(var)
    first = results[0]
    return MseResult(
        method=first.method,
        lists=first.lists,
        model=(),
        estimate=est,
        ci_lower=max(sum(r.observed for r in results), est - z * se),
        ci_upper=est + z * se,
        level=first.level,
        interval_kind="sum of strata (normal approximation, strata independent)",
        observed=sum(r.observed for r in results),
        unobserved=est - sum(r.observed for r in results),
        warnings=tuple(w for r in results for w in r.warnings if r.stratum is None),
        stratum="total",
    )

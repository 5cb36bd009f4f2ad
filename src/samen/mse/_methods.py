"""The result of each method: fits a table and builds its :class:`MseResult`.

Called by :func:`samen.mse.estimate.estimate` after it has checked the options
and the budget; every builder returns the result before
:func:`samen.mse.checks.flag_problems` adds its last warnings.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from samen.mse.checks import model_checks, overlap_warnings
from samen.mse.design import all_histories, parse_terms, term_names
from samen.mse.estimate import Options
from samen.mse.gof import POOR_FIT_P, GoodnessOfFit, cell_labels, goodness_of_fit
from samen.mse.loglinear import LoglinearFit, ModelSpec, fit_loglinear
from samen.mse.messages import CaptureDataError, MseMessage
from samen.mse.results import MseResult
from samen.mse.search import SearchResult
from samen.mse.table import CaptureTable


def make_result(
    table: CaptureTable,
    method: str,
    estimate: float,
    interval: tuple[float, float],
    level: float,
    kind: str,
    *,
    observed: int | None = None,
    **fields: Any,
) -> MseResult:
    """An :class:`MseResult` for ``table``: lists, observed and unobserved filled in."""
    n = table.observed if observed is None else observed
    return MseResult(
        method=method,
        lists=table.lists,
        estimate=estimate,
        ci_lower=interval[0],
        ci_upper=interval[1],
        level=level,
        interval_kind=kind,
        observed=n,
        unobserved=estimate - n,
        **fields,
    )


def best_usable(
    table: CaptureTable, ranked: SearchResult
) -> tuple[tuple[tuple[int, int], ...], int, bool]:
    """The best-ranked usable model: its pairs, how many were passed over, whether one was found.

    A criterion ranks models by fit alone; a model whose maximum likelihood
    estimate does not exist, or whose parameters are not identifiable
    (SparseMSE's ``checkident``, with terms for lists that never overlap
    treated as minus infinity, as SparseMSE does), can fit "well" with an
    unbounded or arbitrary estimate. Such models are skipped. When no model
    qualifies the main-effects model is returned (its result then carries the
    checks' verdicts as warnings).
    """
    from samen.mse.sparse import checkident

    hist, counts = table.full()
    for passed, model in enumerate(ranked.models):
        if math.isfinite(model.abundance) and checkident(hist, counts, model.pairs) == 0:
            return model.pairs, passed, True
    return (), 0, False


def _fit_details(gof: GoodnessOfFit, warn: list[MseMessage]) -> dict[str, Any]:
    """The goodness of fit for ``details``, and a warning when the fit is poor."""
    if math.isfinite(gof.p_value) and gof.p_value < POOR_FIT_P:
        warn.append(
            MseMessage("gof_poor_fit", deviance=gof.deviance, df=gof.df, p_value=gof.p_value)
        )
    return {"goodnessOfFit": gof.to_json()}


def loglinear_result(
    table: CaptureTable,
    fit: LoglinearFit,
    method: str,
    model: tuple[str, ...],
    warn: list[MseMessage],
    level: float,
) -> MseResult:
    from samen.mse.loglinear import profile_interval

    ci = profile_interval(fit, level)
    if not fit.converged:
        warn.append(MseMessage("not_converged"))
    if not math.isfinite(ci.upper):
        warn.append(MseMessage("no_upper_bound", limit=ci.upper_search))
    exists, ident = (
        model_checks(table, fit.spec.pairs) if fit.spec.heterogeneity is None else (None, None)
    )
    gof = goodness_of_fit(
        cell_labels(all_histories(table.k), table.lists),
        fit.y,
        fit.fit.fitted,
        fit.deviance,
        fit.df,
    )
    details = {"stderr": fit.stderr, "deviance": fit.deviance, "df": fit.df}
    details.update(_fit_details(gof, warn))
    return make_result(
        table,
        method,
        ci.abundance,
        (ci.lower, ci.upper),
        level,
        "profile likelihood (multinomial, Cormack's correction)",
        model=model,
        aic=fit.aic,
        bic=fit.bic,
        existence=exists,
        identifiability=ident,
        warnings=tuple(warn),
        poisson_estimate=fit.abundance,
        details=details,
    )


def heterogeneous(
    table: CaptureTable,
    method: str,
    pairs: tuple[tuple[int, int], ...],
    form: str,
    theta: float | None,
    warn: list[MseMessage],
    level: float,
) -> MseResult:
    """A log-linear model (main effects and ``pairs``) with heterogeneity of ``form``."""
    _hist, counts = table.full()
    names = term_names(pairs, table.lists)
    if form == "normal":
        return _normal(table, method, pairs, warn, level)
    fit = fit_loglinear(counts, ModelSpec("pairs", pairs, heterogeneity=form, theta=theta), table.k)
    extra: tuple[str, ...]
    if form == "chao":
        dropped = [f"eta{j}" for j in fit.dropped_eta]
        extra = tuple(f"eta{j}" for j in range(3, table.k + 1) if f"eta{j}" not in dropped)
        if dropped:
            warn.append(MseMessage("eta_dropped", terms=", ".join(dropped)))
    else:
        extra = (f"{form} heterogeneity" + (f" (theta {theta:g})" if theta else ""),)
    res = loglinear_result(table, fit, method, (*names, *extra), warn, level)
    return with_details(res, {"heterogeneity": form, "theta": theta})


def _normal(
    table: CaptureTable,
    method: str,
    pairs: tuple[tuple[int, int], ...],
    warn: list[MseMessage],
    level: float,
) -> MseResult:
    from samen.mse.heterogeneity import fit_normal

    _hist, counts = table.full()
    fit = fit_normal(counts, table.k, pairs, level)
    if not fit.converged:
        warn.append(MseMessage("not_converged"))
    gof = goodness_of_fit(
        cell_labels(all_histories(table.k), table.lists),
        counts.astype(float),
        fit.fitted,
        fit.deviance,
        fit.df,
    )
    details: dict[str, Any] = {
        "stderr": fit.stderr,
        "sigma": fit.sigma,
        "deviance": fit.deviance,
        "df": fit.df,
        "heterogeneity": "normal",
    }
    details.update(_fit_details(gof, warn))
    return make_result(
        table,
        method,
        fit.abundance,
        (fit.lower, fit.upper),
        level,
        "log-transformed (Chao 1987), as Rcapture for the Normal model",
        model=(*term_names(pairs, table.lists), "normal heterogeneity"),
        aic=fit.aic,
        bic=fit.bic,
        identifiability=None if fit.identifiable else False,
        warnings=tuple(warn),
        details=details,
    )


def with_details(res: MseResult, extra: dict[str, Any]) -> MseResult:
    return replace(res, details={**res.details, **extra})


def sparse(table: CaptureTable, warn: list[MseMessage], o: Options) -> MseResult:
    from samen.mse.sparse import estimate_population0

    hist, counts = table.full()
    wald = estimate_population0(hist, counts, "stepwise", level=o.level)
    model = wald.model
    exists, ident = model_checks(table, model.pairs)
    empty = term_names(model.empty_pairs, table.lists)
    if empty:
        warn.append(MseMessage("empty_terms_minus_inf", terms=", ".join(empty)))
    gof = goodness_of_fit(
        cell_labels(model.histories, table.lists),
        model.counts.astype(float),
        model.fit.fitted,
        model.fit.deviance,
        model.fit.df_residual,
    )
    details: dict[str, Any] = {
        "lpChecks": wald.lp_checks,
        "emptyOverlaps": list(empty),
        "poisspempty": list(model.poisspempty),
        **_fit_details(gof, warn),
    }
    lower, upper, kind = wald.lower, wald.upper, "Wald on the log of the unobserved count"
    if o.bootstrap:
        from samen.mse.bootstrap import DEFAULT_SEED, bootstrap_estimate

        used_seed = DEFAULT_SEED if o.seed is None else o.seed
        boot = bootstrap_estimate(
            table.histories,
            table.counts,
            nboot=o.bootstrap,
            seed=used_seed,
            n_jobs=o.n_jobs,
            alpha=((1 - o.level) / 2, 0.5 + o.level / 2),
            progress=o.progress,
        )
        kind = f"BCa bootstrap ({o.bootstrap} replicates, model selection redone in each)"
        bca = boot.interval(o.level)
        if all(math.isfinite(v) for v in bca):
            lower, upper = bca
        else:
            warn.append(MseMessage("bca_undefined"))
            kind = "Wald on the log of the unobserved count (the BCa interval is undefined)"
        details.update(
            replicates=o.bootstrap,
            seed=used_seed,
            ahat=boot.ahat,
            z0=boot.z0,
            bootstrapQuantiles=[
                float(v) for v in np.quantile(boot.replicates, [0.025, 0.5, 0.975])
            ],
        )
    return make_result(
        table,
        "sparsemse",
        wald.estimate,
        (lower, upper),
        o.level,
        kind,
        model=term_names(model.pairs, table.lists),
        aic=model.aic,
        bic=model.aic + (math.log(table.observed) - 2.0) * model.fit.rank,
        existence=exists,
        identifiability=ident,
        warnings=tuple(warn),
        details=details,
    )


def covariates(table: CaptureTable, o: Options) -> MseResult:
    from samen.mse.covariates import fit_covariate_model, select_covariate_model

    terms = o.terms
    items = [t.strip() for t in terms.split(",")] if isinstance(terms, str) else list(terms or [])
    items = [t for t in items if t]
    details: dict[str, Any] = {"covariates": list(table.covariates)}
    if o.select:
        fit, steps = select_covariate_model(table, o.select, items, o.level)
        details["modelChoice"] = f"stepwise by {o.select.upper()} from " + (
            ", ".join(items) or "main effects"
        )
        details["steps"] = [{"term": t, "action": a, o.select: c} for t, a, c in steps]
    else:
        fit = fit_covariate_model(table, items, o.level)
    tot = fit.total
    details["byLevel"] = [
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
    gof = goodness_of_fit(fit.cells, fit.y, fit.fit.fitted, fit.fit.deviance, fit.fit.df_residual)
    details.update(_fit_details(gof, warn))
    return make_result(
        table,
        "covariates",
        tot.estimate,
        (tot.ci_lower, tot.ci_upper),
        o.level,
        "Wald on the log of the unobserved count (delta method over covariate cells)",
        model=fit.terms,
        observed=tot.observed,
        aic=fit.aic,
        bic=fit.bic,
        existence=fit.existence,
        identifiability=fit.identifiability,
        warnings=tuple(warn),
        details=details,
    )


def dga_result(table: CaptureTable, warn: list[MseMessage], o: Options) -> MseResult:
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
    grid = None if o.grid_max is None else np.arange(1, o.grid_max + 1)
    prior = None if o.prior == "1/N" else (lambda sizes: np.zeros_like(sizes))
    with warnings.catch_warnings():
        # The same notes come back in the result's warnings.
        warnings.simplefilter("ignore", dga.DgaGridWarning)
        res = dga.bma_cr(
            table.histories,
            table.counts,
            n_missing=grid,
            delta=o.delta,
            log_prior_n=prior,
            level=o.level,
        )
    order = np.argsort(-res.model_weights, kind="stable")[: o.top]
    top = [
        {
            "model": list(term_names(res.graphs[i], table.lists)),
            "weight": float(res.model_weights[i]),
        }
        for i in order
    ]
    return make_result(
        table,
        "dga",
        float(res.median),
        (float(res.ci_lower), float(res.ci_upper)),
        float(res.level),
        "posterior quantiles (Bayesian model averaging over decomposable graphs)",
        model=(),
        observed=int(res.observed),
        warnings=tuple(warn) + tuple(res.warnings),
        details={
            "posteriorMean": float(res.mean),
            "topModelWeight": float(res.top_model_weight),
            "graphs": len(res.graphs),
            "topGraphs": top,
            "delta": res.delta,
            "prior": o.prior,
            "gridMax": int(res.n_missing[-1]),
            "tailMass": res.tail_mass,
        },
    )


def two_list(table: CaptureTable, method: str, warn: list[MseMessage], level: float) -> MseResult:
    from samen.mse.twolist import two_list_estimate

    est = two_list_estimate(table, method, level)
    other = two_list_estimate(table, "petersen" if method == "chapman" else "chapman", level)
    return make_result(
        table,
        method,
        est.estimate,
        (est.lower, est.upper),
        level,
        "log-transformed (Chao 1987), variance of Seber (1982)",
        model=(),
        observed=est.observed,
        warnings=tuple(warn),
        details={
            "n1": est.n1,
            "n2": est.n2,
            "m": est.m,
            "stderr": est.stderr,
            "normalInterval": [est.normal_lower, est.normal_upper],
            other.method: other.estimate,
        },
    )


def average(table: CaptureTable, warn: list[MseMessage], o: Options) -> MseResult:
    from samen.mse.averaging import average_models

    avg = average_models(
        table, o.criterion, top=o.top, level=o.level, search=o.search, n_jobs=o.n_jobs
    )
    if avg.excluded:
        warn.append(
            MseMessage("models_passed_over", passed=avg.excluded, criterion=o.criterion.upper())
        )
    return make_result(
        table,
        "average",
        avg.estimate,
        (avg.lower, avg.upper),
        o.level,
        (
            "log-transformed (Chao 1987) with the unconditional standard error "
            "(Buckland, Burnham & Augustin 1997)"
        ),
        model=(),
        observed=avg.observed,
        warnings=tuple(warn),
        details={
            "criterion": o.criterion,
            "stderr": avg.stderr,
            "modelsAveraged": avg.used,
            "modelsSearched": avg.searched,
            "search": avg.search_method,
            "models": [m.to_json() for m in avg.models],
        },
    )


def lcmcr_result(table: CaptureTable, warn: list[MseMessage], o: Options) -> MseResult:
    """The LCMCR posterior of N (:mod:`samen.mse.lcmcr`) as an :class:`MseResult`."""
    from samen.mse import lcmcr

    opts = o.lcmcr or lcmcr.LcmcrOptions()
    fit = lcmcr.fit_lcmcr(table, opts, seed=o.seed, level=o.level, n_jobs=o.n_jobs)
    return lcmcr.to_result(table, fit, warn)


def dispatch(table: CaptureTable, method: str, o: Options) -> MseResult:
    """Run ``method`` on ``table`` with checked options (see :func:`samen.mse.estimate.estimate`)."""
    if method == "covariates" or (table.covariates and method == "loglinear"):
        return covariates(table, o)
    table = table.without_covariates() if table.covariates else table
    warn = overlap_warnings(table)
    if method in ("petersen", "chapman"):
        return two_list(table, method, warn, o.level)
    _hist, counts = table.full()
    k = table.k
    if method == "dga":
        return dga_result(table, warn, o)
    if method == "average":
        return average(table, warn, o)
    if method == "lcmcr":
        return lcmcr_result(table, warn, o)
    if method == "chao":
        if k < 3:
            raise CaptureDataError("needs_lists", method="chao", minimum=3, k=k)
        return heterogeneous(table, method, (), "chao", None, warn, o.level)
    if method == "independence":
        if o.heterogeneity:
            return heterogeneous(table, method, (), o.heterogeneity, o.theta, warn, o.level)
        fit = fit_loglinear(counts, ModelSpec("Mt"), k)
        return loglinear_result(table, fit, method, (), warn, o.level)
    if method == "loglinear":
        if o.terms:
            pairs = tuple(parse_terms(o.terms, table.lists))
            if o.heterogeneity:
                return heterogeneous(table, method, pairs, o.heterogeneity, o.theta, warn, o.level)
            chosen = "given terms"
        else:
            from samen.mse.search import search_models

            result = o.search or search_models(counts, k, o.criterion, o.n_jobs)
            pairs, passed, found = best_usable(table, result.ranked(o.criterion))
            crit = o.criterion.upper()
            chosen = f"best {crit} of {len(result.models)} models ({result.method} search)"
            if not found:
                chosen = "main effects: no searched model passes the checks"
                warn.append(MseMessage("no_usable_model", searched=len(result.models)))
            elif passed:
                chosen += f" that passes the checks ({passed} better-ranked models passed over)"
                warn.append(MseMessage("models_passed_over", passed=passed, criterion=crit))
        fit = fit_loglinear(counts, ModelSpec("pairs", pairs), k)
        res = loglinear_result(table, fit, method, term_names(pairs, table.lists), warn, o.level)
        return with_details(res, {"modelChoice": chosen})
    return sparse(table, warn, o)

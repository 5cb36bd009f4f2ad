"""Plain-text and JSON output of ``samen mse`` (English; the web application has its own)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from samen.mse.checks import ABSURD_FACTOR
from samen.mse.results import MseResult
from samen.mse.search import SearchResult
from samen.mse.table import CaptureTable

_METHOD_TEXT = {
    "independence": "independence model (Rcapture Mt): the lists are assumed unrelated",
    "loglinear": "log-linear model with list interactions (Rcapture)",
    "chao": "Chao lower-bound heterogeneity model (Rcapture Mth Chao)",
    "sparsemse": (
        "SparseMSE stepwise model (Chan, Silverman & Vincent 2021), the UK Home Office method"
    ),
    "covariates": "log-linear model with covariates (Cruyff, van Dijk & van der Heijden 2017)",
    "dga": "Bayesian model averaging over decomposable graphs (dga, Madigan & York 1997)",
    "petersen": "Lincoln-Petersen two-list estimator",
    "chapman": "Chapman two-list estimator (Chapman 1951)",
    "average": "model averaging over log-linear models (Buckland, Burnham & Augustin 1997)",
    "lcmcr": (
        "Bayesian latent-class model (LCMCR, Manrique-Vallier 2016): "
        "posterior median of a Gibbs sampler"
    ),
}


def _fmt(v: float, missing: str = "no upper limit found") -> str:
    return missing if not math.isfinite(v) else f"{v:,.0f}"


def _estimate_line(r: MseResult) -> str:
    pct = f"{r.level:.0%}"
    interval = f"({pct} interval {_fmt(r.ci_lower, 'none')} to {_fmt(r.ci_upper)})"
    if not math.isfinite(r.estimate):
        return f"Estimated total: infinite: no finite estimate exists  {interval}"
    if r.existence is False:
        return (
            "Estimated total: none: no finite estimate exists for this model "
            f"(the fit stopped at {r.estimate:.3g})  {interval}"
        )
    return f"Estimated total: {r.estimate:,.0f}  {interval}"


def human(r: MseResult) -> str:
    """The result as the lines ``samen mse estimate`` prints."""
    head = f"[{r.stratum}]\n" if r.stratum else ""
    lines = [
        head + _estimate_line(r),
        f"  seen on at least one list:   {r.observed:,}",
        f"  estimated on no list at all: {_fmt(r.unobserved, 'infinitely many')}",
        f"Method:   {_METHOD_TEXT.get(r.method, r.method)}",
        f"Interval: {r.interval_kind}",
    ]
    if r.stratum != "total":
        lines += _model_lines(r)
    if r.aic is not None and r.bic is not None:
        lines.append(
            f"Fit:      AIC {r.aic:.2f}, BIC {r.bic:.2f} "
            "(lower is better; compare only on the same data)"
        )
    lines += _gof_lines(r.details.get("goodnessOfFit"))
    if r.existence is not None:
        ok = "the estimate exists" if r.existence else "NO finite estimate exists for this model"
        idn = "parameters identifiable" if r.identifiability else "parameters NOT identifiable"
        lines.append(f"Checks:   {ok}; {idn}")
    lines += _detail_lines(r)
    for w in r.warnings:
        lines.append(f"Warning:  {w}")
    return "\n".join(lines) + "\n"


def _model_lines(r: MseResult) -> list[str]:
    d = r.details
    lists = f"{len(r.lists)} lists ({', '.join(r.lists)})"
    if r.method == "dga":
        return [
            f"Model:    {lists}; averaged over {d['graphs']} decomposable graphs "
            f"(prior count per cell {d['delta']:g}, prior of N {d['prior']}, "
            f"unobserved counts up to {d['gridMax']:,})",
            "Most probable graphs (interaction terms, posterior probability):",
            *(
                f"  {row['weight']:6.3f}  {', '.join(row['model']) or 'none (independence)'}"
                for row in d["topGraphs"]
            ),
        ]
    if r.method == "average":
        out = [
            f"Model:    {lists}; average of {d['modelsAveraged']} of {d['modelsSearched']} "
            f"models ({d['search']} search, {d['criterion'].upper()} weights)",
            "Heaviest models (weight, estimate with its profile interval, terms):",
        ]
        for row in d["models"]:
            interval = (
                f"{_fmt(row['ciLower'] or math.nan, 'none')} to {_fmt(row['ciUpper'] or math.inf)}"
            )
            terms = ", ".join(row["model"]) or "none (independence)"
            out.append(
                f"  {row['weight']:6.3f}  {row['profileEstimate']:,.0f} ({interval})  {terms}"
            )
        return out
    if r.method == "lcmcr":
        return _lcmcr_lines(r)
    if r.method in ("petersen", "chapman"):
        low, high = d["normalInterval"]
        other = "chapman" if r.method == "petersen" else "petersen"
        return [
            f"Lists:    {r.lists[0]} {d['n1']:,}, {r.lists[1]} {d['n2']:,}, on both {d['m']:,}",
            f"Spread:   standard error {_fmt(d['stderr'], 'infinite')}; normal interval "
            f"{_fmt(low, 'none')} to {_fmt(high)}; {other.title()} estimate "
            f"{_fmt(d[other], 'infinite')}",
        ]
    terms = ", ".join(r.model) if r.model else "none (main effects only)"
    return [f"Model:    {lists}; interaction terms: {terms}"]


def _lcmcr_lines(r: MseResult) -> list[str]:
    d = r.details
    rhat = d["rhat"]
    rhat_text = "not defined" if rhat is None or not math.isfinite(rhat) else f"{rhat:.3f}"
    ess = d["ess"]
    ess_text = "not defined" if ess is None or not math.isfinite(ess) else f"{ess:,.0f}"
    seeds = f"seed {d['seed']}"
    if d["chains"] > 1:
        seeds += "; chain seeds " + ", ".join(str(s) for s in d["chainSeeds"])
    lines = [
        f"Model:    {len(r.lists)} lists ({', '.join(r.lists)}); up to {d['classes']} latent "
        f"classes, concentration prior Gamma({d['aAlpha']:g}, {d['bAlpha']:g}), "
        f"on average {d['occupiedClassesMean']:.1f} classes occupied",
        f"Sampler:  {d['chains']} chain{'s' if d['chains'] != 1 else ''} of "
        f"{d['burnin']:,} burn-in + {d['samples']:,} draws x thinning {d['thin']:,} "
        f"({seeds}); {sum(d['seconds']):.1f} s",
        f"Posterior: median {r.estimate:,.0f}, mean {d['posteriorMean']:,.0f}",
        f"Mixing:   effective sample size of N {ess_text}; split R-hat {rhat_text} "
        "(well mixed: R-hat at most 1.01, ESS at least 400)",
    ]
    for i, spark in enumerate(d["sparkline"], 1):
        lines.append(f"Trace {i}:  {spark}")
    return lines


def _gof_lines(gof: dict[str, Any] | None) -> list[str]:
    if not gof:
        return []
    p = gof["pValue"]
    p_text = "p not defined: the model fits every cell" if p is None else f"p = {p:.3g}"
    worst = sorted(gof["cells"], key=lambda c: -abs(c["pearson"]))[:3]
    cells = ", ".join(f"{c['cell']} {c['pearson']:+.2f}" for c in worst)
    return [
        f"Goodness: deviance {gof['deviance']:.2f} on {gof['df']} degrees of freedom ({p_text}); "
        f"largest Pearson residuals: {cells}"
    ]


def _detail_lines(r: MseResult) -> list[str]:
    d = r.details
    lines = []
    for step in d.get("steps", []):
        crit = next(k for k in step if k not in ("term", "action"))
        lines.append(f"Step:     {step['action']} {step['term']} ({crit.upper()} {step[crit]:.2f})")
    by_level = d.get("byLevel")
    if by_level:
        lines.append("By level:")
        for row in by_level:
            lines.append(
                f"  {row['covariate']}={row['level']}: {row['estimate']:,.0f} "
                f"({_fmt(row['ciLower'])} to {_fmt(row['ciUpper'])}), observed {row['observed']:,}"
            )
    return lines


def models_table(
    table: CaptureTable, res: SearchResult, criterion: str, top: int, *, as_json: bool
) -> str:
    """The ``samen mse models`` listing: best models, their weights and checks."""
    from samen.mse.design import term_names
    from samen.mse.sparse import checkident

    hist, counts = table.full()
    values = np.array([m.criterion(criterion) for m in res.models])
    finite = np.isfinite(values)
    weights = np.zeros(values.size)
    weights[finite] = np.exp(-(values[finite] - values[finite].min()) / 2.0)
    weights /= weights.sum() if weights.sum() > 0 else 1.0
    rows: list[dict[str, Any]] = []
    for m, weight in zip(res.models[:top], weights[:top], strict=False):
        verdict = checkident(hist, counts, m.pairs)
        rows.append(
            {
                "model": list(term_names(m.pairs, table.lists)),
                "rcaptureName": m.name,
                "estimate": m.abundance,
                "stderr": m.stderr,
                "aic": m.aic,
                "bic": m.bic,
                "weight": float(weight),
                "deviance": m.deviance,
                "df": m.df,
                "converged": m.converged,
                "existence": verdict & 1 == 0,
                "identifiability": verdict & 2 == 0,
            }
        )
    if as_json:
        payload = {
            "criterion": criterion,
            "search": res.method,
            "modelsSearched": len(res.models),
            "observed": table.observed,
            "models": rows,
        }
        return json.dumps(payload, indent=2, allow_nan=False, default=str) + "\n"
    crit = criterion.upper()
    out = [
        f"{len(res.models):,} models searched ({res.method}); best {len(rows)} by {crit}, "
        f"{table.observed:,} cases observed.",
        f"{'rank':>4}  {crit:>9}  {'weight':>6}  {'estimate':>12}  model (interaction terms)",
    ]
    for i, row in enumerate(rows, 1):
        terms = ", ".join(row["model"]) or "none (independence)"
        flags = []
        if not row["converged"]:
            flags.append("fit did not converge")
        if not row["existence"]:
            flags.append("no finite estimate")
        if not row["identifiability"]:
            flags.append("not identifiable")
        if row["estimate"] > ABSURD_FACTOR * table.observed:
            flags.append(f"over {ABSURD_FACTOR} times the observed")
        flag = f"  [{'; '.join(flags)}]" if flags else ""
        out.append(
            f"{i:>4}  {row[criterion]:9.2f}  {row['weight']:6.3f}  {row['estimate']:12,.0f}  "
            f"{terms}{flag}"
        )
    out.append(
        "Estimates here are Poisson estimates n + exp(b0); weights are Akaike weights over all "
        "models searched. `estimate --method loglinear` adds an interval and skips models "
        "flagged [no finite estimate] or [not identifiable]; `estimate --method average` "
        "averages the models that pass."
    )
    return "\n".join(out) + "\n"

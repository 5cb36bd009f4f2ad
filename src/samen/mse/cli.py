"""``samen mse``: estimate a hidden population from a capture-history CSV.

No Django here: ``samen.cli`` hands ``samen mse ...`` straight to :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

from samen.mse.estimate import METHODS, combine_strata, estimate
from samen.mse.results import MseResult
from samen.mse.search import search_models
from samen.mse.table import CaptureDataError, CaptureDataWarning, CaptureTable, read_capture_csv

EXIT_BAD_INPUT = 2

_METHOD_TEXT = {
    "independence": "independence model (Rcapture Mt): the lists are assumed unrelated",
    "loglinear": "log-linear model with list interactions (Rcapture)",
    "chao": "Chao lower-bound heterogeneity model (Rcapture Mth Chao)",
    "sparsemse": (
        "SparseMSE stepwise model (Chan, Silverman & Vincent 2021), the UK Home Office method"
    ),
    "covariates": "log-linear model with covariates (Cruyff, van Dijk & van der Heijden 2017)",
    "dga": "Bayesian model averaging over decomposable graphs (dga, Madigan & York 1997)",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit
        raise CaptureDataError("usage", detail=f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="samen mse", description="Multiple systems estimation (capture-recapture).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    e = sub.add_parser("estimate", help="estimate the total number of cases")
    e.add_argument("file", help="CSV: one 0/1 column per list plus 'count', or one row per case")
    e.add_argument(
        "--method", choices=[m for m in METHODS if m != "covariates"], default="sparsemse"
    )
    e.add_argument("--criterion", choices=["aic", "bic"], default="aic")
    e.add_argument("--terms", help="model terms, e.g. LA:NG,PF:GP (with --covariates also P:year)")
    e.add_argument("--stratum", help="estimate separately for each value of this column")
    e.add_argument("--covariates", help="covariate columns for a covariate model, e.g. year,sex")
    e.add_argument(
        "--bootstrap", type=int, metavar="N", help="sparsemse: BCa bootstrap, N replicates"
    )
    e.add_argument("--seed", type=int, help="bootstrap seed (default 1234)")
    e.add_argument("--jobs", type=int, help="worker processes (default: all CPUs)")
    e.add_argument("--json", action="store_true", help="print JSON")
    m = sub.add_parser("models", help="list the log-linear models searched, best first")
    m.add_argument("file")
    m.add_argument("--criterion", choices=["aic", "bic"], default="aic")
    m.add_argument("--top", type=int, default=10, metavar="K")
    m.add_argument("--jobs", type=int)
    m.add_argument("--json", action="store_true")
    return p


def main(argv: list[str]) -> int:
    """Run ``samen mse``; returns the exit code (2 on bad input)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except CaptureDataError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CaptureDataWarning)
            out = _models(args) if args.command == "models" else _estimate(args)
        for w in caught:
            if issubclass(w.category, CaptureDataWarning):
                sys.stderr.write(f"warning: {w.message}\n")
    except (CaptureDataError, ValueError) as exc:
        sys.stderr.write(
            f"error: {args.file}: {exc}\n"
            if not str(exc).startswith(args.file)
            else f"error: {exc}\n"
        )
        return EXIT_BAD_INPUT
    sys.stdout.write(out)
    return 0


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _estimate(args: argparse.Namespace) -> str:
    covs = _split(args.covariates)
    strata = [args.stratum] if args.stratum else []
    table = read_capture_csv(args.file, covariates=[*strata, *[c for c in covs if c not in strata]])
    if args.bootstrap is not None and args.bootstrap < 1:
        raise CaptureDataError("bootstrap_positive", value=args.bootstrap)
    if args.bootstrap and args.method != "sparsemse":
        raise CaptureDataError("bootstrap_sparsemse_only", method=args.method)
    opts: dict[str, Any] = {
        "criterion": args.criterion,
        "terms": args.terms,
        "bootstrap": args.bootstrap,
        "seed": args.seed,
        "n_jobs": args.jobs,
        "progress": _progress_line() if args.bootstrap and sys.stderr.isatty() else None,
    }
    # Covariates only make sense in a log-linear model that holds them.
    method = "covariates" if covs else args.method
    results: list[MseResult] = []
    if args.stratum:
        from dataclasses import replace

        for level, sub in _strata(table, args.stratum, covs).items():
            res = estimate(sub, method, **opts)
            results.append(replace(res, stratum=f"{args.stratum}={level}"))
        results.append(combine_strata(results))
    else:
        results.append(estimate(table, method, **opts))
    if args.json:
        payload: Any = results[0].to_json() if len(results) == 1 else [r.to_json() for r in results]
        return json.dumps(payload, indent=2) + "\n"
    return "\n".join(_human(r) for r in results)


def _progress_line() -> Callable[[int, int], None]:
    """A progress line on the terminal while the bootstrap runs."""

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rbootstrap: {done:,} of {total:,} tables ({done / total:.0%}){end}")
        sys.stderr.flush()

    return show


def _strata(table: CaptureTable, column: str, covs: list[str]) -> dict[str, CaptureTable]:
    if not covs:
        return table.stratify(column)
    import numpy as np

    col = table.covariates.index(column)
    out = {}
    rest = [i for i, c in enumerate(table.covariates) if c != column]
    for level in sorted(set(table.levels[:, col].tolist())):
        keep = table.levels[:, col] == level
        out[level] = CaptureTable(
            table.lists,
            table.histories[keep],
            table.counts[keep],
            tuple(table.covariates[i] for i in rest),
            np.asarray(table.levels[keep][:, rest]),
        )
    return out


def _fmt(v: float) -> str:
    return "no upper limit found" if not math.isfinite(v) else f"{v:,.0f}"


def _human(r: MseResult) -> str:
    pct = f"{r.level:.0%}"
    head = f"[{r.stratum}]\n" if r.stratum else ""
    lines = [
        f"{head}Estimated total: {r.estimate:,.0f}  "
        f"({pct} interval {_fmt(r.ci_lower)} to {_fmt(r.ci_upper)})",
        f"  seen on at least one list:   {r.observed:,}",
        f"  estimated on no list at all: {r.unobserved:,.0f}",
        f"Method:   {_METHOD_TEXT.get(r.method, r.method)}",
        f"Interval: {r.interval_kind}",
    ]
    if r.stratum != "total":
        terms = ", ".join(r.model) if r.model else "none (main effects only)"
        lines.append(
            f"Model:    {len(r.lists)} lists ({', '.join(r.lists)}); interaction terms: {terms}"
        )
    if r.aic is not None and r.bic is not None:
        lines.append(
            f"Fit:      AIC {r.aic:.2f}, BIC {r.bic:.2f} "
            "(lower is better; compare only on the same data)"
        )
    if r.existence is not None:
        ok = "the estimate exists" if r.existence else "NO finite estimate exists for this model"
        idn = "parameters identifiable" if r.identifiability else "parameters NOT identifiable"
        lines.append(f"Checks:   {ok}; {idn}")
    by_level = r.details.get("byLevel")
    if by_level:
        lines.append("By level:")
        for row in by_level:
            lines.append(
                f"  {row['covariate']}={row['level']}: {row['estimate']:,.0f} "
                f"({_fmt(row['ciLower'])} to {_fmt(row['ciUpper'])}), observed {row['observed']:,}"
            )
    for w in r.warnings:
        lines.append(f"Warning:  {w}")
    return "\n".join(lines) + "\n"


def _models(args: argparse.Namespace) -> str:
    table = read_capture_csv(args.file)
    _hist, counts = table.full()
    res = search_models(counts, table.k, args.criterion, args.jobs).ranked(args.criterion)
    top = res.models[: max(args.top, 1)]
    names = table.lists
    rows = [
        {
            "model": [f"{names[i]}:{names[j]}" for i, j in m.pairs],
            "rcaptureName": m.name,
            "estimate": m.abundance,
            "stderr": m.stderr,
            "aic": m.aic,
            "bic": m.bic,
            "deviance": m.deviance,
            "df": m.df,
            "converged": m.converged,
        }
        for m in top
    ]
    if args.json:
        payload = {
            "criterion": args.criterion,
            "search": res.method,
            "modelsSearched": len(res.models),
            "observed": table.observed,
            "models": rows,
        }
        return json.dumps(payload, indent=2, allow_nan=False, default=str) + "\n"
    out = [
        f"{len(res.models):,} models searched ({res.method}); "
        f"best {len(top)} by {args.criterion.upper()}, "
        f"{table.observed:,} cases observed.",
        f"{'rank':>4}  {args.criterion.upper():>9}  {'estimate':>12}  model (interaction terms)",
    ]
    for i, m in enumerate(top, 1):
        terms = ", ".join(f"{names[a]}:{names[b]}" for a, b in m.pairs) or "none (independence)"
        flag = "" if m.converged else "  [fit did not converge]"
        out.append(
            f"{i:>4}  {m.criterion(args.criterion):9.2f}  {m.abundance:12,.0f}  {terms}{flag}"
        )
    out.append(
        "Estimates here are Poisson estimates n + exp(b0); "
        "`estimate --method loglinear` adds an interval."
    )
    return "\n".join(out) + "\n"

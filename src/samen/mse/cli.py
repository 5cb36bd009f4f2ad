"""``samen mse``: estimate a hidden population from a capture-history CSV.

No Django here: ``samen.cli`` hands ``samen mse ...`` straight to :func:`main`.
The parser imports nothing heavy, so ``samen mse --help`` answers at once;
numpy and scipy are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from samen.mse.estimate import CRITERIA, DGA_PRIORS, HETEROGENEITY_FORMS
from samen.mse.messages import CaptureDataError, MseMessage
from samen.mse.results import METHODS

if TYPE_CHECKING:
    from samen.mse.results import MseResult
    from samen.mse.table import CaptureTable

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit
        raise CaptureDataError("usage", detail=f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="samen mse", description="Multiple systems estimation (capture-recapture).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    e = sub.add_parser("estimate", help="estimate the total number of cases")
    e.add_argument(
        "file",
        help="CSV (, ; or tab): one 0/1 column per list plus count, n or freq; or one row per case",
    )
    e.add_argument(
        "--method", choices=[m for m in METHODS if m != "covariates"], default="sparsemse"
    )
    e.add_argument("--criterion", choices=CRITERIA, default="aic")
    e.add_argument("--terms", help="model terms, e.g. LA:NG,PF:GP (with --covariates also P:year)")
    e.add_argument(
        "--heterogeneity",
        choices=HETEROGENEITY_FORMS,
        help="independence/loglinear: cases differ in how easily they are found",
    )
    e.add_argument(
        "--theta", type=float, help="theta of --heterogeneity poisson (2) or gamma (3.5)"
    )
    e.add_argument("--stratum", help="estimate separately for each value of this column")
    e.add_argument("--covariates", help="covariate columns for a covariate model, e.g. year,sex")
    e.add_argument("--select", choices=CRITERIA, help="covariate model: choose the terms stepwise")
    e.add_argument(
        "--bootstrap", type=int, metavar="N", help="sparsemse: BCa bootstrap, N replicates"
    )
    e.add_argument(
        "--seed", type=int, help="bootstrap seed (default 1234); lcmcr: first chain's (12345)"
    )
    e.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run --bootstrap on Dask: tcp://HOST:PORT, or 'local' for a local cluster "
        "(default: SAMEN_DASK_SCHEDULER)",
    )
    e.add_argument("--delta", type=float, help="dga: prior count per cell (default 2^-lists)")
    e.add_argument("--prior", choices=DGA_PRIORS, default="1/N", help="dga: prior of N")
    e.add_argument("--grid", type=int, metavar="MAX", help="dga: unobserved counts 1..MAX")
    e.add_argument("--top", type=int, default=5, metavar="K", help="dga and average: models shown")
    e.add_argument("--chains", type=int, metavar="C", help="lcmcr: independent chains (default 1)")
    e.add_argument("--lcmcr-k", type=int, metavar="K", help="lcmcr: latent classes (default 10)")
    e.add_argument("--burnin", type=int, help="lcmcr: sweeps discarded first (default 10000)")
    e.add_argument("--samples", type=int, help="lcmcr: draws kept per chain (default 1000)")
    e.add_argument("--thin", type=int, help="lcmcr: sweeps per kept draw (default 100)")
    e.add_argument("--trace", metavar="FILE", help="lcmcr: save the draws of N to this CSV")
    _add_common(e)
    m = sub.add_parser("models", help="list the log-linear models searched, best first")
    m.add_argument("file")
    m.add_argument("--criterion", choices=CRITERIA, default="aic")
    m.add_argument("--top", type=int, default=10, metavar="K")
    _add_common(m)
    c = sub.add_parser("compare", help="likelihood-ratio test of two nested log-linear models")
    c.add_argument("file")
    c.add_argument("--smaller", default="", help="terms of the smaller model ('' = main effects)")
    c.add_argument("--larger", required=True, help="terms of the larger model")
    c.add_argument("--json", action="store_true", help="print JSON")
    return p


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, help="worker processes (default: all CPUs)")
    p.add_argument(
        "--max-time", type=float, metavar="SECONDS", help="refuse work estimated to take longer"
    )
    p.add_argument("--max-memory", type=float, metavar="GB", help="refuse work needing more memory")
    p.add_argument("--json", action="store_true", help="print JSON")


def main(argv: list[str]) -> int:
    """Run ``samen mse``; returns the exit code (2 on bad input)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except CaptureDataError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    commands: dict[str, Callable[[argparse.Namespace], str]] = {
        "estimate": _estimate,
        "models": _models,
        "compare": _compare,
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = commands[args.command](args)
        for w in caught:
            message = w.message.args[0] if isinstance(w.message, Warning) else w.message
            if isinstance(message, MseMessage):
                sys.stderr.write(f"warning: {message}\n")
    except CaptureDataError as exc:
        text = str(exc)
        sys.stderr.write(f"error: {text}\n" if exc.file else f"error: {args.file}: {text}\n")
        return EXIT_BAD_INPUT
    sys.stdout.write(out)
    return 0


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


#: Work estimated to take longer than this is announced before it starts.
ANNOUNCE_SECONDS = 10.0


def _announce(method: str, table: CaptureTable, bootstrap: int | None, limits: Any) -> None:
    from samen.mse.limits import check_feasible

    cost = check_feasible(table, method, bootstrap=bootstrap or 0, limits=limits)
    if cost.seconds > ANNOUNCE_SECONDS:
        sys.stderr.write(
            f"note: {method} on {table.k} lists will take about {cost.seconds:,.0f} seconds\n"
        )


def _limits(args: argparse.Namespace) -> Any:
    from samen.mse.limits import Limits

    base = Limits.default()
    return Limits(
        seconds=base.seconds if args.max_time is None else args.max_time,
        memory_bytes=base.memory_bytes if args.max_memory is None else args.max_memory * 1e9,
    )


def _estimate(args: argparse.Namespace) -> str:
    from dataclasses import replace

    from samen.mse._parallel import use_scheduler
    from samen.mse._report import human
    from samen.mse.estimate import combine_strata, estimate
    from samen.mse.table import read_capture_csv

    covs = _split(args.covariates)
    strata = [args.stratum] if args.stratum else []
    table = read_capture_csv(args.file, covariates=[*strata, *[c for c in covs if c not in strata]])
    opts: dict[str, Any] = {
        "criterion": args.criterion,
        "terms": args.terms,
        "heterogeneity": args.heterogeneity,
        "theta": args.theta,
        "select": args.select,
        "bootstrap": args.bootstrap,
        "seed": args.seed,
        "n_jobs": args.jobs,
        "delta": args.delta,
        "prior": args.prior,
        "grid_max": args.grid,
        "top": args.top,
        "limits": _limits(args),
        "lcmcr": _lcmcr_options(args),
        "progress": _progress_line() if args.bootstrap and sys.stderr.isatty() else None,
    }
    # Covariates only make sense in a log-linear model that holds them.
    method = "covariates" if covs else args.method
    if args.trace and method != "lcmcr":
        raise CaptureDataError("trace_lcmcr_only")
    _announce(method, table, args.bootstrap, opts["limits"])
    if method == "lcmcr":
        from samen.mse._lcmcr_kernel import is_cached

        if not is_cached():
            sys.stderr.write("note: compiling the LCMCR sampler (first run only, up to a minute)\n")
    results: list[MseResult] = []
    if args.stratum:
        for level, sub in _strata(table, args.stratum, covs).items():
            name = f"{args.stratum}={level}"
            if sub.observed == 0:
                raise CaptureDataError(
                    "stratum_failed", stratum=name, reason=MseMessage("counts_all_zero")
                )
            try:
                with use_scheduler(args.scheduler):
                    res = estimate(sub, method, **opts)
            except CaptureDataError as exc:
                raise CaptureDataError("stratum_failed", stratum=name, reason=str(exc)) from exc
            results.append(replace(res, stratum=name))
        results.append(combine_strata(results))
    else:
        with use_scheduler(args.scheduler):
            results.append(estimate(table, method, **opts))
    if args.trace:
        _write_trace(args.trace, results)
    if args.json:
        payload: Any = results[0].to_json() if len(results) == 1 else [r.to_json() for r in results]
        return json.dumps(payload, indent=2) + "\n"
    return "\n".join(human(r) for r in results)


def _lcmcr_options(args: argparse.Namespace) -> Any:
    """LCMCR settings from the command line; ``None`` when none was given."""
    given = {
        "k": args.lcmcr_k,
        "burnin": args.burnin,
        "samples": args.samples,
        "thin": args.thin,
        "chains": args.chains,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return None
    from samen.mse.lcmcr import LcmcrOptions

    return LcmcrOptions(**given)


def _write_trace(path: str, results: list[MseResult]) -> None:
    """The kept draws of N, one row per draw: ``[stratum,] chain, draw, N``."""
    import csv

    rows = [r for r in results if "draws" in r.details]
    strata = any(r.stratum for r in rows)
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow([*(["stratum"] if strata else []), "chain", "draw", "N"])
            for r in rows:
                for chain, draws in enumerate(r.details["draws"], 1):
                    for draw, value in enumerate(draws, 1):
                        out.writerow([*([r.stratum] if strata else []), chain, draw, value])
    except OSError as exc:
        raise CaptureDataError("trace_not_written", file=path, reason=exc.strerror or "") from exc


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

    from samen.mse.table import CaptureTable

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


def _models(args: argparse.Namespace) -> str:
    from samen.mse._report import models_table
    from samen.mse.limits import check_feasible
    from samen.mse.search import search_models
    from samen.mse.table import read_capture_csv

    if args.top < 1:
        raise CaptureDataError("top_positive", value=args.top)
    table = read_capture_csv(args.file)
    check_feasible(table, "loglinear", limits=_limits(args))
    _hist, counts = table.full()
    res = search_models(counts, table.k, args.criterion, args.jobs).ranked(args.criterion)
    return models_table(table, res, args.criterion, args.top, as_json=args.json)


def _compare(args: argparse.Namespace) -> str:
    from samen.mse.gof import likelihood_ratio_test
    from samen.mse.limits import check_feasible
    from samen.mse.table import read_capture_csv

    table = read_capture_csv(args.file)
    check_feasible(table, "independence")
    test = likelihood_ratio_test(table, args.smaller, args.larger)
    if args.json:
        return json.dumps(test.to_json(), indent=2) + "\n"
    smaller = ", ".join(test.smaller) or "main effects only"
    return (
        f"Smaller model: {smaller} (deviance {test.deviance_smaller:.3f})\n"
        f"Larger model:  {', '.join(test.larger)} (deviance {test.deviance_larger:.3f})\n"
        f"Likelihood-ratio statistic {test.statistic:.3f} on {test.df} degrees of freedom, "
        f"p = {test.p_value:.4g}\n"
        + (
            "The larger model fits significantly better (p < 0.05).\n"
            if test.p_value < 0.05
            else "The extra terms do not improve the fit significantly (p >= 0.05).\n"
        )
    )

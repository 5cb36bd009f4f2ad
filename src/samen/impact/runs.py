"""Estimation runs: the analyst picks a method for a dataset, the background task worker
runs the engine (`samen.mse.estimate`), and the result is stored once, with everything
needed to repeat it (issue 10 item 3).

A run is queued by `start_run`, executed by `execute` in the task worker
(`samen.impact.tasks.run_estimation`, ADR 0006), and can be cancelled while queued or
running (`cancel_run`): the bootstrap reports progress through the engine's
``progress(done, total)`` callback, which also looks for the cancellation. A finished
run is never written again; the same method, options and seed on the same table give
the same numbers.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit

from . import datasets, engine_messages
from .models import EstimationRun, OverlapDataset

if TYPE_CHECKING:
    from samen.mse import CaptureTable, MseResult

log = logging.getLogger(__name__)

#: The methods an analyst can start, with their names on screen.
METHODS: dict[str, Any] = {
    "independence": gettext_lazy("Independent lists"),
    "loglinear": gettext_lazy("Log-linear model"),
    "sparsemse": gettext_lazy("SparseMSE (stepwise)"),
    "dga": gettext_lazy("Bayesian model averaging (dga)"),
    "covariates": gettext_lazy("Log-linear model with covariates"),
    "chao": gettext_lazy("Chao's lower bound"),
    "average": gettext_lazy("Model averaging (AIC/BIC weights)"),
    "chapman": gettext_lazy("Chapman (two lists)"),
    "petersen": gettext_lazy("Lincoln-Petersen (two lists)"),
    "lcmcr": gettext_lazy("Bayesian latent classes (LCMCR)"),
}
CRITERIA = ("aic", "bic")
#: SparseMSE's own default seed, written down on every bootstrap run.
DEFAULT_SEED = 1234
MAX_BOOTSTRAP = 10_000
MAX_TERMS = 200
#: LCMCR's sampler: the engine's defaults (R's lcmCR) and the bounds the app allows, so
#: that one run stays within minutes (at most MAX_LCMCR_SWEEPS sweeps over all chains).
LCMCR_DEFAULTS = {"burnin": 10_000, "samples": 1_000, "thin": 100, "chains": 1}
LCMCR_BOUNDS = {
    "burnin": (0, 200_000),
    "samples": (10, 10_000),
    "thin": (1, 1_000),
    "chains": (1, 4),
}
MAX_LCMCR_SWEEPS = 2_000_000
#: LCMCR's own default seed (the R reference runs), written down on every LCMCR run.
LCMCR_SEED = 12345
#: Progress is written at most this often (seconds), besides the first and last report.
PROGRESS_INTERVAL = 0.5


class RunInvalid(Exception):
    """The options cannot be used for this dataset; `errors` maps a field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class Cancelled(Exception):
    """Raised inside the engine's progress callback when the analyst cancelled."""


@dataclass
class RunOptions:
    """What the analyst chose. `terms` are two-list terms such as ``LA:NG`` (with
    covariates also ``LA:year``); `stratum` estimates per level of that column and sums."""

    method: str
    criterion: str = "aic"
    terms: list[str] = field(default_factory=list)
    bootstrap: int | None = None
    seed: int | None = None
    stratum: str = ""
    select: str = ""
    burnin: int | None = None
    samples: int | None = None
    thin: int | None = None
    chains: int | None = None

    def sampler(self) -> dict[str, int]:
        """LCMCR's sampler settings, the defaults filled in."""
        return {
            name: getattr(self, name) if getattr(self, name) is not None else default
            for name, default in LCMCR_DEFAULTS.items()
        }

    def as_json(self) -> dict[str, Any]:
        """The options as stored on the run (only those the method uses)."""
        out: dict[str, Any] = {}
        if self.method in ("loglinear", "average") and not self.terms:
            out["criterion"] = self.criterion
        if self.terms:
            out["terms"] = list(self.terms)
        if self.bootstrap:
            out["bootstrap"] = self.bootstrap
        if self.stratum:
            out["stratum"] = self.stratum
        if self.select:
            out["select"] = self.select
        if self.method == "lcmcr":
            out.update(self.sampler())
        return out


@cache
def engine_version() -> str:
    """The estimation library's version (the `samen` package it ships in)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"samen.mse {version('samen')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "samen.mse (source)"


def method_label(code: str) -> str:
    return str(METHODS.get(code, code))


def _unavailable_reason(method: str, k: int, covariates: list[str]) -> str:
    """Why `method` cannot work on a table of `k` lists with these covariate columns
    ('' when it can)."""
    from samen.mse import dga

    if method in ("chapman", "petersen") and k != 2:
        return _("This method is for exactly two lists; this table has %(k)s.") % {"k": k}
    if method == "chao" and k < 3:
        return _("This method needs at least three lists; this table has %(k)s.") % {"k": k}
    if method == "dga" and not dga.MIN_LISTS <= k <= dga.MAX_LISTS:
        return _("This method works on %(minimum)s to %(maximum)s lists; this table has %(k)s.") % {
            "minimum": dga.MIN_LISTS,
            "maximum": dga.MAX_LISTS,
            "k": k,
        }
    if method == "covariates" and not covariates:
        return _("This table has no covariate columns.")
    return ""


def availability(dataset: OverlapDataset) -> dict[str, str]:
    """Every method with '' when it can work on `dataset`, else why not (in words).

    Besides the number of lists and the covariate columns, a method whose estimated
    work is beyond the engine's time and memory budget (`samen.mse.limits`) is not
    offered either."""
    from samen.mse import CaptureDataError
    from samen.mse.limits import check_feasible

    k = len(dataset.lists)
    covariates = datasets.covariates_of(dataset)
    out = {m: _unavailable_reason(m, k, covariates) for m in METHODS}
    summed = None
    for method, reason in out.items():
        if reason:
            continue
        try:
            if summed is None:
                table = datasets.table_of(dataset)
                summed = table.without_covariates() if table.covariates else table
            check_feasible(summed, method)
        except CaptureDataError as exc:
            out[method] = engine_messages.text(exc.code, exc.params)
        except datasets.DatasetInvalid:  # pragma: no cover - a stored table was read once
            break
    return out


def _check(dataset: OverlapDataset, o: RunOptions) -> dict[str, str]:
    errors: dict[str, str] = {}
    covariates = datasets.covariates_of(dataset)
    if o.method not in METHODS:
        errors["method"] = _("Choose one of the methods.")
        return errors
    reason = _unavailable_reason(o.method, len(dataset.lists), covariates)
    if reason:
        errors["method"] = _("%(method)s cannot be used here: %(reason)s") % {
            "method": method_label(o.method),
            "reason": reason,
        }
    if o.criterion not in CRITERIA:
        errors["criterion"] = _("Choose AIC or BIC.")
    if o.bootstrap is not None:
        if o.method != "sparsemse":
            errors["bootstrap"] = _("A bootstrap interval is for SparseMSE only.")
        elif not 1 <= o.bootstrap <= MAX_BOOTSTRAP:
            errors["bootstrap"] = _("Between 1 and %(max)s replicates.") % {"max": MAX_BOOTSTRAP}
    if o.seed is not None and not 0 <= o.seed < 2**63:
        errors["seed"] = _("A whole number from 0.")
    if len(o.terms) > MAX_TERMS:
        errors["terms"] = _("At most %(max)s terms.") % {"max": MAX_TERMS}
    if o.stratum and o.stratum not in covariates:
        errors["stratum"] = _("The table has no column '%(name)s' besides its lists.") % {
            "name": o.stratum
        }
    if o.select and o.select not in CRITERIA:
        errors["select"] = _("Choose AIC or BIC.")
    errors.update(_check_sampler(o))
    return errors


def _check_sampler(o: RunOptions) -> dict[str, str]:
    """LCMCR's sampler settings: for LCMCR only, within bounds."""
    errors: dict[str, str] = {}
    if o.method != "lcmcr":
        for name in LCMCR_DEFAULTS:
            if getattr(o, name) is not None:
                errors[name] = _("This setting is for LCMCR only.")
        return errors
    if o.terms:
        errors["terms"] = _("LCMCR chooses no model terms.")
    sampler = o.sampler()
    for name, value in sampler.items():
        low, high = LCMCR_BOUNDS[name]
        if not low <= value <= high:
            errors[name] = _("A whole number from %(low)s to %(high)s.") % {
                "low": number_format(low, force_grouping=True),
                "high": number_format(high, force_grouping=True),
            }
    sweeps = (sampler["burnin"] + sampler["samples"] * sampler["thin"]) * sampler["chains"]
    if not errors and sweeps > MAX_LCMCR_SWEEPS:
        errors["samples"] = _(
            "Burn-in plus draws times thinning, for all chains, is %(sweeps)s sweeps; "
            "at most %(max)s are allowed."
        ) % {
            "sweeps": number_format(sweeps, force_grouping=True),
            "max": number_format(MAX_LCMCR_SWEEPS, force_grouping=True),
        }
    return errors


def start_run(user: Any, dataset: OverlapDataset, options: RunOptions) -> EstimationRun:
    """Queue a run of `options.method` on `dataset` for the task worker (analysts only).

    The options are checked here and by the engine itself before anything is queued, so
    a run that cannot start is refused with the engine's message instead of failing in
    the background. Audited as ``create``.

    Raises
    ------
    Denied
        For anyone but an analyst.
    RunInvalid
        For options the method cannot use (field -> message in the user's language).
    """
    if not access.can_create_estimates(user):
        raise Denied(_("Only analysts start estimation runs."))
    errors = _check(dataset, options)
    if errors:
        raise RunInvalid(errors)
    if options.method == "sparsemse" and options.bootstrap and options.seed is None:
        options.seed = DEFAULT_SEED
    if options.method == "lcmcr" and options.seed is None:
        options.seed = LCMCR_SEED
    table = datasets.table_of(dataset)
    try:
        _prepare(table, options)
    except _EngineRefused as exc:
        raise RunInvalid({exc.field: exc.text}) from None
    with transaction.atomic():
        run = EstimationRun.objects.create(
            dataset=dataset,
            method=options.method,
            options=options.as_json(),
            seed=options.seed,
            created_by=user,
            dataset_hash=dataset.content_hash,
        )
        audit.record(actor=user, kind="create", obj=run, after=_state(run))
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import run_estimation

    result = run_estimation.enqueue(run_id)
    EstimationRun.objects.filter(pk=run_id, task_id="").update(task_id=str(result.id)[:64])


def cancel_run(user: Any, run: EstimationRun) -> bool:
    """Cancel a queued or running run (analysts only). A queued run is cancelled at
    once; a running one when the engine next reports progress (a bootstrap does so about
    twenty times). Returns False when the run had already finished. Audited."""
    if not access.can_create_estimates(user):
        raise Denied(_("Only analysts cancel estimation runs."))
    with transaction.atomic():
        locked = EstimationRun.objects.select_for_update().get(pk=run.pk)
        if locked.state not in (EstimationRun.State.QUEUED, EstimationRun.State.RUNNING):
            return False
        before = _state(locked)
        locked.cancel_requested = True
        fields = ["cancel_requested"]
        if locked.state == EstimationRun.State.QUEUED:
            locked.state = EstimationRun.State.CANCELLED
            locked.finished_at = timezone.now()
            fields += ["state", "finished_at"]
        locked.save(update_fields=fields)
        audit.record(
            actor=user,
            kind="update",
            verb="cancel-run",
            obj=locked,
            before=before,
            after=_state(locked),
        )
    run.refresh_from_db()
    return True


def _state(run: EstimationRun) -> dict[str, Any]:
    return {
        "dataset": run.dataset_id,
        "method": run.method,
        "options": run.options,
        "seed": run.seed,
        "state": run.state,
        "cancel_requested": run.cancel_requested,
    }


# --- execution (in the task worker) ---------------------------------------------------


class _EngineRefused(Exception):
    """The engine would refuse the run; `field` is the option the reason is about."""

    def __init__(self, text: str, field: str = "method") -> None:
        self.text = text
        self.field = field
        super().__init__(text)


def _kwargs(o: RunOptions) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if o.method in ("loglinear", "average", "covariates"):
        kw["criterion"] = o.criterion
    if o.terms:
        kw["terms"] = list(o.terms)
    if o.bootstrap:
        kw["bootstrap"] = o.bootstrap
        kw["seed"] = o.seed
    if o.select:
        kw["select"] = o.select
    if o.method == "lcmcr":
        from samen.mse.lcmcr import LcmcrOptions

        kw["lcmcr"] = LcmcrOptions(**o.sampler())
        kw["seed"] = o.seed
    return kw


def _tables(table: CaptureTable, o: RunOptions) -> list[tuple[str | None, CaptureTable]]:
    """The table(s) the method runs on: summed over covariates the method does not use,
    or one per stratum."""
    if o.stratum:
        return [(f"{o.stratum}={level}", sub) for level, sub in table.stratify(o.stratum).items()]
    if table.covariates and o.method != "covariates":
        return [(None, table.without_covariates())]
    return [(None, table)]


def _prepare(table: CaptureTable, o: RunOptions) -> None:
    """Refuse before queueing what the engine would refuse: unknown names in the terms,
    and work beyond the engine's time and memory budget (`samen.mse.limits`)."""
    from samen.mse import CaptureDataError
    from samen.mse.limits import check_feasible

    names = set(table.lists) | set(table.covariates)
    for term in o.terms:
        parts = term.split(":")
        if len(parts) != 2 or parts[0] == parts[1]:
            raise _EngineRefused(engine_messages.text("term_format", {"term": term}), "terms")
        for name in parts:
            if name not in names:
                raise _EngineRefused(
                    engine_messages.text(
                        "term_unknown_list",
                        {"term": term, "name": name, "lists": ", ".join(sorted(names))},
                    ),
                    "terms",
                )
    try:
        for _name, sub in _tables(table, o):
            check_feasible(sub, o.method, bootstrap=o.bootstrap or 0)
    except CaptureDataError as exc:
        raise _EngineRefused(engine_messages.text(exc.code, exc.params)) from None


def options_of(run: EstimationRun) -> RunOptions:
    """The options a run was started with."""
    o = run.options or {}
    return RunOptions(
        method=run.method,
        criterion=o.get("criterion", "aic"),
        terms=list(o.get("terms", [])),
        bootstrap=o.get("bootstrap"),
        seed=run.seed,
        stratum=o.get("stratum", ""),
        select=o.get("select", ""),
        **{name: o[name] for name in LCMCR_DEFAULTS if name in o},
    )


def compute(
    table: CaptureTable,
    options: RunOptions,
    progress: Callable[[int, int], None] | None = None,
) -> MseResult:
    """Run the engine for `options` on `table` (one estimate, or one per stratum and
    their sum). Raises the engine's `CaptureDataError`, or whatever `progress` raises."""
    from dataclasses import replace

    from samen.mse import estimate
    from samen.mse.estimate import combine_strata

    kw = _kwargs(options)
    parts = _tables(table, options)
    if parts[0][0] is None:
        return estimate(parts[0][1], options.method, progress=progress, **kw)
    results = []
    for i, (name, sub) in enumerate(parts):

        def step(done: int, total: int, i: int = i) -> None:
            if progress is not None:
                progress(i * total + done, len(parts) * total)

        results.append(replace(estimate(sub, options.method, progress=step, **kw), stratum=name))
        if progress is not None and not options.bootstrap:
            progress(i + 1, len(parts))
    total = combine_strata(results)
    return replace(total, details={**total.details, "strata": [r.to_json() for r in results]})


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def fit_statistics(res: MseResult) -> dict[str, Any]:
    """AIC, BIC, the deviance with its degrees of freedom and p-value, and the checks."""
    gof = res.details.get("goodnessOfFit") or {}
    return {
        "aic": _finite(res.aic),
        "bic": _finite(res.bic),
        "deviance": _finite(gof.get("deviance")),
        "df": gof.get("df"),
        "pValue": _finite(gof.get("pValue", gof.get("p_value"))),
        "existence": res.existence,
        "identifiability": res.identifiability,
        "observed": res.observed,
        "level": res.level,
    }


def execute(run_id: int) -> EstimationRun:
    """Run a queued run and store its result once (called by the task worker).

    A run that is not queued is left as it is (a finished run is never written
    again). The engine's refusal or failure is stored as the run's coded error; a
    cancellation seen in the progress callback stores nothing but the state.
    """
    run = EstimationRun.objects.select_related("dataset").get(pk=run_id)
    started = EstimationRun.objects.filter(
        pk=run_id, state=EstimationRun.State.QUEUED, cancel_requested=False
    ).update(state=EstimationRun.State.RUNNING, started_at=timezone.now(), progress=0.0)
    if not started:
        return run
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_INTERVAL:
            return
        last[0] = now
        EstimationRun.objects.filter(pk=run_id, state=EstimationRun.State.RUNNING).update(
            progress=min(done / max(total, 1), 0.99),
            progress_note=f"{done}/{total}",
        )
        if _cancel_requested(run_id):
            _stop_engine_workers()
            raise Cancelled

    from samen.mse import CaptureDataError

    try:
        if run.dataset.content_hash != run.dataset_hash:  # pragma: no cover - content is fixed
            raise CaptureDataError("usage", detail="the dataset changed after the run was started")
        table = datasets.table_of(run.dataset)
        res = compute(table, options_of(run), progress)
    except Exception as exc:
        # A cancellation, or the pool broken by it (`_stop_engine_workers`).
        if isinstance(exc, Cancelled) or _cancel_requested(run_id):
            EstimationRun.objects.filter(pk=run_id).update(
                state=EstimationRun.State.CANCELLED, finished_at=timezone.now()
            )
        elif isinstance(exc, CaptureDataError):
            _fail(run_id, {"code": exc.code, "params": dict(exc.params), "text": str(exc)})
        elif isinstance(exc, datasets.DatasetInvalid):
            _fail(run_id, {"code": "usage", "params": {"detail": str(exc)}, "text": str(exc)})
        else:
            log.exception("estimation run %s failed", run_id)
            detail = str(exc)[:500]
            _fail(run_id, {"code": "usage", "params": {"detail": detail}, "text": detail})
        run.refresh_from_db()
        return run
    import json

    payload = res.to_json()
    EstimationRun.objects.filter(pk=run_id, state=EstimationRun.State.RUNNING).update(
        state=EstimationRun.State.DONE,
        progress=1.0,
        progress_note="",
        finished_at=timezone.now(),
        engine_version=engine_version(),
        estimate=_finite(res.estimate),
        lower=_finite(res.ci_lower),
        upper=_finite(res.ci_upper),
        interval_kind=res.interval_kind[:60],
        model_terms=list(res.model),
        fit=fit_statistics(res),
        warnings=payload["warningCodes"],
        # Through JSON once, so that what is stored is exactly what is read back.
        result=json.loads(json.dumps(payload, default=str)),
    )
    run.refresh_from_db()
    return run


def _cancel_requested(run_id: int) -> bool:
    return EstimationRun.objects.filter(pk=run_id, cancel_requested=True).exists()


def _stop_engine_workers() -> None:
    """End the bootstrap's worker processes, so that a cancelled run stops now.

    The engine hands every block of bootstrap tables to its process pool at once, and
    the pool would finish them all before the cancellation raised in the progress
    callback gets through. The pool's workers are this process's only multiprocessing
    children while a run works (the task worker runs one task at a time); ending them
    breaks the pool, which then returns at once.
    """
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()


def _fail(run_id: int, error: dict[str, Any]) -> None:
    import json

    EstimationRun.objects.filter(pk=run_id, state=EstimationRun.State.RUNNING).update(
        state=EstimationRun.State.FAILED,
        finished_at=timezone.now(),
        error=json.dumps(error, default=str),
    )


# --- reading ----------------------------------------------------------------------------


def warning_texts(run: EstimationRun) -> list[str]:
    """The engine's warnings of a run in the user's language."""
    return [engine_messages.text(w["code"], w.get("params", {})) for w in run.warnings or []]


def model_text(run: EstimationRun) -> str:
    """The model a finished run used, in words: its two-list terms, or what the method
    does instead of fitting one log-linear model (never 'main effects only' for a method
    that has no such model)."""
    if run.method == "average":
        criterion = (run.options or {}).get("criterion", "aic")
        if criterion == "bic":
            return _("average over models (BIC weights)")
        return _("average over models (AIC weights)")
    if run.method == "chao":
        return _("Chao's lower bound, no log-linear model")
    if run.method == "dga":
        return _("Bayesian average over decomposable models")
    if run.method == "lcmcr":
        return _("latent classes, no log-linear model")
    if run.model_terms:
        return ", ".join(run.model_terms)
    if (run.options or {}).get("stratum"):
        return _("one model per stratum")
    return _("main effects only")


def error_text(run: EstimationRun) -> str:
    """Why a run failed, in the user's language ('' if it did not)."""
    import json

    if not run.error:
        return ""
    try:
        error = json.loads(run.error)
    except ValueError:
        return run.error
    return engine_messages.text(error.get("code", "usage"), error.get("params", {}))


def upper_is_infinite(run: EstimationRun) -> bool:
    """A finished run without an upper limit (the engine found none)."""
    return run.state == EstimationRun.State.DONE and run.upper is None


def options_text(run: EstimationRun) -> str:
    """The options in words, e.g. 'BCa bootstrap, 1,000 replicates, seed 1234'."""
    o = run.options or {}
    parts = []
    if "criterion" in o:
        parts.append(_("model chosen by %(criterion)s") % {"criterion": o["criterion"].upper()})
    if o.get("terms"):
        parts.append(_("terms %(terms)s") % {"terms": ", ".join(o["terms"])})
    if o.get("bootstrap"):
        parts.append(
            _("BCa bootstrap, %(count)s replicates")
            % {"count": number_format(o["bootstrap"], force_grouping=True)}
        )
    if run.seed is not None:
        parts.append(_("seed %(seed)s") % {"seed": run.seed})
    if o.get("stratum"):
        parts.append(_("per %(column)s, summed") % {"column": o["stratum"]})
    if o.get("select"):
        parts.append(_("terms chosen by %(criterion)s") % {"criterion": o["select"].upper()})
    if "samples" in o:
        parts.append(
            ngettext(
                "burn-in %(burnin)s, %(samples)s draws thinned by %(thin)s, %(chains)s chain",
                "burn-in %(burnin)s, %(samples)s draws thinned by %(thin)s, %(chains)s chains",
                o.get("chains", 1),
            )
            % {
                name: number_format(o.get(name, LCMCR_DEFAULTS[name]), force_grouping=True)
                for name in LCMCR_DEFAULTS
            }
        )
    return "; ".join(parts)

"""API of the analyst's estimation work: overlap datasets and estimates (issue 10).

Thin: parsing and shaping. Access is decided by samen.accounts.access and
samen.impact.visibility, writes by samen.impact.datasets and samen.impact.runs, exactly
as for the web pages. Analysts upload tables and start runs; the programme team reads
them; without a token (or with another role) only published estimates are visible.
An authorised client starts a run with POST /estimates and polls GET /estimates/{id}
until its state is done, failed or cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from samen.accounts import access
from samen.accounts.access import Denied
from samen.impact import datasets, runs, visibility
from samen.impact.models import EstimationRun, ExternalEstimate, OverlapDataset

from .auth import bearer
from .base import MAX_ID, NOT_BLANK, ApiProblem, Body, Problem, bad_parameter
from .plan import PAGING, Paging, paginate, reject_unknown

router = Router(tags=["estimates"])

MethodValue = Literal[tuple(runs.METHODS)]  # type: ignore[valid-type]
StateValue = Literal[tuple(EstimationRun.State.values)]  # type: ignore[valid-type]


# --- schemas ---------------------------------------------------------------------------


class ListOut(Schema):
    column: str = Field(..., description="The list's column in the table.")
    label: str
    registerCode: str | None = Field(None, description="Code of the register this list is.")


class DatasetIn(Body):
    name: str = Field(..., max_length=datasets.MAX_NAME, pattern=NOT_BLANK)
    periodStart: int = Field(..., ge=1900, le=2100)
    periodEnd: int = Field(..., ge=1900, le=2100)
    populationDefinition: str = Field("", max_length=5000)
    description: str = Field("", max_length=5000)
    covariates: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Columns that hold strata or covariates (year, form, age).",
    )
    fileName: str = Field("table.csv", max_length=255, pattern=NOT_BLANK)
    content: str = Field(
        ...,
        max_length=datasets.MAX_UPLOAD_BYTES,
        description=(
            "The capture-history table as CSV text: one 0/1 column per list and a count "
            "column (count, n or freq), separated by commas, semicolons or tabs."
        ),
    )


class DatasetOut(Schema):
    id: int
    name: str
    description: str
    periodStart: int
    periodEnd: int
    populationDefinition: str
    lists: list[ListOut]
    covariates: list[str]
    observed: int
    contentHash: str = Field(..., description="SHA-256 of the stored CSV text (UTF-8).")
    fileName: str
    createdAt: dt.datetime


class DatasetList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[DatasetOut]


class EstimateIn(Body):
    dataset: int = Field(..., ge=1, le=MAX_ID, description="Id of the overlap dataset.")
    method: MethodValue
    criterion: Literal["aic", "bic"] = "aic"
    terms: list[str] = Field(default_factory=list, max_length=runs.MAX_TERMS)
    bootstrap: int | None = Field(
        None, ge=1, le=runs.MAX_BOOTSTRAP, description="sparsemse: BCa bootstrap replicates."
    )
    seed: int | None = Field(None, ge=0, le=MAX_ID)
    stratum: str = Field("", max_length=200, description="Estimate per level of this column.")
    select: Literal["", "aic", "bic"] = ""
    burnin: int | None = Field(
        None,
        ge=runs.LCMCR_BOUNDS["burnin"][0],
        le=runs.LCMCR_BOUNDS["burnin"][1],
        description="lcmcr: sweeps discarded first (default 10000).",
    )
    samples: int | None = Field(
        None,
        ge=runs.LCMCR_BOUNDS["samples"][0],
        le=runs.LCMCR_BOUNDS["samples"][1],
        description="lcmcr: draws kept per chain (default 1000).",
    )
    thin: int | None = Field(
        None,
        ge=runs.LCMCR_BOUNDS["thin"][0],
        le=runs.LCMCR_BOUNDS["thin"][1],
        description="lcmcr: sweeps per kept draw (default 100).",
    )
    chains: int | None = Field(
        None,
        ge=runs.LCMCR_BOUNDS["chains"][0],
        le=runs.LCMCR_BOUNDS["chains"][1],
        description="lcmcr: independent chains (default 1).",
    )


class WarningOut(Schema):
    code: str
    text: str


class EstimateOut(Schema):
    id: int = Field(..., description="Unique per kind; GET /estimates/{id} reads a run.")
    kind: Literal["run", "published"] = Field(
        ...,
        description=(
            "run: an estimation run in samen; published: an estimate published by its "
            "source (e.g. the National Rapporteur), per year over its period."
        ),
    )
    dataset: int | None = Field(None, description="The run's overlap dataset (runs only).")
    datasetName: str | None
    periodStart: int
    periodEnd: int
    method: str = Field(..., description="The method's code; `published` for a published one.")
    methodName: str = Field(..., description="The method in words (as its source names it).")
    source: str = Field(
        "", description="Who made the estimate: samen (runs) or the publication's source."
    )
    sourceUrl: str | None = Field(None, description="Link to the publication (published).")
    options: dict[str, Any]
    seed: int | None
    state: StateValue
    progress: float = Field(..., description="0 to 1 while the run works.")
    estimate: float | None
    ciLower: float | None
    ciUpper: float | None = Field(None, description="null when no upper limit was found.")
    intervalKind: str
    modelTerms: list[str]
    fit: dict[str, Any]
    warnings: list[WarningOut]
    error: str | None
    datasetHash: str
    engineVersion: str
    createdAt: dt.datetime | None
    finishedAt: dt.datetime | None


class EstimateList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[EstimateOut]


# --- helpers ----------------------------------------------------------------------------


def _caller(request: HttpRequest) -> Any:
    """The token's user, None without a token; a token that is not valid is a 401."""
    if "HTTP_AUTHORIZATION" not in request.META:
        return None
    user = bearer(request)
    if not user:
        raise AuthenticationError
    return user


def _reader(request: HttpRequest) -> Any:
    user = request.user  # set by the bearer token (auth=bearer)
    if not access.can_read_estimates(user):
        raise ApiProblem(
            403, _("Not allowed"), _("Only analysts and the programme team read overlap tables.")
        )
    return user


def _writer(request: HttpRequest) -> Any:
    user = _reader(request)
    if not access.can_create_estimates(user):
        raise ApiProblem(
            403,
            _("Not allowed"),
            _("Only analysts upload overlap tables and start estimation runs."),
        )
    return user


def dataset_out(d: OverlapDataset, registers: dict[int, Any]) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.name,
        "description": d.description,
        "periodStart": d.period_start,
        "periodEnd": d.period_end,
        "populationDefinition": d.population_definition,
        "lists": [
            {
                "column": e["column"],
                "label": e["label"],
                "registerCode": e["register"].code if e["register"] else None,
            }
            for e in datasets.list_labels(d, registers)
        ],
        "covariates": datasets.covariates_of(d),
        "observed": d.observed,
        "contentHash": d.content_hash,
        "fileName": d.file_name,
        "createdAt": d.created_at,
    }


def _registers(items: Any) -> dict[int, Any]:
    from samen.impact.models import Register

    ids = {e.get("register") for d in items for e in d.lists if e.get("register")}
    return Register.objects.in_bulk(ids) if ids else {}


def estimate_out(r: EstimationRun) -> dict[str, Any]:
    texts = runs.warning_texts(r)
    return {
        "id": r.pk,
        "kind": "run",
        "dataset": r.dataset_id,
        "datasetName": r.dataset.name,
        "periodStart": r.dataset.period_start,
        "periodEnd": r.dataset.period_end,
        "method": r.method,
        "methodName": runs.method_label(r.method),
        "source": "samen",
        "sourceUrl": None,
        "options": r.options or {},
        "seed": r.seed,
        "state": r.state,
        "progress": r.progress,
        "estimate": r.estimate,
        "ciLower": r.lower,
        "ciUpper": r.upper,
        "intervalKind": r.interval_kind,
        "modelTerms": list(r.model_terms or []),
        "fit": r.fit or {},
        "warnings": [
            {"code": w["code"], "text": text}
            for w, text in zip(r.warnings or [], texts, strict=True)
        ],
        "error": runs.error_text(r) or None,
        "datasetHash": r.dataset_hash,
        "engineVersion": r.engine_version,
        "createdAt": r.created_at,
        "finishedAt": r.finished_at,
    }


def published_estimate_out(e: ExternalEstimate) -> dict[str, Any]:
    """An estimate published by its source, in the shape of a run's result."""
    from samen.impact.source_notes import source_text

    return {
        "id": e.pk,
        "kind": "published",
        "dataset": None,
        "datasetName": None,
        "periodStart": e.period_start,
        "periodEnd": e.period_end,
        "method": "published",
        "methodName": source_text(e.method),
        "source": e.source or e.source_url,
        "sourceUrl": e.source_url or None,
        "options": {},
        "seed": None,
        "state": EstimationRun.State.DONE,
        "progress": 1.0,
        "estimate": float(e.estimate_per_year),
        "ciLower": None if e.lower is None else float(e.lower),
        "ciUpper": None if e.upper is None else float(e.upper),
        "intervalKind": "",
        "modelTerms": [],
        "fit": {},
        "warnings": [],
        "error": None,
        "datasetHash": "",
        "engineVersion": "",
        "createdAt": None,
        "finishedAt": None,
    }


class _RunsThenPublished(Sequence[Any]):
    """The visible runs (a query, read one page at a time) followed by the published
    estimates (a handful, read once): one list for `paginate`."""

    def __init__(self, runs_qs: Any, published: list[ExternalEstimate]) -> None:
        self.runs = runs_qs
        self.published = published
        self._count: int | None = None

    def _runs_count(self) -> int:
        if self._count is None:
            self._count = self.runs.count()
        return self._count

    def __len__(self) -> int:
        return self._runs_count() + len(self.published)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):  # pragma: no cover - paginate slices
            raise TypeError("slice only")
        start, stop = index.start or 0, index.stop
        n = self._runs_count()
        out: list[Any] = list(self.runs[start : min(stop, n)]) if start < n else []
        return out + self.published[max(start - n, 0) : max(stop - n, 0)]


# --- overlap datasets ---------------------------------------------------------------------


@router.get(
    "/overlap-datasets",
    response={200: DatasetList, 401: Problem, 403: Problem},
    summary="Overlap datasets (analysts and the programme team)",
    auth=bearer,
)
def list_datasets(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Capture-history tables between registers, newest first. Needs a bearer token of an
    analyst or the programme team."""
    _reader(request)
    reject_unknown(request, PAGING)
    page = paginate(
        request, OverlapDataset.objects.all(), paging.page, paging.pageSize, lambda d: d
    )
    registers = _registers(page["results"])
    page["results"] = [dataset_out(d, registers) for d in page["results"]]
    return page


@router.post(
    "/overlap-datasets",
    response={201: DatasetOut, 401: Problem, 403: Problem},
    summary="Upload an overlap table (analysts)",
    auth=bearer,
)
def create_dataset(request: HttpRequest, body: DatasetIn) -> Status[dict[str, Any]]:
    """The estimation engine reads and checks the table; an error names the row and column
    (`invalidParams`, name `content`) and nothing is stored. A table without a count
    column is refused: only aggregated tables are stored."""
    user = _writer(request)
    data = datasets.DatasetData(
        name=body.name,
        period_start=body.periodStart,
        period_end=body.periodEnd,
        population_definition=body.populationDefinition,
        description=body.description,
        covariates=[c.strip() for c in body.covariates if c.strip()],
    )
    try:
        dataset = datasets.create_dataset(user, data, body.content.encode("utf-8"), body.fileName)
    except Denied as exc:
        raise ApiProblem(403, _("Not allowed"), str(exc)) from exc
    except datasets.DatasetInvalid as exc:
        names = {"period_start": "periodStart", "period_end": "periodEnd"}
        params = [
            {"name": "content", "code": p.code.replace("_", "-"), "reason": str(p)}
            for p in exc.problems
        ] + [
            {"name": names.get(k, k), "code": "rejected", "reason": v}
            for k, v in exc.errors.items()
        ]
        raise ApiProblem(400, _("Invalid request"), str(exc), params) from exc
    return Status(201, dataset_out(dataset, _registers([dataset])))


@router.get(
    "/overlap-datasets/{dataset_id}",
    response={200: DatasetOut, 401: Problem, 403: Problem},
    summary="One overlap dataset (analysts and the programme team)",
    auth=bearer,
)
def get_dataset(
    request: HttpRequest,
    dataset_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
) -> dict[str, Any]:
    _reader(request)
    found = OverlapDataset.objects.filter(pk=dataset_id).first()
    if found is None:
        raise Http404(_("No overlap dataset %(id)s.") % {"id": dataset_id})
    return dataset_out(found, _registers([found]))


# --- estimates ---------------------------------------------------------------------------


class EstimateFilters(Schema):
    kind: Literal["run", "published"] | None = None
    dataset: int | None = Field(None, ge=1, le=MAX_ID, description="Id of an overlap dataset.")
    method: MethodValue | None = None
    state: StateValue | None = None


@router.get(
    "/estimates",
    response={200: EstimateList, 401: Problem},
    summary="Estimates of the hidden number (published ones without a token)",
)
def list_estimates(
    request: HttpRequest, filters: Query[EstimateFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Estimates of both kinds: estimation runs (newest first), then the estimates
    published by their sources (e.g. the National Rapporteur's national estimates, latest
    period first), each with its method and source. Without a token, or with a token of a
    role other than analyst or programme team: published estimates only (runs whose
    publication the programme team approved, and the sources' own)."""
    reject_unknown(request, (*PAGING, "kind", "dataset", "method", "state"))
    user = _caller(request)
    qs = visibility.visible_runs(user).select_related("dataset")
    if filters.dataset is not None:
        qs = qs.filter(dataset_id=filters.dataset)
    if filters.method:
        qs = qs.filter(method=filters.method)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind == "published":
        qs = qs.none()
    published: list[ExternalEstimate] = []
    run_only = filters.dataset is not None or filters.method or filters.kind == "run"
    if not run_only and filters.state in (None, EstimationRun.State.DONE):
        published = list(
            visibility.visible_external_estimates(user).order_by("-period_start", "-pk")
        )

    def shape(item: Any) -> dict[str, Any]:
        if isinstance(item, ExternalEstimate):
            return published_estimate_out(item)
        return estimate_out(item)

    return paginate(
        request,
        _RunsThenPublished(qs.order_by("-created_at", "-pk"), published),
        paging.page,
        paging.pageSize,
        shape,
    )


@router.post(
    "/estimates",
    response={201: EstimateOut, 401: Problem, 403: Problem},
    summary="Start an estimation run (analysts)",
    auth=bearer,
)
def create_estimate(request: HttpRequest, body: EstimateIn) -> Status[dict[str, Any]]:
    """Queues the run for the background worker and answers at once with state `queued`;
    poll GET /estimates/{id} until the state is done, failed or cancelled. Options that the
    method cannot use are refused here (400) and nothing is queued."""
    user = _writer(request)
    dataset = OverlapDataset.objects.filter(pk=body.dataset).first()
    if dataset is None:
        raise bad_parameter(
            "dataset", _("no overlap dataset %(id)s") % {"id": body.dataset}, "unknown-value"
        )
    options = runs.RunOptions(
        method=body.method,
        criterion=body.criterion,
        terms=[t.strip() for t in body.terms if t.strip()],
        bootstrap=body.bootstrap,
        seed=body.seed,
        stratum=body.stratum,
        select=body.select,
        burnin=body.burnin,
        samples=body.samples,
        thin=body.thin,
        chains=body.chains,
    )
    try:
        run = runs.start_run(user, dataset, options)
    except runs.RunInvalid as exc:
        params = [{"name": k, "code": "rejected", "reason": v} for k, v in exc.errors.items()]
        raise ApiProblem(400, _("Invalid request"), str(exc), params) from exc
    return Status(201, estimate_out(EstimationRun.objects.select_related("dataset").get(pk=run.pk)))


@router.get(
    "/estimates/{estimate_id}",
    response={200: EstimateOut, 401: Problem},
    summary="One estimate: poll it while it runs",
)
def get_estimate(
    request: HttpRequest,
    estimate_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
) -> dict[str, Any]:
    found = (
        visibility.visible_runs(_caller(request))
        .select_related("dataset")
        .filter(pk=estimate_id)
        .first()
    )
    if found is None:
        raise Http404(_("No estimate %(id)s.") % {"id": estimate_id})
    return estimate_out(found)

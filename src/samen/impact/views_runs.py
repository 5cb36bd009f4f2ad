"""Pages of the analyst's estimation work: overlap datasets (upload, lists), estimation
runs (start, progress, cancel) and the comparison of methods for one dataset.

Analysts work here; the programme team reads; for everyone else these pages do not
exist (404). Access is decided by samen.accounts.access, writes by
samen.impact.datasets and samen.impact.runs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.forms import add_errors
from samen.plan.models import AgeGroup, ExploitationForm

from . import datasets, runs
from .forest import forest_chart
from .models import EstimationRun, OverlapDataset, Register


def _readable(request: HttpRequest) -> None:
    if not access.can_read_estimates(request.user):
        raise Http404


def _writable(request: HttpRequest) -> HttpResponse | None:
    _readable(request)
    if not access.can_create_estimates(request.user):
        if request.method == "GET":
            # The programme team may look at the form it cannot send; it says so.
            return None
        return HttpResponseForbidden(
            render_to_string(
                "403.html",
                {"message": _("Only analysts upload overlap tables and start estimation runs.")},
                request=request,
            )
        )
    return None


# --- forms ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=datasets.MAX_NAME)
    file = forms.FileField(
        label=gettext_lazy("Capture-history table (CSV)"),
        help_text=gettext_lazy(
            "One 0/1 column per list and a count column (count, n or freq); separated by "
            "commas, semicolons or tabs."
        ),
    )
    covariates = forms.CharField(
        label=gettext_lazy("Stratum or covariate columns"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Columns such as year, form or age, separated by commas."),
    )
    period_start = forms.IntegerField(
        label=gettext_lazy("First year"), min_value=1900, max_value=2100
    )
    period_end = forms.IntegerField(label=gettext_lazy("Last year"), min_value=1900, max_value=2100)
    population_definition = forms.CharField(
        label=gettext_lazy("Population definition"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Who counts as a case, in which area and period."),
    )
    exploitation_form = forms.ModelChoiceField(
        label=gettext_lazy("Exploitation form"),
        queryset=ExploitationForm.objects.all(),
        required=False,
        empty_label=gettext_lazy("All forms"),
    )
    age_group = forms.ModelChoiceField(
        label=gettext_lazy("Age group"),
        queryset=AgeGroup.objects.all(),
        required=False,
        empty_label=gettext_lazy("All ages"),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > datasets.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": datasets.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ListsForm(forms.Form):
    """Which register each list column is, and its name on screen."""

    def __init__(self, dataset: OverlapDataset, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = dataset.lists
        choices = [("", _("No register"))] + [(str(r.pk), r.name) for r in Register.objects.all()]
        for i, entry in enumerate(dataset.lists):
            self.fields[f"register_{i}"] = forms.ChoiceField(
                label=_("Register of list %(column)s") % {"column": entry["column"]},
                choices=choices,
                required=False,
                initial=str(entry.get("register") or ""),
            )
            self.fields[f"label_{i}"] = forms.CharField(
                label=_("Name of list %(column)s") % {"column": entry["column"]},
                max_length=datasets.MAX_NAME,
                required=False,
                initial=entry.get("label") or entry["column"],
            )

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (e["column"], self[f"register_{i}"], self[f"label_{i}"])
            for i, e in enumerate(self.entries)
        ]

    def mapping(self) -> dict[str, tuple[int | None, str]]:
        out = {}
        for i, e in enumerate(self.entries):
            register = self.cleaned_data.get(f"register_{i}")
            out[e["column"]] = (
                int(register) if register else None,
                self.cleaned_data.get(f"label_{i}", ""),
            )
        return out


class RunForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Method"), widget=forms.RadioSelect, initial="sparsemse"
    )
    criterion = forms.ChoiceField(
        label=gettext_lazy("Model choice (log-linear, model averaging)"),
        choices=[("aic", "AIC"), ("bic", "BIC")],
        initial="aic",
        required=False,
        widget=forms.RadioSelect,
    )
    terms = forms.CharField(
        label=gettext_lazy("Given model terms"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Two-list terms such as LA:NG, PF:GP (with covariates also LA:year), separated by "
            "commas. Empty: the model is chosen by the criterion."
        ),
    )
    bootstrap = forms.IntegerField(
        label=gettext_lazy("Bootstrap replicates (SparseMSE)"),
        required=False,
        min_value=1,
        max_value=runs.MAX_BOOTSTRAP,
        help_text=gettext_lazy("For a BCa interval, e.g. 1000. Empty: the Wald interval."),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=gettext_lazy("Empty: SparseMSE's 1234, LCMCR's 12345."),
    )
    burnin = forms.IntegerField(
        label=gettext_lazy("Burn-in sweeps (LCMCR)"),
        required=False,
        min_value=runs.LCMCR_BOUNDS["burnin"][0],
        max_value=runs.LCMCR_BOUNDS["burnin"][1],
        help_text=gettext_lazy("Empty: 10,000, as R's LCMCR."),
    )
    samples = forms.IntegerField(
        label=gettext_lazy("Draws kept per chain (LCMCR)"),
        required=False,
        min_value=runs.LCMCR_BOUNDS["samples"][0],
        max_value=runs.LCMCR_BOUNDS["samples"][1],
        help_text=gettext_lazy("Empty: 1,000."),
    )
    thin = forms.IntegerField(
        label=gettext_lazy("Sweeps per kept draw (LCMCR)"),
        required=False,
        min_value=runs.LCMCR_BOUNDS["thin"][0],
        max_value=runs.LCMCR_BOUNDS["thin"][1],
        help_text=gettext_lazy("Empty: 100."),
    )
    chains = forms.IntegerField(
        label=gettext_lazy("Chains (LCMCR)"),
        required=False,
        min_value=runs.LCMCR_BOUNDS["chains"][0],
        max_value=runs.LCMCR_BOUNDS["chains"][1],
        help_text=gettext_lazy("Empty: one chain. Several chains show whether the sampler mixed."),
    )
    stratum = forms.ChoiceField(label=gettext_lazy("Estimate per"), required=False)
    select = forms.ChoiceField(
        label=gettext_lazy("Choose the covariate model's terms"),
        required=False,
        choices=[("", gettext_lazy("No, use the given terms")), ("aic", "AIC"), ("bic", "BIC")],
    )

    def __init__(self, dataset: OverlapDataset, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every method is a valid answer (a refused one gets its reason on submit); the
        # page offers only those that can work on this table and says why not the others.
        self.fields["method"].choices = [(k, str(v)) for k, v in runs.METHODS.items()]
        reasons = runs.availability(dataset)
        self.fields["method"].widget.choices = [
            (k, str(v)) for k, v in runs.METHODS.items() if not reasons[k]
        ]
        self.not_offered = [
            {"method": str(runs.METHODS[k]), "reason": reason}
            for k, reason in reasons.items()
            if reason
        ]
        if self.fields["method"].initial in reasons and reasons[self.fields["method"].initial]:
            self.fields["method"].initial = next(
                (k for k, reason in reasons.items() if not reason), None
            )
        covariates = datasets.covariates_of(dataset)
        self.fields["stratum"].choices = [("", _("No strata: one estimate"))] + [
            (c, c) for c in covariates
        ]
        if not covariates:
            del self.fields["stratum"]
            del self.fields["select"]

    def options(self) -> runs.RunOptions:
        d = self.cleaned_data
        return runs.RunOptions(
            method=d["method"],
            criterion=d.get("criterion") or "aic",
            terms=[t.strip() for t in (d.get("terms") or "").split(",") if t.strip()],
            bootstrap=d.get("bootstrap"),
            seed=d.get("seed"),
            stratum=d.get("stratum") or "",
            select=d.get("select") or "",
            **{name: d.get(name) for name in runs.LCMCR_DEFAULTS},
        )


# --- datasets -----------------------------------------------------------------------------


def dataset_list(request: HttpRequest) -> HttpResponse:
    _readable(request)
    rows = OverlapDataset.objects.select_related("exploitation_form", "age_group").annotate(
        run_count=Count("runs"),
        done_count=Count("runs", filter=Q(runs__state=EstimationRun.State.DONE)),
    )
    return render(
        request,
        "impact/runs/dataset_list.html",
        {"datasets": rows, "can_create": access.can_create_estimates(request.user)},
    )


def dataset_upload(request: HttpRequest) -> HttpResponse:
    refused = _writable(request)
    if refused:
        return refused
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[datasets.Problem] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            upload = d["file"]
            data = datasets.DatasetData(
                name=d["name"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                population_definition=d["population_definition"],
                description=d["description"],
                covariates=[c.strip() for c in d["covariates"].split(",") if c.strip()],
                exploitation_form=d["exploitation_form"],
                age_group=d["age_group"],
            )
            try:
                dataset = datasets.create_dataset(request.user, data, upload.read(), upload.name)
            except datasets.DatasetInvalid as exc:
                problems = exc.problems
                add_errors(form, exc.errors)
            else:
                messages.success(
                    request,
                    _("%(name)s is stored: %(observed)s cases on %(lists)s lists.")
                    % {
                        "name": dataset.name,
                        "observed": dataset.observed,
                        "lists": len(dataset.lists),
                    },
                )
                return redirect("impact:overlap-dataset", dataset.pk)
    return render(
        request,
        "impact/runs/dataset_upload.html",
        {
            "form": form,
            "problems": problems,
            "can_create": access.can_create_estimates(request.user),
        },
        status=status,
    )


def _dataset(request: HttpRequest, pk: int) -> OverlapDataset:
    _readable(request)
    return get_object_or_404(
        OverlapDataset.objects.select_related("exploitation_form", "age_group", "created_by"), pk=pk
    )


def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    can_create = access.can_create_estimates(request.user)
    form = ListsForm(dataset, request.POST or None)
    status = 200
    if request.method == "POST":
        refused = _writable(request)
        if refused:
            return refused
        status = 400
        if form.is_valid():
            try:
                datasets.set_lists(request.user, dataset, form.mapping())
            except datasets.DatasetInvalid as exc:
                form.add_error(None, "; ".join(exc.errors.values()))
            else:
                messages.success(request, _("The lists are saved."))
                return redirect("impact:overlap-dataset", dataset.pk)
    return render(
        request,
        "impact/runs/dataset_detail.html",
        {
            "dataset": dataset,
            "lists": datasets.list_labels(dataset),
            "covariates": datasets.covariates_of(dataset),
            "form": form,
            "can_create": can_create,
            "runs": _run_rows(dataset.runs.order_by("-created_at")),
        },
        status=status,
    )


def _run_rows(qs: Any) -> list[dict[str, Any]]:
    return [
        {
            "run": r,
            "method": runs.method_label(r.method),
            "options": runs.options_text(r),
            "warnings": runs.warning_texts(r),
        }
        for r in qs
    ]


# --- runs --------------------------------------------------------------------------------


def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _writable(request)
    if refused:
        return refused
    dataset = _dataset(request, pk)
    form = RunForm(dataset, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                run = runs.start_run(request.user, dataset, form.options())
            except runs.RunInvalid as exc:
                add_errors(form, exc.errors)
            except Denied as exc:  # pragma: no cover - checked above
                return HttpResponseForbidden(str(exc))
            else:
                return redirect("impact:estimation-run", run.pk)
    return render(
        request,
        "impact/runs/run_create.html",
        {
            "dataset": dataset,
            "form": form,
            "lists": datasets.list_labels(dataset),
            "can_create": access.can_create_estimates(request.user),
        },
        status=status,
    )


def _run(request: HttpRequest, pk: int) -> EstimationRun:
    _readable(request)
    return get_object_or_404(EstimationRun.objects.select_related("dataset", "created_by"), pk=pk)


def _run_context(request: HttpRequest, run: EstimationRun) -> dict[str, Any]:
    return {
        "run": run,
        "dataset": run.dataset,
        "method": runs.method_label(run.method),
        "options": runs.options_text(run),
        "warnings": runs.warning_texts(run),
        "error": runs.error_text(run),
        "percent": round(run.progress * 100),
        "active": run.state in (EstimationRun.State.QUEUED, EstimationRun.State.RUNNING),
        "can_cancel": access.can_create_estimates(request.user),
        "fit": run.fit or {},
        "model": runs.model_text(run),
    }


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    return render(request, "impact/runs/run_detail.html", _run_context(request, run))


def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's state and result: htmx fetches it every second while the run is busy.
    Opened directly (without htmx), it is the run's whole page."""
    run = _run(request, pk)
    template = "_run_status.html" if request.headers.get("HX-Request") else "run_detail.html"
    return render(request, f"impact/runs/{template}", _run_context(request, run))


@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _writable(request)
    if refused:
        return refused
    run = _run(request, pk)
    if runs.cancel_run(request.user, run):
        messages.success(request, _("The run is cancelled."))
    else:
        messages.info(request, _("The run had already finished."))
    return redirect("impact:estimation-run", run.pk)


def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Every finished run of one dataset side by side: a table and a forest chart."""
    dataset = _dataset(request, pk)
    done = list(dataset.runs.filter(state=EstimationRun.State.DONE).order_by("created_at"))
    rows = []
    for r in done:
        label = runs.method_label(r.method)
        options = runs.options_text(r)
        rows.append(
            {
                "run": r,
                "label": f"{label} ({options})" if options else label,
                "method": label,
                "options": options,
                "estimate": r.estimate,
                "lower": r.lower,
                "upper": r.upper,
                "model": runs.model_text(r),
                "warnings": runs.warning_texts(r),
            }
        )
    labels = [row["label"] for row in rows]
    for row in rows:  # two runs with the same method and options: say which
        if labels.count(row["label"]) > 1:
            row["label"] = f"{row['label']} #{row['run'].pk}"
    return render(
        request,
        "impact/runs/compare.html",
        {"dataset": dataset, "rows": rows, "chart": forest_chart(rows, dataset.observed)},
    )

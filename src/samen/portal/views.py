"""The public portal: no login, and only what was published.

Every read goes through samen.reporting.publication (published rounds, the
public text layer) or the plan, which is public. Thin views.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts.access import Denied
from samen.documents import charts, context
from samen.documents import render as renderers
from samen.documents import services as documents
from samen.impact import open_data as impact_open_data
from samen.plan import selectors as plan_selectors
from samen.plan.models import ExploitationForm, Plan
from samen.reporting.models import ReportingRound
from samen.reporting.publication import published_rounds, withdrawn_rounds

from . import open_data
from .selectors import RoundFilter, filter_actions


def _published(pk: int) -> ReportingRound:
    r = published_rounds().filter(pk=pk).first()
    if r is None:  # unknown and unpublished look the same
        raise Http404(_("No published round with this number."))
    return r


def home(request: HttpRequest) -> HttpResponse:
    rounds = list(published_rounds())
    latest = context.build(rounds[0], "public", request.LANGUAGE_CODE) if rounds else None
    return render(
        request,
        "portal/home.html",
        {
            "plan": Plan.objects.first(),
            "summaries": plan_selectors.line_summaries(),
            "rounds": rounds,
            "withdrawn": withdrawn_rounds(),
            "latest": latest,
            "charts": charts.charts(latest) if latest else [],
        },
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    withdrawn = withdrawn_rounds().filter(pk=pk).first()
    if withdrawn is not None:  # its title and the date of withdrawal, nothing else
        return render(request, "portal/withdrawn.html", {"round": withdrawn}, status=410)
    r = _published(pk)
    ctx = context.build(r, "public", request.LANGUAGE_CODE)
    f = RoundFilter.from_query(request.GET, ctx)
    return render(
        request,
        "portal/round.html",
        {
            "round": r,
            "report": ctx,
            "charts": charts.charts(ctx),
            "filter": f,
            "actions": filter_actions(ctx, f),
            "forms": ExploitationForm.objects.all(),
            "formats": renderers.FORMATS,
            "data_formats": open_data.FORMATS,
        },
        status=400 if f.errors else 200,
    )


@require_POST
def round_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    r = _published(pk)
    language = request.POST.get("taal", request.LANGUAGE_CODE)
    try:
        frame = "letter" if request.POST.get("kader") == "brief" else "report"
        report = documents.request_report(
            request.user, r, fmt, language, layer="public", frame=frame
        )
    except (Denied, documents.Unavailable) as exc:
        raise Http404(str(exc)) from exc
    if report.is_ready:
        return redirect("report-download", pk=report.pk)
    return redirect("report-status", pk=report.pk)


def open_data_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/open_data.html",
        {
            "rounds": published_rounds(),
            "formats": open_data.FORMATS,
            "plan_fields": open_data.PLAN_FIELDS,
            "progress_fields": open_data.PROGRESS_FIELDS,
            "registration_fields": impact_open_data.REGISTRATIONS_FIELDS,
        },
    )


def open_data_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if fmt not in open_data.FILE_FORMATS:
        raise Http404
    if dataset == "plan":
        body = open_data.write(
            open_data.plan_records(), open_data.PLAN_FIELDS, open_data.PLAN_SCHEMA, fmt
        )
        name = "actieplan"
    elif dataset == "voortgang":
        r = None
        if "ronde" in request.GET:
            value = request.GET["ronde"]
            r = _published(int(value)) if value.isdigit() else None
            if r is None:
                raise Http404
        body = open_data.write(
            open_data.progress_records(r),
            open_data.PROGRESS_FIELDS,
            open_data.PROGRESS_SCHEMA,
            fmt,
        )
        name = f"voortgang-ronde-{r.pk}" if r else "voortgang"
    elif dataset == "slachtofferregistraties":  # impact monitor: published, suppressed
        body = open_data.write(
            impact_open_data.registration_records(),
            impact_open_data.REGISTRATIONS_FIELDS,
            impact_open_data.REGISTRATIONS_SCHEMA,
            fmt,
        )
        name = dataset
    else:
        raise Http404
    response = HttpResponse(body, content_type=open_data.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response

"""Screens of the progress report: the preview, and a file per format that is
made in the background and kept. Thin: access and work live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts import access
from samen.accounts.access import Denied
from samen.reporting import letter, publication
from samen.reporting.models import ReportingRound

from . import charts, context, services
from . import render as renderers
from .models import GeneratedReport


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(
        render_to_string("403.html", {"message": message}, request=request), status=403
    )


def _language(request: HttpRequest) -> str:
    value = request.GET.get("taal") or request.POST.get("taal") or "nl"
    return value if value in services.LANGUAGES else "nl"


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a closed round as a web page, with its downloads."""
    if not access.is_programme(request.user):
        return _forbidden(request, _("Only the programme team makes the progress report."))
    r = get_object_or_404(ReportingRound, pk=pk)
    if not access.can_generate_report(request.user, r):  # not yet: a step to take, not a ban
        messages.info(
            request,
            _("Only a closed round has a progress report. Close the round first."),
        )
        return redirect("round", pk=pk)
    language = _language(request)
    ctx = context.build(r, "report", language)
    files = {
        (g.format, g.language): g
        for g in GeneratedReport.objects.filter(round=r, layer="report", frame="report").defer(
            "content"
        )
    }
    return render(
        request,
        "documents/preview.html",
        {
            "round": r,
            "report": ctx,
            "report_body": renderers.body(ctx, charts.charts(ctx)),
            "language": language,
            "formats": renderers.FORMATS,
            "files": files,
            "can_publish": access.can_publish_round(request.user) and not r.published_at,
            "can_edit_letter": access.can_edit_letter(request.user, r),
            "letter_missing": letter.missing_parts(r),
        },
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of publishing: exactly what becomes public, as the
    public report will show it. The step itself is a POST to round-transition."""
    if not access.can_publish_round(request.user):
        return _forbidden(request, _("Only the programme team publishes reporting rounds."))
    r = get_object_or_404(ReportingRound, pk=pk)
    if not access.can_generate_report(request.user, r) or r.published_at:
        return redirect("report", pk=pk)
    language = _language(request)
    ctx = context.build(r, "public", language, preview=True)
    approved = publication.to_publish(r).count()
    return render(
        request,
        "documents/publish.html",
        {
            "round": r,
            "report": ctx,
            "report_body": renderers.body(ctx, charts.charts(ctx)),
            "language": language,
            "problems": publication.publish_problems(r),
            "approved": approved,
            "actions": sum(1 for a in ctx.actions if a.reports),
            "internal": r.updates.count() - approved,
        },
    )


@login_required
@require_POST
def request_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    r = get_object_or_404(access.visible_rounds(request.user), pk=pk)
    try:
        frame = "letter" if request.POST.get("kader") == "brief" else "report"
        report = services.request_report(request.user, r, fmt, _language(request), frame=frame)
    except Denied as exc:
        return _forbidden(request, str(exc))
    except services.Unavailable as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if report.is_ready:
        return redirect("report-download", pk=report.pk)
    return redirect("report-status", pk=report.pk)


def _own_report(request: HttpRequest, pk: int) -> GeneratedReport:
    report = get_object_or_404(GeneratedReport.objects.select_related("round"), pk=pk)
    # Public files of a published round are anyone's; the internal report is the team's.
    if report.layer == "public" and access.is_published(report.round):
        return report
    if report.layer == "report" and access.is_programme(request.user):
        return report
    raise Http404


def status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a file being made; htmx asks again every second until it is ready."""
    report = _own_report(request, pk)
    fragment = request.headers.get("HX-Request") == "true"
    template = "documents/_file_status.html" if fragment else "documents/file_status.html"
    back = (
        reverse("report", args=[report.round_id])
        if report.layer == "report"
        else reverse("portal-round", args=[report.round_id])
    )
    return render(request, template, {"file": report, "back": back})


def download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report(request, pk)
    if not report.is_ready:
        return redirect("report-status", pk=report.pk)
    response = HttpResponse(bytes(report.content), content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Content-Length"] = str(report.size)
    return response

"""Screens of motions and commitments. Views parse, ask the access module and
call services and selectors; they hold no rules of their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.exports import csv_text
from samen.core.forms import add_errors, rebound_at_version
from samen.plan import document as doc
from samen.plan.selectors import FilterError

from . import opendata, selectors, services
from .forms import ImportForm, MotionForm
from .models import Motion


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponseForbidden(
        render_to_string("403.html", {"message": message}, request=request)
    )


def motion_list(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        f = selectors.parse_filter(request.GET.getlist)
    except FilterError as exc:
        f, error = selectors.MotionFilter(), str(exc)
    motions = list(selectors.motions_with_actions(f))
    return render(
        request,
        "parliament/motion_list.html",
        {
            "motions": motions,
            "filter": f,
            "error": error,
            "statuses": Motion.Status.choices,
            "kinds": Motion.Kind.choices,
            "can_change": access.can_change_motions(request.user),
        },
        status=400 if error else 200,
    )


def motion_detail(request: HttpRequest, code: str) -> HttpResponse:
    motion = get_object_or_404(Motion.objects.with_actions(), code=code)
    return render(
        request,
        "parliament/motion_detail.html",
        {
            "motion": motion,
            "can_change": access.can_change_motions(request.user),
            "can_read_audit": access.can_read_audit(request.user),
        },
    )


@login_required
def motion_form(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not access.can_change_motions(request.user):
        return forbidden(request, _("Only the programme team changes motions and commitments."))
    motion = get_object_or_404(Motion.objects.with_actions(), code=code) if code else None
    initial = (
        MotionForm.initial_for(motion) if motion else {"status": "open", "decision": "unknown"}
    )
    form = MotionForm(request.POST or None, initial=initial)
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if motion:
                    saved = services.update_motion(
                        request.user,
                        motion.code,
                        form.data_for_service(),
                        form.cleaned_data["version"],
                    )
                else:
                    saved = services.create_motion(request.user, form.data_for_service())
                messages.success(request, _("Saved."))
                return redirect("motion", code=saved.code)
            except services.Conflict as exc:
                conflict, status = exc, 409
                form = rebound_at_version(
                    request.POST, exc.current.version, lambda d: MotionForm(d, initial=initial)
                )
            except services.Invalid as exc:
                add_errors(form, exc.errors)
            except Denied as exc:
                return forbidden(request, str(exc))
    return render(
        request,
        "parliament/motion_form.html",
        {"form": form, "motion": motion, "conflict": conflict},
        status=status,
    )


@login_required
def motion_import(request: HttpRequest) -> HttpResponse:
    if not access.can_change_motions(request.user):
        return forbidden(request, _("Only the programme team imports motions."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    report = None
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["files"]
        try:
            # Every page of one answer, checked together; one transaction writes them.
            result = opendata.read_files(
                [
                    (upload.read(settings.SAMEN_MAX_UPLOAD_BYTES + 1), upload.name)
                    for upload in uploads
                ]
            )
            report = services.import_motions(
                request.user,
                result.records,
                skipped=result.skipped,
                dry_run=form.cleaned_data["dry_run"],
                warnings=result.warnings,
            )
        except doc.PlanDocumentInvalid as exc:
            errors = [str(e) for e in exc.errors]
            status = 400
    return render(
        request,
        "parliament/import.html",
        {"form": form, "errors": errors, "report": report},
        status=status,
    )


def motion_export(request: HttpRequest) -> HttpResponse:
    headers = [
        _("Code"),
        _("Kind"),
        _("Number"),
        _("Title"),
        _("Date"),
        _("Submitters"),
        _("Decision"),
        _("Status"),
        _("Actions"),
        _("Answer"),
        _("Source"),
        _("Confirmed"),
    ]
    rows = (
        [
            m.code,
            m.get_kind_display(),
            m.kamerstuk or m.tk_number,
            m.title,
            m.date.isoformat() if m.date else "",
            ", ".join(m.submitters),
            m.get_decision_display(),
            m.get_status_display(),
            ", ".join(a.code for a in m.actions.all()),
            m.answer,
            m.source,
            _("yes") if m.confirmed else _("no (inferred)"),
        ]
        for m in Motion.objects.with_actions()
    )
    response = HttpResponse(csv_text(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moties.csv"'
    return response

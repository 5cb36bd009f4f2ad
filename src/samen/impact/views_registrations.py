"""Pages of the registrations part: the public Effect page and the analysts' workspace
(registrations per register, import, detection-rate links). Views parse, ask
`accounts.access` and `visibility`, and call services; they hold no rules of their own.
Public figures come only from `public_tables.published_tables()`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.plan.models import Plan, PlanVersion

from . import detection, registrations_charts, registrations_queries, visibility
from . import import_registrations as importer
from .models import Register
from .public_tables import MARK, published_tables
from .registrations_forms import DetectionLinkForm, RegistrationImportForm


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponseForbidden(
        render_to_string("403.html", {"message": message}, request=request)
    )


def _workspace(request: HttpRequest) -> HttpResponse | None:
    """None when the user may open the workspace; else the login page or a 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_open_impact_workspace(request.user):
        return _forbidden(
            request, _("The impact workspace is for analysts and the programme team.")
        )
    return None


# --- public -------------------------------------------------------------------------------


def effect(request: HttpRequest) -> HttpResponse:
    """The Effect page: what the plan is for (the ambition) beside the published figures."""
    tables = published_tables()
    versions = list(PlanVersion.objects.order_by("date"))
    plan = Plan.objects.first()
    # The latest estimate of all victims (not of one form or age group), of either kind.
    whole = [e for e in tables.estimates if not e.exploitation_form and not e.age_group]
    latest = max(whole, key=lambda e: (e.year_to, e.year_from), default=None)
    return render(
        request,
        "impact/effect/effect.html",
        {
            "t": tables,
            "plan": plan,
            "versions": versions,
            "charts": registrations_charts.effect_charts(tables, versions),
            "latest_estimate": latest,
            "rates": list(tables.rates),
            "mark": MARK,
            "sees_unpublished": visibility.sees_unpublished(request.user),
        },
    )


# --- workspace ----------------------------------------------------------------------------


def registrations(request: HttpRequest) -> HttpResponse:
    if refused := _workspace(request):
        return refused
    return render(
        request,
        "impact/registrations/list.html",
        {
            "summaries": registrations_queries.register_summaries(request.user),
            "can_import": access.can_manage_registrations(request.user),
        },
    )


def register_detail(request: HttpRequest, code: str) -> HttpResponse:
    if refused := _workspace(request):
        return refused
    register = get_object_or_404(Register.objects.select_related("organisation"), code=code)
    table = registrations_queries.register_table(request.user, register)
    return render(
        request,
        "impact/registrations/register.html",
        {
            "register": register,
            "table": table,
            "unpublished": registrations_queries.year_spans(
                row.year for row in table.rows if not row.published
            ),
            "proposals": registrations_queries.proposals_of(register),
        },
    )


def registrations_import(request: HttpRequest) -> HttpResponse:
    if refused := _workspace(request):
        return refused
    if not access.can_manage_registrations(request.user):
        if request.method == "POST":
            return _forbidden(request, _("Only analysts import registrations."))
        # The programme team sees what the import does, without the form.
        return render(request, "impact/registrations/import.html", {"form": None})
    form = RegistrationImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    person_level = False
    reading = report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:  # the reader checks the size before anything else
            reading, report = importer.import_file(
                request.user,
                upload.read(settings.SAMEN_MAX_UPLOAD_BYTES + 1),
                upload.name,
                form.cleaned_data["register"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except importer.RegistrationFileInvalid as exc:
            errors = [str(e) for e in exc.errors]
            person_level = exc.person_level
        except Denied as exc:
            return _forbidden(request, str(exc))
    status = 400 if errors or form.errors else 200
    return render(
        request,
        "impact/registrations/import.html",
        {
            "form": form,
            "errors": errors,
            "person_level": person_level,
            "reading": reading,
            "summary": importer.summary(reading) if reading else "",
            "report": report,
        },
        status=status,
    )


def detection_rates(request: HttpRequest) -> HttpResponse:
    if refused := _workspace(request):
        return refused
    may_link = access.can_manage_registrations(request.user)
    form = DetectionLinkForm(request.POST or None) if may_link else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _forbidden(request, _("Only analysts link registrations to an estimate."))
        if form.is_valid():
            check = detection.check_link(form.cleaned_data["register"], **form.chosen())
            try:
                detection.create_link(
                    request.user,
                    form.cleaned_data["register"],
                    note=form.cleaned_data["note"],
                    confirmed=form.cleaned_data["confirm"],
                    **form.chosen(),
                )
            except Invalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The registrations are linked to the estimate."))
                return redirect("impact:detection-rates")
        status = 400
    else:
        check = None
    rates = detection.visible_detection_rates(request.user)
    links = list(detection.links_queryset())
    return render(
        request,
        "impact/registrations/detection.html",
        {"rates": rates, "links": links, "form": form, "may_link": may_link, "check": check},
        status=status,
    )


def detection_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    """Removing a link asks first: the page names the link and the detection rates that
    disappear with it; only the confirming POST removes it (audited)."""
    if refused := _workspace(request):
        return refused
    if not access.can_manage_registrations(request.user):
        return _forbidden(request, _("Only analysts link registrations to an estimate."))
    link = get_object_or_404(detection.links_queryset().select_related("register"), pk=pk)
    if request.method == "POST":
        try:
            detection.delete_link(request.user, link)
        except Denied as exc:  # pragma: no cover - checked above
            return _forbidden(request, str(exc))
        messages.success(request, _("The link is removed."))
        return redirect("impact:detection-rates")
    rates = detection.detection_rates(
        detection.links_queryset().filter(pk=link.pk),
        visibility.visible_registrations(request.user),
    )
    return render(
        request,
        "impact/registrations/detection_unlink.html",
        {"link": link, "rates": rates},
    )

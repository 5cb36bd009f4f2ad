from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from samen.accounts import access

from . import audit_display
from .models import AuditEvent


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness and database check; also the trivial view the benchmarks compare with."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("Only the programme team reads the audit trail.")
    return HttpResponseForbidden(
        render_to_string("403.html", {"message": message}, request=request)
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The whole audit trail, newest first, filterable by object type and person."""
    if not access.can_read_audit(request.user):
        return _forbidden(request)
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    object_type = request.GET.get("type", "")
    actor = request.GET.get("actor", "")
    if object_type:
        events = events.filter(object_type=object_type)
    if actor:
        events = events.filter(actor_name=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = (
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "rows": audit_display.present(page),
            "types": sorted(((t, audit_display.type_label(t)) for t in types), key=lambda t: t[1]),
            "object_type": object_type,
            "actor": actor,
        },
    )


@login_required
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    if not access.can_read_audit(request.user):
        return _forbidden(request)
    events = list(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("id")
    )
    return render(
        request,
        "core/audit_object.html",
        {
            "rows": audit_display.present(events),
            "type_label": audit_display.type_label(object_type),
            "name": events[-1].object_repr if events else object_id,
        },
    )

"""A person's notifications: the list (with the unread ones marked) and the
choices per kind. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: it is marked as read, then its page opens."""
    notification = get_object_or_404(
        selectors.notifications_for(request.user).only("pk", "url"), pk=pk
    )
    services.mark_read(request.user, [notification.pk])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return redirect(notification.url if notification.url and safe else "notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    choices = selectors.choices_for(request.user)
    form = PreferencesForm(
        request.POST or None,
        choices=choices,
        initial={"language": services.language_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.cleaned_data["language"], form.deliveries())
        messages.success(request, _("Your choices are saved."))
        return redirect("notification-settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )

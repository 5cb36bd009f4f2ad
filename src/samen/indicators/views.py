"""Pages of the indicators: the programme team's definitions per action."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.plan.models import Action

from . import services
from .forms import IndicatorForm
from .models import Indicator


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(
        render_to_string("403.html", {"message": message}, request=request), status=403
    )


def _denied(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("Only the programme team defines indicators."))


def overview(request: HttpRequest, per: str) -> HttpResponse:
    """Every indicator with its progress, per action line or per exploitation form
    (public: approved values of published rounds only)."""
    from . import selectors

    items = selectors.all_progress(request.user, members=per == "form")
    groups = selectors.per_form(items) if per == "form" else selectors.per_line(items)
    return render(
        request,
        "indicators/overview.html",
        {
            "per": per,
            "groups": groups,
            "count": len(items),
            "rule": selectors.RULE_TEXT,
            "holders_rule": selectors.HOLDERS_TEXT,
            "public": not access.role(request.user),
        },
    )


def manage(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can_define_indicators(request.user):
        return _denied(request)
    action = get_object_or_404(Action, code=code)
    indicators = Indicator.objects.filter(action=action).prefetch_related("targets")
    return render(request, "indicators/manage.html", {"action": action, "indicators": indicators})


def edit(request: HttpRequest, code: str, indicator: str | None = None) -> HttpResponse:
    if not access.can_define_indicators(request.user):
        return _denied(request)
    action = get_object_or_404(Action, code=code)
    existing = (
        get_object_or_404(
            Indicator.objects.prefetch_related("targets"), action=action, code=indicator
        )
        if indicator
        else None
    )
    taken = set(Indicator.objects.filter(action=action).values_list("code", flat=True))
    taken.discard(existing.code if existing else None)
    status = 200
    if request.method == "POST":
        form = IndicatorForm(request.POST, taken=taken)
        if form.is_valid() and form.parsed is not None:
            try:
                services.save_indicator(request.user, action, form.parsed, existing)
            except Denied as exc:
                return forbidden(request, str(exc))
            messages.success(request, _("Indicator saved."))
            return redirect("indicators-manage", code=action.code)
        status = 400
    else:
        form = IndicatorForm(
            initial=IndicatorForm.initial_for(existing)
            if existing
            else {"kind": "number", "direction": "up"},
            taken=taken,
        )
    return render(
        request,
        "indicators/edit.html",
        {"action": action, "indicator": existing, "form": form},
        status=status,
    )


def delete(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    """An irreversible step: a confirmation page first, then the deletion. An
    indicator shown in a published report is not deleted; the page offers to
    stop using it instead (kept in past rounds, not asked in new ones)."""
    if not access.can_define_indicators(request.user):
        return _denied(request)
    action = get_object_or_404(Action, code=code)
    existing = get_object_or_404(Indicator, action=action, code=indicator)
    rounds = services.published_rounds_of(existing)
    status = 200
    if request.method == "POST":
        try:
            if "retire" in request.POST:
                retired = request.POST["retire"] != "0"
                services.retire_indicator(request.user, existing, retired)
                messages.success(
                    request,
                    _("The indicator is no longer asked in new rounds.")
                    if retired
                    else _("The indicator is asked again in new rounds."),
                )
                return redirect("indicators-manage", code=action.code)
            services.delete_indicator(request.user, existing)
        except Denied as exc:
            return forbidden(request, str(exc))
        except services.Published:
            status = 409
        else:
            messages.success(request, _("Indicator deleted."))
            return redirect("indicators-manage", code=action.code)
    return render(
        request,
        "indicators/delete.html",
        {
            "action": action,
            "indicator": existing,
            "values": existing.values.count(),
            "rounds": rounds,
        },
        status=status,
    )

"""The confirmation pages of a round's steps (open, close, reopen, withdraw),
and the page where the programme team writes the letter around the report.

A GET shows exactly what the step will do (with counts); only the POST of
that page takes the step. Publishing has its own page with a preview of the
public report (samen.documents.views.publish). Thin: services decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.forms import add_errors

from . import letter, publication, selectors, services
from .forms import LetterForm, ReasonForm, ReopenForm
from .models import ReportingRound
from .views import forbidden

STEPS = ("open", "close", "reopen", "withdraw", "publish")
HEADINGS = {
    "open": gettext_lazy("Open the round"),
    "close": gettext_lazy("Close the round"),
    "reopen": gettext_lazy("Reopen the round"),
    "withdraw": gettext_lazy("Withdraw the publication"),
}


def _form(step: str, data: Any = None) -> ReasonForm | None:
    if step == "reopen":
        return ReopenForm(data)
    if step == "withdraw":
        return ReasonForm(data)
    return None


def _take(request: HttpRequest, r: ReportingRound, step: str, form: ReasonForm | None) -> str:
    """Take the step; returns the message for the user."""
    user = request.user
    if step == "open":
        count = services.open_round(user, r)
        return ngettext(
            "The round is open: %(count)s update was created.",
            "The round is open: %(count)s updates were created.",
            count,
        ) % {"count": count}
    if step == "close":
        services.close_round(user, r)
        return _("The round is closed and its result is frozen for the report.")
    if step == "reopen":
        assert form is not None
        services.reopen_round(
            user, r, form.cleaned_data["reason"], form.cleaned_data.get("deadline")
        )
        return _("The round is open again. Close it again to freeze a new result.")
    if step == "withdraw":
        assert form is not None
        publication.withdraw_publication(user, r, form.cleaned_data["reason"])
        return _("The publication is withdrawn: nothing of this round is public any more.")
    publication.publish_round(user, r)
    return _("The round is published: its approved results are now public.")


@login_required
def round_step(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    # Permission before lookup: others must not learn which ids exist.
    if not access.can_manage_rounds(request.user):
        return forbidden(request, _("Only the programme team manages reporting rounds."))
    r = get_object_or_404(ReportingRound, pk=pk)
    if transition not in STEPS:
        return forbidden(request, _("Unknown step."))
    if transition == "publish" and request.method != "POST":
        return redirect("report-publish", pk=pk)
    form = _form(transition, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form is None or form.is_valid():
            try:
                messages.success(request, _take(request, r, transition, form))
            except Denied as exc:
                return forbidden(request, str(exc))
            except services.Invalid as exc:
                if form is None:
                    messages.error(request, str(exc))
                    return redirect("round", pk=pk)
                add_errors(form, exc.errors)
                status = 400
            else:
                if transition in ("publish", "withdraw"):
                    return redirect("report", pk=pk)
                return redirect("round", pk=pk)
        else:
            status = 400
    possible = {
        "open": r.status == ReportingRound.Status.PLANNED,
        "close": r.status == ReportingRound.Status.OPEN,
        "reopen": access.can_reopen_round(request.user, r),
        "withdraw": access.can_withdraw_publication(request.user, r),
    }[transition]
    context: dict[str, Any] = {"round": r, "form": form, "step": transition, "possible": possible}
    context["heading"] = HEADINGS[transition]
    if transition == "open":
        context["preview"] = selectors.open_preview(r)
    elif transition in ("close", "reopen"):
        context["preview"] = selectors.close_preview(r)
    return render(request, f"reporting/steps/{transition}.html", context, status=status)


@login_required
def round_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The introduction and the letter frame of the round's report."""
    if not access.is_programme(request.user):
        return forbidden(
            request, _("Only the programme team writes the letter, until the round is published.")
        )
    r = get_object_or_404(ReportingRound, pk=pk)
    if not access.can_edit_letter(request.user, r):
        return forbidden(
            request, _("Only the programme team writes the letter, until the round is published.")
        )
    current = letter.letter_for(r)
    version = current.version if current.pk else 1
    initial = {name: getattr(current, name) for name in letter.FIELDS} | {"version": version}
    form = LetterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter.save_letter(
                    request.user,
                    r,
                    letter.LetterData(**{name: data[name] for name in letter.FIELDS}),
                    data["version"],
                    adopt="adopt" in request.POST,
                )
            except Denied as exc:
                return forbidden(request, str(exc))
            except letter.Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except services.Invalid as exc:
                add_errors(form, exc.errors)
                status = 400
            else:
                messages.success(
                    request,
                    _("The introduction is saved and used in the report.")
                    if "adopt" in request.POST
                    else _("The letter is saved."),
                )
                return redirect("round-letter", pk=pk)
        else:
            status = 400
    return render(
        request,
        "reporting/letter.html",
        {"round": r, "form": form, "letter": current},
        status=status,
    )

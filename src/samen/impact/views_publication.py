"""Pages of the publication of impact figures: the proposals, the analyst's proposal
forms, the programme team's confirmation pages (approve with a preview of exactly what
becomes public, reject, withdraw) and the grants of access to unpublished figures.

Thin: `samen.impact.publication` decides and writes, `samen.impact.visibility` says who
may. A GET never changes anything; only the POST of a confirmation page takes the step.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.core.forms import add_errors
from samen.reporting.views import forbidden

from . import publication, visibility
from .models import EstimationRun, PublicationProposal, Register, UnpublishedAccess

STEPS = ("approve", "reject", "withdraw")
HEADINGS = {
    "approve": gettext_lazy("Approve the publication"),
    "reject": gettext_lazy("Reject the proposal"),
    "withdraw": gettext_lazy("Withdraw the publication of these figures"),
}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the programme team"),
        required=False,
        max_length=publication.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegistrationsProposalForm(NoteForm):
    register = forms.ModelChoiceField(
        label=gettext_lazy("Registry"), queryset=Register.objects.all(), empty_label=None
    )
    year_from = forms.IntegerField(label=gettext_lazy("First year"), min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label=gettext_lazy("Last year"), min_value=1900, max_value=2100)
    field_order = ["register", "year_from", "year_to", "note"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=publication.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the audit trail."),
    )


class DecisionNoteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note with the decision"),
        required=False,
        max_length=publication.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Optional; kept in the audit trail."),
    )


def _proposable_runs() -> Any:
    """Finished runs not yet proposed or published."""
    return (
        EstimationRun.objects.filter(state=EstimationRun.State.DONE, estimate__isnull=False)
        .exclude(
            proposals__state__in=(
                PublicationProposal.State.PROPOSED,
                PublicationProposal.State.APPROVED,
            )
        )
        .select_related("dataset")
        .order_by("-finished_at")
    )


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """All proposals by state, and for analysts what they can propose."""
    if not visibility.can_see_proposals(request.user):
        return forbidden(
            request, _("Only analysts and the programme team see publication proposals.")
        )
    everything = list(publication.proposals().order_by("-proposed_at"))
    state = PublicationProposal.State
    return render(
        request,
        "impact/publication/proposals.html",
        {
            "awaiting": [p for p in everything if p.state == state.PROPOSED],
            "approved": [p for p in everything if p.state == state.APPROVED],
            "closed": [p for p in everything if p.state in (state.REJECTED, state.WITHDRAWN)],
            "can_propose": visibility.can_propose(request.user),
            "can_decide": visibility.can_decide(request.user),
            "runs": list(_proposable_runs()) if visibility.can_propose(request.user) else [],
        },
    )


@login_required
def propose_registrations(request: HttpRequest) -> HttpResponse:
    if not visibility.can_propose(request.user):
        return forbidden(request, _("Only analysts propose figures for publication."))
    form = RegistrationsProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                p = publication.propose_registrations(
                    request.user, data["register"], data["year_from"], data["year_to"], data["note"]
                )
            except Invalid as exc:
                add_errors(form, exc.errors)
                status = 400
            else:
                messages.success(
                    request,
                    _("Proposed: the programme team decides whether these figures are published."),
                )
                return redirect("impact:proposal", pk=p.pk)
        else:
            status = 400
    return render(request, "impact/publication/propose.html", {"form": form}, status=status)


@login_required
def propose_run(request: HttpRequest, run_pk: int) -> HttpResponse:
    if not visibility.can_propose(request.user):
        return forbidden(request, _("Only analysts propose figures for publication."))
    run = get_object_or_404(EstimationRun.objects.select_related("dataset"), pk=run_pk)
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                p = publication.propose_run(request.user, run, form.cleaned_data["note"])
            except Invalid as exc:
                add_errors(form, exc.errors)
                status = 400
            else:
                messages.success(
                    request,
                    _("Proposed: the programme team decides whether these figures are published."),
                )
                return redirect("impact:proposal", pk=p.pk)
        else:
            status = 400
    return render(
        request, "impact/publication/propose_run.html", {"form": form, "run": run}, status=status
    )


def _preview_context(p: PublicationProposal) -> dict[str, Any]:
    preview = publication.preview(p)
    return {"preview": preview, "threshold": p.threshold}


@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    if not visibility.can_see_proposals(request.user):
        return forbidden(
            request, _("Only analysts and the programme team see publication proposals.")
        )
    p = get_object_or_404(publication.proposals(), pk=pk)
    context: dict[str, Any] = {"proposal": p, "can_decide": visibility.can_decide(request.user)}
    if p.state in (PublicationProposal.State.PROPOSED, PublicationProposal.State.APPROVED):
        context |= _preview_context(p)
    return render(request, "impact/publication/proposal.html", context)


@login_required
def proposal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    # Permission before lookup: others must not learn which ids exist.
    if not visibility.can_decide(request.user):
        return forbidden(request, _("Only the programme team decides on publication."))
    if step not in STEPS:
        return forbidden(request, _("Unknown step."))
    p = get_object_or_404(publication.proposals(), pk=pk)
    data = request.POST if request.method == "POST" else None
    form: forms.Form = DecisionNoteForm(data) if step == "approve" else ReasonForm(data)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if step == "approve":
                    publication.approve(request.user, p, reason)
                    done = _(
                        "Approved: these figures are now public, with small counts suppressed."
                    )
                elif step == "reject":
                    publication.reject(request.user, p, reason)
                    done = _("The proposal is rejected. Nothing of it is public.")
                else:
                    publication.withdraw(request.user, p, reason)
                    done = _("The publication is withdrawn: these figures are no longer public.")
            except Denied as exc:
                return forbidden(request, str(exc))
            except Invalid as exc:
                add_errors(form, exc.errors)
                status = 400
            else:
                messages.success(request, done)
                return redirect("impact:proposal", pk=p.pk)
        else:
            status = 400
    possible = {
        "approve": p.state == PublicationProposal.State.PROPOSED,
        "reject": p.state == PublicationProposal.State.PROPOSED,
        "withdraw": p.state == PublicationProposal.State.APPROVED,
    }[step]
    context: dict[str, Any] = {
        "proposal": p,
        "form": form,
        "step": step,
        "heading": HEADINGS[step],
        "possible": possible,
    }
    if step == "approve" and possible:
        context |= _preview_context(p)
    return render(request, f"impact/publication/{step}.html", context, status=status)


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    """Registers kept by an organisation, and whether it may read its unpublished
    registrations (programme team)."""
    if not visibility.can_grant(request.user):
        return forbidden(
            request, _("Only the programme team grants access to unpublished figures.")
        )
    registers = list(
        Register.objects.filter(organisation__isnull=False).select_related("organisation")
    )
    open_grants = {g.register_id: g for g in visibility.open_grants()}
    rows = [(r, open_grants.get(r.pk)) for r in registers]
    return render(
        request,
        "impact/publication/grants.html",
        {"rows": rows, "reason_form": ReasonForm(), "note_form": NoteForm()},
    )


@login_required
def grant(request: HttpRequest, register_pk: int) -> HttpResponse:
    if not visibility.can_grant(request.user):
        return forbidden(
            request, _("Only the programme team grants access to unpublished figures.")
        )
    if request.method != "POST":
        return redirect("impact:grants")
    register = get_object_or_404(Register, pk=register_pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid(
                {"note": _("At most %(max)s characters.") % {"max": publication.MAX_TEXT}}
            )
        publication.grant_access(request.user, register, form.cleaned_data["note"])
    except Invalid as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request,
            _("%(organisation)s can now read the unpublished registrations of %(register)s.")
            % {"organisation": register.organisation, "register": register.name},
        )
    return redirect("impact:grants")


@login_required
def revoke(request: HttpRequest, grant_pk: int) -> HttpResponse:
    if not visibility.can_grant(request.user):
        return forbidden(
            request, _("Only the programme team grants access to unpublished figures.")
        )
    if request.method != "POST":
        return redirect("impact:grants")
    found = get_object_or_404(UnpublishedAccess.objects.select_related("register"), pk=grant_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid({"reason": _("Give a reason: it is kept in the audit trail.")})
        publication.revoke_access(request.user, found, form.cleaned_data["reason"])
    except Invalid as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("The access has ended."))
    return redirect("impact:grants")

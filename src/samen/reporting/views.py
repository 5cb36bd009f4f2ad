"""Screens of the reporting process. Views parse forms, ask the access module
and call services; they hold no rules of their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.forms import add_errors, rebound_at_version
from samen.indicators import updates as indicator_updates
from samen.learning import harvest as learning_harvest
from samen.plan.models import Action, Organisation

from . import review, selectors, services
from .forms import (
    CommentForm,
    ExtensionForm,
    ProgressUpdateForm,
    ReasonForm,
    ReplyForm,
    ReportTextForm,
    ReturnForm,
    RoundForm,
)
from .models import TEXT_FIELDS, ProgressUpdate, ReportingRound, ReviewState


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    html = render_to_string("403.html", {"message": message}, request=request)
    return HttpResponseForbidden(html)


def _update(request: HttpRequest, pk: int) -> ProgressUpdate:
    """The update, if `request.user` may read it; 404 otherwise, whether it exists or not
    (as the API answers), so that nobody learns which ids exist."""
    return get_object_or_404(
        access.visible_updates(
            request.user,
            selectors.with_context(ProgressUpdate.objects.prefetch_related("milestones_reached")),
        ),
        pk=pk,
    )


def _round(request: HttpRequest, pk: int) -> ReportingRound:
    """The round, if `request.user` may see it; 404 otherwise (see _update)."""
    return get_object_or_404(access.visible_rounds(request.user), pk=pk)


# --- action holder ------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = selectors.inbox(request.user)
    return render(
        request,
        "reporting/my_tasks.html",
        {
            "tasks": tasks,
            "todo": sum(1 for t in tasks if t.update.review_state in selectors.OPEN_WORK),
            "involved": selectors.involved_updates(request.user),
        },
    )


def _update_form(update: ProgressUpdate, data: Any = None) -> ProgressUpdateForm:
    milestones = update.action.milestones.all()
    if data is not None:
        return ProgressUpdateForm(data, milestones=milestones)
    return ProgressUpdateForm(initial=ProgressUpdateForm.initial_for(update), milestones=milestones)


def _update_data(form: ProgressUpdateForm) -> services.UpdateData:
    data = form.cleaned_data
    return services.UpdateData(
        progress_status=data["progress_status"] or "",
        percent_complete=data["percent_complete"],
        achievements=data["achievements"],
        obstacles=data["obstacles"],
        help_needed=data["help_needed"],
        milestones_reached=[int(m) for m in data["milestones_reached"]],
        indicators=form.indicators(),
        clear={"percent_complete"} if data["percent_complete"] is None else set(),
    )


@login_required
def update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request, pk)
    if not access.can_view_update(request.user, update):
        return forbidden(request, _("You cannot see this progress update."))
    editable = access.can_edit_update(request.user, update)
    form = _update_form(update)
    values_form = indicator_updates.values_form(update)
    conflict = None
    status = 200
    if request.method == "POST":
        if not editable:
            try:
                access.check_edit(request.user, update)
            except Denied as exc:
                return forbidden(request, str(exc))
        form = _update_form(update, request.POST)
        values_form = indicator_updates.values_form(update, request.POST)  # issue 14
        if form.is_valid() and values_form.is_valid():
            try:
                update = services.save_draft(
                    request.user, update.pk, _update_data(form), form.cleaned_data["version"]
                )
                indicator_updates.save_values(request.user, update, values_form)
                # learning between partners (issue 15): "Wat hebben we geleerd?"
                learning_harvest.save_from_post(request.user, update, request.POST)
                if "submit" in request.POST:
                    services.submit(request.user, update.pk, update.version)
                    messages.success(
                        request,
                        _("Your update on %(code)s has been submitted.")
                        % {"code": update.action.code},
                    )
                    return redirect("my-tasks")
                messages.success(request, _("Draft saved."))
                return redirect("update", pk=update.pk)
            except services.Conflict as exc:
                conflict = exc
                status = 409
                current = exc.current
                form = rebound_at_version(
                    request.POST, current.version, lambda d: _update_form(current, d)
                )
            except services.Invalid as exc:
                add_errors(form, exc.errors)
                status = 400
            except Denied as exc:
                return forbidden(request, str(exc))
        else:
            status = 400
        update.refresh_from_db()
    return render(
        request,
        "reporting/update.html",
        {
            **_review_context(request, update),
            "update": update,
            "form": form,
            "editable": editable,
            "indicator_form": values_form,
            "conflict": conflict,
            "deadline": access.deadline_for(update),
            "show_review_comment": access.can_see_review_comment(request.user, update),
            "previous": selectors.previous_update(update),
            "history": selectors.history(request.user, update)[:10],
            "comments": update.comments.select_related("author", "organisation"),
            "comment_form": CommentForm() if access.can_comment(request.user, update) else None,
            "can_review": access.can_review(request.user)
            and update.review_state in selectors.TO_REVIEW,
            "report_form": _report_form(request.user, update),
            "return_form": ReturnForm(),
            "unapprove_form": ReasonForm() if access.can_unapprove(request.user, update) else None,
        },
        status=status,
    )


def _review_context(request: HttpRequest, update: ProgressUpdate) -> dict[str, Any]:
    """The review thread and, from two submissions on, what changed between two
    of them (`?van=1&tot=2`; by default the last two)."""
    if not access.can_see_review_comment(request.user, update):
        return {}
    kept = list(review.submissions(update).select_related("submitted_by"))
    context: dict[str, Any] = {
        "review_history": review.history(update),
        "reply_form": ReplyForm() if access.can_reply_in_review(request.user, update) else None,
        "submissions": kept,
    }
    if len(kept) >= 2:
        by_number = {s.number: s for s in kept}

        def pick(param: str, default: int) -> int:
            value = request.GET.get(param, "")
            return int(value) if value.isdigit() and int(value) in by_number else default

        old = pick("van", kept[-2].number)
        new = pick("tot", kept[-1].number)
        fields = review.diff(by_number[old], by_number[new])
        context.update(
            compare_from=old,
            compare_to=new,
            changes=[f for f in fields if f.changed],
            unchanged=[f.label for f in fields if not f.changed],
        )
    return context


def _report_form(user: Any, update: ProgressUpdate) -> ReportTextForm | None:
    if not access.can_edit_report_text(user, update) or update.review_state != ReviewState.APPROVED:
        return None
    return ReportTextForm(
        initial={
            "version": update.version,
            **{f"report_{n}": getattr(update, f"report_{n}") for n in TEXT_FIELDS},
        }
    )


@login_required
@require_POST
def update_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save a draft while the partner types. Answers with a status line
    and the new version number (out-of-band), never with an error page."""
    update = _update(request, pk)
    context: dict[str, Any] = {"update": update}
    form = _update_form(update, request.POST)
    values_form = indicator_updates.values_form(update, request.POST)  # issue 14
    if not (form.is_valid() and values_form.is_valid()):
        context["message"] = _("Not saved yet: check the fields marked in red.")
    else:
        try:
            update = services.save_draft(
                request.user, update.pk, _update_data(form), form.cleaned_data["version"]
            )
            indicator_updates.save_values(request.user, update, values_form)
            learning_harvest.save_from_post(request.user, update, request.POST)
            context.update(
                update=update,
                saved=True,
                message=_("Draft saved at %(time)s.")
                % {"time": date_format(timezone.localtime(), "H:i")},
            )
        except services.Conflict:
            context["message"] = _(
                "Someone else changed this update. Save to see both texts side by side."
            )
        except (Denied, services.Invalid) as exc:
            context["message"] = str(exc)
    return render(request, "reporting/_autosave.html", context)


@login_required
@require_POST
def update_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply in the review thread (programme team or the holder's organisation)."""
    update = _update(request, pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise services.Invalid({"text": _("Write a reply first.")})
        review.reply(request.user, update.pk, form.cleaned_data["text"])
        messages.success(request, _("Reply added to the review."))
    except Denied as exc:
        return forbidden(request, str(exc))
    except services.Invalid as exc:
        messages.error(request, str(exc))
    return redirect(reverse("update", args=[pk]) + "#review-history-title")


@login_required
@require_POST
def update_comment(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request, pk)
    if not access.can_view_update(request.user, update):
        return forbidden(request, _("You cannot see this progress update."))
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise services.Invalid({"text": _("Write a comment first.")})
        services.add_comment(request.user, update, form.cleaned_data["text"])
        messages.success(request, _("Comment added."))
    except Denied as exc:
        return forbidden(request, str(exc))
    except services.Invalid as exc:
        messages.error(request, str(exc))
    return redirect("update", pk=pk)


# --- programme team ---------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = (
        access.visible_rounds(request.user)
        .annotate(
            total=Count("updates"),
            submitted=Count("updates", filter=Q(updates__review_state__in=selectors.SUBMITTED)),
            approved=Count("updates", filter=Q(updates__review_state="approved")),
        )
        .order_by("-period_end", "-id")
    )
    return render(
        request,
        "reporting/round_list.html",
        {"rounds": rounds, "can_manage": access.can_manage_rounds(request.user)},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_rounds(request.user):
        return forbidden(request, _("Only the programme team creates reporting rounds."))
    actions = Action.objects.order_by("sort_key")
    default = [a.code for a in services.default_round_actions()]
    form = RoundForm(request.POST or None, actions=actions, initial={"actions": default})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            r = services.create_round(
                request.user,
                services.RoundData(
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    opens_on=data["opens_on"],
                    deadline=data["deadline"],
                    action_codes=data["actions"] or None,
                ),
            )
            messages.success(request, _("Round created. Check it, then open it for the partners."))
            return redirect("round", pk=r.pk)
        except services.Invalid as exc:
            add_errors(form, exc.errors)
    return render(
        request,
        "reporting/round_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if not access.can_see_round_dashboard(request.user):
        return _round_updates(request, r)
    board = selectors.dashboard(r)
    organisations = (
        Organisation.objects.filter(progress_updates__round=r).distinct().order_by("name")
    )
    return render(
        request,
        "reporting/round_dashboard.html",
        {
            "round": r,
            "board": board,
            "extension_form": ExtensionForm(organisations=organisations),
            "extensions": r.extensions.select_related("organisation"),
            "states": ReviewState.choices,
        },
    )


def _round_updates(request: HttpRequest, r: ReportingRound) -> HttpResponse:
    """Other roles: the round's approved updates that they may read."""
    if not access.visible_rounds(request.user).filter(pk=r.pk).exists():
        return forbidden(request, _("You cannot see this reporting round."))
    updates = selectors.with_context(
        access.visible_updates(request.user, r.updates.filter(review_state=ReviewState.APPROVED))
    ).order_by("action__sort_key", "organisation__name")
    return render(request, "reporting/round_updates.html", {"round": r, "updates": updates})


@login_required
@require_POST
def round_extension(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    organisations = Organisation.objects.filter(progress_updates__round=r).distinct()
    form = ExtensionForm(request.POST, organisations=organisations)
    try:
        if not form.is_valid():
            raise services.Invalid({k: " ".join(v) for k, v in form.errors.items()})
        org = organisations.get(code=form.cleaned_data["organisation"])
        services.grant_extension(request.user, r, org, form.cleaned_data["until"])
        messages.success(
            request,
            _("%(org)s may now report until %(until)s.")
            % {
                "org": org.name,
                "until": date_format(timezone.localtime(form.cleaned_data["until"]), "j F Y H:i"),
            },
        )
    except Denied as exc:
        return forbidden(request, str(exc))
    except services.Invalid as exc:
        messages.error(request, str(exc))
    return redirect("round", pk=pk)


@login_required
def review_queue(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if not access.can_review(request.user):
        return forbidden(request, _("Only the programme team reviews updates."))
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("update") if i.isdigit()]
        decision = request.POST.get("decision", "")
        if not ids:
            messages.error(request, _("Select at least one update."))
        else:
            result = services.bulk_review(
                request.user, ids, decision, request.POST.get("comment", "")
            )
            if result.done:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s update processed.",
                        "%(count)s updates processed.",
                        len(result.done),
                    )
                    % {"count": len(result.done)},
                )
            for update_id, reason in result.refused.items():
                messages.error(
                    request, _("Update %(id)s: %(reason)s") % {"id": update_id, "reason": reason}
                )
        return redirect("review-queue", pk=pk)
    queue = selectors.with_context(r.updates.filter(review_state__in=selectors.TO_REVIEW)).order_by(
        "submitted_at", "pk"
    )
    return render(request, "reporting/review_queue.html", {"round": r, "queue": queue})


@login_required
@require_POST
def update_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    update = _update(request, pk)
    try:
        if decision == "approve":
            services.approve(request.user, pk)
            messages.success(request, _("Approved."))
        elif decision == "unapprove":
            services.unapprove(request.user, pk, request.POST.get("reason", ""))
            messages.success(
                request, _("The approval is taken back; the update is waiting for review again.")
            )
        elif decision == "return":
            services.return_update(request.user, pk, request.POST.get("comment", ""))
            messages.success(
                request,
                _("Returned to %(org)s with your comment.")
                % {"org": update.organisation.short_name},
            )
        elif decision == "report-text":
            form = ReportTextForm(request.POST)
            if not form.is_valid():
                raise services.Invalid({"version": _("The form was incomplete; try again.")})
            texts = {n: form.cleaned_data[f"report_{n}"] for n in TEXT_FIELDS}
            services.edit_report_text(request.user, pk, texts, form.cleaned_data["version"])
            messages.success(request, _("Text for the report saved."))
        else:
            return forbidden(request, _("Unknown step."))
    except Denied as exc:
        return forbidden(request, str(exc))
    except (services.Invalid, services.Conflict) as exc:
        messages.error(request, str(exc))
    next_url = request.POST.get("next")
    if next_url == "queue":
        return redirect("review-queue", pk=update.round_id)
    return redirect("update", pk=pk)

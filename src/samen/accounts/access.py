"""Who may see and do what: the one place where access is decided.

Web views and the API both call these functions; nothing else decides access.
Each rule has a test that tries to break it (tests/reporting/test_access.py).

Rules:
* the programme team opens, closes and reviews rounds and sees everything; it can
  go back: reopen a closed round until it is published, withdraw a publication,
  take back an approval until the round closes;
* an action holder edits only its own organisation's updates, and only while
  the round is open and before the deadline (or its organisation's extension);
* an involved partner reads and comments on the updates of actions its
  organisation is involved in, once they are submitted;
* analysts and viewers read approved updates;
* nobody outside an organisation reads that organisation's unsubmitted work;
* the programme team's review comment is between the programme team and the
  organisation that wrote the update, in every state (`can_see_review_comment`);
* four eyes: nobody approves an update that they edited or submitted themselves
  (`check_approve`);
* only the programme team changes the budget and the motions; every signed-in
  role reads allocations and spending; funding lines and motions are public;
* only analysts upload overlap tables and start estimation runs; the programme team
  reads them; for everyone else they do not exist until published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from samen.reporting.models import ProgressUpdate, ReportingRound


class Denied(Exception):
    """An action the user may not take; the message says why, for the user."""


def role(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    return user.role


def is_programme(user: Any) -> bool:
    return role(user) == "programme"


def is_member(user: Any, organisation_id: int | None) -> bool:
    return (
        bool(role(user)) and organisation_id is not None and user.organisation_id == organisation_id
    )


# --- impact monitor: overlap datasets and estimation runs (issue 10) ----------------


def can_create_estimates(user: Any) -> bool:
    """Upload overlap tables, start and cancel estimation runs: analysts only."""
    return role(user) == "analyst"


def can_read_estimates(user: Any) -> bool:
    """Unpublished datasets and runs: analysts and the programme team (everyone else
    gets a 404, and sees published runs only, through samen.impact.visibility)."""
    return role(user) in ("analyst", "programme")


# --- rounds ----------------------------------------------------------------------


def can_manage_rounds(user: Any) -> bool:
    """Create, open, close rounds; grant extensions; publish."""
    return is_programme(user)


def can_review(user: Any) -> bool:
    return is_programme(user)


def can_see_round_dashboard(user: Any) -> bool:
    return is_programme(user)


def can_read_audit(user: Any) -> bool:
    return is_programme(user)


def can_unlock_logins(user: Any) -> bool:
    """See who is locked out after wrong passwords, and lift the lockout."""
    return is_programme(user)


def can_change_budget(user: Any) -> bool:
    """Funding lines, allocations and spending."""
    return is_programme(user)


# --- budget and parliament ----------------------------------------------------------


def can_view_budget(user: Any) -> bool:
    """Allocations and spending are the programme's own working figures until a
    progress letter publishes them: every signed-in role reads them, the public
    does not. (Funding lines and motions are public facts.)"""
    return bool(role(user))


def can_change_motions(user: Any) -> bool:
    """Motions and commitments: status, answer, the actions that carry them out; imports."""
    return is_programme(user)


# --- impact monitor: registrations (issue 10) -------------------------------------------


def can_manage_registrations(user: Any) -> bool:
    """Import registrations and link them to an estimate for the detection rate: analysts.
    (Who reads which figures is decided in samen.impact.visibility.)"""
    return role(user) == "analyst"


def can_open_impact_workspace(user: Any) -> bool:
    """The analysts' workspace pages (registrations with unpublished figures, links)."""
    return role(user) in ("analyst", "programme")


# --- indicators (issue 14) -----------------------------------------------------------


def can_define_indicators(user: Any) -> bool:
    """Define and change an action's indicators, baselines and targets."""
    return is_programme(user)


# --- progress updates ----------------------------------------------------------------

_SUBMITTED = ("submitted", "resubmitted", "approved")
_EDITABLE = ("not_started", "draft", "returned")


def visible_updates(
    user: Any, qs: QuerySet[ProgressUpdate] | None = None
) -> QuerySet[ProgressUpdate]:
    """The progress updates `user` may read."""
    from samen.plan.models import ActionOrganisation
    from samen.reporting.models import ProgressUpdate

    qs = qs if qs is not None else ProgressUpdate.objects.all()
    r = role(user)
    if not r:
        return qs.none()
    if r == "programme":
        return qs
    condition = Q(review_state="approved")
    if user.organisation_id:
        condition |= Q(organisation_id=user.organisation_id)
        involved = ActionOrganisation.objects.filter(
            organisation_id=user.organisation_id, role="involved"
        ).values("action_id")
        condition |= Q(action_id__in=involved, review_state__in=_SUBMITTED)
    return qs.filter(condition)


def can_view_update(user: Any, update: ProgressUpdate) -> bool:
    r = role(user)
    if not r:
        return False
    if r == "programme" or update.review_state == "approved":
        return True
    if is_member(user, update.organisation_id):
        return True
    return update.review_state in _SUBMITTED and is_involved(user, update)


def is_involved(user: Any, update: ProgressUpdate) -> bool:
    from samen.plan.models import ActionOrganisation

    return (
        bool(user.organisation_id)
        and ActionOrganisation.objects.filter(
            action_id=update.action_id, organisation_id=user.organisation_id, role="involved"
        ).exists()
    )


def deadline_for(update: ProgressUpdate) -> Any:
    """The deadline that applies to this update's organisation (extension included)."""
    from samen.reporting.models import Extension

    extension = Extension.objects.filter(
        round_id=update.round_id, organisation_id=update.organisation_id
    ).first()
    deadline = update.round.deadline
    return max(deadline, extension.until) if extension else deadline


def check_edit(user: Any, update: ProgressUpdate) -> None:
    """Raise Denied unless `user` may change the partner's text of `update`."""
    from django.utils.translation import gettext as _

    if role(user) != "holder" or not is_member(user, update.organisation_id):
        raise Denied(_("Only the action holder's own organisation can edit this update."))
    if update.round.status != "open":
        raise Denied(_("The reporting round is not open."))
    if update.review_state not in _EDITABLE:
        raise Denied(
            _(
                "This update has been submitted; it can be edited again if the programme team returns it."
            )
        )
    if timezone.now() > deadline_for(update):
        raise Denied(_("The deadline has passed. Ask the programme team for an extension."))


def can_edit_update(user: Any, update: ProgressUpdate) -> bool:
    try:
        check_edit(user, update)
    except Denied:
        return False
    return True


def check_review(user: Any, update: ProgressUpdate) -> None:
    from django.utils.translation import gettext as _

    if not can_review(user):
        raise Denied(_("Only the programme team reviews updates."))
    if update.round.status != "open":
        raise Denied(_("The reporting round is not open."))


def wrote_update(user: Any, update: ProgressUpdate) -> bool:
    """Whether `user` ever saved or submitted the partner's text of `update` (from the
    audit trail, so a role changed afterwards does not hide it). One query."""
    from samen.core.models import AuditEvent

    return (
        getattr(user, "pk", None) is not None
        and AuditEvent.objects.for_object(update)
        .filter(actor_id=user.pk, verb__in=("save", "submit"))
        .exists()
    )


def check_approve(user: Any, update: ProgressUpdate) -> None:
    """Raise Denied unless `user` may approve `update`: a reviewer, in an open round, who
    did not edit or submit it (four eyes)."""
    from django.utils.translation import gettext as _

    check_review(user, update)
    if wrote_update(user, update):
        raise Denied(
            _(
                "You edited or submitted this update yourself; another member of the "
                "programme team must approve it (four eyes)."
            )
        )


def can_approve(user: Any, update: ProgressUpdate) -> bool:
    try:
        check_approve(user, update)
    except Denied:
        return False
    return True


def can_see_review_comment(user: Any, update: ProgressUpdate) -> bool:
    """The review conversation (the programme team's return comments, replies, approvals
    taken back) and the submitted versions are meant for the organisation that wrote the
    update: the programme team and that organisation's members see them, in every state of
    the update; involved partners, analysts, viewers and other organisations do not, not
    even once the update is approved."""
    return is_programme(user) or is_member(user, update.organisation_id)


def can_comment(user: Any, update: ProgressUpdate) -> bool:
    r = role(user)
    if r == "programme":
        return True
    if r not in ("holder", "involved"):
        return False
    if is_member(user, update.organisation_id):
        return True
    return update.review_state in _SUBMITTED and is_involved(user, update)


def can_reply_in_review(user: Any, update: ProgressUpdate) -> bool:
    return is_programme(user) or (
        role(user) == "holder" and is_member(user, update.organisation_id)
    )


def can_edit_report_text(user: Any, update: ProgressUpdate) -> bool:
    """The programme team's editorial layer, until the round is closed."""
    return is_programme(user) and update.round.status != "closed"


def visible_rounds(
    user: Any, qs: QuerySet[ReportingRound] | None = None
) -> QuerySet[ReportingRound]:
    from samen.reporting.models import ReportingRound

    qs = qs if qs is not None else ReportingRound.objects.all()
    if is_programme(user):
        return qs
    if role(user):
        return qs.exclude(status="planned")
    return qs.none()


# --- progress report and publication ------------------------------------------------
# The public (anyone, logged in or not) sees a round only once the programme team
# has published it, and then only the approved updates' public text layer.


def can_publish_round(user: Any) -> bool:
    return is_programme(user)


def can_reopen_round(user: Any, r: ReportingRound) -> bool:
    """A closed round can be opened again until it is published."""
    return is_programme(user) and r.status == "closed" and r.published_at is None


def can_edit_letter(user: Any, r: ReportingRound) -> bool:
    """The introduction and the letter frame: the programme team, until published."""
    return is_programme(user) and r.published_at is None


def can_withdraw_publication(user: Any, r: ReportingRound) -> bool:
    return is_programme(user) and is_published(r)


def can_unapprove(user: Any, update: ProgressUpdate) -> bool:
    """An approval can be taken back by the programme team until the round closes."""
    return can_review(user) and update.review_state == "approved" and update.round.status == "open"


def can_generate_report(user: Any, r: ReportingRound) -> bool:
    """The internal progress report (the programme team's text layer) of a closed round."""
    return is_programme(user) and r.status == "closed" and r.snapshot is not None


def is_published(r: ReportingRound) -> bool:
    return r.status == "closed" and r.published_at is not None


def published_rounds(qs: QuerySet[ReportingRound] | None = None) -> QuerySet[ReportingRound]:
    """The rounds the public may see."""
    from samen.reporting.models import ReportingRound

    qs = qs if qs is not None else ReportingRound.objects.all()
    return qs.filter(status="closed", published_at__isnull=False)


def public_updates(qs: QuerySet[ProgressUpdate] | None = None) -> QuerySet[ProgressUpdate]:
    """The progress updates the public may see: approved, in a published round.
    Only their `public_*` text may be shown (see reporting.publication)."""
    from samen.reporting.models import ProgressUpdate

    qs = qs if qs is not None else ProgressUpdate.objects.all()
    return qs.filter(
        round__status="closed", round__published_at__isnull=False, review_state="approved"
    )


# --- learning between partners (issue 15) ---------------------------------------------
# Partners (action holders, involved partners) and the programme team read the whole
# space; each organisation writes and edits only its own entries; the programme team
# curates (good practice) and publishes. Analysts, viewers and the public see only what is
# published, and only its public layer (samen.learning.models, ADR 0007).

LEARNING_PARTNERS = ("programme", "holder", "involved")


def reads_learning_space(user: Any) -> bool:
    """The whole space, unpublished entries included."""
    return role(user) in LEARNING_PARTNERS


def can_write_learning(user: Any) -> bool:
    """Share a lesson, ask or answer a question: a partner or the programme team on behalf
    of its organisation."""
    return reads_learning_space(user) and bool(getattr(user, "organisation_id", None))


def can_edit_learning_entry(user: Any, entry: Any) -> bool:
    """A lesson or question: only its own organisation's partners (not even the programme
    team edits another organisation's words; it curates and publishes)."""
    return can_write_learning(user) and is_member(user, entry.organisation_id)


def can_curate_learning(user: Any) -> bool:
    """Mark a lesson as good practice; publish or withdraw an entry."""
    return is_programme(user)


def can_mark_helpful(user: Any, question: Any) -> bool:
    """The asking organisation (or the programme team) marks answers as helpful and closes."""
    return can_edit_learning_entry(user, question) or is_programme(user)


def visible_learning(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Lessons or questions `user` may read: all for partners, published ones otherwise
    (and then only their public layer may be shown)."""
    if reads_learning_space(user):
        return qs
    return qs.filter(published_at__isnull=False)

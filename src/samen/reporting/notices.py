"""What the reporting process tells people, through samen.notifications.

The kinds are registered when the app loads (apps.ReportingConfig.ready). Each
function below is called by a service inside its transaction and names the
event so that nobody hears of it twice; recipients are chosen here and checked
against samen.accounts.access, so no one is told about what they may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts import access
from samen.accounts.models import User
from samen.notifications import registry
from samen.notifications.services import notify

from .models import Comment, ProgressUpdate, Reminder, ReportingRound, ReviewMessage

HOLDER = (User.Role.HOLDER,)
PROGRAMME = (User.Role.PROGRAMME,)
KINDS = {
    "round_opened": registry.Kind(
        "reporting.round_opened",
        _("A reporting round opens"),
        _("Your organisation is asked to report on its actions."),
        "reporting/notices/round_opened_subject.txt",
        "reporting/notices/round_opened.txt",
        roles=HOLDER,
    ),
    "deadline": registry.Kind(
        "reporting.deadline",
        _("A deadline is near or has passed"),
        _("Your organisation still has progress updates to submit."),
        "reporting/email/reminder_subject.txt",
        "reporting/email/reminder.txt",
        roles=HOLDER,
    ),
    "submitted": registry.Kind(
        "reporting.update_submitted",
        _("An update is submitted for review"),
        _("An action holder submitted a progress update."),
        "reporting/notices/submitted_subject.txt",
        "reporting/notices/submitted.txt",
        default=registry.DAILY,
        roles=PROGRAMME,
    ),
    "returned": registry.Kind(
        "reporting.update_returned",
        _("Your update is returned"),
        _("The programme team asks for changes to your organisation's update."),
        "reporting/notices/returned_subject.txt",
        "reporting/notices/returned.txt",
        roles=HOLDER,
    ),
    "approved": registry.Kind(
        "reporting.update_approved",
        _("Your update is approved"),
        _("The programme team approved your organisation's update."),
        "reporting/notices/approved_subject.txt",
        "reporting/notices/approved.txt",
        roles=HOLDER,
    ),
    "unapproved": registry.Kind(
        "reporting.approval_taken_back",
        _("An approval is taken back"),
        _("The programme team reviews your organisation's update again."),
        "reporting/notices/unapproved_subject.txt",
        "reporting/notices/unapproved.txt",
        roles=HOLDER,
    ),
    "comment": registry.Kind(
        "reporting.comment",
        _("A comment is added"),
        _("Someone commented on an update you work on, or replied in its review."),
        "reporting/notices/comment_subject.txt",
        "reporting/notices/comment.txt",
    ),
}


def register_kinds() -> None:
    for kind in KINDS.values():
        registry.register(kind)


def _update_url(update: ProgressUpdate) -> str:
    return reverse("update", args=[update.pk])


def holders_of(organisation_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id__in=list(organisation_ids), role=User.Role.HOLDER, is_active=True
        )
    )


def programme_team() -> list[User]:
    return list(User.objects.filter(role=User.Role.PROGRAMME, is_active=True))


def round_opened(r: ReportingRound, reopened_at: Any = None) -> None:
    """The round opened (once), or was reopened (each time a new event)."""
    organisations = r.updates.values_list("organisation_id", flat=True).distinct()
    event = (
        f"reporting.round-reopened:{r.pk}:{reopened_at.isoformat()}"
        if reopened_at
        else f"reporting.round-opened:{r.pk}"
    )
    notify(
        KINDS["round_opened"].key,
        holders_of(organisations),
        event=event,
        url=reverse("my-tasks"),
        context={"round": r, "reopened": bool(reopened_at)},
    )


def update_submitted(update: ProgressUpdate) -> None:
    notify(
        KINDS["submitted"].key,
        programme_team(),
        event=f"reporting.submitted:{update.pk}:{update.version}",
        url=_update_url(update),
        context={"update": update},
    )


def _to_holder(key: str, update: ProgressUpdate, verb: str, **context: Any) -> None:
    notify(
        KINDS[key].key,
        holders_of([update.organisation_id]),
        event=f"reporting.{verb}:{update.pk}:{update.version}",
        url=_update_url(update),
        context={"update": update, **context},
    )


def update_returned(update: ProgressUpdate) -> None:
    _to_holder("returned", update, "returned", comment=update.review_comment)


def update_approved(update: ProgressUpdate) -> None:
    _to_holder("approved", update, "approved")


def approval_taken_back(update: ProgressUpdate, reason: str) -> None:
    _to_holder("unapproved", update, "unapproved", reason=reason)


def comment_added(comment: Comment) -> None:
    """The programme team, the holder's organisation and earlier commenters,
    each only if they may read the update; never the author."""
    update = comment.update
    earlier = Comment.objects.filter(update=update).exclude(author=None).values("author_id")
    people = User.objects.filter(
        Q(role=User.Role.PROGRAMME) | Q(organisation_id=update.organisation_id) | Q(pk__in=earlier),
        is_active=True,
    ).exclude(pk=comment.author_id)
    recipients = [u for u in people if access.can_view_update(u, update)]
    notify(
        KINDS["comment"].key,
        recipients,
        event=f"reporting.comment:{comment.pk}",
        url=_update_url(update) + "#comments-title",
        context={"update": update, "author": comment.author, "text": comment.text},
    )


def review_reply(message: ReviewMessage) -> None:
    """A reply in the review thread: the other side of the conversation."""
    update = message.update
    recipients = [
        u
        for u in [*programme_team(), *holders_of([update.organisation_id])]
        if u.pk != message.author_id and access.can_see_review_comment(u, update)
    ]
    notify(
        KINDS["comment"].key,
        recipients,
        event=f"reporting.review-reply:{message.pk}",
        url=_update_url(update) + "#review-history-title",
        context={"update": update, "author": message.author, "text": message.text, "review": True},
    )


def deadline_reminder(
    reminder: Reminder, deadline: Any, count: int, recipients: list[User]
) -> list[Any]:
    return notify(
        KINDS["deadline"].key,
        recipients,
        event=f"reporting.reminder:{reminder.pk}",
        url=reverse("my-tasks"),
        context={
            "round": reminder.round,
            "organisation": reminder.organisation,
            "kind": reminder.kind,
            "deadline": deadline,
            "count": count,
        },
    )

"""Reminders: before the deadline and when overdue, only to organisations that
have not submitted everything, never twice. They reach people as notifications
(samen.notifications): in the list in samen and by e-mail as each person chose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from samen.core import audit
from samen.notifications.services import deliver

from . import notices
from .models import Extension, ProgressUpdate, Reminder, ReportingRound
from .selectors import OPEN_WORK

# How long before the deadline the first reminder goes out.
BEFORE = dt.timedelta(days=int(getattr(settings, "SAMEN_REMINDER_DAYS_BEFORE", 7)))


@dataclass
class ReminderRun:
    sent: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # round, org, kind, recipients
    without_recipients: list[tuple[str, str]] = field(default_factory=list)


def due_kind(now: dt.datetime, deadline: dt.datetime) -> str | None:
    if now > deadline:
        return Reminder.Kind.OVERDUE
    if now >= deadline - BEFORE:
        return Reminder.Kind.BEFORE_DEADLINE
    return None


def send_reminders(now: dt.datetime | None = None) -> ReminderRun:
    now = now or timezone.now()
    run = ReminderRun()
    for r in ReportingRound.objects.open():
        extensions = dict(Extension.objects.filter(round=r).values_list("organisation_id", "until"))
        pending = (
            ProgressUpdate.objects.filter(round=r, review_state__in=OPEN_WORK)
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in pending:
            org_id = row["organisation_id"]
            deadline = max(r.deadline, extensions.get(org_id, r.deadline))
            kind = due_kind(now, deadline)
            if kind is None:
                continue
            _send_one(r, org_id, kind, deadline, row["n"], run)
    return run


def _send_one(
    r: ReportingRound, org_id: int, kind: str, deadline: dt.datetime, count: int, run: ReminderRun
) -> None:
    people = notices.holders_of([org_id])
    recipients = [u.email for u in people if u.email]
    try:
        with transaction.atomic():
            # The row is the promise "sent once": created first, in the same
            # transaction as the notifications, so a failed run is retried next time.
            reminder = Reminder.objects.create(
                round=r, organisation_id=org_id, kind=kind, recipients=recipients
            )
            org = reminder.organisation
            told = notices.deadline_reminder(reminder, deadline, count, people)
            if recipients:
                run.sent.append((r.title, org.short_name, kind, len(recipients)))
            else:
                run.without_recipients.append((r.title, org.short_name))
            audit.record(
                actor=None,
                kind="create",
                obj=reminder,
                verb="reminder",
                after={
                    "round": r.pk,
                    "organisation": org.code,
                    "kind": kind,
                    "recipients": len(recipients),
                },
            )
    except IntegrityError:
        return  # already sent in an earlier run
    # Also when this runs inside a longer transaction (the e-mails otherwise wait for its commit).
    deliver([n.pk for n in told])

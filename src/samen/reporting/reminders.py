"""Reminder e-mails: before the deadline and when overdue, only to
organisations that have not submitted everything, never twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samen.accounts.models import User
from samen.core import audit

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
    recipients = list(
        User.objects.filter(organisation_id=org_id, role=User.Role.HOLDER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    try:
        with transaction.atomic():
            # The row is the promise "sent once": created first, in the same
            # transaction as the sending, so a failed send is retried next run.
            reminder = Reminder.objects.create(
                round=r, organisation_id=org_id, kind=kind, recipients=recipients
            )
            org = reminder.organisation
            if recipients:
                _mail(r, org, kind, deadline, count, recipients)
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


def _mail(
    r: ReportingRound,
    org: object,
    kind: str,
    deadline: dt.datetime,
    count: int,
    recipients: list[str],
) -> None:
    context = {
        "round": r,
        "organisation": org,
        "kind": kind,
        "deadline": deadline,
        "count": count,
        "url": settings.SAMEN_BASE_URL.rstrip("/") + reverse("my-tasks"),
    }
    with translation.override("nl"):
        subject = render_to_string("reporting/email/reminder_subject.txt", context).strip()
        body = render_to_string("reporting/email/reminder.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=recipients)
    message.send()

"""Reminder e-mails: right organisations, right moment, never twice."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from samen.reporting import services
from samen.reporting.models import Reminder, ReportingRound
from samen.reporting.reminders import send_reminders

from .world import submitted


def at(world, days_before_deadline):
    return world.round.deadline - dt.timedelta(days=days_before_deadline)


def test_nothing_is_sent_long_before_the_deadline(world):
    assert send_reminders(now=at(world, 10)).sent == []
    assert mail.outbox == []


def test_before_the_deadline_only_organisations_with_open_work_hear(world):
    submitted(world.users.police, world.updates[("A.1", "police")])
    submitted(world.users.police, world.updates[("A.3", "police")])
    run = send_reminders(now=at(world, 3))
    assert [(org, kind) for _title, org, kind, _n in run.sent] == [("NGO", "before")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ngo@example.org"]
    assert "Herinnering" in message.subject and "Ronde 1" in message.subject
    assert "2 voortgangsrapportages" in message.body and "/mijn-taken" in message.body


def test_running_every_hour_never_sends_the_same_reminder_twice(world):
    for hours in range(0, 48):
        send_reminders(now=at(world, 3) + dt.timedelta(hours=hours))
    assert len(mail.outbox) == 2  # police and NGO, once each
    assert Reminder.objects.filter(kind="before").count() == 2


def test_overdue_reminder_once_and_respects_extensions(world):
    services.grant_extension(
        world.users.programme,
        world.round,
        world.orgs.ngo,
        world.round.deadline + dt.timedelta(days=7),
    )
    after_deadline = world.round.deadline + dt.timedelta(hours=2)
    run = send_reminders(now=after_deadline)
    kinds = {(org, kind) for _t, org, kind, _n in run.sent}
    assert ("Politie", "overdue") in kinds
    assert ("NGO", "before") in kinds and ("NGO", "overdue") not in kinds  # it has an extension
    assert send_reminders(now=after_deadline + dt.timedelta(hours=1)).sent == []
    overdue = next(m for m in mail.outbox if "politie@example.org" in m.to)
    assert "Verlopen" in overdue.subject


def test_closed_rounds_send_nothing(world):
    ReportingRound.objects.filter(pk=world.round.pk).update(status="closed")
    assert send_reminders(now=at(world, 1)).sent == []


def test_organisation_without_e_mail_is_reported_not_retried(world, capsys):
    world.users.ngo.email = ""
    world.users.ngo.save()
    ReportingRound.objects.filter(pk=world.round.pk).update(
        deadline=timezone.now() + dt.timedelta(days=2)
    )
    call_command("send_reminders")
    err = capsys.readouterr().err
    assert "no e-mail address for NGO" in err
    call_command("send_reminders")
    assert "no e-mail address" not in capsys.readouterr().err

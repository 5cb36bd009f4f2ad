"""Notifications: the events people wait for reach them in the app and by
e-mail (immediately, in a daily digest, or not), in their own language, and
nobody hears of one event twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from samen.core.models import AuditEvent
from samen.notifications import registry
from samen.notifications import services as notifications
from samen.notifications.models import Digest, Notification
from samen.reporting import notices, review, services
from tests.reporting.world import second_round, submitted


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit e-mails of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def returned(world, on_commit):
    Notification.objects.all().delete()  # the world's round opening is not what we test
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    with on_commit():
        services.return_update(world.users.programme, update.pk, "Hoeveel professionals?")
    update.refresh_from_db()
    return update


def test_the_holder_hears_at_once_that_its_update_was_returned(world, on_commit):
    returned(world, on_commit)
    to_police = [m for m in mail.outbox if m.to == ["politie@example.org"]]
    assert len(to_police) == 1
    message = to_police[0]
    assert message.subject == "Teruggestuurd: uw update over A.1"
    assert "Hoeveel professionals?" in message.body and "/rapportage/updates/" in message.body
    assert not [m for m in mail.outbox if "ngo@example.org" in m.to]
    notification = Notification.objects.get(recipient=world.users.police)
    assert notification.read_at is None and notification.emailed_at is not None


def test_messages_are_written_in_the_recipients_language(world, on_commit):
    world.users.police.language = "en"
    world.users.police.save()
    returned(world, on_commit)
    message = next(m for m in mail.outbox if m.to == ["politie@example.org"])
    assert message.subject == "Returned: your update on A.1"
    assert "returned your update on A.1" in message.body


def test_nobody_is_notified_twice_for_one_event(world, on_commit):
    update = returned(world, on_commit)
    police = world.users.police
    with on_commit():
        again = notifications.notify(
            "reporting.update_returned",
            [police, police],
            event=f"reporting.returned:{update.pk}:{update.version}",
            url="/",
            context={"update": update, "comment": "nogmaals"},
        )
        notices.update_returned(update)
    assert again == []
    assert Notification.objects.filter(recipient=police).count() == 1
    assert len([m for m in mail.outbox if m.to == ["politie@example.org"]]) == 1
    assert notifications.deliver() == 0  # and a retry run sends nothing either


def test_a_daily_digest_once_a_day_from_the_digest_hour(world, on_commit, settings):
    settings.SAMEN_DIGEST_HOUR = 7
    police = world.users.police
    notifications.set_preferences(
        police,
        "nl",
        {"reporting.update_returned": "daily", "reporting.update_approved": "daily"},
    )
    update = returned(world, on_commit)
    submitted(police, update)
    with on_commit():
        services.approve(world.users.programme, update.pk)
    assert not [m for m in mail.outbox if m.to == ["politie@example.org"]]
    today = timezone.localdate()
    early = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 30)))
    later = timezone.now() + dt.timedelta(hours=1)
    at_eight = max(later, timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0))))
    assert notifications.send_digests(now=early).digests == []
    for hour in range(3):  # hourly, like the reminders: still one digest
        notifications.send_digests(now=at_eight + dt.timedelta(hours=hour))
    digests = [m for m in mail.outbox if m.to == ["politie@example.org"]]
    assert len(digests) == 1
    assert digests[0].subject == "Uw dagelijkse overzicht: 2 meldingen"
    assert "Teruggestuurd: uw update over A.1" in digests[0].body
    assert "Goedgekeurd: uw update over A.1" in digests[0].body
    assert Digest.objects.filter(user=police).count() == 1


def test_off_means_only_in_the_list(world, on_commit):
    notifications.set_preferences(world.users.police, "nl", {"reporting.update_returned": "off"})
    returned(world, on_commit)
    assert not [m for m in mail.outbox if m.to == ["politie@example.org"]]
    assert Notification.objects.filter(recipient=world.users.police).count() == 1


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_undoes_nothing_and_is_retried(world, on_commit, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.BrokenBackend"
    update = returned(world, on_commit)
    update.refresh_from_db()
    assert update.review_state == "returned"  # the work stands
    assert Notification.objects.get(recipient=world.users.police).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len([m for m in mail.outbox if m.to == ["politie@example.org"]]) == 1


def test_the_programme_team_hears_of_submissions_in_its_digest(world, on_commit):
    with on_commit():
        submitted(world.users.police, world.updates[("A.1", "police")])
    told = Notification.objects.get(recipient=world.users.programme)
    assert (
        told.delivery == "daily" and told.subject == "Ingediend ter beoordeling: A.1 door Politie"
    )
    assert not Notification.objects.filter(
        recipient=world.users.police, kind="reporting.update_submitted"
    ).exists()


def test_a_comment_reaches_those_who_may_read_the_update_not_its_author(world, on_commit):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    with on_commit():
        services.add_comment(world.users.ngo_reader, update, "Wij doen graag mee.")
    told = set(
        Notification.objects.filter(kind="reporting.comment").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"politie", "programma"}
    with on_commit():
        review.reply(world.users.police, update.pk, "Dank!")
    replies = Notification.objects.filter(event__startswith="reporting.review-reply")
    assert [n.recipient.username for n in replies] == ["programma"]


def test_opening_a_round_tells_the_holders(world, on_commit):
    r = second_round(world)
    with on_commit():
        services.open_round(world.users.programme, r)
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == ["ngo@example.org", "politie@example.org"]
    assert "De rapportageronde Ronde 2 is open" in mail.outbox[0].subject


def test_the_list_shows_unread_notifications_and_marks_them_read(world, on_commit, client):
    returned(world, on_commit)
    client.force_login(world.users.police)
    page = client.get("/mijn-taken").content.decode()
    assert "1 ongelezen" in page
    listing = client.get("/meldingen").content.decode()
    assert "U hebt 1 ongelezen melding." in listing and "Teruggestuurd" in listing
    notification = Notification.objects.get(recipient=world.users.police)
    response = client.get(f"/meldingen/{notification.pk}")
    assert response["Location"] == f"/rapportage/updates/{world.updates[('A.1', 'police')].pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "ongelezen" not in client.get("/mijn-taken").content.decode()
    # Someone else's notification cannot be opened.
    client.force_login(world.users.ngo)
    assert client.get(f"/meldingen/{notification.pk}").status_code == 404


def test_choices_are_saved_per_kind_and_audited(world, client):
    client.force_login(world.users.police)
    page = client.get("/meldingen/instellingen").content.decode()
    assert "Uw update is teruggestuurd" in page
    assert "Er is een update ingediend" not in page  # a programme team's kind
    response = client.post(
        "/meldingen/instellingen",
        {
            "language": "en",
            "kind:reporting.round_opened": "immediately",
            "kind:reporting.deadline": "immediately",
            "kind:reporting.update_returned": "daily",
            "kind:reporting.update_approved": "off",
            "kind:reporting.approval_taken_back": "immediately",
            "kind:reporting.comment": "daily",
        }
        # Kinds of other apps (the learning space, issue 15) keep their defaults.
        | {
            f"kind:{k.key}": k.default
            for k in registry.kinds()
            if not k.key.startswith("reporting.") and k.for_role("holder")
        },
    )
    assert response.status_code == 302
    world.users.police.refresh_from_db()
    assert world.users.police.language == "en"
    event = AuditEvent.objects.get(verb="notification-preferences")
    assert event.after["reporting.update_approved"] == "off" and event.after["language"] == "en"
    bad = client.post("/meldingen/instellingen", {"language": "xx"})
    assert bad.status_code == 400

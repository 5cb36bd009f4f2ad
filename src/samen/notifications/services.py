"""The one way to notify people, and the sending of e-mails and digests.

`notify` is called by an app's service inside the transaction of the write
that caused the event: the notifications exist exactly when the write does.
E-mails go out after the commit (and `samen send-digests` retries any that
failed), so a mail server that is down never undoes a user's work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samen.core import audit

from . import registry
from .models import Digest, Notification, Preference

log = logging.getLogger(__name__)

# A notification whose e-mail failed is tried again for this long, then left in the list.
RETRY_FOR = dt.timedelta(days=2)


def language_of(user: Any) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in supported else settings.LANGUAGE_CODE


def absolute(url: str) -> str:
    return settings.SAMEN_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def deliveries(users: Iterable[Any], kind: registry.Kind) -> dict[int, str]:
    """How each of `users` wants `kind` delivered (one query)."""
    ids = [u.pk for u in users]
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind.key).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, kind.default) for pk in ids}


def notify(
    kind: str, recipients: Iterable[Any], *, event: str, url: str, context: dict[str, Any]
) -> list[Notification]:
    """Tell `recipients` about `event` (a key unique to the event, e.g.
    "reporting.returned:12:7"). Each person is told once per event, however
    often this is called; inactive accounts are skipped. `url` is the page the
    notification leads to (a path); `context` feeds the kind's templates, which
    are rendered in each recipient's language. Returns the new notifications.
    Raises KeyError for a kind no app registered."""
    spec = registry.get(kind)
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return []
    event = event[:200]
    already = set(
        Notification.objects.filter(event=event, recipient_id__in=people).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [u for pk, u in people.items() if pk not in already]
    how = deliveries(fresh, spec)
    created = []
    for user in fresh:
        with translation.override(language_of(user)):
            data = {**context, "recipient": user, "url": absolute(url)}
            subject = " ".join(render_to_string(spec.subject_template, data).split())[:300]
            body = render_to_string(spec.body_template, data).strip()
        try:
            with transaction.atomic():  # a concurrent call for the same event loses quietly
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        event=event,
                        subject=subject,
                        body=body,
                        url=url[:500],
                        delivery=how[user.pk],
                    )
                )
        except IntegrityError:
            continue
    now_ids = [n.pk for n in created if n.delivery == registry.IMMEDIATELY]
    if now_ids:
        transaction.on_commit(lambda: deliver(now_ids))
    return created


def _email(n: Notification) -> EmailMessage:
    with translation.override(language_of(n.recipient)):
        body = render_to_string(
            "notifications/email/single.txt",
            {
                "notification": n,
                "url": absolute(n.url),
                "settings_url": absolute(reverse("notification-settings")),
            },
        )
    return EmailMessage(subject=n.subject, body=body, to=[n.recipient.email])


def deliver(ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Send the e-mail of every immediate notification not sent yet (of `ids`,
    or all of the last two days). Each is claimed before sending, so two
    workers never send the same one; a failed send is released for a retry.
    Returns the number sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        delivery=registry.IMMEDIATELY,
        emailed_at__isnull=True,
        created_at__gte=now - RETRY_FOR,
        recipient__is_active=True,
    ).exclude(recipient__email="")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = 0
    for n in pending.select_related("recipient"):
        if not Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=now):
            continue  # someone else sent it
        try:
            _email(n).send()
            sent += 1
        except Exception:
            log.exception("notification %s: e-mail failed; it is tried again later", n.pk)
            Notification.objects.filter(pk=n.pk).update(emailed_at=None)
    return sent


# --- the daily digest ---------------------------------------------------------------


@dataclass
class DigestRun:
    retried: int = 0
    digests: list[tuple[str, int]] = field(default_factory=list)  # (username, notifications)


def digest_hour() -> int:
    """Local hour from which the day's digest goes out (SAMEN_DIGEST_HOUR, default 7)."""
    return int(getattr(settings, "SAMEN_DIGEST_HOUR", 7))


def send_digests(now: dt.datetime | None = None) -> DigestRun:
    """Send each person who chose the daily digest one e-mail with what is new,
    at most once a calendar day and not before the digest hour; retry immediate
    e-mails that failed. Safe to run every hour."""
    now = now or timezone.now()
    run = DigestRun(retried=deliver(now=now))
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return run
    waiting = (
        Notification.objects.filter(
            delivery=registry.DAILY,
            digest__isnull=True,
            emailed_at__isnull=True,
            created_at__lte=now,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .exclude(recipient__in=Digest.objects.filter(day=local.date()).values("user_id"))
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    per_user: dict[int, list[Notification]] = {}
    for n in waiting:
        per_user.setdefault(n.recipient_id, []).append(n)
    for items in per_user.values():
        user = items[0].recipient
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, day=local.date(), sent_at=now)
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    digest=digest, emailed_at=now
                )
                _digest_email(user, items).send()
        except IntegrityError:
            continue  # another run sent today's digest meanwhile
        except Exception:
            log.exception("digest for %s failed; it is tried again at the next run", user.pk)
            continue
        run.digests.append((user.get_username(), len(items)))
    return run


def _digest_email(user: Any, items: list[Notification]) -> EmailMessage:
    with translation.override(language_of(user)):
        context = {
            "recipient": user,
            "items": [(n, absolute(n.url)) for n in items],
            "count": len(items),
            "list_url": absolute(reverse("notifications")),
            "settings_url": absolute(reverse("notification-settings")),
        }
        subject = " ".join(
            render_to_string("notifications/email/digest_subject.txt", context).split()
        )
        body = render_to_string("notifications/email/digest.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


# --- the person's own choices and list ------------------------------------------------


def set_preferences(user: Any, language: str, choices: dict[str, str]) -> None:
    """Save `user`'s language and delivery per kind (only known kinds and values)."""
    known = {k.key for k in registry.kinds()}
    wrong = {k: v for k, v in choices.items() if k not in known or v not in registry.DELIVERIES}
    if wrong or language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"unknown choices: {wrong or language}")
    with transaction.atomic():
        before = {
            "language": user.language,
            **dict(Preference.objects.filter(user=user).values_list("kind", "delivery").order_by()),
        }
        for key, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=key, defaults={"delivery": delivery}
            )
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        after = {**before, **choices, "language": language}
        if after != before:
            audit.record(
                actor=user,
                kind="update",
                obj=user,
                verb="notification-preferences",
                before=before,
                after=after,
            )


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications (all, or `ids`) as read; returns how many changed.
    Reading is not audited: it changes nothing anyone else sees."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())

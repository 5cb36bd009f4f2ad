"""Notifications: one row per person per event, read in the app and sent by
e-mail immediately or in a daily digest, as each person chose per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DELIVERY_CHOICES = [
    ("immediately", _("By e-mail immediately")),
    ("daily", _("In a daily e-mail digest")),
    ("off", _("No e-mail (only in the list in samen)")),
]


class Digest(models.Model):
    """One daily digest e-mail to one person; unique per day, so a digest is
    never sent twice however often `samen send-digests` runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class Notification(models.Model):
    """What one person is told about one event, rendered in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=100)
    # Names the event; with the recipient it is unique, so nobody hears of one event twice.
    event = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=12, choices=DELIVERY_CHOICES)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="one_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class Preference(models.Model):
    """How one person wants one kind delivered; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=100)
    delivery = models.CharField(max_length=12, choices=DELIVERY_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.delivery}"

"""People and their organisation and role; API tokens; rate limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person working with the plan, on behalf of one organisation."""

    class Role(models.TextChoices):
        PROGRAMME = "programme", _("programme team")
        HOLDER = "holder", _("action holder")
        INVOLVED = "involved", _("involved partner")
        ANALYST = "analyst", _("analyst")
        VIEWER = "viewer", _("viewer")

    organisation = models.ForeignKey(
        "plan.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    is_demo = models.BooleanField(_("demo account"), default=False)
    # Notifications and e-mails are written in this language (pages follow the
    # language switch; an e-mail cannot).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> User:
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a new password or deactivating the account revokes its API tokens,
        whichever way it happens (the web, a command, the shell)."""
        password_changed = self._password is not None and not self._state.adding
        deactivated = not self.is_active and getattr(self, "_loaded_active", True)
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active
        if password_changed or (deactivated and not self._state.adding):
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )


def token_expiry() -> dt.datetime:
    """When a token made now expires (SAMEN_API_TOKEN_DAYS, default 90 days)."""
    return timezone.now() + dt.timedelta(days=settings.SAMEN_API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        """Tokens that open the API: not revoked, not expired, of an active account."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token itself is
    shown once, when it is made."""

    PREFIX = "samen_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # first characters, to tell tokens apart
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=token_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name[:100], key_hash=cls.hash(key), hint=key[:12]
        )
        return token, key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at <= timezone.now()


class Throttle(models.Model):
    """One counted request for a rate limit (password resets, unlock links, password
    changes): `scope` names the limit, `key` is a hash of who or what is counted (an
    address, an e-mail address, a user id), so no address is stored in the clear."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"

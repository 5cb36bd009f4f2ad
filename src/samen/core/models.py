"""What every app shares: translated fields, provenance, the audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def translated(obj: Any, field: str) -> str:
    """The value of `field_<lang>` in the active language, falling back to Dutch."""
    lang = (get_language() or "nl")[:2]
    for candidate in (lang, "nl", "en"):
        key = f"{field}_{candidate}"
        value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
        if value:
            return str(value)
    return ""


class Provenance(models.Model):
    """Where a fact comes from, and how sure we are of it.

    The bundled plan is compiled from public sources; not every part is
    confirmed. `confirmed=False` marks an inferred item, `inferred_fields`
    names the parts of a confirmed item that are inferred.
    """

    source = models.CharField(_("source"), max_length=500, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    inferred_fields = models.JSONField(_("inferred fields"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    @property
    def source_is_link(self) -> bool:
        return self.source.startswith(("http://", "https://"))

    @property
    def is_inferred(self) -> bool:
        return not self.confirmed or bool(self.inferred_fields)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One create, change or delete, with the state before and after.

    Append-only: the model refuses updates and deletes, the database refuses
    them too (triggers, see the migration), and every row carries the hash of
    its predecessor so that `samen audit verify` detects tampering.
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        ACTION = "action", _("action")

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    verb = models.CharField(max_length=60, blank=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=100, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of `hash` with SAMEN_AUDIT_KEY, a key the database does not hold
    # (ADR 0009). Blank only for events written before the key existed, which the
    # migration that introduced it sealed with a signed event.
    signature = models.CharField(max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_name} {self.kind} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")

    def payload(self) -> dict[str, Any]:
        """The fields the hash covers, in a stable form."""
        return event_payload(self)

    def compute_hash(self) -> str:
        return event_hash(self)


def event_payload(event: Any) -> dict[str, Any]:
    """The fields of an audit event that its hash covers (also for the historical models
    of migrations, hence a function of any object with these attributes)."""
    return {
        "timestamp": event.timestamp.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "kind": event.kind,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "previous_hash": event.previous_hash,
    }


def event_hash(event: Any) -> str:
    """SHA-256 of the event's content and its predecessor's hash (hex)."""
    # Round-trip through JSON first so the hash covers exactly what the
    # database stores (dates as strings, decimals as strings).
    canonical = json.loads(json.dumps(event_payload(event), cls=DjangoJSONEncoder))
    data = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class AuditChainHead(models.Model):
    """A single row that serialises writers of the audit chain.

    Each new event locks this row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
    serialises writers anyway), so two concurrent writes never fork the chain.
    """

    last_hash = models.CharField(max_length=64, blank=True)
    count = models.PositiveBigIntegerField(default=0)  # events in the chain

    def __str__(self) -> str:
        return f"audit chain head {self.count} {self.last_hash[:12]}"

    @classmethod
    def locked(cls) -> AuditChainHead:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Audit events must be written inside a transaction.")
        head, _created = cls.objects.select_for_update().get_or_create(pk=1)
        return head

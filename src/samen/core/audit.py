"""Writing and verifying the append-only audit trail.

Services call `record()` inside their transaction for every create, change
and delete; nothing else writes audit events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditChainHead, AuditEvent


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return str(actor.get_username())


def record(
    *,
    actor: Any,
    kind: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    verb: str = "",
) -> AuditEvent:
    """Append one event to the audit chain. Must run inside a transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    head = AuditChainHead.locked()
    now = timezone.now()
    event = AuditEvent(
        # Milliseconds, as Django's JSON serialiser keeps them: a backup made
        # with dumpdata then restores to events with the same hashes.
        timestamp=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_label(actor),
        kind=kind,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=before,
        after=after,
        previous_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_hash = event.hash
    head.save(update_fields=["last_hash"])
    return event


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    return before != after


@dataclass(frozen=True)
class VerifyProblem:
    event_id: int
    message: str


def verify() -> Iterator[VerifyProblem]:
    """Walk the chain from the start; yield every break found."""
    previous = ""
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            yield VerifyProblem(event.id, "link to the previous event is broken")
        if event.compute_hash() != event.hash:
            yield VerifyProblem(event.id, "content does not match its hash (changed after writing)")
        previous = event.hash
        last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        yield VerifyProblem(last_id, "the newest event is missing (deleted after writing)")

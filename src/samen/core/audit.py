"""Writing and verifying the append-only audit trail (ADR 0003, ADR 0009).

Services call `record()` inside their transaction for every create, change
and delete; nothing else writes audit events.

Three things make the trail hard to cut or forge, even for someone who can write to
the database:

* every event carries the SHA-256 of its content and of its predecessor (the chain);
* every event is signed: an HMAC-SHA256 of its hash with `SAMEN_AUDIT_KEY`, a key from
  the environment that the database never holds, so an inserted or recomputed event
  cannot carry a valid signature;
* after every committed write, a signed checkpoint of the chain head (number of events
  and newest hash) is appended to a file outside the database
  (`SAMEN_AUDIT_CHECKPOINT_DIR`), so deleting the newest events, or all of them, is
  seen: the chain is then shorter than a checkpoint that saw it.

`verify()` checks all three.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

EVENT_PURPOSE = "samen-audit-event/1"
CHECKPOINT_PURPOSE = "samen-audit-checkpoint/1"


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return str(actor.get_username())


def _mac(purpose: str, message: str, key: str | None = None) -> str:
    """HMAC-SHA256 (RFC 2104) of `message`, bound to `purpose`, as hex."""
    secret = (key if key is not None else settings.SAMEN_AUDIT_KEY).encode()
    if not secret:
        raise RuntimeError("SAMEN_AUDIT_KEY is not set; audit events cannot be signed.")
    return hmac.new(secret, f"{purpose}\n{message}".encode(), "sha256").hexdigest()


def sign(event_hash: str, key: str | None = None) -> str:
    """The signature of an event with hash `event_hash`."""
    return _mac(EVENT_PURPOSE, event_hash, key)


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
    """Append one signed event to the audit chain. Must run inside a transaction; a
    checkpoint of the chain head is written once the transaction commits."""
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
    event.signature = sign(event.hash)
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    _checkpoint_on_commit()
    return event


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    return before != after


# --- checkpoints outside the database ------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement "the chain had `count` events, the newest with `hash`".

    `kind` is "checkpoint", or "restore" when a backup was restored (older checkpoints
    beyond that point then describe events the restore did not bring back)."""

    count: int
    hash: str
    at: str
    kind: str = "checkpoint"

    def body(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "hash": self.hash, "at": self.at}

    def line(self, key: str | None = None) -> str:
        body = self.body()
        message = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return json.dumps({**body, "mac": _mac(CHECKPOINT_PURPOSE, message, key)}) + "\n"


def checkpoint_path(alias: str = "default") -> Path:
    """The append-only file of checkpoints for the database `alias`: one file per
    database, so that a machine with a development and a test database keeps both."""
    db = settings.DATABASES[alias]
    engine = str(db["ENGINE"]).rsplit(".", 1)[-1]
    name = str(db.get("NAME") or "memory")
    where = f"{engine}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{name}"
    # Readable, and unique per database (two SQLite files of one name in different folders).
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{engine}-{Path(name).stem}")
    digest = hashlib.sha256(where.encode()).hexdigest()[:8]
    return Path(settings.SAMEN_AUDIT_CHECKPOINT_DIR) / f"{label}-{digest}.jsonl"


def _append(line: str) -> None:
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write() of a short line with O_APPEND: lines of concurrent processes never mix.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint(kind: str = "checkpoint") -> Checkpoint:
    """Append a signed checkpoint of the committed chain head to the checkpoint file."""
    head = AuditChainHead.objects.filter(pk=1).first()
    point = Checkpoint(
        count=head.count if head else 0,
        hash=head.last_hash if head else "",
        at=timezone.now().isoformat(timespec="seconds"),
        kind=kind,
    )
    _append(point.line())
    return point


def _write_checkpoint_after_commit() -> None:
    write_checkpoint()


def _checkpoint_on_commit() -> None:
    """Write a checkpoint when the current transaction commits; once per transaction
    however many events it records (a callback registered inside a savepoint that is
    rolled back is dropped by Django, and the next event registers a new one)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _write_checkpoint_after_commit for entry in pending):
        return
    transaction.on_commit(_write_checkpoint_after_commit, robust=True)


@dataclass(frozen=True)
class VerifyProblem:
    event_id: int
    message: str


def read_checkpoints(path: Path | None = None) -> tuple[list[Checkpoint], list[str]]:
    """The authentic checkpoints of the file, in order, and a problem for every line
    that is not authentic (changed, or written without the key)."""
    path = path or checkpoint_path()
    if not path.exists():
        return [], []
    return parse_checkpoints(path.read_text().splitlines(), path.name)


def parse_checkpoints(lines: list[str], source: str) -> tuple[list[Checkpoint], list[str]]:
    """Checkpoint lines as written to the file (see `read_checkpoints`)."""
    points: list[Checkpoint] = []
    problems: list[str] = []
    path = Path(source)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            point = Checkpoint(
                count=int(data["count"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                kind=data["kind"],
            )
            authentic = hmac.compare_digest(point.line(), raw + "\n")
        except (ValueError, KeyError, TypeError):
            authentic = False
        if not authentic:
            problems.append(f"{path.name} line {number} is not an authentic checkpoint")
            continue
        points.append(point)
    return points, problems


def _effective(points: list[Checkpoint]) -> tuple[dict[int, Checkpoint], int]:
    """The checkpoints that still describe the chain (by count), and how many were
    superseded by a later restore marker."""
    by_count: dict[int, Checkpoint] = {}
    superseded = 0
    for point in points:
        if point.kind == "restore":
            dropped = [c for c in by_count if c > point.count]
            superseded += len(dropped)
            for c in dropped:
                del by_count[c]
        by_count.setdefault(point.count, point)
    return by_count, superseded


@dataclass
class Report:
    """What `verify` found: problems, and facts for the operator."""

    problems: list[VerifyProblem]
    events: int = 0
    signed: int = 0
    legacy: int = 0
    checkpoints: int = 0
    superseded: int = 0
    notes: list[str] | None = None

    @property
    def intact(self) -> bool:
        return not self.problems


def check(path: Path | None = None, points: list[Checkpoint] | None = None) -> Report:
    """Verify the whole trail: the chain, every signature, the head, the checkpoints.

    Detects an edited event (content does not match its hash), a recomputed chain or a
    forged insert (signature missing or wrong: needs the key, which the database does not
    hold), deleted events in the middle (broken link) and at the end or all of them
    (fewer events than a checkpoint saw). Events written before the key existed are
    accepted unsigned only as the start of the chain, before the signed seal that the
    migration introducing the key appended.

    `points`: check against these checkpoints instead of the file's (e.g. a backup's).
    """
    file_problems: list[str] = []
    if points is None:
        points, file_problems = read_checkpoints(path)
    wanted, superseded = _effective(points)
    report = Report(problems=[VerifyProblem(0, p) for p in file_problems], notes=[])
    previous = ""
    count = 0
    last_id = 0
    signed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        problems = report.problems
        if event.previous_hash != previous:
            problems.append(VerifyProblem(event.id, "link to the previous event is broken"))
        if event.compute_hash() != event.hash:
            problems.append(
                VerifyProblem(event.id, "content does not match its hash (changed after writing)")
            )
        if event.signature:
            signed_seen = True
            report.signed += 1
            if not hmac.compare_digest(sign(event.hash), event.signature):
                problems.append(
                    VerifyProblem(
                        event.id,
                        "signature does not match (forged, or its hash recomputed after writing)",
                    )
                )
        elif signed_seen:
            problems.append(
                VerifyProblem(event.id, "event is not signed (inserted without the audit key)")
            )
        else:
            report.legacy += 1
        point = wanted.get(count)
        if point is not None and not hmac.compare_digest(point.hash, event.hash):
            problems.append(
                VerifyProblem(
                    event.id,
                    f"differs from the checkpoint of {point.at}: event {count} was rewritten",
                )
            )
        previous = event.hash
        last_id = event.id
    report.events = count
    report.checkpoints = len(wanted)
    report.superseded = superseded
    if count and not signed_seen:
        report.problems.append(
            VerifyProblem(last_id, "no event is signed: the chain was not written by samen")
        )
    beyond = [c for c in wanted if c > count]
    if beyond:
        newest = wanted[max(beyond)]
        report.problems.append(
            VerifyProblem(
                last_id,
                f"{max(beyond) - count} newest event(s) missing: the checkpoint of {newest.at} "
                f"saw {max(beyond)} events, the database holds {count}",
            )
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.count != count):
        report.problems.append(
            VerifyProblem(last_id, "the newest event is missing (deleted after writing)")
        )
    if not points:
        report.notes.append(
            f"no checkpoints yet in {path or checkpoint_path()}: the end of the chain is "
            "checked against the database only"
        )
    return report


def verify() -> Iterator[VerifyProblem]:
    """Every problem `check` finds, in chain order."""
    yield from check().problems


def seal_legacy_chain(event_model: Any, head_model: Any, key: str) -> int:
    """For the migration that introduced signatures: append one signed event that
    seals the events written before (their number and newest hash), so that they are
    authenticated through the chain. Returns the number of events sealed."""
    events = event_model.objects.order_by("id")
    legacy = events.count()
    if not legacy:
        return 0
    newest = events.last()
    now = timezone.now()
    seal = event_model(
        timestamp=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor_id=None,
        actor_name="system",
        kind="action",
        verb="seal",
        object_type="core.auditevent",
        object_id=str(newest.pk),
        object_repr="audit trail sealed when signatures were introduced",
        before=None,
        after={"events": legacy, "hash": newest.hash, "at": now.isoformat()},
        previous_hash=newest.hash,
    )
    from .models import event_hash

    seal.hash = event_hash(seal)
    seal.signature = sign(seal.hash, key)
    seal.save()
    head_model.objects.update_or_create(
        pk=1, defaults={"last_hash": seal.hash, "count": legacy + 1}
    )
    return legacy

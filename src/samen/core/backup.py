"""`samen backup FILE` and `samen restore FILE`: the whole database as one portable JSON
document (gzip when FILE ends in .gz), between SQLite and PostgreSQL in either direction.

A backup holds Django's serialisation of every table that carries data (natural keys;
sessions, login attempts, rate-limit counters and queued tasks are left out, as they are
state of the running service), the number of rows per table, the audit chain's head, and
the authentic checkpoints of the audit trail (ADR 0009).

A restore goes into an empty, migrated database, in one transaction. Before it commits
it checks that every table holds as many rows as the backup says and that the audit
trail verifies (chain, signatures, the backup's checkpoints); otherwise nothing is
written. After the commit it appends a signed "restore" checkpoint to this
installation's checkpoint file, so that later verifications start from the restored
chain.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import audit
from .models import AuditChainHead, AuditEvent

FORMAT = "samen-backup/1"
# State of the running service, not data: not backed up.
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "accounts.throttle",
    "django_tasks_database",
)


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


def _excluded(label: str) -> bool:
    app = label.split(".")[0]
    return label in EXCLUDED or app in EXCLUDED


def _models() -> list[Any]:
    return [m for m in apps.get_models() if not _excluded(m._meta.label_lower)]


def counts() -> dict[str, int]:
    """Rows per backed-up table, by model label."""
    return {m._meta.label_lower: m._base_manager.count() for m in _models()}


def _open(path: Path, mode: str) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def backup(path: Path) -> dict[str, Any]:
    """Write the backup of the whole database to `path`; returns its summary (the
    document without the objects). Reads in one transaction, so the counts, the objects
    and the audit head describe one moment."""
    with transaction.atomic():
        out = io.StringIO()
        call_command(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={label}" for label in EXCLUDED],
            stdout=out,
        )
        objects = json.loads(out.getvalue())
        head = AuditChainHead.objects.filter(pk=1).first()
        points, _problems = audit.read_checkpoints()
        document = {
            "format": FORMAT,
            "createdAt": timezone.now().isoformat(timespec="seconds"),
            "database": connection.vendor,
            "counts": counts(),
            "audit": {
                "count": head.count if head else 0,
                "hash": head.last_hash if head else "",
            },
            "checkpoints": [point.line().rstrip("\n") for point in points],
            "objects": objects,
        }
    with _open(path, "w") as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    return {k: v for k, v in document.items() if k != "objects"}


@dataclass
class Restored:
    counts: dict[str, int]
    events: int
    checkpoints: int
    notes: list[str] = field(default_factory=list)


def _read(path: Path) -> dict[str, Any]:
    try:
        with _open(path, "r") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: no such file") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise BackupError(f"{path}: not a samen backup ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path}: not a samen backup (expected format {FORMAT})")
    return document


def restore(path: Path) -> Restored:
    """Restore the backup at `path` into this empty database. Raises BackupError, and
    writes nothing, when the database is not empty, the rows do not match the backup's
    counts, or the audit trail does not verify."""
    document = _read(path)
    expected: dict[str, int] = document["counts"]
    filled = {label: n for label, n in counts().items() if n and expected.get(label, 0)}
    if AuditEvent.objects.exists() or filled:
        raise BackupError(
            "The database is not empty: restore into a new, migrated database "
            f"(`samen migrate` first). Tables with data: {', '.join(sorted(filled)) or 'audit'}."
        )
    points, problems = audit.parse_checkpoints(document.get("checkpoints", []), path.name)
    if problems:
        raise BackupError(
            "The backup's audit checkpoints are not authentic: " + "; ".join(problems)
        )
    with tempfile.TemporaryDirectory() as folder:
        objects = Path(folder) / "objects.json"
        objects.write_text(json.dumps(document["objects"], ensure_ascii=False), encoding="utf-8")
        del document["objects"]
        try:
            with transaction.atomic():
                call_command("loaddata", str(objects), verbosity=0)
                actual = counts()
                wrong = {
                    label: (n, actual.get(label, 0))
                    for label, n in expected.items()
                    if actual.get(label, 0) != n
                }
                if wrong:
                    raise BackupError(
                        "Row counts differ from the backup (expected, restored): "
                        + ", ".join(f"{k} {v[0]}≠{v[1]}" for k, v in sorted(wrong.items()))
                    )
                report = audit.check(points=points)
                if report.problems:
                    raise BackupError(
                        "The restored audit trail does not verify: "
                        + "; ".join(p.message for p in report.problems[:5])
                    )
                head = AuditChainHead.objects.filter(pk=1).first()
                if (head.count if head else 0) != document["audit"]["count"]:
                    raise BackupError("The audit chain's head differs from the backup's.")
        except DatabaseError as exc:
            raise BackupError(f"The database refused the backup's data: {exc}") from exc
    audit.write_checkpoint(kind="restore")
    return Restored(counts=actual, events=report.events, checkpoints=report.checkpoints)

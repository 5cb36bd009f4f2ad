"""Shared by the plan import commands: read a file, report, exit non-zero on errors."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samen.plan import document as doc
from samen.plan import services
from samen.plan.export import read_bytes
from samen.plan.sheet_import import ImportOptions


def import_file(
    command: BaseCommand,
    path: Path,
    *,
    dry_run: bool,
    sheet: str | None = None,
    detail: bool = True,
) -> services.ImportReport:
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    size = path.stat().st_size
    if size > settings.SAMEN_MAX_UPLOAD_BYTES:
        raise CommandError(
            f"{path}: the file is {size:,} bytes; at most {settings.SAMEN_MAX_UPLOAD_BYTES:,} allowed"
        )
    try:
        raw, locate = read_bytes(path.read_bytes(), path.name, ImportOptions(sheet=sheet))
        report = services.parse_and_import(raw, dry_run=dry_run, locate=locate, filename=path.name)
    except doc.PlanDocumentInvalid as exc:
        raise CommandError(exc.summary()) from exc
    for line in report.lines(detail=detail):
        command.stdout.write(line)
    return report

"""Importing a plan file through the web: check first (a dry run), then
confirm. The uploaded file waits in a private folder between the two steps."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import document as doc
from . import services
from .export import read_bytes

ALLOWED_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check(content: bytes, filename: str, actor: object) -> services.ImportReport:
    """Raise PlanDocumentInvalid with every error, or report what would change."""
    if len(content) > settings.SAMEN_MAX_UPLOAD_BYTES:
        raise doc.PlanDocumentInvalid(
            [
                doc.DocumentError(
                    (),
                    _("the file is %(size)s bytes; at most %(max)s allowed")
                    % {
                        "size": f"{len(content):,}".replace(",", "."),
                        "max": f"{settings.SAMEN_MAX_UPLOAD_BYTES:,}".replace(",", "."),
                    },
                )
            ],
            filename,
        )
    raw, locate = read_bytes(content, filename)
    return services.parse_and_import(
        raw, actor=actor, dry_run=True, locate=locate, filename=filename
    )


def park(content: bytes, filename: str) -> str:
    """Keep a checked file until the user confirms; returns its token."""
    suffix = Path(filename).suffix.lower()
    token = secrets.token_urlsafe(16)
    (upload_dir() / f"{token}{suffix}").write_bytes(content)
    return f"{token}{suffix}"


def confirm(token: str, filename: str, actor: object) -> services.ImportReport:
    path = upload_dir() / Path(token).name  # never a path outside the folder
    if not path.is_file():
        raise FileNotFoundError(token)
    try:
        raw, locate = read_bytes(path.read_bytes(), filename)
        return services.parse_and_import(raw, actor=actor, locate=locate, filename=filename)
    finally:
        path.unlink(missing_ok=True)

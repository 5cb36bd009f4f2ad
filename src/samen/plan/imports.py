"""Importing a plan file through the web: check first (a preview of every
change), map what was not understood (headings, organisation names), then
confirm. The uploaded file waits in a private folder between the steps; the
confirmation writes exactly the previewed change or nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from samen.core.importing.names import name_key

from . import document as doc
from . import services
from .export import read_bytes
from .models import SavedHeadingMapping
from .sheet_import import ImportOptions

ALLOWED_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json", ".csv")


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def options_from(data: dict[str, Any] | None) -> ImportOptions:
    """ImportOptions from what the session keeps (see `options_data`)."""
    data = data or {}
    return ImportOptions(
        sheet=data.get("sheet") or None,
        headings=dict(data.get("headings") or {}),
        names={name_key(k): v for k, v in (data.get("names") or {}).items()},
        new_organisations=list(data.get("new_organisations") or []),
    )


def options_data(options: ImportOptions, names: dict[str, str]) -> dict[str, Any]:
    """What the session keeps: names as written (for the aliases they become)."""
    return {**asdict(options), "names": names}


def additions(data: dict[str, Any] | None) -> dict[str, Any]:
    """Organisations to add, and names mapped to existing organisations as their aliases."""
    data = data or {}
    new = list(data.get("new_organisations") or [])
    new_codes = {o["code"] for o in new}
    aliases: dict[str, list[str]] = {}
    for name, code in (data.get("names") or {}).items():
        if code and code not in new_codes:
            aliases.setdefault(code, []).append(name)
    return {"organisations": new, "aliases": aliases}


def _too_large(content: bytes, filename: str) -> None:
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


def check(
    content: bytes, filename: str, actor: object, data: dict[str, Any] | None = None
) -> services.ImportReport:
    """Raise PlanDocumentInvalid with every error (and how the file was
    understood), or report what would change (report.preview)."""
    _too_large(content, filename)
    raw, locate = read_bytes(content, filename, options_from(data))
    return services.parse_and_import(
        raw,
        actor=actor,
        dry_run=True,
        locate=locate,
        filename=filename,
        additions=additions(data),
    )


def park(content: bytes, filename: str) -> str:
    """Keep an uploaded file until the user confirms; returns its token."""
    suffix = Path(filename).suffix.lower()
    token = secrets.token_urlsafe(16)
    (upload_dir() / f"{token}{suffix}").write_bytes(content)
    return f"{token}{suffix}"


def parked(token: str) -> bytes:
    path = upload_dir() / Path(token).name  # never a path outside the folder
    if not path.is_file():
        raise FileNotFoundError(token)
    return path.read_bytes()


def confirm(
    token: str,
    filename: str,
    actor: object,
    data: dict[str, Any] | None = None,
    expected: str | None = None,
    layouts: dict[str, str] | None = None,
) -> services.ImportReport:
    """Write the previewed change. Raises PreviewOutdated when the change
    differs from the preview with digest `expected`; nothing is written then.
    `layouts`: heading_key -> layout key, to save the user's heading mappings
    for the next import from the same layout (same transaction)."""
    content = parked(token)
    raw, locate = read_bytes(content, filename, options_from(data))
    with transaction.atomic():
        report = services.parse_and_import(
            raw,
            actor=actor,
            locate=locate,
            filename=filename,
            additions=additions(data),
            expected=expected,
        )
        for heading, field in ((data or {}).get("headings") or {}).items():
            layout = (layouts or {}).get(heading)
            if layout:
                SavedHeadingMapping.objects.update_or_create(
                    layout=layout, heading=heading, defaults={"field": field}
                )
    (upload_dir() / Path(token).name).unlink(missing_ok=True)
    return report

"""Attachments of lessons: checked by content, stored under a random name through
Django's storage API (so object storage works), served only through a view that checks
access, their PDF and DOCX text extracted for search inside the safe parser's ceilings
(samen.core.safeload, ADR 0009)."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from samen.accounts.access import Denied
from samen.core import audit, safeload
from samen.core.errors import Invalid
from samen.core.safeparse import Limit

from . import search
from .models import Attachment, Lesson

MAX_PER_LESSON = 10
MAX_NAME = 200
# What each kind is served as; nothing else is accepted.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "txt": "text/plain; charset=utf-8",
}


def max_bytes() -> int:
    """The one upload limit (SAMEN_MAX_UPLOAD_BYTES, 10 MB), stated from here everywhere."""
    return int(settings.SAMEN_MAX_UPLOAD_BYTES)


def limit_text() -> str:
    """The limit as people read it: "10 MB", or "2,5 MB" in Dutch number format."""
    from django.utils.formats import number_format

    mb = max_bytes() / (1024 * 1024)
    return f"{number_format(mb, 0 if mb == int(mb) else 1)} MB"


# What a file's name promises; a file whose name says one of these must be that kind.
NAMED_KINDS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "png": "PNG",
    "jpeg": "JPEG",
}


def refusal(name: str, content: bytes) -> str:
    """Why the file is refused, in the user's language, or "" when it is accepted."""
    if len(content) > max_bytes():
        return _("The file is larger than %(max)s.") % {"max": limit_text()}
    if not content:
        return _("The file is empty.")
    kind = kind_of(content)
    if not kind:
        return _(
            "This kind of file is not accepted. Attach a PDF, Word (.docx) or Excel "
            "(.xlsx) document, a PNG or JPEG picture, or plain text."
        )
    extension = clean_name(name).rsplit(".", 1)[-1].lower() if "." in name else ""
    promised = NAMED_KINDS.get(extension)
    if promised and promised != kind:
        return _(
            "The file “%(name)s” is called a %(kind)s file, but its content is not. "
            "Attach the real %(kind)s file."
        ) % {"name": clean_name(name), "kind": KIND_NAMES[promised]}
    return ""


def _zip_kind(content: bytes) -> str:
    """docx or xlsx, from the parts inside the archive (never from the file name)."""
    limits = safeload.default_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if len(infos) > limits.parts:
                return ""
            if sum(i.file_size for i in infos) > limits.unpacked:
                return ""
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return ""
            if "[Content_Types].xml" not in names:
                return ""
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    return ""


def kind_of(content: bytes) -> str:
    """The kind of file the bytes are, or "" when it is not one we accept."""
    head = content[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if b"\x00" in content:
        return ""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""
    if any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in text[:100_000]):
        return ""
    return "txt"


def _extract(kind: str, content: bytes) -> str:
    """Text for search; a file whose text cannot be read is still accepted (an empty text)."""
    if kind == "txt":
        return content.decode("utf-8-sig")[:200_000]
    if kind not in ("pdf", "docx"):
        return ""
    parser = f"{kind}_text"
    limits = safeload.default_limits()
    try:
        if getattr(settings, "SAMEN_IMPORT_SANDBOX", True):
            text = safeload._run_child(parser, content, limits, {})
        else:
            from .extract import EXTRACTORS

            start = time.monotonic()
            text = EXTRACTORS[parser](content, limits)
            safeload._last.run = safeload.Run(
                kind=parser, seconds=time.monotonic() - start, outcome="in-process"
            )
    except Limit:
        return ""
    except Exception:  # a damaged file: kept, but not searchable
        return ""
    return "".join(c for c in str(text) if c in "\t\n" or ord(c) >= 32)


def clean_name(name: str) -> str:
    """The original name, for display and the download's name only (never a path)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if ord(c) >= 32 and c not in '<>:"|?*').strip(" .")
    return name[:MAX_NAME] or _("attachment")


def add(user: Any, lesson: Lesson, name: str, content: bytes) -> Attachment:
    from samen.accounts import access

    if not access.can_edit_learning_entry(user, lesson):
        raise Denied(_("Only the organisation that wrote this entry can change it."))
    problem = refusal(name, content)
    if problem:
        raise Invalid({"file": problem})
    kind = kind_of(content)
    if kind == "xlsx":
        try:
            safeload.check_xlsx(content, clean_name(name))
        except safeload.FileRefused as exc:
            raise Invalid({"file": str(exc)}) from None
    if lesson.attachments.count() >= MAX_PER_LESSON:
        raise Invalid(
            {"file": _("A lesson has at most %(max)s attachments.") % {"max": MAX_PER_LESSON}}
        )
    text = _extract(kind, content)
    stored = default_storage.save(f"learning/{uuid.uuid4().hex}", ContentFile(content))
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                lesson=lesson,
                name=clean_name(name),
                stored_as=stored,
                kind=kind,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                text=text,
                uploaded_by=user,
            )
            audit.record(
                actor=user,
                kind="create",
                obj=attachment,
                after={"name": attachment.name, "kind": kind, "size": len(content)},
            )
            search.index(lesson)
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment


def delete_file(attachment: Attachment) -> None:
    name = attachment.stored_as
    transaction.on_commit(lambda: default_storage.delete(name))


def is_public(attachment: Attachment) -> bool:
    """Whether the published copy of the lesson names this file (anyone may download it)."""
    lesson = attachment.lesson
    return lesson.published_at is not None and attachment.pk in lesson.public.get("attachments", [])


def remove(user: Any, attachment: Attachment) -> None:
    """Removes a file. A file on the public page stays until the lesson is withdrawn:
    the public page reads only the published copy, which must stay whole."""
    from samen.accounts import access

    lesson = attachment.lesson
    if not access.can_edit_learning_entry(user, lesson):
        raise Denied(_("Only the organisation that wrote this entry can change it."))
    lesson.refresh_from_db(fields=["public", "published_at"])
    if is_public(attachment):
        raise Invalid({"file": public_file_kept()})
    with transaction.atomic():
        audit.record(actor=user, kind="delete", obj=attachment, before={"name": attachment.name})
        delete_file(attachment)
        attachment.delete()
        search.index(lesson)


def public_file_kept() -> str:
    return _(
        "This file is on the public page of the published lesson, so it cannot be removed "
        "now. Ask the programme team to withdraw the lesson first; after that you can remove "
        "the file and have the lesson published again."
    )


def may_download(user: Any, attachment: Attachment) -> bool:
    """Partners: every attachment. Everyone else: only attachments that were part of the
    lesson when it was published (its public layer names them)."""
    from samen.accounts import access

    if access.reads_learning_space(user):
        return True
    return is_public(attachment)


def open_file(attachment: Attachment) -> Any:
    return default_storage.open(attachment.stored_as, "rb")

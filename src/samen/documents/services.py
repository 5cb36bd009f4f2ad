"""Writes of the documents app: asking for a report file and making it.

`request_report` checks access, reuses a stored file when its inputs are
unchanged (instant), and otherwise queues `generate` as a background task.
`generate` renders the file and stores it, telling its progress as it goes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.reporting.models import ReportingRound

from . import context, render
from .models import GeneratedReport

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")
FRAMES = ("report", "letter")
# Raise when the report's layout changes, so stored files are made again.
LAYOUT_VERSION = "1"
# A file still "being made" after this long was abandoned (a worker stopped): queue it again.
STALE_AFTER = dt.timedelta(minutes=15)


class Unavailable(ValueError):
    """This report cannot be made (bad format or language, round not ready)."""


def source_fingerprint(r: ReportingRound, layer: str) -> str:
    data = {
        "layout": LAYOUT_VERSION,
        "snapshot": r.snapshot,
        "published_at": r.published_at.isoformat() if r.published_at else None,
        "layer": layer,
        # The report compares with the round before; a newly closed or published
        # earlier round changes it.
        "previous": [
            (p.pk, p.published_at.isoformat() if p.published_at else None)
            for p in ReportingRound.objects.filter(status="closed", period_end__lt=r.period_end)
        ],
        "sections": [source(r, layer) for source in _section_sources()],
        "letter": context.letter_source(r, layer),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _section_sources() -> list[Any]:
    """The `source` function beside each function of SAMEN_REPORT_SECTIONS, where there is one."""
    modules = (import_module(path.rpartition(".")[0]) for path in settings.SAMEN_REPORT_SECTIONS)
    return [module.source for module in modules if callable(getattr(module, "source", None))]


def check_request(
    user: Any, r: ReportingRound, fmt: str, language: str, layer: str, frame: str = "report"
) -> None:
    if fmt not in render.FORMATS:
        raise Unavailable(
            _("Unknown format '%(value)s'; choose one of: %(choices)s")
            % {"value": fmt, "choices": ", ".join(render.FORMATS)}
        )
    if language not in LANGUAGES:
        raise Unavailable(
            _("Unknown language '%(value)s'; choose one of: %(choices)s")
            % {"value": language, "choices": ", ".join(LANGUAGES)}
        )
    if frame not in FRAMES:
        raise Unavailable(
            _("Unknown frame '%(value)s'; choose one of: %(choices)s")
            % {"value": frame, "choices": ", ".join(FRAMES)}
        )
    if layer == "public":
        if not access.is_published(r):
            raise Denied(_("This round has not been published."))
    elif layer == "report":
        if not access.is_programme(user):
            raise Denied(_("Only the programme team makes the progress report."))
        if not access.can_generate_report(user, r):
            raise Unavailable(_("Only a closed round has a progress report."))
    else:
        raise Unavailable(_("Unknown text layer."))


def request_report(
    user: Any,
    r: ReportingRound,
    fmt: str,
    language: str = "nl",
    layer: str = "report",
    frame: str = "report",
) -> GeneratedReport:
    """The stored file when it is current, else a queued job that will make it.
    `frame="letter"`: the report as the annex of the letter to parliament."""
    check_request(user, r, fmt, language, layer, frame)
    source = source_fingerprint(r, layer)
    with transaction.atomic():
        report, created = GeneratedReport.objects.select_for_update().get_or_create(
            round=r,
            format=fmt,
            language=language,
            layer=layer,
            frame=frame,
            defaults={"source": source},
        )
        current = report.source == source
        stale = (
            report.state in (GeneratedReport.State.QUEUED, GeneratedReport.State.RUNNING)
            and timezone.now() - report.requested_at > STALE_AFTER
        )
        if not created and current and report.state != GeneratedReport.State.FAILED and not stale:
            return report  # ready, or already being made
        report.source = source
        report.state, report.progress, report.step, report.error = "queued", 0, "", ""
        report.content, report.task_id = None, ""
        report.requested_by = user if getattr(user, "is_authenticated", False) else None
        report.requested_at = timezone.now()
        report.save()
        audit.record(
            actor=user,
            kind="create" if created else "update",
            obj=report,
            verb="request-report",
            after={
                "round": r.pk,
                "format": fmt,
                "language": language,
                "layer": layer,
                "frame": frame,
            },
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from .tasks import generate_report

    result = generate_report.enqueue(report_id)
    GeneratedReport.objects.filter(pk=report_id, task_id="").update(task_id=str(result.id)[:64])


def generate(report_id: int) -> GeneratedReport:
    """Make the file of a queued report and store it (run by the task worker)."""
    report = GeneratedReport.objects.select_related("round").get(pk=report_id)
    if report.state == GeneratedReport.State.DONE:
        return report
    started = time.perf_counter()

    def tell(percent: int, step: str) -> None:
        GeneratedReport.objects.filter(pk=report_id).update(
            state="running", progress=min(percent, 99), step=step[:200]
        )

    try:
        tell(5, "collect")
        ctx = context.build(report.round, report.layer, report.language)
        rendered = render.render(ctx, report.format, tell, frame=report.frame)
    except Exception as exc:
        log.exception("report %s failed", report_id)
        GeneratedReport.objects.filter(pk=report_id).update(
            state="failed", error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    GeneratedReport.objects.filter(pk=report_id).update(
        state="done",
        progress=100,
        step="done",
        content=rendered.content,
        filename=rendered.filename,
        content_type=rendered.content_type,
        size=len(rendered.content),
        seconds=time.perf_counter() - started,
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report

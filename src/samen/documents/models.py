"""Generated report files, kept so that a second download is instant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GeneratedReport(models.Model):
    """One file of one round's report: per format, language, text layer and
    frame (the report alone, or inside the letter to parliament).

    `source` is a fingerprint of what went into it (the snapshot, the
    publication); when that changes, the file is made again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    # What the worker is doing, shown in the reader's language (`step` holds the key).
    STEPS = {
        "collect": _("Collecting the round's results"),
        "charts": _("Drawing the charts"),
        "docx": _("Writing the Word document"),
        "pdf": _("Laying out the PDF pages"),
        "html": _("Writing the HTML document"),
        "done": _("Done"),
    }

    round = models.ForeignKey(
        "reporting.ReportingRound", on_delete=models.CASCADE, related_name="generated_reports"
    )
    format = models.CharField(max_length=4)
    language = models.CharField(max_length=2, default="nl")
    layer = models.CharField(max_length=6, default="report")
    # "report": the report on its own; "letter": inside the letter to parliament.
    frame = models.CharField(max_length=6, default="report")
    source = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    content = models.BinaryField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "format", "language", "layer", "frame"],
                name="one_file_per_report_variant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.format.upper()} ({self.language})"

    @property
    def step_label(self) -> str:
        return str(self.STEPS.get(self.step, ""))

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.DONE and self.content is not None

"""Overlap datasets (capture-history tables between registers) and estimation runs.

A run's result is immutable once stored: it records the dataset's content hash, the
method, options, seed and engine version, so the same run can be repeated and must give
the same numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverlapDataset(models.Model):
    """An aggregated capture-history table: one 0/1 column per list and a count column,
    optionally covariate or stratum columns. Stored as the CSV text the engine reads."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # [{"column": "A", "register": <Register id or null>, "label": "Politie"}, ...]
    lists = models.JSONField(_("lists"), default=list)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    population_definition = models.TextField(_("population definition"), blank=True)
    exploitation_form = models.ForeignKey(
        "plan.ExploitationForm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exploitation form"),
    )
    age_group = models.ForeignKey(
        "plan.AgeGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("age group"),
    )
    content = models.TextField(_("table (CSV)"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    observed = models.PositiveIntegerField(_("observed cases"), default=0)
    demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("overlap dataset")
        verbose_name_plural = _("overlap datasets")

    def __str__(self) -> str:
        return self.name


class EstimationRun(models.Model):
    """One estimation of the hidden number on one dataset with one method."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    dataset = models.ForeignKey(
        OverlapDataset, on_delete=models.PROTECT, related_name="runs", verbose_name=_("dataset")
    )
    method = models.CharField(_("method"), max_length=40)
    options = models.JSONField(_("options"), default=dict, blank=True)
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)  # 0..1
    progress_note = models.CharField(max_length=200, blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The result, written once when the run is done (immutable afterwards).
    dataset_hash = models.CharField(max_length=64, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    estimate = models.FloatField(_("estimate"), null=True, blank=True)
    lower = models.FloatField(_("lower bound"), null=True, blank=True)
    upper = models.FloatField(_("upper bound"), null=True, blank=True)
    interval_kind = models.CharField(max_length=60, blank=True)  # e.g. "bca", "profile"
    model_terms = models.JSONField(default=list, blank=True)
    fit = models.JSONField(default=dict, blank=True)  # deviance, df, AIC, BIC, ...
    warnings = models.JSONField(default=list, blank=True)  # engine's coded messages
    result = models.JSONField(default=dict, blank=True)  # the engine's full result
    error = models.TextField(blank=True)  # coded message when state == failed

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("estimation run")
        verbose_name_plural = _("estimation runs")

    def __str__(self) -> str:
        return f"{self.dataset} / {self.method_label}"

    @property
    def interval_label(self) -> str:
        """How the interval was made, in the active language (the engine's full words,
        kept in `result`; the `interval_kind` column holds only their start)."""
        from samen.impact.interval_labels import interval_label

        return interval_label((self.result or {}).get("intervalKind") or self.interval_kind)

    @property
    def method_label(self) -> str:
        """The method's name for people (never its code), in the active language."""
        from samen.impact.runs import method_label

        return method_label(self.method)

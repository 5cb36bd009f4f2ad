"""Stored public tables and charts (issue 10, performance): what disclosure control and
the chart renderer made of the published figures, kept until the figures change.

Not audited and not shown to anyone: a row is derived data, rebuilt from the figures
whenever its fingerprint no longer matches (see `samen.impact.snapshots`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicSnapshot(models.Model):
    """One stored result, by key (e.g. ``tables:10:nl``), valid while ``fingerprint``
    equals the fingerprint of the figures it was made from."""

    key = models.CharField(_("stored result"), max_length=200, unique=True)
    fingerprint = models.CharField(_("fingerprint of the figures"), max_length=64)
    payload = models.BinaryField(_("stored content"))
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stored public table")
        verbose_name_plural = _("stored public tables")

    def __str__(self) -> str:
        return self.key

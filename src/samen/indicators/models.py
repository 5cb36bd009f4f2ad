"""Indicators (issue 14): what an action must deliver, measured round after round.

An indicator belongs to one action and has a baseline and one or more targets.
Holders report a value per indicator (and per member of its disaggregation) in
each progress update; the values follow the update through review and approval.
How values combine over time and whether an indicator is on track is decided in
`samen.indicators.progress` (pure functions, see docs/indicators.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samen.core.models import Provenance, translated


class Indicator(Provenance):
    class Kind(models.TextChoices):
        NUMBER = "number", pgettext_lazy("indicator kind", "Number")
        PERCENTAGE = "percentage", pgettext_lazy("indicator kind", "Percentage")
        YES_NO = "yes_no", pgettext_lazy("indicator kind", "Yes/no")
        MILESTONE = "milestone", pgettext_lazy("indicator kind", "Milestone")

    class Direction(models.TextChoices):
        UP = "up", _("higher is better")
        DOWN = "down", _("lower is better")

    class Combination(models.TextChoices):
        PER_PERIOD = "per_period", _("per period")
        CUMULATIVE = "cumulative", _("cumulative")
        LATEST = "latest", _("latest value")

    class Disaggregation(models.TextChoices):
        NONE = "", _("not broken down")
        EXPLOITATION_FORM = "exploitation_form", _("by exploitation form")
        AGE_GROUP = "age_group", _("by age group")

    action = models.ForeignKey(
        "plan.Action", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("action")
    )
    code = models.CharField(_("code"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NUMBER)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    combination = models.CharField(
        _("values over time"),
        max_length=12,
        choices=Combination.choices,
        default=Combination.PER_PERIOD,
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    disaggregation = models.CharField(
        _("broken down"),
        max_length=20,
        choices=Disaggregation.choices,
        default=Disaggregation.NONE,
        blank=True,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    # No longer asked in new rounds; kept with its values in past rounds (an
    # indicator with values in a published round cannot be deleted).
    retired = models.BooleanField(_("no longer in use"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["action", "code"], name="one_indicator_code_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")

    @property
    def is_binary(self) -> bool:
        return self.kind in (self.Kind.YES_NO, self.Kind.MILESTONE)


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    date = models.DateField(_("target date"))

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="one_target_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value} ({self.date:%Y-%m-%d})"


class IndicatorValue(models.Model):
    """A value reported in one progress update: for the indicator as a whole
    (no member) or for one member of its disaggregation."""

    update = models.ForeignKey(
        "reporting.ProgressUpdate",
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("progress update"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
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
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.TextField(_("note on the value"), blank=True)

    class Meta:
        ordering = ["update", "indicator", "id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["update", "indicator", "exploitation_form", "age_group"],
                name="one_value_per_indicator_member",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(exploitation_form__isnull=True) | Q(age_group__isnull=True),
                name="value_one_breakdown_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def member(self) -> models.Model | None:
        return self.exploitation_form or self.age_group

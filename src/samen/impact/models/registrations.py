"""Registers and the aggregated counts of presumed victims they registered.

Counts from different registers (e.g. CoMensha's registrations and the National
Rapporteur's victim monitor) use different definitions: they are never added up.
A blank dimension (form, age group, gender) means "total over that dimension".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.core.models import translated


class Status(models.TextChoices):
    """Where a figure comes from."""

    PUBLISHED = "published", _("published")
    DERIVED = "derived", _("derived")  # computed from published percentages or totals
    DEMO = "demo", _("demo")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other or unknown")


class Register(models.Model):
    """A register or statistic that counts presumed victims, with its definition."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "plan.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registers",
        verbose_name=_("organisation"),
    )
    definition = models.TextField(_("population definition"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class Registration(models.Model):
    """Presumed victims registered in one year by one register, for one cell of
    exploitation form x age group x gender (blank = total over that dimension)."""

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("register")
    )
    year = models.PositiveSmallIntegerField(_("year"))
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
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    count = models.PositiveIntegerField(_("number of presumed victims"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["register", "year"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "exploitation_form", "age_group", "gender"],
                name="impact_registration_one_cell",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.year}: {self.count}"


class ExternalEstimate(models.Model):
    """An estimate of the total number of victims published elsewhere (e.g. the
    National Rapporteur's multiple systems estimates), per year over a period."""

    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    estimate_per_year = models.PositiveIntegerField(_("estimate per year"))
    lower = models.PositiveIntegerField(_("lower bound"), null=True, blank=True)
    upper = models.PositiveIntegerField(_("upper bound"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=300, blank=True)
    population_definition = models.TextField(_("population definition"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)

    class Meta:
        ordering = ["period_start"]
        verbose_name = _("published estimate")
        verbose_name_plural = _("published estimates")

    def __str__(self) -> str:
        return f"{self.period_start}-{self.period_end}: {self.estimate_per_year}"


class DetectionLink(models.Model):
    """The analyst's explicit statement that registrations of one register (for a form
    and age group, blank = total) count the same population as an estimate, so that
    registered / estimated is a detection rate. Exactly one of `run` and
    `external_estimate` is set."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="detection_links")
    run = models.ForeignKey(
        "impact.EstimationRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detection_links",
    )
    external_estimate = models.ForeignKey(
        ExternalEstimate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detection_links",
    )
    exploitation_form = models.ForeignKey(
        "plan.ExploitationForm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age_group = models.ForeignKey(
        "plan.AgeGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("detection-rate link")
        verbose_name_plural = _("detection-rate links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(run__isnull=False, external_estimate__isnull=True)
                | models.Q(run__isnull=True, external_estimate__isnull=False),
                name="impact_detectionlink_one_estimate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.register} / {self.run or self.external_estimate}"

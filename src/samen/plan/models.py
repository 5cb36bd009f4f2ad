"""The action plan: goals, action lines, actions, organisations, taxonomies,
versions.

Taxonomies (exploitation forms, age groups, organisation types) are rows, not
enums in code, so another country can load its own plan.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samen.core.models import Provenance, translated


class TaxonomyTerm(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class ExploitationForm(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("exploitation form")
        verbose_name_plural = _("exploitation forms")


class AgeGroup(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")


class OrganisationType(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")


class Plan(models.Model):
    """The one action plan this installation runs."""

    code = models.SlugField(max_length=80, unique=True)
    title_nl = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, default="NL")
    dossier = models.CharField(max_length=100, blank=True)
    ambition_nl = models.TextField(blank=True)
    ambition_en = models.TextField(blank=True)
    ambition_source = models.CharField(max_length=500, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def ambition(self) -> str:
        return translated(self, "ambition")


class Organisation(Provenance):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    # Other ways people write the name ("Min. JenV"): the imports recognise them.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    type = models.ForeignKey(
        OrganisationType,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("type"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class StrategicGoal(Provenance):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    name_nl = models.TextField(_("name (Dutch)"))
    name_en = models.TextField(_("name (English)"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class ActionLine(Provenance):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    # The official name of a line may be unknown; it is then left empty and
    # shown as such, never invented.
    name_nl = models.CharField(_("name (Dutch)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")

    def __str__(self) -> str:
        return self.label

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        if self.name:
            return gettext("Action line %(number)s: %(name)s") % {
                "number": self.number,
                "name": self.name,
            }
        return gettext("Action line %(number)s") % {"number": self.number}


class ActionQuerySet(models.QuerySet):
    def with_relations(self) -> ActionQuerySet:
        """Everything a list of actions shows, in a fixed number of queries."""
        return self.select_related("action_line").prefetch_related(
            "strategic_goals",
            "exploitation_forms",
            "age_groups",
            models.Prefetch(
                "roles",
                queryset=ActionOrganisation.objects.select_related("organisation").order_by(
                    "role", "order", "organisation__name"
                ),
            ),
        )

    def for_document(self) -> ActionQuerySet:
        """Everything the plan document holds of an action (see selectors.action_data)."""
        return self.with_relations().prefetch_related("milestones", "indicators__targets")

    def for_organisation(
        self, organisation: Organisation, role: str | None = None
    ) -> ActionQuerySet:
        condition = Q(roles__organisation=organisation)
        if role:
            condition &= Q(roles__role=role)
        return self.filter(pk__in=Action.objects.filter(condition).values("pk"))


class Action(Provenance):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", pgettext_lazy("action status", "Not recorded")
        PLANNED = "planned", pgettext_lazy("action status", "Planned")
        RUNNING = "running", pgettext_lazy("action status", "Running")
        COMPLETED = "completed", pgettext_lazy("action status", "Completed")
        STOPPED = "stopped", pgettext_lazy("action status", "Stopped")

    class Kind(models.TextChoices):
        ACTION = "action", _("action")
        THEME = "theme", _("theme (concrete actions not yet known)")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ACTION)
    action_line = models.ForeignKey(
        ActionLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("action line"),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    strategic_goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="actions", verbose_name=_("strategic goals")
    )
    exploitation_forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="actions", verbose_name=_("exploitation forms")
    )
    age_groups = models.ManyToManyField(
        AgeGroup, blank=True, related_name="actions", verbose_name=_("age groups")
    )
    organisations = models.ManyToManyField(
        Organisation, through="ActionOrganisation", related_name="actions"
    )
    period_start = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNKNOWN
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    sort_key = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        # In plan order: by action line, then by number; actions without a line last.
        ordering = [models.F("action_line__number").asc(nulls_last=True), "sort_key"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="action_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.sort_key = natural_sort_key(self.code)
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def description(self) -> str:
        return translated(self, "description")

    def organisations_in_role(self, role: str) -> list[Organisation]:
        # Uses the prefetched `roles` when present (see with_relations()).
        return [r.organisation for r in self.roles.all() if r.role == role]

    @property
    def holders(self) -> list[Organisation]:
        return self.organisations_in_role(ActionOrganisation.Role.HOLDER)

    @property
    def involved(self) -> list[Organisation]:
        return self.organisations_in_role(ActionOrganisation.Role.INVOLVED)

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end and self.period_start != self.period_end:
            return f"{self.period_start}–{self.period_end}"
        if self.period_start or self.period_end:
            return str(self.period_start or self.period_end)
        return ""


def natural_sort_key(code: str) -> str:
    """Sort U.2 before U.10: pad every run of digits."""
    import re

    return re.sub(r"\d+", lambda m: m.group(0).zfill(6), code)[:60]


class ActionOrganisation(models.Model):
    class Role(models.TextChoices):
        HOLDER = "holder", _("action holder")
        INVOLVED = "involved", _("involved organisation")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["action", "role", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation", "role"], name="unique_action_organisation_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action.code} {self.role} {self.organisation.code}"


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_date = models.DateField(_("date done"), null=True, blank=True)

    class Meta:
        ordering = ["action", "order", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translated(self, "title")


class PlanVersion(models.Model):
    """A frozen state of the plan as sent to parliament.

    `snapshot` holds the actions of that version in the plan document format
    (see samen.plan.document), so versions can be compared field by field
    however the live plan changes afterwards.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    date = models.DateField(_("date"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    snapshot = models.JSONField(default=list)

    class Meta:
        ordering = ["date", "code"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def source_is_link(self) -> bool:
        return self.source.startswith(("http://", "https://"))


class SavedHeadingMapping(models.Model):
    """A heading the programme team mapped in the web import, reused for the
    next import from a sheet with the same headings (the same layout)."""

    layout = models.CharField(_("layout"), max_length=64, db_index=True)
    heading = models.CharField(_("heading"), max_length=200)  # as compared (heading_key)
    field = models.CharField(_("field"), max_length=40, blank=True)  # "" = not used
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["layout", "heading"], name="one_mapping_per_heading")
        ]
        verbose_name = _("saved heading mapping")
        verbose_name_plural = _("saved heading mappings")

    def __str__(self) -> str:
        return f"{self.heading} → {self.field or '-'}"

"""What parliament asked of the programme: motions (moties) and commitments
(toezeggingen), and the actions of the plan that carry them out."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samen.core.models import Provenance, translated


class MotionQuerySet(models.QuerySet):
    def with_actions(self) -> MotionQuerySet:
        """The motions with the actions that carry them out, in two queries."""
        from samen.plan.models import Action

        return self.prefetch_related(
            models.Prefetch("actions", queryset=Action.objects.select_related("action_line"))
        )


class Motion(Provenance):
    class Kind(models.TextChoices):
        MOTION = "motion", _("motion")
        COMMITMENT = "commitment", _("commitment")

    class Status(models.TextChoices):
        """How far the programme is in carrying it out."""

        OPEN = "open", pgettext_lazy("motion status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("motion status", "In progress")
        DONE = "done", pgettext_lazy("motion status", "Done")

    class Decision(models.TextChoices):
        """What parliament decided on a motion (a commitment has no vote)."""

        UNKNOWN = "unknown", pgettext_lazy("motion decision", "Not recorded")
        ADOPTED = "adopted", pgettext_lazy("motion decision", "Adopted")
        REJECTED = "rejected", pgettext_lazy("motion decision", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("motion decision", "Withdrawn")
        HELD = "held", pgettext_lazy("motion decision", "Held over")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MOTION)
    kamerstuk = models.CharField(
        _("parliamentary paper number"),
        max_length=40,
        blank=True,
        help_text=_("The Kamerstuk number, e.g. 28 638-229."),
    )
    # The case (Zaak) in the open data of the Tweede Kamer, when known.
    tk_id = models.CharField(_("Tweede Kamer case id"), max_length=40, blank=True)
    tk_number = models.CharField(_("Tweede Kamer case number"), max_length=20, blank=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=600)
    title_en = models.CharField(_("title (English)"), max_length=600, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    submitters = models.JSONField(_("submitters"), default=list, blank=True)
    decision = models.CharField(
        _("decision of parliament"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.UNKNOWN,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    answer_nl = models.TextField(_("answer (Dutch)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    answer_source = models.CharField(_("source of the answer"), max_length=500, blank=True)
    actions = models.ManyToManyField(
        "plan.Action", blank=True, related_name="motions", verbose_name=_("actions")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MotionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "code"]
        verbose_name = _("motion or commitment")
        verbose_name_plural = _("motions and commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["tk_id"], condition=~Q(tk_id=""), name="one_motion_per_tk_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def answer(self) -> str:
        return translated(self, "answer")

    @property
    def number(self) -> str:
        """The number people cite: the Kamerstuk number, else the case number; "" if unknown."""
        return self.kamerstuk or self.tk_number

    @property
    def identifier(self) -> str:
        """How people refer to it: its number, else its title (never our internal code)."""
        return self.number or self.title

    @property
    def answer_source_is_link(self) -> bool:
        return self.answer_source.startswith(("http://", "https://"))

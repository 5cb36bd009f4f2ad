"""The learning space (issue 15): lessons and good practices, questions and answers,
attachments, follows, and one search document per entry.

An entry has two text layers, as a progress update has (ADR 0007): the organisation's own
words, and `public`, a copy made by the programme team when it publishes the entry. Anything
public reads only `public`; a later edit changes nothing public until it is published again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_MAX = 10_000


class Evidence(models.TextChoices):
    IDEA = "idea", pgettext_lazy("evidence level", "An idea")
    ONCE = "once", pgettext_lazy("evidence level", "Tried once")
    EVALUATED = "evaluated", pgettext_lazy("evidence level", "Evaluated")
    PROVEN = "proven", pgettext_lazy("evidence level", "Proven elsewhere")
    # A lesson harvested from a progress update: its writer did not say (yet).
    UNSTATED = "unstated", pgettext_lazy("evidence level", "Not stated")


class Tagged(models.Model):
    """What every entry shares: who wrote it, where it belongs in the plan, its public layer."""

    organisation = models.ForeignKey(
        "plan.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    exploitation_forms = models.ManyToManyField(
        "plan.ExploitationForm", blank=True, related_name="+", verbose_name=_("exploitation forms")
    )
    age_groups = models.ManyToManyField(
        "plan.AgeGroup", blank=True, related_name="+", verbose_name=_("age groups")
    )
    action_lines = models.ManyToManyField(
        "plan.ActionLine", blank=True, related_name="+", verbose_name=_("action lines")
    )
    actions = models.ManyToManyField(
        "plan.Action", blank=True, related_name="+", verbose_name=_("actions")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    # The public layer: a copy of the texts at publication (ADR 0007), {} until published.
    public = models.JSONField(_("public text"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The last withdrawal of the publication and why (told to the organisation, shown on
    # the entry's page); cleared when the entry is published again.
    withdrawn_at = models.DateTimeField(_("publication withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Lesson(Tagged):
    """A lesson learnt, or a good practice once the programme team marks it so."""

    context = models.TextField(_("context"), max_length=TEXT_MAX)
    tried = models.TextField(_("what was tried"), max_length=TEXT_MAX)
    result = models.TextField(_("result"), max_length=TEXT_MAX, blank=True)
    advice = models.TextField(_("what others should know"), max_length=TEXT_MAX, blank=True)
    evidence = models.CharField(
        _("evidence level"), max_length=10, choices=Evidence.choices, default=Evidence.IDEA
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    good_practice = models.BooleanField(_("good practice"), default=False)
    # A lesson harvested from a progress update ("Wat hebben we geleerd?").
    source_update = models.OneToOneField(
        "reporting.ProgressUpdate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("progress update"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    TEXTS = ("title", "context", "tried", "result", "advice")


class Question(Tagged):
    body = models.TextField(_("question"), max_length=TEXT_MAX)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    TEXTS = ("title", "body")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "plan.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("answer"), max_length=TEXT_MAX)
    helpful = models.BooleanField(_("helpful"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.body[:60]


class Attachment(models.Model):
    """A file with a lesson. Stored under a random name through Django's storage API and
    served only by a view that checks access; `name` is the original name, for display."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    stored_as = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True)  # extracted for search
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Harvest(models.Model):
    """The answer to "Wat hebben we geleerd?" on a progress update, and whether the
    holder shares it with partners (then it is also a lesson)."""

    update = models.OneToOneField(
        "reporting.ProgressUpdate", on_delete=models.CASCADE, related_name="learning_harvest"
    )
    text = models.TextField(_("what we learnt"), max_length=TEXT_MAX, blank=True)
    share = models.BooleanField(_("share with partners"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson from a progress update")
        verbose_name_plural = _("lessons from progress updates")

    def __str__(self) -> str:
        return self.text[:60]


class Follow(models.Model):
    """A person follows an exploitation form, an action or a question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_follows"
    )
    exploitation_form = models.ForeignKey(
        "plan.ExploitationForm", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(
        "plan.Action", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(exploitation_form__isnull=False, action=None, question=None)
                | Q(exploitation_form=None, action__isnull=False, question=None)
                | Q(exploitation_form=None, action=None, question__isnull=False),
                name="learning_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "exploitation_form"],
                condition=Q(exploitation_form__isnull=False),
                name="learning_follow_form_once",
            ),
            models.UniqueConstraint(
                fields=["user", "action"],
                condition=Q(action__isnull=False),
                name="learning_follow_action_once",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="learning_follow_question_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.exploitation_form or self.action or self.question}"


class SearchDocument(models.Model):
    """One row per lesson or question, rebuilt on every write: its text for partners and
    its public text, each normalised (for SQLite's fallback) and, on PostgreSQL, as a
    tsvector with the Dutch configuration (a GIN index; see migrations/0002)."""

    lesson = models.OneToOneField(
        Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    question = models.OneToOneField(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    organisation = models.ForeignKey(
        "plan.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    published = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    public_text = models.TextField(blank=True)
    vector = SearchVectorField(null=True)
    public_vector = SearchVectorField(null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson__isnull=False, question=None)
                | Q(lesson=None, question__isnull=False),
                name="learning_document_one_entry",
            )
        ]

    def __str__(self) -> str:
        return f"document {self.pk}"

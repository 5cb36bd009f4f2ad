"""Reporting rounds: the programme team asks every action holder for the state
of its actions, reviews the answers, and freezes the approved result."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundQuerySet(models.QuerySet):
    def open(self) -> RoundQuerySet:
        return self.filter(status=ReportingRound.Status.OPEN)


class ReportingRound(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("round status", "Being prepared")
        OPEN = "open", pgettext_lazy("round status", "Open")
        CLOSED = "closed", pgettext_lazy("round status", "Closed")

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("reporting period from"))
    period_end = models.DateField(_("reporting period to"))
    opens_on = models.DateField(_("opening date"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    actions = models.ManyToManyField("plan.Action", related_name="reporting_rounds", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen when the round closes: what later reports use, however the live
    # data changes afterwards.
    snapshot = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when a publication is withdrawn: the portal says so, and when; nothing
    # of the round stays public (see reporting.publication.withdraw_publication).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="round_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def deadline_passed(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.deadline

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def period_ended(self) -> bool:
        """A round reports on a period; it can be published only after that period."""
        return timezone.localdate() > self.period_end


class ReviewState(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("review state", "Not started")
    DRAFT = "draft", pgettext_lazy("review state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review state", "Submitted")
    RETURNED = "returned", pgettext_lazy("review state", "Returned")
    RESUBMITTED = "resubmitted", pgettext_lazy("review state", "Resubmitted")
    APPROVED = "approved", pgettext_lazy("review state", "Approved")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("progress", "Not started")
    ON_TRACK = "on_track", pgettext_lazy("progress", "On track")
    AT_RISK = "at_risk", pgettext_lazy("progress", "At risk")
    DELAYED = "delayed", pgettext_lazy("progress", "Delayed")
    COMPLETED = "completed", pgettext_lazy("progress", "Completed")
    STOPPED = "stopped", pgettext_lazy("progress", "Stopped")


TEXT_FIELDS = ("achievements", "obstacles", "help_needed")


class ProgressUpdate(models.Model):
    """One action holder's account of one action in one round.

    Three text layers are kept side by side: what the partner wrote
    (`achievements`, ...), what the programme team edited for the report
    (`report_*`), and what was published (`public_*`, filled only on
    publication). `version` rises with every save, so a stale edit is refused
    instead of overwriting someone else's (optimistic locking).
    """

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="updates")
    action = models.ForeignKey(
        "plan.Action", on_delete=models.PROTECT, related_name="progress_updates"
    )
    organisation = models.ForeignKey(
        "plan.Organisation", on_delete=models.PROTECT, related_name="progress_updates"
    )
    version = models.PositiveIntegerField(default=1)
    review_state = models.CharField(
        max_length=12, choices=ReviewState.choices, default=ReviewState.NOT_STARTED, db_index=True
    )
    progress_status = models.CharField(
        _("status of the action"), max_length=12, choices=ProgressStatus.choices, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percentage complete"), null=True, blank=True
    )
    achievements = models.TextField(_("achievements"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    milestones_reached = models.ManyToManyField("plan.Milestone", blank=True, related_name="+")
    indicators = models.JSONField(_("indicator values"), default=list, blank=True)

    report_achievements = models.TextField(blank=True)
    report_obstacles = models.TextField(blank=True)
    report_help_needed = models.TextField(blank=True)
    public_achievements = models.TextField(blank=True)
    public_obstacles = models.TextField(blank=True)
    public_help_needed = models.TextField(blank=True)

    review_comment = models.TextField(_("comment of the reviewer"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "action__sort_key", "organisation__name"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "action", "organisation"],
                name="one_update_per_action_holder_round",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="percent_complete_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.action.code} · {self.organisation.short_name}"

    @property
    def is_submitted(self) -> bool:
        return self.review_state in (
            ReviewState.SUBMITTED,
            ReviewState.RESUBMITTED,
            ReviewState.APPROVED,
        )

    def report_text(self, field: str) -> str:
        """The programme team's edited text when there is one, else the partner's."""
        return getattr(self, f"report_{field}") or getattr(self, field)


class Extension(models.Model):
    """More time for one organisation in one round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(
        "plan.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField(_("until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="one_extension_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.until:%Y-%m-%d}"


class Comment(models.Model):
    """A remark on a progress update, by the holder, an involved partner or the
    programme team. Stored as written; rendered as sanitised Markdown."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "plan.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Reminder(models.Model):
    """A reminder that was sent; the unique constraint makes sending idempotent."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("before the deadline")
        OVERDUE = "overdue", _("overdue")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        "plan.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "kind"], name="one_reminder_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.organisation} · {self.get_kind_display()}"


class Submission(models.Model):
    """What the holder submitted, each time: kept so that the reviewer can see
    what changed between two submissions, and so that the history survives
    later edits."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField()

    class Meta:
        ordering = ["update", "number"]
        constraints = [
            models.UniqueConstraint(fields=["update", "number"], name="one_submission_number")
        ]

    def __str__(self) -> str:
        return f"{self.update_id} #{self.number}"


class ReviewMessage(models.Model):
    """The review conversation of one update between the programme team and the
    holder's organisation: return comments, replies, and the reason an
    approval was taken back. It is never edited or deleted, so it survives
    resubmission."""

    class Kind(models.TextChoices):
        RETURN = "return", _("returned with a comment")
        REPLY = "reply", _("reply")
        UNAPPROVE = "unapprove", _("approval taken back")
        APPROVE = "approve", _("approved")

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="review_messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "plan.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # The update's version when the message was written: which submission it is about.
    update_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review message")
        verbose_name_plural = _("review messages")

    def __str__(self) -> str:
        text = f": {self.text[:40]}" if self.text else ""
        return f"{self.get_kind_display()}{text}"


class RoundLetter(models.Model):
    """The letter around a round's progress report: the programme team's
    introduction that opens the report, and the frame in which ministries send
    it to parliament (sender, date, reference, subject, addressee, closing).

    The introduction has three layers, like the texts of an update: the team's
    working text (`introduction`), the text the report uses
    (`report_introduction`, set when the team adopts its text) and the public
    text (`public_introduction`, copied on publication, cleared on withdrawal).
    """

    round = models.OneToOneField(ReportingRound, on_delete=models.CASCADE, related_name="letter")
    introduction = models.TextField(_("introduction (working text)"), blank=True)
    report_introduction = models.TextField(_("introduction in the report"), blank=True)
    public_introduction = models.TextField(blank=True)
    sender = models.TextField(_("sender"), blank=True)
    addressee = models.TextField(_("addressee"), blank=True)
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    closing = models.TextField(_("closing and signature"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.round}: {self.subject}"

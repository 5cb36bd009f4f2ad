"""Publication of impact figures: the analyst proposes, the programme team approves
(or rejects), and an approved publication can be withdrawn with a reason. Nothing
reaches the portal, open data, the API for anonymous callers or the public report
without an approved, not withdrawn proposal. Public tables are protected by
`samen.impact.disclosure` (docs/disclosure-control.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationProposal(models.Model):
    """A proposal to publish a register's registrations (for a range of years) or an
    estimation run's result with its detection rates."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    register = models.ForeignKey(
        "impact.Register",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("register"),
    )
    year_from = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    run = models.ForeignKey(
        "impact.EstimationRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("estimation run"),
    )
    threshold = models.PositiveSmallIntegerField(_("suppression threshold"), default=10)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("publication proposal")
        verbose_name_plural = _("publication proposals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(register__isnull=False, run__isnull=True)
                | models.Q(register__isnull=True, run__isnull=False),
                name="impact_proposal_one_subject",
            )
        ]

    def __str__(self) -> str:
        subject = self.run if self.run_id else self.register
        return f"{subject}: {self.state}"


class UnpublishedAccess(models.Model):
    """The programme team's grant that lets the members (action holders and viewers) of
    the organisation that keeps `register` read its unpublished registrations. Revoking
    sets `revoked_at`; the row stays for the record (the audit trail has both steps)."""

    register = models.ForeignKey(
        "impact.Register",
        on_delete=models.PROTECT,
        related_name="access_grants",
        verbose_name=_("register"),
    )
    note = models.TextField(_("note"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted on"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("access to unpublished registrations")
        verbose_name_plural = _("access to unpublished registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["register"],
                condition=models.Q(revoked_at__isnull=True),
                name="impact_one_open_grant_per_register",
            )
        ]

    def __str__(self) -> str:
        return str(self.register)

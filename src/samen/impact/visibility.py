"""Who may see which impact figures, and who may take the publication steps: the one
place that decides it (issue 10 item 9).

Every page, API endpoint, export and report of the impact monitor selects its rows
through these functions. Rules:

* a figure is public only when an approved proposal that has not been withdrawn covers
  it (models/publication.py); public output shows it only after disclosure control
  (samen.impact.disclosure);
* analysts and the programme team see everything, published or not;
* action holders and viewers read the published figures and, for the register that their
  own organisation keeps, the unpublished registrations too, but only while the programme
  team grants it (`UnpublishedAccess`); involved partners and everyone else read only
  what is published;
* analysts propose publication; only the programme team approves, rejects, withdraws and
  grants access to unpublished figures.

Open data, search and anonymous API callers always get the public layer, whoever asks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from samen.accounts import access

from .models import (
    EstimationRun,
    ExternalEstimate,
    PublicationProposal,
    Register,
    Registration,
    UnpublishedAccess,
)

#: Roles that may be granted their own organisation's unpublished registrations.
GRANTABLE_ROLES = ("holder", "viewer")


def sees_unpublished(user: Any) -> bool:
    """Analysts and the programme team work with unpublished figures."""
    return access.role(user) in ("analyst", "programme")


def can_propose(user: Any) -> bool:
    """Analysts propose registrations and estimation runs for publication."""
    return access.role(user) == "analyst"


def can_decide(user: Any) -> bool:
    """The programme team approves, rejects and withdraws publications."""
    return access.is_programme(user)


def can_grant(user: Any) -> bool:
    """The programme team grants an organisation access to its unpublished registrations."""
    return access.is_programme(user)


def can_see_proposals(user: Any) -> bool:
    """The proposals (with their previews of unpublished figures) are for analysts and
    the programme team only."""
    return sees_unpublished(user)


def approved_proposals() -> QuerySet[PublicationProposal]:
    return PublicationProposal.objects.filter(state=PublicationProposal.State.APPROVED)


def published_registrations() -> QuerySet[Registration]:
    """Registrations covered by an approved proposal for their register and year, as
    they were when it was approved: a figure imported or changed after the approval
    stays internal until the programme team approves a new proposal for it."""
    covering = (
        approved_proposals()
        .filter(register=OuterRef("register_id"))
        .filter(
            Q(year_from__isnull=True) | Q(year_from__lte=OuterRef("year")),
            Q(year_to__isnull=True) | Q(year_to__gte=OuterRef("year")),
            decided_at__gte=OuterRef("updated_at"),
        )
    )
    return Registration.objects.filter(Exists(covering))


def granted_registers(user: Any) -> QuerySet[Register]:
    """Registers whose unpublished registrations `user` may read through a grant: kept by
    the user's own organisation, the user an action holder or viewer, the grant open."""
    if access.role(user) not in GRANTABLE_ROLES or not getattr(user, "organisation_id", None):
        return Register.objects.none()
    # Exists, not a join on the grants: a register without any grant must not match.
    open_grant = UnpublishedAccess.objects.filter(register=OuterRef("pk"), revoked_at__isnull=True)
    return Register.objects.filter(Exists(open_grant), organisation_id=user.organisation_id)


def visible_registrations(user: Any) -> QuerySet[Registration]:
    """The registrations `user` may read (anonymous: published only)."""
    if sees_unpublished(user):
        return Registration.objects.all()
    published = published_registrations()
    registers = granted_registers(user)
    if not registers.exists():
        return published
    return Registration.objects.filter(
        Q(pk__in=published.values("pk")) | Q(register__in=registers.values("pk"))
    )


def published_runs() -> QuerySet[EstimationRun]:
    """Finished estimation runs covered by an approved proposal."""
    return EstimationRun.objects.filter(
        state=EstimationRun.State.DONE,
        proposals__state=PublicationProposal.State.APPROVED,
    ).distinct()


def visible_runs(user: Any) -> QuerySet[EstimationRun]:
    """The estimation runs `user` may read (anonymous: published only)."""
    if sees_unpublished(user):
        return EstimationRun.objects.all()
    return published_runs()


def open_grants() -> QuerySet[UnpublishedAccess]:
    return UnpublishedAccess.objects.filter(revoked_at__isnull=True)


def visible_external_estimates(user: Any) -> QuerySet[ExternalEstimate]:
    """Estimates published elsewhere (e.g. by the National Rapporteur) are public facts,
    like the funding lines: everyone reads them. (impact-core; refine here if a published
    estimate ever needs the programme team's approval too.)"""
    return ExternalEstimate.objects.all()

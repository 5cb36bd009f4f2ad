"""Who may see which impact figures: the one place that decides it (issue 10 item 9).

Every page, API endpoint, export and report of the impact monitor selects its rows
through these functions. A figure is public only when an approved proposal that has
not been withdrawn covers it (models/publication.py); analysts and the programme team
see everything. (The publication part refines this module: grants for an
organisation's own register, disclosure control of public tables.)
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from samen.accounts import access

from .models import EstimationRun, ExternalEstimate, PublicationProposal, Registration


def sees_unpublished(user: Any) -> bool:
    """Analysts and the programme team work with unpublished figures."""
    return access.role(user) in ("analyst", "programme")


def approved_proposals() -> QuerySet[PublicationProposal]:
    return PublicationProposal.objects.filter(state=PublicationProposal.State.APPROVED)


def published_registrations() -> QuerySet[Registration]:
    """Registrations covered by an approved proposal for their register and year."""
    covering = (
        approved_proposals()
        .filter(register=OuterRef("register_id"))
        .filter(
            Q(year_from__isnull=True) | Q(year_from__lte=OuterRef("year")),
            Q(year_to__isnull=True) | Q(year_to__gte=OuterRef("year")),
        )
    )
    return Registration.objects.filter(Exists(covering))


def visible_registrations(user: Any) -> QuerySet[Registration]:
    """The registrations `user` may read (anonymous: published only)."""
    if sees_unpublished(user):
        return Registration.objects.all()
    return published_registrations()


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


def visible_external_estimates(user: Any) -> QuerySet[ExternalEstimate]:
    """Estimates published elsewhere (e.g. by the National Rapporteur) are public facts,
    like the funding lines: everyone reads them. (impact-core; refine here if a published
    estimate ever needs the programme team's approval too.)"""
    return ExternalEstimate.objects.all()

"""Publishing a closed round: the programme team's explicit, audited step that
makes its result public.

Publishing copies the programme team's text layer (`report_*`) of every
approved update into the public layer (`public_*`) and sets `published_at`.
Everything public (portal pages, open data, the API, the public report) reads
only `public_*` of updates that `access.public_updates` lets through, so the
partners' own words and unapproved updates are never public.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit

from .models import TEXT_FIELDS, ProgressUpdate, ReportingRound, ReviewState, RoundLetter
from .services import Invalid, require_reason, round_state

PUBLIC_FIELDS = tuple(f"public_{name}" for name in TEXT_FIELDS)


def to_publish(r: ReportingRound) -> QuerySet[ProgressUpdate]:
    """The updates that publishing `r` makes public: the approved ones. Publishing
    copies their `report_*` text; the preview shows exactly that text."""
    return r.updates.filter(review_state=ReviewState.APPROVED)


def publish_problems(r: ReportingRound) -> dict[str, str]:
    """Why `r` cannot be published now (empty when it can)."""
    if r.status != ReportingRound.Status.CLOSED or r.snapshot is None:
        return {"status": _("Only a closed round can be published.")}
    if r.published_at is not None:
        return {"status": _("This round has already been published.")}
    if not r.period_ended:
        return {
            "status": _(
                "The round reports on a period that ends on %(date)s; publish it after that."
            )
            % {"date": date_format(r.period_end, "j F Y")}
        }
    return {}


def publish_round(user: Any, r: ReportingRound) -> ReportingRound:
    """Publish a closed round. Returns the round; raises Denied or Invalid."""
    if not access.can_publish_round(user):
        raise Denied(_("Only the programme team publishes reporting rounds."))
    with transaction.atomic():
        r = ReportingRound.objects.select_for_update().get(pk=r.pk)
        problems = publish_problems(r)
        if problems:
            raise Invalid(problems)
        before = round_state(r)
        updates = list(to_publish(r))
        for update in updates:
            for name in TEXT_FIELDS:
                setattr(update, f"public_{name}", getattr(update, f"report_{name}"))
        ProgressUpdate.objects.bulk_update(updates, list(PUBLIC_FIELDS))
        # The letter's introduction goes public as the report uses it.
        RoundLetter.objects.filter(round=r).update(public_introduction=F("report_introduction"))
        r.published_at = timezone.now()
        r.save(update_fields=["published_at"])
        audit.record(
            actor=user,
            kind="update",
            obj=r,
            verb="publish",
            before=before,
            after={
                **round_state(r),
                "published_at": r.published_at,
                "published_updates": [u.pk for u in updates],
            },
        )
    return r


def withdraw_publication(user: Any, r: ReportingRound, reason: str) -> ReportingRound:
    """Withdraw a publication: nothing of the round stays public (portal, open
    data, API, search; public report files are served only for published
    rounds, see documents.views); the portal says that it was withdrawn, and
    when. The round stays closed and can be reopened or
    published again."""
    if not access.can_publish_round(user):
        raise Denied(_("Only the programme team withdraws publications."))
    reason = require_reason(reason)
    with transaction.atomic():
        r = ReportingRound.objects.select_for_update().get(pk=r.pk)
        if not access.can_withdraw_publication(user, r):
            raise Invalid({"status": _("Only a published round can be withdrawn.")})
        before = {**round_state(r), "published_at": r.published_at}
        cleared = r.updates.exclude(**{f: "" for f in PUBLIC_FIELDS}).update(
            **{f: "" for f in PUBLIC_FIELDS}
        )
        RoundLetter.objects.filter(round=r).update(public_introduction="")
        r.published_at = None
        r.withdrawn_at = timezone.now()
        r.save(update_fields=["published_at", "withdrawn_at"])
        audit.record(
            actor=user,
            kind="update",
            obj=r,
            verb="withdraw",
            before=before,
            after={
                **round_state(r),
                "withdrawn_at": r.withdrawn_at,
                "reason": reason,
                "public_texts_cleared": cleared,
            },
        )
    return r


# --- reads of what is public ---------------------------------------------------------


def published_rounds() -> QuerySet[ReportingRound]:
    return access.published_rounds().order_by("-period_end", "-id")


def withdrawn_rounds() -> QuerySet[ReportingRound]:
    """Rounds whose publication was withdrawn (and not published again): the
    portal names them with the date of withdrawal, and nothing else."""
    return (
        ReportingRound.objects.filter(published_at__isnull=True, withdrawn_at__isnull=False)
        .only("id", "title", "withdrawn_at", "period_end")
        .order_by("-withdrawn_at")
    )


def public_updates(r: ReportingRound | None = None) -> QuerySet[ProgressUpdate]:
    """Published updates with only the fields that may be public loaded."""
    qs = access.public_updates()
    if r is not None:
        qs = qs.filter(round=r)
    return (
        qs.select_related("round", "action__action_line", "organisation")
        .only(
            "id",
            "round__id",
            "round__title",
            "round__period_start",
            "round__period_end",
            "round__published_at",
            "round__status",
            "action__id",
            "action__code",
            "action__title_nl",
            "action__title_en",
            "action__sort_key",
            "action__action_line__code",
            "action__action_line__number",
            "action__action_line__name_nl",
            "action__action_line__name_en",
            "organisation__code",
            "organisation__short_name",
            "organisation__name",
            "progress_status",
            "percent_complete",
            *PUBLIC_FIELDS,
        )
        .order_by("round__period_end", "action__sort_key", "organisation__name")
    )

"""Writes of the reporting process. Every function checks access through
samen.accounts.access, runs in one transaction and leaves audit events."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid
from samen.plan.models import Action, ActionOrganisation, Milestone

from . import notices, review
from .models import (
    TEXT_FIELDS,
    Comment,
    Extension,
    ProgressStatus,
    ProgressUpdate,
    ReportingRound,
    ReviewMessage,
    ReviewState,
)

MAX_TEXT = 20_000
MAX_INDICATORS = 20
MAX_INDICATOR_NAME = 200
MAX_INDICATOR_UNIT = 50


class Conflict(Exception):
    """Someone saved the update after the editor loaded it. Carries both
    versions so the editor can merge instead of losing either."""

    def __init__(
        self, current: ProgressUpdate, submitted: dict[str, Any], expected_version: int
    ) -> None:
        self.current = current
        self.submitted = submitted
        self.expected_version = expected_version
        super().__init__(
            _(
                "This update was changed by someone else (version %(current)s; you edited version "
                "%(yours)s)."
            )
            % {"current": current.version, "yours": expected_version}
        )


# --- state for the audit trail -------------------------------------------------------


def update_state(update: ProgressUpdate) -> dict[str, Any]:
    return {
        "version": update.version,
        "review_state": update.review_state,
        "progress_status": update.progress_status,
        "percent_complete": update.percent_complete,
        **{name: getattr(update, name) for name in TEXT_FIELDS},
        **{f"report_{name}": getattr(update, f"report_{name}") for name in TEXT_FIELDS},
        "indicators": update.indicators,
        "review_comment": update.review_comment,
    }


def round_state(r: ReportingRound) -> dict[str, Any]:
    return {
        "title": r.title,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "opens_on": r.opens_on,
        "deadline": r.deadline,
        "status": r.status,
        "published": r.published_at is not None,
        "withdrawn": r.withdrawn_at is not None,
    }


# --- rounds ---------------------------------------------------------------------------


@dataclass
class RoundData:
    title: str
    period_start: dt.date
    period_end: dt.date
    opens_on: dt.date
    deadline: dt.datetime
    action_codes: list[str] | None = None  # None: every running action
    is_demo: bool = False


def default_round_actions() -> Iterable[Action]:
    return Action.objects.exclude(status__in=[Action.Status.COMPLETED, Action.Status.STOPPED])


def round_date_problems(
    period_start: dt.date, period_end: dt.date, opens_on: dt.date, deadline: dt.datetime
) -> dict[str, str]:
    """What is wrong with a round's dates, per field (empty when nothing is)."""
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    deadline_day = (
        timezone.localtime(deadline).date() if timezone.is_aware(deadline) else deadline.date()
    )
    if deadline_day < period_start:
        errors["deadline"] = _("The deadline is before the reporting period starts.")
    if deadline_day < opens_on:  # said at once, also when another date is wrong too
        errors["opens_on"] = _("The round would open after its deadline.")
    return errors


def create_round(user: Any, data: RoundData) -> ReportingRound:
    if not access.can_manage_rounds(user):
        raise Denied(_("Only the programme team creates reporting rounds."))
    errors = {}
    if not data.title.strip():
        errors["title"] = _("A title is required.")
    errors.update(
        round_date_problems(data.period_start, data.period_end, data.opens_on, data.deadline)
    )
    actions = list(default_round_actions())
    if data.action_codes is not None:
        found = {a.code: a for a in Action.objects.filter(code__in=data.action_codes)}
        unknown = [c for c in data.action_codes if c not in found]
        if unknown:
            errors["actions"] = _("Unknown actions: %(codes)s") % {"codes": ", ".join(unknown)}
        actions = [found[c] for c in data.action_codes if c in found]
    if not actions and "actions" not in errors:
        errors["actions"] = _("A round needs at least one action.")
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        r = ReportingRound.objects.create(
            title=data.title.strip()[:200],
            period_start=data.period_start,
            period_end=data.period_end,
            opens_on=data.opens_on,
            deadline=data.deadline,
            created_by=user if user else None,
            is_demo=data.is_demo,
        )
        r.actions.set(actions)
        audit.record(
            actor=user,
            kind="create",
            obj=r,
            after={**round_state(r), "actions": [a.code for a in actions]},
        )
    return r


def open_round(user: Any, r: ReportingRound) -> int:
    """Open the round: one update per action per holder organisation.
    Returns the number of updates created."""
    if not access.can_manage_rounds(user):
        raise Denied(_("Only the programme team opens reporting rounds."))
    with transaction.atomic():
        r = ReportingRound.objects.select_for_update().get(pk=r.pk)
        if r.status != ReportingRound.Status.PLANNED:
            raise Invalid({"status": _("Only a round being prepared can be opened.")})
        before = round_state(r)
        pairs = ActionOrganisation.objects.filter(
            action__in=r.actions.all(), role=ActionOrganisation.Role.HOLDER
        ).values_list("action_id", "organisation_id")
        updates = ProgressUpdate.objects.bulk_create(
            [ProgressUpdate(round=r, action_id=a, organisation_id=o) for a, o in pairs]
        )
        r.status = ReportingRound.Status.OPEN
        r.opened_at = timezone.now()
        r.save(update_fields=["status", "opened_at"])
        audit.record(
            actor=user,
            kind="update",
            obj=r,
            verb="open",
            before=before,
            after={**round_state(r), "updates_created": len(updates)},
        )
        notices.round_opened(r)
    return len(updates)


def close_round(user: Any, r: ReportingRound) -> ReportingRound:
    """Close the round and freeze its result for the reports."""
    from .snapshot import build_snapshot

    if not access.can_manage_rounds(user):
        raise Denied(_("Only the programme team closes reporting rounds."))
    with transaction.atomic():
        r = ReportingRound.objects.select_for_update().get(pk=r.pk)
        if r.status != ReportingRound.Status.OPEN:
            raise Invalid({"status": _("Only an open round can be closed.")})
        before = round_state(r)
        r.status = ReportingRound.Status.CLOSED
        r.closed_at = timezone.now()
        r.snapshot = build_snapshot(r)
        r.save(update_fields=["status", "closed_at", "snapshot"])
        audit.record(
            actor=user,
            kind="update",
            obj=r,
            verb="close",
            before=before,
            after={**round_state(r), "snapshot_updates": len(r.snapshot["updates"])},
        )
    return r


MAX_REASON = 2_000


def require_reason(reason: str) -> str:
    """A way back is always explained: the reason goes into the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": _("Give a reason: it is kept in the audit trail.")})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": _("At most %(max)s characters.") % {"max": MAX_REASON}})
    return reason


def reopen_round(
    user: Any, r: ReportingRound, reason: str, deadline: dt.datetime | None = None
) -> ReportingRound:
    """Open a closed round again, until it is published: its frozen result is
    dropped (closing again freezes a new one). A new deadline is optional."""
    if not access.can_manage_rounds(user):
        raise Denied(_("Only the programme team reopens reporting rounds."))
    reason = require_reason(reason)
    with transaction.atomic():
        r = ReportingRound.objects.select_for_update().get(pk=r.pk)
        if not access.can_reopen_round(user, r):
            raise Invalid(
                {"status": _("Only a closed round that has not been published can be reopened.")}
            )
        if deadline is not None and deadline <= timezone.now():
            raise Invalid({"deadline": _("The new deadline must be in the future.")})
        before = round_state(r)
        r.status = ReportingRound.Status.OPEN
        r.closed_at = None
        r.snapshot = None
        if deadline is not None:
            r.deadline = deadline
        r.save(update_fields=["status", "closed_at", "snapshot", "deadline"])
        audit.record(
            actor=user,
            kind="update",
            obj=r,
            verb="reopen",
            before=before,
            after={**round_state(r), "reason": reason},
        )
        notices.round_opened(r, reopened_at=timezone.now())
    return r


def grant_extension(
    user: Any, r: ReportingRound, organisation: Any, until: dt.datetime
) -> Extension:
    if not access.can_manage_rounds(user):
        raise Denied(_("Only the programme team grants extensions."))
    if r.status != ReportingRound.Status.OPEN:
        raise Invalid({"status": _("Extensions are granted in open rounds only.")})
    if until <= r.deadline:
        raise Invalid({"until": _("An extension must end after the round's deadline.")})
    with transaction.atomic():
        extension, created = Extension.objects.update_or_create(
            round=r, organisation=organisation, defaults={"until": until, "granted_by": user}
        )
        audit.record(
            actor=user,
            kind="create" if created else "update",
            obj=extension,
            verb="extension",
            after={"organisation": organisation.code, "until": until},
        )
    return extension


# --- progress updates ------------------------------------------------------------------


@dataclass
class UpdateData:
    """Changes to a progress update; None leaves a field as it is."""

    progress_status: str | None = None
    percent_complete: int | None = None
    achievements: str | None = None
    obstacles: str | None = None
    help_needed: str | None = None
    milestones_reached: list[int] | None = None
    indicators: list[dict[str, Any]] | None = None
    clear: set[str] = field(default_factory=set)  # fields set to empty on purpose

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "clear" and v is not None}


def validate(update: ProgressUpdate, data: UpdateData) -> None:
    errors: dict[str, str] = {}
    if data.progress_status and data.progress_status not in ProgressStatus.values:
        errors["progress_status"] = _("Unknown status '%(value)s'; choose one of: %(choices)s") % {
            "value": data.progress_status,
            "choices": ", ".join(ProgressStatus.values),
        }
    if data.percent_complete is not None and (
        isinstance(data.percent_complete, bool) or not 0 <= data.percent_complete <= 100
    ):
        errors["percent_complete"] = _("Enter a percentage from 0 to 100.")
    for name in TEXT_FIELDS:
        value = getattr(data, name)
        if value is not None and len(value) > MAX_TEXT:
            errors[name] = _("At most %(max)s characters (this text has %(count)s).") % {
                "max": MAX_TEXT,
                "count": len(value),
            }
    if data.milestones_reached is not None:
        valid = set(
            Milestone.objects.filter(action_id=update.action_id).values_list("pk", flat=True)
        )
        wrong = [m for m in data.milestones_reached if m not in valid]
        if wrong:
            errors["milestones_reached"] = _(
                "These milestones do not belong to this action: %(ids)s"
            ) % {"ids": ", ".join(map(str, wrong))}
    if data.indicators is not None:
        problem = _indicator_problem(data.indicators)
        if problem:
            errors["indicators"] = problem
    if errors:
        raise Invalid(errors)


def _indicator_problem(indicators: Any) -> str:
    if not isinstance(indicators, list) or len(indicators) > MAX_INDICATORS:
        return _("Give at most %(max)s indicators as a list.") % {"max": MAX_INDICATORS}
    for i, item in enumerate(indicators, start=1):
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            return _("Indicator %(n)s needs a name.") % {"n": i}
        if len(str(item["name"])) > MAX_INDICATOR_NAME:
            return _("The name of indicator %(n)s is longer than %(max)s characters.") % {
                "n": i,
                "max": MAX_INDICATOR_NAME,
            }
        if len(str(item.get("unit", ""))) > MAX_INDICATOR_UNIT:
            return _("The unit of indicator %(n)s is longer than %(max)s characters.") % {
                "n": i,
                "max": MAX_INDICATOR_UNIT,
            }
        value = item.get("value")
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            return _("Indicator %(n)s needs a number as its value.") % {"n": i}
        if set(item) - {"name", "value", "unit"}:
            return _("Indicator %(n)s has unknown fields; use name, value and unit.") % {"n": i}
    return ""


def _save_audited(
    user: Any,
    update: ProgressUpdate,
    before: dict[str, Any],
    verb: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Every change raises the version (optimistic locking) and is audited."""
    update.version += 1
    update.updated_by = user
    update.save()
    audit.record(
        actor=user,
        kind="update",
        obj=update,
        verb=verb,
        before=before,
        after={**update_state(update), **(extra or {})},
    )


def _locked(update_id: int) -> ProgressUpdate:
    return (
        ProgressUpdate.objects.select_for_update()
        .select_related("round", "action", "organisation")
        .get(pk=update_id)
    )


def save_draft(
    user: Any, update_id: int, data: UpdateData, expected_version: int
) -> ProgressUpdate:
    """Save the partner's text. Refuses a stale `expected_version` with a Conflict."""
    with transaction.atomic():
        update = _locked(update_id)
        access.check_edit(user, update)
        if update.version != expected_version:
            raise Conflict(update, data.as_dict(), expected_version)
        validate(update, data)
        before = update_state(update)
        for name, value in data.as_dict().items():
            if name != "milestones_reached":
                setattr(update, name, value)
        for name in data.clear:
            setattr(update, name, None if name in ("percent_complete",) else "")
        if update.review_state == ReviewState.NOT_STARTED:
            update.review_state = ReviewState.DRAFT
        if data.milestones_reached is not None:
            update.milestones_reached.set(data.milestones_reached)
        _save_audited(user, update, before, "save")
    return update


def submit(user: Any, update_id: int, expected_version: int | None = None) -> ProgressUpdate:
    with transaction.atomic():
        update = _locked(update_id)
        access.check_edit(user, update)
        if expected_version is not None and update.version != expected_version:
            raise Conflict(update, {}, expected_version)
        missing = {}
        if not update.progress_status:
            missing["progress_status"] = _("Choose the status of the action before submitting.")
        if update.percent_complete is None:
            missing["percent_complete"] = _("Enter the percentage complete before submitting.")
        if missing:
            raise Invalid(missing)
        before = update_state(update)
        update.review_state = (
            ReviewState.RESUBMITTED
            if update.review_state == ReviewState.RETURNED
            else ReviewState.SUBMITTED
        )
        update.submitted_at = timezone.now()
        _save_audited(user, update, before, "submit")
        review.record_submission(user, update)
        notices.update_submitted(update)
    return update


def return_update(user: Any, update_id: int, comment: str) -> ProgressUpdate:
    with transaction.atomic():
        update = _locked(update_id)
        access.check_review(user, update)
        if update.review_state not in (ReviewState.SUBMITTED, ReviewState.RESUBMITTED):
            raise Invalid({"review_state": _("Only a submitted update can be returned.")})
        if not comment.strip():
            raise Invalid({"comment": _("Say what needs to change: a comment is required.")})
        before = update_state(update)
        update.review_state = ReviewState.RETURNED
        update.review_comment = comment.strip()[:MAX_TEXT]
        update.reviewed_at, update.reviewed_by = timezone.now(), user
        _save_audited(user, update, before, "return")
        review.add_message(user, update, ReviewMessage.Kind.RETURN, update.review_comment)
        notices.update_returned(update)
    return update


def approve(user: Any, update_id: int) -> ProgressUpdate:
    with transaction.atomic():
        update = _locked(update_id)
        access.check_approve(user, update)
        if update.review_state not in (ReviewState.SUBMITTED, ReviewState.RESUBMITTED):
            raise Invalid({"review_state": _("Only a submitted update can be approved.")})
        before = update_state(update)
        update.review_state = ReviewState.APPROVED
        update.reviewed_at, update.reviewed_by = timezone.now(), user
        for name in TEXT_FIELDS:  # the report starts from the partner's words
            if not getattr(update, f"report_{name}"):
                setattr(update, f"report_{name}", getattr(update, name))
        _save_audited(user, update, before, "approve")
        review.add_message(user, update, ReviewMessage.Kind.APPROVE, "")  # in the history
        notices.update_approved(update)
    return update


def unapprove(user: Any, update_id: int, reason: str) -> ProgressUpdate:
    """Take back an approval while the round is open: the update goes back to
    review, from where it can be returned to the holder or approved again."""
    reason = require_reason(reason)
    with transaction.atomic():
        update = _locked(update_id)
        access.check_review(user, update)
        if update.review_state != ReviewState.APPROVED:
            raise Invalid({"review_state": _("Only an approved update can be taken back.")})
        before = update_state(update)
        update.review_state = ReviewState.SUBMITTED
        update.reviewed_at, update.reviewed_by = timezone.now(), user
        _save_audited(user, update, before, "unapprove", extra={"reason": reason})
        review.add_message(user, update, ReviewMessage.Kind.UNAPPROVE, reason)
        notices.approval_taken_back(update, reason)
    return update


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def bulk_review(
    user: Any, update_ids: Iterable[int], decision: str, comment: str = ""
) -> BulkResult:
    """Approve or return several updates; each one that cannot be is reported."""
    result = BulkResult()
    for update_id in update_ids:
        try:
            if decision == "approve":
                approve(user, update_id)
            elif decision == "return":
                return_update(user, update_id, comment)
            else:
                raise Invalid({"decision": _("Choose approve or return.")})
            result.done.append(update_id)
        except (Denied, Invalid) as exc:
            result.refused[update_id] = str(exc)
        except ProgressUpdate.DoesNotExist:
            result.refused[update_id] = _("No such update.")
    return result


def edit_report_text(
    user: Any, update_id: int, texts: dict[str, str], expected_version: int
) -> ProgressUpdate:
    """The programme team's edit of the text for the report (the second layer)."""
    with transaction.atomic():
        update = _locked(update_id)
        if not access.can_edit_report_text(user, update):
            raise Denied(_("Only the programme team edits the text for the report."))
        if update.version != expected_version:
            raise Conflict(update, texts, expected_version)
        too_long = {
            k: _("At most %(max)s characters.") % {"max": MAX_TEXT}
            for k, v in texts.items()
            if len(v) > MAX_TEXT
        }
        if too_long:
            raise Invalid(too_long)
        before = update_state(update)
        for name in TEXT_FIELDS:
            if name in texts:
                setattr(update, f"report_{name}", texts[name])
        _save_audited(user, update, before, "edit-report-text")
    return update


def add_comment(user: Any, update: ProgressUpdate, text: str) -> Comment:
    if not access.can_comment(user, update):
        raise Denied(_("You cannot comment on this update."))
    if not text.strip():
        raise Invalid({"text": _("Write a comment first.")})
    if len(text) > MAX_TEXT:
        raise Invalid({"text": _("At most %(max)s characters.") % {"max": MAX_TEXT}})
    with transaction.atomic():
        comment = Comment.objects.create(
            update=update, author=user, organisation=user.organisation, text=text
        )
        audit.record(
            actor=user, kind="create", obj=comment, after={"update": update.pk, "text": text}
        )
        notices.comment_added(comment)
    return comment

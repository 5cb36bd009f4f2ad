"""Reads for the reporting screens, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.plan.models import ActionLine, Organisation

from .models import Extension, ProgressUpdate, ReportingRound, ReviewState

SUBMITTED = (ReviewState.SUBMITTED, ReviewState.RESUBMITTED, ReviewState.APPROVED)
TO_REVIEW = (ReviewState.SUBMITTED, ReviewState.RESUBMITTED)
OPEN_WORK = (ReviewState.NOT_STARTED, ReviewState.DRAFT, ReviewState.RETURNED)


def with_context(qs: QuerySet[ProgressUpdate]) -> QuerySet[ProgressUpdate]:
    return qs.select_related("round", "action__action_line", "organisation")


@dataclass
class Task:
    update: ProgressUpdate
    deadline: dt.datetime
    overdue: bool
    editable: bool


def inbox(user: Any) -> list[Task]:
    """The action holder's tasks: its organisation's updates in open rounds,
    work still to do first, each with the deadline that applies."""
    if not user.organisation_id:
        return []
    updates = with_context(
        ProgressUpdate.objects.filter(
            organisation_id=user.organisation_id, round__status=ReportingRound.Status.OPEN
        )
    )
    extensions = {
        e.round_id: e.until
        for e in Extension.objects.filter(
            organisation_id=user.organisation_id, round__status="open"
        )
    }
    now = timezone.now()
    tasks = []
    for u in updates:
        deadline = max(u.round.deadline, extensions.get(u.round_id, u.round.deadline))
        editable = user.role == "holder" and u.review_state in OPEN_WORK and now <= deadline
        tasks.append(Task(u, deadline, now > deadline and u.review_state in OPEN_WORK, editable))
    order = {
        state: i
        for i, state in enumerate(
            [
                ReviewState.RETURNED,
                ReviewState.NOT_STARTED,
                ReviewState.DRAFT,
                ReviewState.SUBMITTED,
                ReviewState.RESUBMITTED,
                ReviewState.APPROVED,
            ]
        )
    }
    tasks.sort(key=lambda t: (t.deadline, order[t.update.review_state], t.update.action.sort_key))
    return tasks


def previous_update(update: ProgressUpdate) -> ProgressUpdate | None:
    """The same organisation's update on the same action in the round before."""
    return (
        ProgressUpdate.objects.filter(
            action_id=update.action_id,
            organisation_id=update.organisation_id,
            round__period_end__lt=update.round.period_end,
        )
        .select_related("round")
        .order_by("-round__period_end")
        .first()
    )


def history(user: Any, update: ProgressUpdate) -> QuerySet[ProgressUpdate]:
    """Earlier updates of this organisation on this action that `user` may read."""
    qs = ProgressUpdate.objects.filter(
        action_id=update.action_id, organisation_id=update.organisation_id
    ).exclude(pk=update.pk)
    return access.visible_updates(user, qs).select_related("round").order_by("-round__period_end")


@dataclass
class Progress:
    label: str
    code: str = ""
    total: int = 0
    submitted: int = 0
    approved: int = 0
    order: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


@dataclass
class Dashboard:
    round: ReportingRound
    states: Counter[str] = field(default_factory=Counter)
    by_organisation: list[Progress] = field(default_factory=list)
    by_line: list[Progress] = field(default_factory=list)
    overdue: list[tuple[Organisation, int, dt.datetime]] = field(default_factory=list)
    review_queue: list[ProgressUpdate] = field(default_factory=list)
    approved_updates: list[ProgressUpdate] = field(default_factory=list)
    actions_without_holder: int = 0

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def submitted(self) -> int:
        return sum(self.states[s] for s in SUBMITTED)


def dashboard(r: ReportingRound) -> Dashboard:
    updates = ProgressUpdate.objects.filter(round=r)
    board = Dashboard(r)
    for row in updates.values("review_state").annotate(n=Count("pk")):
        board.states[row["review_state"]] = row["n"]

    counts = dict(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(review_state__in=SUBMITTED)),
        approved=Count("pk", filter=Q(review_state=ReviewState.APPROVED)),
    )
    orgs = {o.pk: o for o in Organisation.objects.filter(progress_updates__round=r).distinct()}
    for row in updates.values("organisation_id").annotate(**counts).order_by():
        org = orgs[row["organisation_id"]]
        board.by_organisation.append(
            Progress(org.short_name, org.code, row["total"], row["submitted"], row["approved"])
        )
    board.by_organisation.sort(key=lambda p: (p.percent, p.label))

    lines = {line.pk: line for line in ActionLine.objects.all()}
    for row in updates.values("action__action_line_id").annotate(**counts).order_by():
        line = lines.get(row["action__action_line_id"])
        board.by_line.append(
            Progress(
                line.label if line else "—",
                line.code if line else "none",
                row["total"],
                row["submitted"],
                row["approved"],
                order=line.number if line else 10_000,
            )
        )
    board.by_line.sort(key=lambda p: p.order)

    now = timezone.now()
    extensions = dict(Extension.objects.filter(round=r).values_list("organisation_id", "until"))
    for row in (
        updates.filter(review_state__in=OPEN_WORK)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        deadline = max(r.deadline, extensions.get(row["organisation_id"], r.deadline))
        if now > deadline:
            board.overdue.append((orgs[row["organisation_id"]], row["n"], deadline))
    board.overdue.sort(key=lambda item: item[0].short_name)

    board.review_queue = list(
        with_context(updates.filter(review_state__in=TO_REVIEW)).order_by("submitted_at", "pk")
    )
    board.approved_updates = list(
        with_context(updates.filter(review_state=ReviewState.APPROVED)).order_by(
            "action__sort_key", "organisation__name"
        )
    )
    board.actions_without_holder = r.actions.exclude(roles__role="holder").count()
    return board


# --- what a step will do (the confirmation pages) -------------------------------------


@dataclass
class OpenPreview:
    updates: int
    organisations: int
    actions: int
    actions_without_holder: int
    holders_to_tell: int


def open_preview(r: ReportingRound) -> OpenPreview:
    """What opening `r` will create: one update per action per holder organisation."""
    from samen.accounts.models import User
    from samen.plan.models import ActionOrganisation

    pairs = ActionOrganisation.objects.filter(
        action__in=r.actions.all(), role=ActionOrganisation.Role.HOLDER
    )
    organisations = pairs.values("organisation_id").distinct()
    return OpenPreview(
        updates=pairs.count(),
        organisations=organisations.count(),
        actions=r.actions.count(),
        actions_without_holder=r.actions.exclude(roles__role="holder").count(),
        holders_to_tell=User.objects.filter(
            organisation_id__in=organisations, role=User.Role.HOLDER, is_active=True
        ).count(),
    )


@dataclass
class ClosePreview:
    """What closing a round does to its updates, counted by review state."""

    states: Counter[str]
    organisations_with_open_work: int
    deadline: dt.datetime
    deadline_passed: bool

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def approved(self) -> int:
        return self.states[ReviewState.APPROVED]

    @property
    def not_submitted(self) -> int:
        return sum(self.states[s] for s in OPEN_WORK)

    @property
    def not_reviewed(self) -> int:
        return sum(self.states[s] for s in TO_REVIEW)


def close_preview(r: ReportingRound) -> ClosePreview:
    updates = ProgressUpdate.objects.filter(round=r)
    states: Counter[str] = Counter()
    for row in updates.values("review_state").annotate(n=Count("pk")).order_by():
        states[row["review_state"]] = row["n"]
    open_orgs = (
        updates.filter(review_state__in=OPEN_WORK).values("organisation_id").distinct().count()
    )
    return ClosePreview(states, open_orgs, r.deadline, r.deadline_passed())


# --- start pages (reporting.home) ------------------------------------------------------


@dataclass
class RoundDue:
    """What one organisation still has to do in one open round."""

    round: ReportingRound
    deadline: dt.datetime  # the round's, or the organisation's extension
    overdue: bool = False
    todo: list[ProgressUpdate] = field(default_factory=list)  # returned ones first
    waiting: int = 0  # submitted, waiting for the programme team
    approved: int = 0


def due_by_round(user: Any) -> list[RoundDue]:
    """The action holder's work per open round, earliest deadline first: what is
    due, when. Built on `inbox()`; its fixed number of queries."""
    rounds: dict[int, RoundDue] = {}
    for task in inbox(user):
        u = task.update
        due = rounds.setdefault(u.round_id, RoundDue(u.round, task.deadline))
        if u.review_state in OPEN_WORK:
            due.todo.append(u)
            due.overdue = due.overdue or task.overdue
        elif u.review_state == ReviewState.APPROVED:
            due.approved += 1
        else:
            due.waiting += 1
    return sorted(rounds.values(), key=lambda due: due.deadline)


def involved_updates(user: Any) -> QuerySet[ProgressUpdate]:
    """Updates in open rounds on actions the person's organisation is involved in,
    as far as the person may read them."""
    if not user.organisation_id:
        return ProgressUpdate.objects.none()
    return with_context(
        access.visible_updates(
            user,
            ProgressUpdate.objects.filter(
                round__status=ReportingRound.Status.OPEN,
                action__roles__organisation_id=user.organisation_id,
                action__roles__role="involved",
            ),
        )
    ).distinct()


@dataclass
class ApprovedInRound:
    """The approved updates of one round, by action line (at most `shown` of them)."""

    round: ReportingRound
    count: int
    lines: list[tuple[str, list[ProgressUpdate]]] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(len(updates) for _label, updates in self.lines)


def approved_by_round(user: Any, rounds: int = 3, per_round: int = 60) -> list[ApprovedInRound]:
    """The approved updates `user` may read in the latest `rounds` rounds that have
    any, newest round first, each grouped by action line in the plan's order.
    At most 1 + `rounds` queries, and at most `per_round` updates a round."""
    approved = access.visible_updates(
        user, ProgressUpdate.objects.filter(review_state=ReviewState.APPROVED)
    )
    latest = list(
        access.visible_rounds(user)
        .filter(pk__in=approved.values("round_id"))
        .annotate(n=Count("updates", filter=Q(updates__review_state=ReviewState.APPROVED)))
        .order_by("-period_end", "-id")[:rounds]
    )
    result = []
    for r in latest:
        updates = with_context(approved.filter(round=r)).order_by(
            "action__action_line__number", "action__sort_key", "organisation__name"
        )[:per_round]
        item = ApprovedInRound(r, r.n)
        for update in updates:
            line = update.action.action_line
            label = line.label if line else _("Not linked to an action line")
            if not item.lines or item.lines[-1][0] != label:
                item.lines.append((label, []))
            item.lines[-1][1].append(update)
        result.append(item)
    return result


def rounds_at_work() -> QuerySet[ReportingRound]:
    """For the programme team: rounds being prepared, open, or closed but not yet
    published, with their progress. One query."""
    return (
        ReportingRound.objects.exclude(
            status=ReportingRound.Status.CLOSED, published_at__isnull=False
        )
        .annotate(
            total=Count("updates"),
            submitted=Count("updates", filter=Q(updates__review_state__in=SUBMITTED)),
            to_review=Count("updates", filter=Q(updates__review_state__in=TO_REVIEW)),
            approved=Count("updates", filter=Q(updates__review_state=ReviewState.APPROVED)),
        )
        .order_by("deadline", "id")
    )

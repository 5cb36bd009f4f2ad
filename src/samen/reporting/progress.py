"""Where an action stands according to its holders: one rule for the plan's
pages (the latest approved update of every holder) and for the progress report
(the approved updates of one round).

The rule (`combine`):
* an action whose holders reported nothing approved is "not reported";
* a worry (at risk, delayed, stopped) reported by any holder counts at once:
  the most worrying status wins (delayed > at risk > stopped);
* any other status counts only when every holder reported: an action is
  completed only when every holder reported it completed, on track only when
  none reported worse; while some holders have not reported, the action is
  "partly reported", and the page or report says how many did
  (e.g. "1 van 2 actiehouders heeft gerapporteerd").

`for_actions` reads, for the plan's pages, each action's status from the latest
approved update of each of its holders that the reader may see (the public
sees only published rounds), in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import ngettext, pgettext_lazy

from samen.accounts import access

from .models import ProgressStatus, ProgressUpdate, ReviewState

NOT_REPORTED = "not_reported"
PARTLY_REPORTED = "partly_reported"
# Which status counts when several holders report on one action.
SEVERITY = {
    ProgressStatus.COMPLETED: 0,
    ProgressStatus.ON_TRACK: 1,
    ProgressStatus.NOT_STARTED: 2,
    ProgressStatus.STOPPED: 3,
    ProgressStatus.AT_RISK: 4,
    ProgressStatus.DELAYED: 5,
}
WORRIES = (ProgressStatus.STOPPED, ProgressStatus.AT_RISK, ProgressStatus.DELAYED)
# Every status an action can have, in display order (tables, charts, filters).
CODES = (
    ProgressStatus.ON_TRACK,
    ProgressStatus.AT_RISK,
    ProgressStatus.DELAYED,
    ProgressStatus.COMPLETED,
    ProgressStatus.NOT_STARTED,
    ProgressStatus.STOPPED,
    PARTLY_REPORTED,
    NOT_REPORTED,
)
LABELS = {
    **{code: ProgressStatus(code).label for code in SEVERITY},
    PARTLY_REPORTED: pgettext_lazy("reported status", "Partly reported"),
    NOT_REPORTED: pgettext_lazy("reported status", "Not recorded"),
}


@dataclass(frozen=True)
class Combined:
    status: str
    reported: int  # holders with an approved update
    holders: int  # holders of the action

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def holders_note(self) -> str:
        """'1 van 2 actiehouders heeft gerapporteerd', when not every holder reported."""
        return holders_note(self.reported, self.holders)


def holders_note(reported: int, holders: int) -> str:
    if holders <= 1 or reported >= holders:
        return ""
    return ngettext(
        "%(reported)s of %(holders)s action holders has reported",
        "%(reported)s of %(holders)s action holders have reported",
        reported,
    ) % {"reported": reported, "holders": holders}


def combine(statuses: Mapping[str, str], holders: Sequence[str]) -> Combined:
    """The status of an action from its holders' statuses (holder -> status code;
    holders without an approved update are left out or map to ""). `holders`
    lists the action's holders; when it is empty, whoever reported counts."""
    holders = list(holders) or list(statuses)
    reported = [statuses[h] for h in holders if statuses.get(h) in SEVERITY]
    if not reported:
        return Combined(NOT_REPORTED, 0, len(holders))
    worst = max(reported, key=lambda s: SEVERITY[s])
    if len(reported) < len(holders) and worst not in WORRIES:
        return Combined(PARTLY_REPORTED, len(reported), len(holders))
    return Combined(worst, len(reported), len(holders))


# --- the live status on the plan's pages ------------------------------------------------


@dataclass(frozen=True)
class HolderStatus:
    organisation: str  # short name
    update_id: int
    status: str
    round_id: int
    round_title: str
    approved_on: dt.datetime | None
    public: bool  # in a published round: the portal shows it

    @property
    def label(self) -> str:
        return str(LABELS.get(self.status, self.status))


@dataclass(frozen=True)
class ActionProgress:
    combined: Combined
    holders: tuple[HolderStatus, ...] = field(default=())

    @property
    def status(self) -> str:
        return self.combined.status

    @property
    def label(self) -> str:
        return self.combined.label

    @property
    def latest(self) -> HolderStatus | None:
        """The update whose round and date are shown beside the status: the newest of
        the updates that reported the shown status (so "On track" is never dated with
        the round in which another holder reported "Completed"); when no single update
        carries it (partly reported), the newest of all."""
        deciding = [h for h in self.holders if h.status == self.status] or self.holders
        return max(
            deciding,
            key=lambda h: (h.approved_on or dt.datetime.min.replace(tzinfo=dt.UTC), h.update_id),
            default=None,
        )


NOTHING = ActionProgress(Combined(NOT_REPORTED, 0, 0))


def for_actions(user: Any, action_ids: Iterable[int] | None = None) -> dict[int, ActionProgress]:
    """Action id -> its reported progress, as far as `user` may see approved
    updates (anonymous: published rounds only). Actions without an approved
    update are absent (use NOTHING). `action_ids=None`: every action. Two
    queries, whatever the number of actions or rounds."""
    from samen.plan.models import ActionOrganisation

    updates = ProgressUpdate.objects.filter(review_state=ReviewState.APPROVED).exclude(
        progress_status=""
    )
    updates = (
        access.visible_updates(user, updates)
        if access.role(user)
        else access.public_updates(updates)
    )
    holders = ActionOrganisation.objects.filter(role=ActionOrganisation.Role.HOLDER)
    if action_ids is not None:
        ids = list(action_ids)
        updates = updates.filter(action_id__in=ids)
        holders = holders.filter(action_id__in=ids)
    holder_ids: dict[int, list[int]] = {}
    for action_id, organisation_id in holders.order_by("order").values_list(
        "action_id", "organisation_id"
    ):
        holder_ids.setdefault(action_id, []).append(organisation_id)
    latest: dict[tuple[int, int], HolderStatus] = {}
    rows = updates.values(
        "pk",
        "action_id",
        "organisation_id",
        "organisation__short_name",
        "progress_status",
        "reviewed_at",
        "round_id",
        "round__title",
        "round__published_at",
        "round__period_end",
    ).order_by("-round__period_end", "-round_id")
    for row in rows:
        key = (row["action_id"], row["organisation_id"])
        if key in latest:
            continue  # an older round of the same holder
        latest[key] = HolderStatus(
            organisation=row["organisation__short_name"],
            update_id=row["pk"],
            status=row["progress_status"],
            round_id=row["round_id"],
            round_title=row["round__title"],
            approved_on=row["reviewed_at"],
            public=row["round__published_at"] is not None,
        )
    out = {}
    for action_id in {a for a, _o in latest}:
        current = holder_ids.get(action_id, [])
        # Former holders' reports count only when the action has no holder now.
        counted = (
            [o for o in current if (action_id, o) in latest]
            if current
            else [o for a, o in latest if a == action_id]
        )
        if not counted:
            continue
        statuses = {str(o): latest[(action_id, o)].status for o in counted}
        combined = combine(statuses, [str(o) for o in current])
        out[action_id] = ActionProgress(combined, tuple(latest[(action_id, o)] for o in counted))
    return out


def status_label(code: str) -> str:
    return str(LABELS.get(code, LABELS[NOT_REPORTED]))


def counts(progress: Mapping[int, ActionProgress], action_ids: Iterable[int]) -> dict[str, int]:
    """How many of `action_ids` have each status (NOT_REPORTED where nothing was approved)."""
    out = dict.fromkeys(CODES, 0)
    for action_id in action_ids:
        out[progress.get(action_id, NOTHING).status] += 1
    return out

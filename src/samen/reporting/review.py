"""The review history of a progress update: every submission is kept, and the
conversation between the programme team and the holder (return comments,
replies, approvals taken back) is a thread that survives resubmission.

The reviewer compares two submissions field by field; texts are compared word
by word with `difflib.SequenceMatcher` (Python standard library) and rendered
as `<del>`/`<ins>` with words for screen readers, so a change is never told by
colour alone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid
from samen.indicators.updates import submitted_values

from . import notices
from .models import TEXT_FIELDS, ProgressStatus, ProgressUpdate, ReviewMessage, Submission

MAX_MESSAGE = 20_000

# The fields a submission keeps, in the order the reviewer reads them.
FIELD_LABELS = {
    "progress_status": gettext_lazy("Status of the action"),
    "percent_complete": gettext_lazy("Percentage complete"),
    "achievements": gettext_lazy("Achievements"),
    "obstacles": gettext_lazy("Obstacles"),
    "help_needed": gettext_lazy("Help needed"),
    "indicator_values": gettext_lazy("Indicators of this action"),  # issue 14
    "indicators": gettext_lazy("Indicators"),
    "milestones_reached": gettext_lazy("Milestones reached"),
}


def submission_data(update: ProgressUpdate) -> dict[str, Any]:
    """What the holder submits, as plain JSON."""
    return {
        "progress_status": update.progress_status,
        "percent_complete": update.percent_complete,
        **{name: getattr(update, name) for name in TEXT_FIELDS},
        "indicator_values": submitted_values(update),
        "indicators": update.indicators,
        "milestones_reached": [m.title_nl for m in update.milestones_reached.all()],
    }


def record_submission(user: Any, update: ProgressUpdate) -> Submission:
    """Keep what was submitted (called by services.submit, in its transaction)."""
    last = update.submissions.order_by("-number").values_list("number", flat=True).first()
    return Submission.objects.create(
        update=update,
        number=(last or 0) + 1,
        submitted_by=user if getattr(user, "is_authenticated", False) else None,
        data=submission_data(update),
    )


def add_message(user: Any, update: ProgressUpdate, kind: str, text: str) -> ReviewMessage:
    """One message in the thread (called inside the transaction of a review step)."""
    message = ReviewMessage.objects.create(
        update=update,
        kind=kind,
        author=user if getattr(user, "is_authenticated", False) else None,
        organisation=getattr(user, "organisation", None),
        text=text,
        update_version=update.version,
    )
    audit.record(
        actor=user,
        kind="create",
        obj=message,
        verb=f"review-{kind}",
        after={"update": update.pk, "kind": kind, "text": text},
    )
    return message


def reply(user: Any, update_id: int, text: str) -> ReviewMessage:
    """A reply in the review thread, by the programme team or the holder's organisation."""
    text = (text or "").strip()
    if not text:
        raise Invalid({"text": _("Write a reply first.")})
    if len(text) > MAX_MESSAGE:
        raise Invalid({"text": _("At most %(max)s characters.") % {"max": MAX_MESSAGE}})
    with transaction.atomic():
        update = ProgressUpdate.objects.select_for_update().get(pk=update_id)
        if not access.can_reply_in_review(user, update):
            raise Denied(_("Only the programme team and the action holder reply in the review."))
        message = add_message(user, update, ReviewMessage.Kind.REPLY, text)
        notices.review_reply(message)
    return message


# --- reads ------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the history: a submission or a message."""

    when: Any
    submission: Submission | None = None
    message: ReviewMessage | None = None


def history(update: ProgressUpdate) -> list[Entry]:
    """Submissions and messages of `update`, oldest first (two queries)."""
    entries = [
        Entry(s.submitted_at, submission=s)
        for s in update.submissions.select_related("submitted_by")
    ]
    entries += [
        Entry(m.created_at, message=m)
        for m in update.review_messages.select_related("author", "organisation")
    ]
    return sorted(entries, key=lambda e: e.when)


def submissions(update: ProgressUpdate) -> QuerySet[Submission]:
    return update.submissions.order_by("number")


@dataclass
class FieldDiff:
    name: str
    label: str
    before: str
    after: str
    html: SafeString  # the change, word by word

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _as_text(name: str, value: Any) -> str:
    if value in (None, "", []):
        return ""
    if name == "progress_status":
        return str(ProgressStatus(value).label) if value in ProgressStatus.values else str(value)
    if name == "percent_complete":
        return f"{value}%"
    if name == "indicators":
        return "\n".join(
            f"{i.get('name', '')}: {i.get('value', '')} {i.get('unit', '')}".strip() for i in value
        )
    if name in ("milestones_reached", "indicator_values"):
        return "\n".join(str(v) for v in value)
    return str(value)


TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> SafeString:
    """`after` compared with `before`, word by word, as safe HTML: removed words
    in `<del>`, added words in `<ins>`, each announced in words."""
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    removed, added = _("removed:"), _("added:")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(_marked("del", removed, "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(_marked("ins", added, "".join(b[j1:j2])))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 (every part is escaped)


_MARKUP = {
    "del": (
        '<del class="samen-diff__del"><span class="rhc-visually-hidden">[{} </span>{}'
        '<span class="rhc-visually-hidden">]</span></del>'
    ),
    "ins": (
        '<ins class="samen-diff__ins"><span class="rhc-visually-hidden">[{} </span>{}'
        '<span class="rhc-visually-hidden">]</span></ins>'
    ),
}


def _marked(tag: str, label: str, text: str) -> SafeString:
    return format_html(_MARKUP[tag], label, text)


def diff(old: Submission, new: Submission) -> list[FieldDiff]:
    """Every field of two submissions, with the change from `old` to `new`."""
    out = []
    for name, label in FIELD_LABELS.items():
        before = _as_text(name, old.data.get(name))
        after = _as_text(name, new.data.get(name))
        out.append(FieldDiff(name, str(label), before, after, word_diff(before, after)))
    return out

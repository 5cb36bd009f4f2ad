"""The letter around a round's report: writing it (the programme team, until the
round is published) and the defaults a new letter starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid

from .models import ReportingRound, RoundLetter

MAX_TEXT = 20_000
FIELDS = ("introduction", "sender", "addressee", "letter_date", "reference", "subject", "closing")
LIMITS = {"reference": 100, "subject": 300}


class Conflict(Exception):
    """Someone saved the letter after the editor loaded it."""


@dataclass
class LetterData:
    introduction: str = ""
    sender: str = ""
    addressee: str = ""
    letter_date: dt.date | None = None
    reference: str = ""
    subject: str = ""
    closing: str = ""


def state(letter: RoundLetter) -> dict[str, Any]:
    return {
        **{name: getattr(letter, name) for name in FIELDS},
        "report_introduction": letter.report_introduction,
        "version": letter.version,
    }


def letter_for(r: ReportingRound) -> RoundLetter:
    """The round's letter, or an unsaved one that starts from the last letter's
    frame (sender, addressee, closing) and the usual addressee of parliament."""
    existing = RoundLetter.objects.filter(round=r).first()
    if existing is not None:
        return existing
    last = RoundLetter.objects.exclude(round=r).order_by("-round__period_end").first()
    return RoundLetter(
        round=r,
        sender=last.sender if last else "",
        addressee=last.addressee
        if last
        else _(
            "To the Speaker of the House of Representatives of the States General\n"
            "PO Box 20018\n2500 EA The Hague"
        ),
        closing=last.closing if last else "",
        subject=_("Progress report %(title)s") % {"title": r.title},
    )


def save_letter(
    user: Any, r: ReportingRound, data: LetterData, expected_version: int, adopt: bool
) -> RoundLetter:
    """Save the letter; `adopt` also makes the introduction the report's text.
    Raises Denied, Invalid, or Conflict for a stale `expected_version`."""
    if not access.can_edit_letter(user, r):
        raise Denied(_("Only the programme team writes the letter, until the round is published."))
    errors = {}
    for name in FIELDS:
        value = getattr(data, name)
        limit = LIMITS.get(name, MAX_TEXT)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = _("At most %(max)s characters.") % {"max": limit}
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        letter = RoundLetter.objects.select_for_update().filter(round=r).first()
        created = letter is None
        if letter is None:
            letter = letter_for(r)
        if (letter.version if not created else 1) != expected_version:
            raise Conflict(_("Someone else saved this letter meanwhile; reload it and try again."))
        before = None if created else state(letter)
        for name in FIELDS:
            setattr(letter, name, getattr(data, name))
        if adopt:
            letter.report_introduction = letter.introduction
        letter.version = 1 if created else letter.version + 1
        letter.updated_by = user
        letter.save()
        audit.record(
            actor=user,
            kind="create" if created else "update",
            obj=letter,
            verb="adopt-letter" if adopt else "save-letter",
            before=before,
            after=state(letter),
        )
    return letter


def missing_parts(r: ReportingRound) -> list[str]:
    """The labels of the letter frame's parts that are still empty for round `r`
    (sender, addressee, reference, subject, the introduction in the report), so
    the report page can say so before anyone sends an empty frame."""
    letter = letter_for(r)
    wanted = ("sender", "addressee", "reference", "subject", "report_introduction")
    return [
        str(RoundLetter._meta.get_field(name).verbose_name)
        for name in wanted
        if not getattr(letter, name)
    ]

"""Writes of the learning space. Every function checks access through
samen.accounts.access, runs in one transaction, leaves an audit event, rebuilds the
entry's search document and tells the people who follow it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid

from . import notices, search
from .models import TEXT_MAX, Answer, Evidence, Follow, Harvest, Lesson, Question

TAGS = ("exploitation_forms", "age_groups", "action_lines", "actions")


@dataclass
class Tags:
    exploitation_forms: list[Any] = field(default_factory=list)
    age_groups: list[Any] = field(default_factory=list)
    action_lines: list[Any] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)


@dataclass
class LessonData:
    title: str
    context: str
    tried: str
    result: str = ""
    advice: str = ""
    evidence: str = Evidence.IDEA
    contact_name: str = ""
    contact_email: str = ""
    tags: Tags = field(default_factory=Tags)


@dataclass
class QuestionData:
    title: str
    body: str
    tags: Tags = field(default_factory=Tags)


def _required(values: dict[str, str]) -> None:
    errors = {}
    for name, value in values.items():
        if not (value or "").strip():
            errors[name] = _("This field is required.")
        elif len(value) > TEXT_MAX:
            errors[name] = _("At most %(max)s characters.") % {"max": TEXT_MAX}
    if errors:
        raise Invalid(errors)


def _state(entry: Lesson | Question) -> dict[str, Any]:
    texts = {f: getattr(entry, f) for f in entry.TEXTS}
    if isinstance(entry, Lesson):
        texts |= {
            "evidence": entry.evidence,
            "contact_name": entry.contact_name,
            "contact_email": entry.contact_email,
        }
    return texts


def _set_tags(entry: Lesson | Question, tags: Tags) -> None:
    for name in TAGS:
        getattr(entry, name).set(getattr(tags, name))


def _check_write(user: Any) -> None:
    if not access.can_write_learning(user):
        raise Denied(_("Only partners and the programme team write in the learning space."))


def _check_edit(user: Any, entry: Lesson | Question) -> None:
    if not access.can_edit_learning_entry(user, entry):
        raise Denied(_("Only the organisation that wrote this entry can change it."))


# --- lessons ---------------------------------------------------------------------------


def create_lesson(user: Any, data: LessonData, **extra: Any) -> Lesson:
    _check_write(user)
    _required({"title": data.title, "context": data.context, "tried": data.tried})
    with transaction.atomic():
        lesson = Lesson.objects.create(
            organisation_id=user.organisation_id,
            author=user,
            title=data.title.strip(),
            context=data.context,
            tried=data.tried,
            result=data.result,
            advice=data.advice,
            evidence=data.evidence,
            contact_name=data.contact_name,
            contact_email=data.contact_email,
            **extra,
        )
        _set_tags(lesson, data.tags)
        audit.record(actor=user, kind="create", obj=lesson, after=_state(lesson))
        search.index(lesson)
        notices.new_entry(lesson)
    return lesson


def update_lesson(user: Any, lesson: Lesson, data: LessonData) -> Lesson:
    _check_edit(user, lesson)
    _required({"title": data.title, "context": data.context, "tried": data.tried})
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        before = _state(lesson)
        for name in ("context", "tried", "result", "advice", "evidence"):
            setattr(lesson, name, getattr(data, name))
        lesson.title = data.title.strip()
        lesson.contact_name, lesson.contact_email = data.contact_name, data.contact_email
        lesson.updated_at = timezone.now()
        lesson.save()
        _set_tags(lesson, data.tags)
        after = _state(lesson)
        if after != before:
            audit.record(actor=user, kind="update", obj=lesson, before=before, after=after)
        search.index(lesson)
    return lesson


def delete_entry(user: Any, entry: Lesson | Question) -> None:
    """Delete an unpublished lesson or question of one's own organisation."""
    _check_edit(user, entry)
    if entry.published_at:
        raise Denied(
            _("A published entry cannot be deleted; ask the programme team to withdraw it.")
        )
    with transaction.atomic():
        audit.record(actor=user, kind="delete", obj=entry, before=_state(entry))
        if isinstance(entry, Lesson):
            from . import attachments

            for a in entry.attachments.all():
                attachments.delete_file(a)
        entry.delete()


def set_good_practice(user: Any, lesson: Lesson, value: bool) -> Lesson:
    if not access.can_curate_learning(user):
        raise Denied(_("Only the programme team marks good practice."))
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.good_practice == value:
            return lesson
        lesson.good_practice = value
        lesson.save(update_fields=["good_practice"])
        audit.record(
            actor=user,
            kind="update",
            obj=lesson,
            verb="good-practice" if value else "not-good-practice",
            before={"good_practice": not value},
            after={"good_practice": value},
        )
        search.index(lesson)
        if value:
            notices.good_practice(lesson)
    return lesson


# --- publication: the same gate as rounds (ADR 0007) ------------------------------------


def published_answer_ids(question: Question) -> list[int]:
    """The answers in the question's public layer (none until the programme ticks them)."""
    return [a["answerId"] for a in question.public.get("answers", []) if a.get("answerId")]


def public_layer(entry: Lesson | Question, answers: Any = None) -> dict[str, Any]:
    """What publishing `entry` now would make public (shown on the confirmation page).
    For a question, only the answers in `answers` (ids) are made public: partners' words
    are published only when the programme team chooses them; by default the answers
    published before (none the first time)."""
    layer: dict[str, Any] = {f: getattr(entry, f) for f in entry.TEXTS}
    if isinstance(entry, Lesson):
        layer["attachments"] = [a.pk for a in entry.attachments.all()]
        layer["good_practice"] = entry.good_practice
        layer["evidence"] = entry.evidence
    else:
        chosen = set(published_answer_ids(entry) if answers is None else answers)
        layer["answers"] = [
            {
                "answerId": a.pk,
                "organisation": a.organisation.name,
                "body": a.body,
                "helpful": a.helpful,
                "createdAt": a.created_at.isoformat(),
            }
            for a in entry.answers.select_related("organisation")
            if a.pk in chosen
        ]
        layer["closed"] = entry.closed_at is not None
    return layer


def publish(user: Any, entry: Lesson | Question, answers: Any = None) -> Lesson | Question:
    """Copy the entry's texts into its public layer; programme team only; audited.
    Publishing again after edits copies the new texts. For a question, `answers` are the
    ids of the answers to publish (none by default); their organisations are told."""
    if not access.can_curate_learning(user):
        raise Denied(_("Only the programme team publishes."))
    with transaction.atomic():
        entry = type(entry).objects.select_for_update().get(pk=entry.pk)
        before = published_answer_ids(entry) if isinstance(entry, Question) else []
        entry.public = public_layer(entry, [] if answers is None else answers)
        entry.published_at = timezone.now()
        entry.withdrawn_at, entry.withdrawal_reason = None, ""
        entry.save(update_fields=["public", "published_at", "withdrawn_at", "withdrawal_reason"])
        after: dict[str, Any] = {"published_at": entry.published_at.isoformat()}
        if isinstance(entry, Question):
            after["answers"] = published_answer_ids(entry)
        audit.record(actor=user, kind="update", obj=entry, verb="publish-entry", after=after)
        search.index(entry)
        if isinstance(entry, Question):
            new = [pk for pk in published_answer_ids(entry) if pk not in before]
            if new:
                notices.answers_published(entry, Answer.objects.filter(pk__in=new))
    return entry


def withdraw(user: Any, entry: Lesson | Question, reason: str) -> Lesson | Question:
    if not access.can_curate_learning(user):
        raise Denied(_("Only the programme team publishes."))
    _required({"reason": reason})
    with transaction.atomic():
        entry = type(entry).objects.select_for_update().get(pk=entry.pk)
        if entry.published_at is None:
            return entry
        before = {"published_at": entry.published_at.isoformat()}
        published_title = entry.public.get("title") or entry.title
        entry.public, entry.published_at = {}, None
        entry.withdrawn_at, entry.withdrawal_reason = timezone.now(), reason.strip()
        entry.save(update_fields=["public", "published_at", "withdrawn_at", "withdrawal_reason"])
        audit.record(
            actor=user,
            kind="update",
            obj=entry,
            verb="withdraw-entry",
            before=before,
            after={"published_at": None, "reason": reason},
        )
        search.index(entry)
        notices.withdrawn(entry, published_title, user)
    return entry


# --- questions and answers ----------------------------------------------------------------


def ask(user: Any, data: QuestionData, **extra: Any) -> Question:
    _check_write(user)
    _required({"title": data.title, "body": data.body})
    with transaction.atomic():
        question = Question.objects.create(
            organisation_id=user.organisation_id,
            author=user,
            title=data.title.strip(),
            body=data.body,
            **extra,
        )
        _set_tags(question, data.tags)
        audit.record(actor=user, kind="create", obj=question, after=_state(question))
        Follow.objects.get_or_create(user=user, question=question)
        search.index(question)
        notices.new_entry(question)
    return question


def update_question(user: Any, question: Question, data: QuestionData) -> Question:
    _check_edit(user, question)
    _required({"title": data.title, "body": data.body})
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = _state(question)
        question.title, question.body = data.title.strip(), data.body
        question.updated_at = timezone.now()
        question.save()
        _set_tags(question, data.tags)
        if _state(question) != before:
            audit.record(
                actor=user, kind="update", obj=question, before=before, after=_state(question)
            )
        search.index(question)
    return question


def answer(user: Any, question: Question, body: str) -> Answer:
    _check_write(user)
    _required({"body": body})
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.closed_at:
            raise Denied(_("This question is closed."))
        a = Answer.objects.create(
            question=question, organisation_id=user.organisation_id, author=user, body=body
        )
        audit.record(actor=user, kind="create", obj=a, after={"body": body})
        Follow.objects.get_or_create(user=user, question=question)
        search.index(question)
        notices.answered(question, a)
    return a


def mark_helpful(user: Any, a: Answer, value: bool = True) -> Answer:
    if not access.can_mark_helpful(user, a.question):
        raise Denied(_("Only the organisation that asked marks answers as helpful."))
    with transaction.atomic():
        if a.helpful != value:
            a.helpful = value
            a.save(update_fields=["helpful"])
            audit.record(
                actor=user,
                kind="update",
                obj=a,
                before={"helpful": not value},
                after={"helpful": value},
            )
    return a


def close_question(user: Any, question: Question) -> Question:
    if not access.can_mark_helpful(user, question):
        raise Denied(_("Only the organisation that asked closes the question."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.closed_at is None:
            question.closed_at = timezone.now()
            question.save(update_fields=["closed_at"])
            audit.record(
                actor=user,
                kind="update",
                obj=question,
                verb="close-question",
                after={"closed_at": question.closed_at.isoformat()},
            )
    return question


# --- following ----------------------------------------------------------------------------


def follow(user: Any, *, on: bool = True, **target: Any) -> None:
    """Follow (or stop following) one exploitation form, action or question."""
    if not access.reads_learning_space(user):
        raise Denied(_("Only partners and the programme team follow the learning space."))
    if on:
        Follow.objects.get_or_create(user=user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()


def follows(user: Any, **target: Any) -> bool:
    return bool(getattr(user, "pk", None)) and Follow.objects.filter(user=user, **target).exists()


# --- harvest from a progress update -------------------------------------------------------


def harvest(user: Any, update: Any, text: str, share: bool) -> Harvest | None:
    """Store the answer to "Wat hebben we geleerd?" of `update` (the holder's own, while it
    may edit the update). Shared, it becomes (or updates) a lesson of the organisation,
    tagged with the update's action, its line and its forms and ages; no longer shared, an
    unpublished harvested lesson is removed."""
    access.check_edit(user, update)
    text = text or ""
    if len(text) > TEXT_MAX:
        raise Invalid({"lesson": _("At most %(max)s characters.") % {"max": TEXT_MAX}})
    with transaction.atomic():
        existing = Harvest.objects.filter(update=update).first()
        if existing is None and not text.strip():
            return None
        h, _created = Harvest.objects.update_or_create(
            update=update, defaults={"text": text, "share": share, "updated_at": timezone.now()}
        )
        lesson = Lesson.objects.filter(source_update=update).first()
        if share and text.strip():
            action = update.action
            title = _("Lesson from %(code)s: %(title)s") % {
                "code": action.code,
                "title": action.title,
            }
            data = LessonData(
                title=title[:200],
                context=_("Learnt while carrying out action %(code)s (%(round)s).")
                % {"code": action.code, "round": update.round.title},
                tried=text,
                # Not invented: the holder states it by editing the lesson.
                evidence=lesson.evidence if lesson is not None else Evidence.UNSTATED,
                contact_name=user.display_name,
                contact_email=user.email,
                tags=Tags(
                    exploitation_forms=list(action.exploitation_forms.all()),
                    age_groups=list(action.age_groups.all()),
                    action_lines=[action.action_line] if action.action_line else [],
                    actions=[action],
                ),
            )
            if lesson is None:
                create_lesson(user, data, source_update=update)
            elif lesson.tried != text:
                update_lesson(user, lesson, data)
        elif lesson is not None and lesson.published_at is None:
            delete_entry(user, lesson)
    return h

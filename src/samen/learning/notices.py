"""What the learning space tells people, through samen.notifications (ADR 0011).

Partners follow exploitation forms, actions or questions (`models.Follow`; asking or
answering a question follows it). Recipients are chosen here and checked against
samen.accounts.access; the writer of an entry is never told of their own entry."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts import access
from samen.notifications import registry
from samen.notifications.services import notify

from .models import Answer, Follow, Lesson, Question

PARTNERS = access.LEARNING_PARTNERS
KINDS = {
    "new_entry": registry.Kind(
        "learning.new_entry",
        _("A new lesson or question on what you follow"),
        _(
            "A partner shared a lesson or asked a question about an exploitation form or action "
            "you follow in the learning space."
        ),
        "learning/notices/new_entry_subject.txt",
        "learning/notices/new_entry.txt",
        default=registry.DAILY,
        roles=PARTNERS,
    ),
    "answered": registry.Kind(
        "learning.answered",
        _("A new answer to a question you follow"),
        _("Someone answered a question you asked, answered or follow in the learning space."),
        "learning/notices/answered_subject.txt",
        "learning/notices/answered.txt",
        roles=PARTNERS,
    ),
    "good_practice": registry.Kind(
        "learning.good_practice",
        _("Your lesson is marked as good practice"),
        _("The programme team marked a lesson of your organisation as good practice."),
        "learning/notices/good_practice_subject.txt",
        "learning/notices/good_practice.txt",
        roles=PARTNERS,
    ),
    "answer_published": registry.Kind(
        "learning.answer_published",
        _("An answer of your organisation is published"),
        _(
            "The programme team published a question together with an answer your "
            "organisation gave; everyone can now read that answer."
        ),
        "learning/notices/answer_published_subject.txt",
        "learning/notices/answer_published.txt",
        roles=PARTNERS,
    ),
    "withdrawn": registry.Kind(
        "learning.withdrawn",
        _("A publication of your organisation is withdrawn"),
        _(
            "The programme team withdrew the publication of a lesson or question of your "
            "organisation; the message gives the reason."
        ),
        "learning/notices/withdrawn_subject.txt",
        "learning/notices/withdrawn.txt",
        roles=PARTNERS,
    ),
}


def register_kinds() -> None:
    for kind in KINDS.values():
        registry.register(kind)


def url_of(entry: Lesson | Question) -> str:
    name = "learning:lesson" if isinstance(entry, Lesson) else "learning:question"
    return reverse(name, args=[entry.pk])


def _readers(follows: Any, exclude: Any) -> list[Any]:
    users = {f.user.pk: f.user for f in follows.select_related("user")}
    users.pop(getattr(exclude, "pk", None), None)
    return [u for u in users.values() if access.reads_learning_space(u)]


def new_entry(entry: Lesson | Question) -> None:
    """Tell the followers of the entry's forms and actions (in the write's transaction)."""
    forms = list(entry.exploitation_forms.values_list("pk", flat=True))
    actions = list(entry.actions.values_list("pk", flat=True))
    if not forms and not actions:
        return
    follows = Follow.objects.filter(Q(exploitation_form_id__in=forms) | Q(action_id__in=actions))
    kind = "lesson" if isinstance(entry, Lesson) else "question"
    notify(
        KINDS["new_entry"].key,
        _readers(follows, entry.author),
        event=f"learning.new:{kind}:{entry.pk}",
        url=url_of(entry),
        context={"entry": entry, "is_lesson": kind == "lesson", "organisation": entry.organisation},
    )


def answered(question: Question, answer: Answer) -> None:
    notify(
        KINDS["answered"].key,
        _readers(Follow.objects.filter(question=question), answer.author),
        event=f"learning.answered:{answer.pk}",
        url=url_of(question) + f"#answer-{answer.pk}",
        context={"question": question, "answer": answer, "organisation": answer.organisation},
    )


def good_practice(lesson: Lesson) -> None:
    from samen.accounts.models import User

    members = User.objects.filter(organisation_id=lesson.organisation_id, role__in=PARTNERS)
    notify(
        KINDS["good_practice"].key,
        [u for u in members if access.reads_learning_space(u)],
        event=f"learning.good_practice:{lesson.pk}",
        url=url_of(lesson),
        context={"lesson": lesson},
    )


def withdrawn(entry: Lesson | Question, published_title: str, by: Any) -> None:
    """Tell the entry's organisation that its publication is withdrawn, and why."""
    from samen.accounts.models import User

    members = User.objects.filter(organisation_id=entry.organisation_id, role__in=PARTNERS)
    notify(
        KINDS["withdrawn"].key,
        [u for u in members if u.pk != getattr(by, "pk", None) and access.reads_learning_space(u)],
        event=f"learning.withdrawn:{type(entry).__name__.lower()}:{entry.pk}:{entry.withdrawn_at}",
        url=url_of(entry),
        context={
            "title": published_title,
            "reason": entry.withdrawal_reason,
            "is_lesson": isinstance(entry, Lesson),
        },
    )


def answers_published(question: Question, answers: Any) -> None:
    """Tell each answering organisation that its answer is now public."""
    from samen.accounts.models import User

    for answer in answers.select_related("organisation"):
        members = User.objects.filter(organisation_id=answer.organisation_id, role__in=PARTNERS)
        notify(
            KINDS["answer_published"].key,
            [u for u in members if access.reads_learning_space(u)],
            event=f"learning.answer_published:{answer.pk}:{question.published_at}",
            url=url_of(question) + f"#answer-{answer.pk}",
            context={"question": question, "answer": answer},
        )

"""API of the learning space (issue 15): lessons, questions and answers, and one search.

Without a token the caller is the public: published entries only, and only their public
layer (ADR 0007). With a token, partners and the programme team read everything and write
for their own organisation. Access is decided by samen.accounts.access, writes by
samen.learning.services, exactly as for the web pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import HttpBearer

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.learning import search, services
from samen.learning.models import TEXT_MAX, Lesson, Question
from samen.plan.models import Action, ActionLine, AgeGroup, ExploitationForm, Organisation

from .auth import bearer
from .base import MAX_ID, NOT_BLANK, ApiProblem, Body, Problem, bad_parameter
from .plan import PAGING, Paging, paginate, reject_unknown

router = Router(tags=["learning"])


class OptionalBearer(HttpBearer):
    """A bearer token when one is sent (a wrong one is refused with 401); without one the
    caller is the public."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return bearer.authenticate(request, token)


optional = OptionalBearer()
# In the document: a token is optional (`{}`, no requirement, is the other choice).
OPTIONAL = {"security": [{}]}


# --- schemas ------------------------------------------------------------------------------

EvidenceValue = Literal["idea", "once", "evaluated", "proven", "unstated"]


class Term(Schema):
    code: str
    name: str


class Tags(Schema):
    exploitationForms: list[Term]
    ageGroups: list[Term]
    actionLines: list[Term]
    actions: list[Term]


class AttachmentOut(Schema):
    id: int
    name: str
    type: str
    size: int
    url: str = Field(description="Download address (the same access rules apply).")


class LessonOut(Schema):
    id: int
    title: str
    context: str
    tried: str
    result: str
    advice: str
    evidenceLevel: EvidenceValue
    goodPractice: bool
    organisation: Term
    contactName: str | None = Field(
        description="Partners and the programme team only; null otherwise."
    )
    contactEmail: str | None = Field(
        description="Partners and the programme team only; null otherwise."
    )
    tags: Tags
    attachments: list[AttachmentOut]
    published: bool
    createdAt: dt.datetime
    demo: bool


class LessonList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[LessonOut]


class AnswerOut(Schema):
    id: int | None = Field(description="null in the public layer.")
    organisation: str
    body: str
    helpful: bool


class QuestionOut(Schema):
    id: int
    title: str
    body: str
    closed: bool
    organisation: Term
    tags: Tags
    answers: list[AnswerOut]
    published: bool
    createdAt: dt.datetime
    demo: bool


class QuestionList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[QuestionOut]


class SearchHit(Schema):
    type: Literal["lesson", "question"]
    id: int
    title: str
    snippet: str
    organisation: Term
    createdAt: dt.datetime


class SearchList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[SearchHit]


class TagsIn(Body):
    exploitationForms: list[str] = Field(default_factory=list, max_length=50)
    ageGroups: list[str] = Field(default_factory=list, max_length=50)
    actionLines: list[str] = Field(default_factory=list, max_length=50)
    actions: list[str] = Field(default_factory=list, max_length=200)


class LessonIn(Body):
    title: str = Field(..., max_length=200, pattern=NOT_BLANK)
    context: str = Field(..., max_length=TEXT_MAX, pattern=NOT_BLANK)
    tried: str = Field(..., max_length=TEXT_MAX, pattern=NOT_BLANK)
    result: str = Field("", max_length=TEXT_MAX)
    advice: str = Field("", max_length=TEXT_MAX)
    evidenceLevel: EvidenceValue = "idea"
    contactName: str = Field("", max_length=200)
    contactEmail: str = Field("", max_length=254)
    tags: TagsIn | None = None


class QuestionIn(Body):
    title: str = Field(..., max_length=200, pattern=NOT_BLANK)
    body: str = Field(..., max_length=TEXT_MAX, pattern=NOT_BLANK)
    tags: TagsIn | None = None


class AnswerIn(Body):
    body: str = Field(..., max_length=TEXT_MAX, pattern=NOT_BLANK)


DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class LearningFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Words to find (all of them).")
    exploitationForm: str | None = Field(None, max_length=40, description="Exploitation form code.")
    ageGroup: str | None = Field(None, max_length=40, description="Age group code.")
    actionLine: str | None = Field(None, max_length=20, description="Action line code.")
    action: str | None = Field(None, max_length=30, description="Action code.")
    organisation: str | None = Field(None, max_length=60, description="Organisation code.")
    createdFrom: str | None = Field(
        None,
        pattern=DATE,
        json_schema_extra={"format": "date"},
        description="Created on or after this day.",
    )
    createdTo: str | None = Field(
        None,
        pattern=DATE,
        json_schema_extra={"format": "date"},
        description="Created on or before this day.",
    )


class LessonFilters(LearningFilters):
    evidenceLevel: EvidenceValue | None = None
    goodPractice: bool | None = Field(None, description="true: good practices only.")


FILTER_NAMES = tuple(LearningFilters.model_fields)


def _day(value: str | None, name: str) -> dt.date | None:
    """A calendar day as the document states it (YYYY-MM-DD); lax forms are refused."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise bad_parameter(name, _("not a date (YYYY-MM-DD)")) from None


# --- shaping --------------------------------------------------------------------------------


def _term(obj: Any) -> dict[str, str]:
    name = (
        obj.label
        if isinstance(obj, ActionLine)
        else (obj.title if isinstance(obj, Action) else obj.name)
    )
    return {"code": obj.code, "name": name}


def _tags(entry: Any) -> dict[str, Any]:
    return {
        "exploitationForms": [_term(t) for t in entry.exploitation_forms.all()],
        "ageGroups": [_term(t) for t in entry.age_groups.all()],
        "actionLines": [_term(t) for t in entry.action_lines.all()],
        "actions": [_term(t) for t in entry.actions.all()],
    }


def lesson_out(request: HttpRequest, lesson: Lesson) -> dict[str, Any]:
    partner = access.reads_learning_space(request.user)
    texts = {f: getattr(lesson, f) for f in Lesson.TEXTS} if partner else lesson.public
    shown = set(lesson.public.get("attachments", []))
    files = [a for a in lesson.attachments.all() if partner or a.pk in shown]
    return {
        "id": lesson.pk,
        **{f: texts.get(f, "") if isinstance(texts, dict) else "" for f in Lesson.TEXTS},
        "evidenceLevel": lesson.evidence if partner else lesson.public.get("evidence", "idea"),
        "goodPractice": lesson.good_practice
        if partner
        else lesson.public.get("good_practice", False),
        "organisation": {"code": lesson.organisation.code, "name": lesson.organisation.name},
        "contactName": lesson.contact_name if partner else None,
        "contactEmail": lesson.contact_email if partner else None,
        "tags": _tags(lesson),
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "type": a.kind,
                "size": a.size,
                "url": request.build_absolute_uri(f"/leren/bijlagen/{a.pk}"),
            }
            for a in files
        ],
        "published": lesson.published_at is not None,
        "createdAt": lesson.created_at,
        "demo": lesson.is_demo,
    }


def question_out(request: HttpRequest, question: Question) -> dict[str, Any]:
    partner = access.reads_learning_space(request.user)
    if partner:
        title, body, closed = question.title, question.body, question.closed_at is not None
        answers = [
            {"id": a.pk, "organisation": a.organisation.name, "body": a.body, "helpful": a.helpful}
            for a in question.answers.all()
        ]
    else:
        p = question.public
        title, body, closed = p.get("title", ""), p.get("body", ""), p.get("closed", False)
        answers = [
            {
                "id": None,
                "organisation": a["organisation"],
                "body": a["body"],
                "helpful": a["helpful"],
            }
            for a in p.get("answers", [])
        ]
    return {
        "id": question.pk,
        "title": title,
        "body": body,
        "closed": closed,
        "organisation": {"code": question.organisation.code, "name": question.organisation.name},
        "tags": _tags(question),
        "answers": answers,
        "published": question.published_at is not None,
        "createdAt": question.created_at,
        "demo": question.is_demo,
    }


TAGS = ("exploitation_forms", "age_groups", "action_lines", "actions")


def _lessons():
    from django.db.models import Prefetch

    from samen.learning.models import Attachment

    return Lesson.objects.select_related("organisation").prefetch_related(
        *TAGS, Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
    )


def _questions():
    from django.db.models import Prefetch

    from samen.learning.models import Answer

    return Question.objects.select_related("organisation").prefetch_related(
        *TAGS, Prefetch("answers", queryset=Answer.objects.select_related("organisation"))
    )


def _lookup(model: Any, code: str | None, name: str) -> Any:
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise bad_parameter(name, _("unknown code %(code)s") % {"code": code}, "unknown-value")
    return found


def _filters(f: LearningFilters, kind: str) -> search.Filters:
    return search.Filters(
        query=f.q or "",
        kind=kind,
        exploitation_form=_lookup(ExploitationForm, f.exploitationForm, "exploitationForm"),
        age_group=_lookup(AgeGroup, f.ageGroup, "ageGroup"),
        action_line=_lookup(ActionLine, f.actionLine, "actionLine"),
        action=_lookup(Action, f.action, "action"),
        organisation=_lookup(Organisation, f.organisation, "organisation"),
        evidence=getattr(f, "evidenceLevel", None) or "",
        good_practice=bool(getattr(f, "goodPractice", False)),
        since=_day(f.createdFrom, "createdFrom"),
        until=_day(f.createdTo, "createdTo"),
    )


def _tags_in(tags: TagsIn | None) -> services.Tags:
    if tags is None:
        return services.Tags()

    def many(model: Any, codes: list[str], name: str) -> list[Any]:
        found = list(model.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {f.code for f in found})
        if missing:
            raise bad_parameter(
                f"tags.{name}", _("unknown code %(code)s") % {"code": missing[0]}, "unknown-value"
            )
        return found

    return services.Tags(
        exploitation_forms=many(ExploitationForm, tags.exploitationForms, "exploitationForms"),
        age_groups=many(AgeGroup, tags.ageGroups, "ageGroups"),
        action_lines=many(ActionLine, tags.actionLines, "actionLines"),
        actions=many(Action, tags.actions, "actions"),
    )


def _call(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Denied as exc:
        raise ApiProblem(403, _("Not allowed"), str(exc)) from exc
    except Invalid as exc:
        params = [{"name": k, "code": "invalid", "reason": v} for k, v in exc.errors.items()]
        raise ApiProblem(400, _("Invalid request"), str(exc), params) from exc


def _write_user(request: HttpRequest) -> Any:
    if not getattr(request.user, "is_authenticated", False):
        raise ApiProblem(
            401, _("Not authenticated"), _("Send a valid token: 'Authorization: Bearer <token>'.")
        )
    return request.user


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/lessons",
    response={200: LessonList, 401: Problem},
    summary="Lessons and good practices",
    auth=optional,
    openapi_extra=OPTIONAL,
)
def list_lessons(
    request: HttpRequest, filters: Query[LessonFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Newest first (best match first with `q` on PostgreSQL). Without a token: published
    lessons only, with their published text."""
    reject_unknown(request, (*LessonFilters.model_fields, *PAGING))
    docs = search.search(request.user, _filters(filters, "lesson"))
    page = paginate(request, docs, paging.page, paging.pageSize, lambda d: d.lesson_id)
    found = {lesson.pk: lesson for lesson in _lessons().filter(pk__in=page["results"])}
    page["results"] = [lesson_out(request, found[pk]) for pk in page["results"]]
    return page


@router.get(
    "/lessons/{lesson_id}",
    response={200: LessonOut, 401: Problem},
    summary="One lesson",
    auth=optional,
    openapi_extra=OPTIONAL,
)
def get_lesson(request: HttpRequest, lesson_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # type: ignore[type-arg]
    found = access.visible_learning(request.user, _lessons()).filter(pk=lesson_id).first()
    if found is None:
        raise ApiProblem(404, _("Not found"), _("No such lesson."))
    return lesson_out(request, found)


@router.post(
    "/lessons",
    response={201: LessonOut, 401: Problem, 403: Problem},
    summary="Share a lesson (partners and the programme team)",
    auth=bearer,
)
def create_lesson(request: HttpRequest, body: LessonIn) -> Status[dict[str, Any]]:
    """For the caller's own organisation. Nothing is public until the programme team
    publishes it."""
    data = services.LessonData(
        title=body.title,
        context=body.context,
        tried=body.tried,
        result=body.result,
        advice=body.advice,
        evidence=body.evidenceLevel,
        contact_name=body.contactName,
        contact_email=body.contactEmail,
        tags=_tags_in(body.tags),
    )
    lesson = _call(services.create_lesson, _write_user(request), data)
    return Status(201, lesson_out(request, _lessons().get(pk=lesson.pk)))


@router.get(
    "/questions",
    response={200: QuestionList, 401: Problem},
    summary="Questions and their answers",
    auth=optional,
    openapi_extra=OPTIONAL,
)
def list_questions(
    request: HttpRequest, filters: Query[LearningFilters], paging: Query[Paging]
) -> dict[str, Any]:
    reject_unknown(request, (*FILTER_NAMES, *PAGING))
    docs = search.search(request.user, _filters(filters, "question"))
    page = paginate(request, docs, paging.page, paging.pageSize, lambda d: d.question_id)
    found = {q.pk: q for q in _questions().filter(pk__in=page["results"])}
    page["results"] = [question_out(request, found[pk]) for pk in page["results"]]
    return page


@router.get(
    "/questions/{question_id}",
    response={200: QuestionOut, 401: Problem},
    summary="One question with its answers",
    auth=optional,
    openapi_extra=OPTIONAL,
)
def get_question(
    request: HttpRequest, question_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:  # type: ignore[type-arg]
    found = access.visible_learning(request.user, _questions()).filter(pk=question_id).first()
    if found is None:
        raise ApiProblem(404, _("Not found"), _("No such question."))
    return question_out(request, found)


@router.post(
    "/questions",
    response={201: QuestionOut, 401: Problem, 403: Problem},
    summary="Ask a question (partners and the programme team)",
    auth=bearer,
)
def create_question(request: HttpRequest, body: QuestionIn) -> Status[dict[str, Any]]:
    data = services.QuestionData(title=body.title, body=body.body, tags=_tags_in(body.tags))
    q = _call(services.ask, _write_user(request), data)
    return Status(201, question_out(request, _questions().get(pk=q.pk)))


@router.post(
    "/questions/{question_id}/answers",
    response={201: QuestionOut, 401: Problem, 403: Problem},
    summary="Answer a question (partners and the programme team)",
    auth=bearer,
)
def answer_question(
    request: HttpRequest,
    body: AnswerIn,
    question_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
) -> Status[dict[str, Any]]:
    q = access.visible_learning(request.user, Question.objects.all()).filter(pk=question_id).first()
    if q is None:
        raise ApiProblem(404, _("Not found"), _("No such question."))
    _call(services.answer, _write_user(request), q, body.body)
    return Status(201, question_out(request, _questions().get(pk=q.pk)))


@router.get(
    "/learning-search",
    response={200: SearchList, 401: Problem},
    summary="Search lessons, questions, answers and attachments",
    auth=optional,
    openapi_extra=OPTIONAL,
)
def learning_search(
    request: HttpRequest, filters: Query[LearningFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """One search over lessons, good practices, questions, answers and the text of PDF and
    DOCX attachments. PostgreSQL: Dutch full-text search (stemming, every word as a
    prefix), best match first; SQLite: every word must occur, newest first. Without a
    token: published entries and their published text only."""
    reject_unknown(request, (*FILTER_NAMES, *PAGING))
    partner = access.reads_learning_space(request.user)
    docs = search.search(request.user, _filters(filters, ""))

    def hit(doc: Any) -> dict[str, Any]:
        entry = doc.lesson or doc.question
        return {
            "type": "lesson" if doc.lesson_id else "question",
            "id": entry.pk,
            "title": entry.title if partner else entry.public.get("title", ""),
            "snippet": search.snippet(doc, filters.q or "", partner),
            "organisation": {"code": entry.organisation.code, "name": entry.organisation.name},
            "createdAt": entry.created_at,
        }

    return paginate(request, docs, paging.page, paging.pageSize, hit)

"""One search over lessons, questions, answers and attachments' text.

Every write rebuilds the entry's `SearchDocument`: its text for partners and its public
text (from the public layer only, so the public cannot find what it may not read). On
PostgreSQL both are also stored as tsvectors with the Dutch configuration (stemming:
"uitbuiting" finds "uitgebuit"... as far as the Dutch snowball stemmer goes) under a GIN
index and ranked; on SQLite every word of the query must occur in the normalised text
(accents and case ignored), newest first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet

from samen.accounts import access

from .models import Answer, Attachment, Lesson, Question, SearchDocument

MAX_QUERY = 200
MAX_WORDS = 12


def normalise(text: str) -> str:
    """Lower case, without accents, whitespace collapsed: what the SQLite fallback compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def words(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", normalise(query[:MAX_QUERY]))][:MAX_WORDS]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- indexing -------------------------------------------------------------------------


def _lesson_texts(lesson: Lesson) -> tuple[str, str]:
    # Fresh from the database: a caller's prefetched list may be older than this write.
    attachments = list(Attachment.objects.filter(lesson=lesson))
    own = [lesson.organisation.name, *(getattr(lesson, f) for f in Lesson.TEXTS)]
    own += [a.name + " " + a.text for a in attachments]
    public = ""
    if lesson.published_at and lesson.public:
        shown = set(lesson.public.get("attachments", []))
        parts = [lesson.organisation.name, *(lesson.public.get(f, "") for f in Lesson.TEXTS)]
        parts += [a.name + " " + a.text for a in attachments if a.pk in shown]
        public = "\n".join(parts)
    return "\n".join(own), public


def _question_texts(question: Question) -> tuple[str, str]:
    answers = list(Answer.objects.filter(question=question))
    own = [question.organisation.name, question.title, question.body, *(a.body for a in answers)]
    public = ""
    if question.published_at and question.public:
        p = question.public
        public = "\n".join(
            [
                question.organisation.name,
                p.get("title", ""),
                p.get("body", ""),
                *(a.get("body", "") for a in p.get("answers", [])),
            ]
        )
    return "\n".join(own), public


def index(entry: Lesson | Question) -> SearchDocument:
    """(Re)build the search document of `entry`; call inside the write's transaction.
    The entry is read again: a caller's copy may be older than the write."""
    entry = type(entry).objects.select_related("organisation").get(pk=entry.pk)
    if isinstance(entry, Lesson):
        text, public = _lesson_texts(entry)
        key = {"lesson": entry}
    else:
        text, public = _question_texts(entry)
        key = {"question": entry}
    doc, _created = SearchDocument.objects.update_or_create(
        **key,
        defaults={
            "organisation_id": entry.organisation_id,
            "created_at": entry.created_at,
            "published": entry.published_at is not None,
            "text": normalise(text),
            "public_text": normalise(public),
        },
    )
    if is_postgres():
        from django.contrib.postgres.search import SearchVector

        SearchDocument.objects.filter(pk=doc.pk).update(
            vector=SearchVector("text", config="dutch"),
            public_vector=SearchVector("public_text", config="dutch"),
        )
    return doc


# --- searching ------------------------------------------------------------------------


@dataclass
class Filters:
    query: str = ""
    kind: str = ""  # "", "lesson", "question"
    exploitation_form: Any = None
    age_group: Any = None
    action_line: Any = None
    action: Any = None
    organisation: Any = None
    evidence: str = ""
    good_practice: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _tagged(f: Filters) -> Q:
    """Entries tagged with the filters' terms: a subquery per tag, no duplicate rows."""
    condition = Q()
    for attr, relation in (
        ("exploitation_form", "exploitation_forms"),
        ("age_group", "age_groups"),
        ("action_line", "action_lines"),
        ("action", "actions"),
    ):
        term = getattr(f, attr)
        if term is None:
            continue
        lessons = Lesson.objects.filter(**{relation: term}).values("pk")
        questions = Question.objects.filter(**{relation: term}).values("pk")
        condition &= Q(lesson__in=lessons) | Q(question__in=questions)
    return condition


def search(user: Any, f: Filters) -> QuerySet[SearchDocument]:
    """The documents `user` may read that match `f`, best first (PostgreSQL) or newest
    first; each with its lesson or question (and their organisations and tags) loaded in a
    fixed number of queries, whatever the number of results."""
    partner = access.reads_learning_space(user)
    qs = SearchDocument.objects.all()
    if not partner:
        qs = qs.filter(published=True)
    if f.kind == "lesson":
        qs = qs.filter(lesson__isnull=False)
    elif f.kind == "question":
        qs = qs.filter(question__isnull=False)
    if f.organisation is not None:
        qs = qs.filter(organisation=f.organisation)
    if f.evidence:
        qs = qs.filter(lesson__evidence=f.evidence)
    if f.good_practice:
        qs = qs.filter(lesson__good_practice=True)
    if f.since:
        qs = qs.filter(created_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__date__lte=f.until)
    qs = qs.filter(_tagged(f))
    terms = words(f.query)
    column = "text" if partner else "public_text"
    ordered = False
    if terms:
        if is_postgres():
            from django.contrib.postgres.search import SearchQuery, SearchRank

            vector = "vector" if partner else "public_vector"
            # Every word, stemmed by the Dutch configuration, as a prefix: "gezin" finds
            # "gezinnen" as the SQLite fallback does. `words()` keeps only word characters,
            # so the raw syntax cannot be injected.
            raw = " & ".join(f"{t}:*" for t in terms)
            sq = SearchQuery(raw, config="dutch", search_type="raw")
            qs = qs.filter(**{vector: sq}).annotate(rank=SearchRank(F(vector), sq))
            qs = qs.order_by("-rank", "-created_at", "-id")
            ordered = True
        else:
            for term in terms:
                qs = qs.filter(**{f"{column}__contains": term})
    if not ordered:
        qs = qs.order_by("-created_at", "-id")
    tags = ("exploitation_forms", "age_groups", "actions")
    # The ordered query stays narrow (no texts, no vectors, no joins): PostgreSQL then sorts
    # thousands of matches by rank cheaply; the page's entries come in a few more queries.
    return qs.defer("text", "public_text", "vector", "public_vector").prefetch_related(
        Prefetch(
            "lesson",
            queryset=Lesson.objects.select_related("organisation").prefetch_related(*tags),
        ),
        Prefetch(
            "question",
            queryset=Question.objects.select_related("organisation").prefetch_related(
                *tags, Prefetch("answers", queryset=Answer.objects.only("id", "question_id"))
            ),
        ),
    )


def found_in_files(docs: list[SearchDocument], query: str, partner: bool) -> dict[int, str]:
    """For lessons whose own texts do not hold the query's words but a file does: the
    lesson's id and that file's name (one query for the page). The public only hears of
    files in the published copy."""
    terms = words(query)
    if not terms:
        return {}
    lessons = [d.lesson for d in docs if d.lesson_id]
    pending: dict[int, Lesson] = {}
    for lesson in lessons:
        if partner:
            own = " ".join(getattr(lesson, f) for f in Lesson.TEXTS)
        else:
            own = " ".join(lesson.public.get(f, "") for f in Lesson.TEXTS)
        plain = normalise(own + " " + lesson.organisation.name)
        if not all(t in plain for t in terms):
            pending[lesson.pk] = lesson
    if not pending:
        return {}
    found: dict[int, str] = {}
    rows = Attachment.objects.filter(lesson_id__in=pending).order_by("pk")
    for pk, lesson_id, name, text in rows.values_list("pk", "lesson_id", "name", "text"):
        lesson = pending[lesson_id]
        if lesson_id in found:
            continue
        if not partner and pk not in lesson.public.get("attachments", []):
            continue
        plain = normalise(name + " " + text)
        if any(t in plain for t in terms):
            found[lesson_id] = name
    return found


def snippet(doc: SearchDocument, query: str, partner: bool, width: int = 220) -> str:
    """A piece of the entry's text around the first word of the query (public text for
    the public)."""
    entry = doc.lesson or doc.question
    if partner:
        if doc.lesson:
            text = " ".join(getattr(entry, f) for f in ("context", "tried", "result", "advice"))
        else:
            text = entry.body
    else:
        p = entry.public
        keys = ("context", "tried", "result", "advice") if doc.lesson else ("body",)
        text = " ".join(p.get(k, "") for k in keys)
    text = " ".join(text.split())
    terms = words(query)
    at = 0
    if terms:
        plain = normalise(text)
        hits = [plain.find(t) for t in terms if plain.find(t) >= 0]
        at = max(0, min(hits) - 60) if hits else 0
    piece = text[at : at + width]
    return ("…" if at else "") + piece + ("…" if at + width < len(text) else "")


def reindex_all(batch: int = 2000) -> int:
    """Rebuild every search document in bulk (after a restore or an import, and for the
    benchmark); returns how many. On PostgreSQL the vectors are computed by the database
    in one statement."""
    from django.db import transaction
    from django.db.models import Prefetch

    with transaction.atomic():
        SearchDocument.objects.all().delete()
        docs = []
        lessons = Lesson.objects.select_related("organisation").prefetch_related(
            Prefetch(
                "attachments", queryset=Attachment.objects.only("id", "lesson_id", "name", "text")
            )
        )
        for lesson in lessons.iterator(chunk_size=batch):
            attachments = list(lesson.attachments.all())
            own = [lesson.organisation.name, *(getattr(lesson, f) for f in Lesson.TEXTS)]
            own += [a.name + " " + a.text for a in attachments]
            public = ""
            if lesson.published_at and lesson.public:
                shown = set(lesson.public.get("attachments", []))
                parts = [
                    lesson.organisation.name,
                    *(lesson.public.get(f, "") for f in Lesson.TEXTS),
                ]
                parts += [a.name + " " + a.text for a in attachments if a.pk in shown]
                public = "\n".join(parts)
            docs.append(_document(lesson, "\n".join(own), public, lesson=lesson))
        questions = Question.objects.select_related("organisation").prefetch_related("answers")
        for question in questions.iterator(chunk_size=batch):
            own = [question.organisation.name, question.title, question.body]
            own += [a.body for a in question.answers.all()]
            public = ""
            if question.published_at and question.public:
                p = question.public
                public = "\n".join(
                    [question.organisation.name, p.get("title", ""), p.get("body", "")]
                    + [a.get("body", "") for a in p.get("answers", [])]
                )
            docs.append(_document(question, "\n".join(own), public, question=question))
        SearchDocument.objects.bulk_create(docs, batch_size=batch)
        if is_postgres():
            from django.contrib.postgres.search import SearchVector

            SearchDocument.objects.update(
                vector=SearchVector("text", config="dutch"),
                public_vector=SearchVector("public_text", config="dutch"),
            )
    return len(docs)


def _document(entry: Any, text: str, public: str, **key: Any) -> SearchDocument:
    return SearchDocument(
        **key,
        organisation_id=entry.organisation_id,
        created_at=entry.created_at,
        published=entry.published_at is not None,
        text=normalise(text),
        public_text=normalise(public),
    )

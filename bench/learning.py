"""The learning space's search at 1× and 100× a realistic volume (100 and 10,000 entries;
20 and 2,000 attachments with extracted text): SQL queries per page (must not grow) and
median server time, beside a trivial view measured in the same run. Runs on SQLite by
default, on PostgreSQL with DATABASE_URL=postgres://...

    .venv/bin/python -m bench learning
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from bench import _django

REPEATS = 9
WORDS = [
    "jongeren",
    "school",
    "ouders",
    "wijkagent",
    "koerier",
    "ronselen",
    "loverboy",
    "signalen",
    "melding",
    "zorg",
    "gemeente",
    "politie",
    "inspectie",
    "arbeidsmigrant",
    "huisvesting",
    "uitzendbureau",
    "keten",
    "overleg",
    "training",
    "voorlichting",
    "opvang",
    "slachtoffer",
    "traject",
    "netwerk",
    "aanpak",
    "pilot",
    "evaluatie",
    "leerplicht",
    "jongerenwerk",
    "hulpverlening",
    "tolk",
    "bedrijf",
    "controle",
    "gesprek",
    "vertrouwen",
]


def build(entries: int, files: int) -> tuple[str, str]:
    """`entries` lessons and questions (7 in 10 lessons), `files` attachments, a tenth
    published; the search documents rebuilt. Returns a partner's and the public's ids."""
    from django.utils import timezone

    from samen.accounts.models import User
    from samen.learning import search
    from samen.learning.models import Answer, Attachment, Lesson, Question
    from samen.plan.models import AgeGroup, ExploitationForm, Organisation

    Lesson.objects.all().delete()
    Question.objects.all().delete()
    rng = random.Random(entries)
    orgs = list(Organisation.objects.all()[:40])
    forms = list(ExploitationForm.objects.all())
    ages = list(AgeGroup.objects.all())

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    now = timezone.now()

    def when():  # spread over a year, so that every page mixes lessons and questions
        return now - dt.timedelta(minutes=rng.randrange(525_600))

    lessons = Lesson.objects.bulk_create(
        [
            Lesson(
                organisation=rng.choice(orgs),
                title=text(5),
                context=text(40),
                tried=text(60),
                result=text(30),
                advice=text(20),
                evidence=rng.choice(["idea", "once", "evaluated", "proven"]),
                created_at=when(),
                is_demo=True,
            )
            for _ in range(entries * 7 // 10)
        ],
        batch_size=1000,
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                organisation=rng.choice(orgs),
                title=text(8),
                body=text(50),
                created_at=when(),
                is_demo=True,
            )
            for _ in range(entries - len(lessons))
        ],
        batch_size=1000,
    )
    Answer.objects.bulk_create(
        [Answer(question=q, organisation=rng.choice(orgs), body=text(40)) for q in questions],
        batch_size=1000,
    )
    for model, objects in ((Lesson, lessons), (Question, questions)):
        through_forms = model.exploitation_forms.through
        through_ages = model.age_groups.through
        fk = model.__name__.lower() + "_id"
        through_forms.objects.bulk_create(
            [
                through_forms(**{fk: o.pk, "exploitationform_id": rng.choice(forms).pk})
                for o in objects
            ],
            batch_size=2000,
        )
        through_ages.objects.bulk_create(
            [through_ages(**{fk: o.pk, "agegroup_id": rng.choice(ages).pk}) for o in objects],
            batch_size=2000,
        )
    Attachment.objects.bulk_create(
        [
            Attachment(
                lesson=rng.choice(lessons),
                name=f"verslag-{i}.pdf",
                stored_as=f"learning/bench-{entries}-{i}",
                kind="pdf",
                size=100_000,
                sha256="0" * 64,
                text=text(400),  # the extracted text of a few pages
            )
            for i in range(files)
        ],
        batch_size=1000,
    )
    published = [o.pk for o in lessons[::10]]
    for lesson in Lesson.objects.filter(pk__in=published):
        lesson.public = {f: getattr(lesson, f) for f in Lesson.TEXTS} | {"attachments": []}
        lesson.published_at = now
        lesson.save(update_fields=["public", "published_at"])
    search.reindex_all()
    partner = User.objects.filter(username="bench-partner").first() or User.objects.create_user(
        "bench-partner", role="holder", organisation=orgs[0]
    )
    return partner.username, ""


def main(argv: list[str]) -> None:
    _django.setup()
    from django.db import connection
    from django.test import Client

    from bench.plan_pages import synthesise
    from samen.accounts.models import ApiToken, User
    from samen.learning.models import Attachment, SearchDocument

    synthesise(1)
    rows = []
    for scale, entries, files in ((1, 100, 20), (100, 10_000, 2_000)):
        username, _ = build(entries, files)
        partner = Client()
        partner.force_login(User.objects.get(username=username))
        _t, key = ApiToken.issue(User.objects.get(username=username))
        api = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        pages = [
            ("trivial view (/health)", partner, "/health", None),
            ("search page, partner, one word", partner, "/leren?q=ronselen", None),
            ("search page, partner, two words", partner, "/leren?q=jongeren+school", None),
            (
                "search page, partner, filters, no words",
                partner,
                "/leren?form=criminal&age=minors",
                None,
            ),
            ("search page, public, one word", Client(), "/leren?q=ronselen", None),
            ("API learning-search, partner", Client(), "/api/v1/learning-search?q=ronselen", api),
            ("API lessons, partner, one word", Client(), "/api/v1/lessons?q=ronselen", api),
        ]
        baseline = None
        docs, attached = SearchDocument.objects.count(), Attachment.objects.count()
        for name, c, url, headers in pages:
            ms, queries = _django.measure(c, url, REPEATS, headers)
            baseline = baseline or ms
            rows.append((scale, docs, attached, name, queries, ms, ms / baseline))
        print(f"scale {scale}x done", file=sys.stderr, flush=True)

    print(f"Database: {connection.vendor}\n")
    print("| scale | entries | attachments | page | SQL queries | median ms | × trivial |")
    print("|---|---|---|---|---|---|---|")
    for scale, docs, attached, name, queries, ms, ratio in rows:
        print(f"| {scale}× | {docs} | {attached} | {name} | {queries} | {ms:.1f} | {ratio:.1f} |")
    # A page whose results are all lessons (or all questions) skips the other kind's
    # prefetches: fewer queries, never more. What must not happen is growth with volume.
    first = {row[3]: row[4] for row in rows if row[0] == 1}
    growing = [row[3] for row in rows if row[0] != 1 and row[4] > first[row[3]]]
    print()
    print(
        "Query counts bounded independently of volume (never more at 100× than at 1×):",
        "yes" if not growing else f"NO: {', '.join(growing)}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""One search over lessons, questions, answers and attachments: filters, what each
reader may find, and a fixed number of queries however many results (issue 15)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.learning import search, services
from samen.learning.models import Lesson
from samen.plan.models import ActionLine, AgeGroup, ExploitationForm

from .helpers import lesson, question, web

pytestmark = pytest.mark.django_db


def titles(user, **filters):
    return [(d.lesson or d.question).title for d in search.search(user, search.Filters(**filters))]


def test_words_are_found_whatever_their_case_and_accents(world):
    lesson(world.users.police, title="Geëvalueerde aanpak", tried="Ketenpartners één loket")
    for query in ("geevalueerde", "GEËVALUEERDE", "een loket", "ketenpartners loket"):
        assert titles(world.users.ngo, query=query) == ["Geëvalueerde aanpak"], query
    assert titles(world.users.ngo, query="ketenpartners onbekendwoord") == []


def test_postgresql_ranks_with_dutch_stemming_and_sqlite_matches_words(world):
    lesson(
        world.users.police, title="Over uitbuiting", tried="Jongeren werden uitgebuit in de wijk"
    )
    lesson(world.users.police, title="Over huisbezoeken", tried="Huisbezoeken bij gezinnen")
    if connection.vendor == "postgresql":
        # The Dutch stemmer: a plural finds the singular, and stop words are ignored.
        assert titles(world.users.ngo, query="de huisbezoek") == ["Over huisbezoeken"]
        assert titles(world.users.ngo, query="gezin") == ["Over huisbezoeken"]
    else:
        # SQLite's fallback: each word is a part of a word in the text.
        assert titles(world.users.ngo, query="huisbezoek") == ["Over huisbezoeken"]
        assert titles(world.users.ngo, query="gezin") == ["Over huisbezoeken"]


def test_answers_are_searched_with_their_question(world):
    q = question(world.users.police, title="Wie kent een tolk?")
    services.answer(world.users.ngo, q, "Het Tolkennetwerk Brabant helpt.")
    assert titles(world.users.programme, query="tolkennetwerk") == ["Wie kent een tolk?"]


def test_filters(world):
    criminal = ExploitationForm.objects.get(code="criminal")
    minors = AgeGroup.objects.get_or_create(code="minors", defaults={"name_nl": "Minderjarigen"})[0]
    line = ActionLine.objects.get(code="L2")
    a = lesson(world.users.police, title="Politie-les", evidence="proven")
    a.age_groups.set([minors])
    a.action_lines.set([line])
    services.update_lesson(
        world.users.police,
        a,
        services.LessonData(
            title=a.title,
            context=a.context,
            tried=a.tried,
            evidence="proven",
            tags=services.Tags(
                exploitation_forms=[criminal], age_groups=[minors], action_lines=[line]
            ),
        ),
    )
    lesson(world.users.ngo, title="NGO-les", forms=("labour",))
    question(world.users.ngo, title="NGO-vraag")
    old = lesson(world.users.ngo, title="Oude les")
    Lesson.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    search.index(Lesson.objects.get(pk=old.pk))
    user = world.users.programme
    assert titles(user, exploitation_form=criminal) == ["NGO-vraag", "Politie-les", "Oude les"]
    assert titles(user, age_group=minors) == ["Politie-les"]
    assert titles(user, action_line=line) == ["Politie-les"]
    assert titles(user, organisation=world.orgs.police) == ["Politie-les"]
    assert titles(user, evidence="proven") == ["Politie-les"]
    assert titles(user, kind="question") == ["NGO-vraag"]
    since = timezone.localdate() - dt.timedelta(days=30)
    assert "Oude les" not in titles(user, since=since)
    assert titles(user, until=since) == ["Oude les"]
    services.set_good_practice(world.users.programme, a, True)
    assert titles(user, good_practice=True) == ["Politie-les"]


def test_the_web_search_filters_by_codes_and_shows_no_codes(world, client):
    lesson(world.users.police, title="Criminele les")
    lesson(world.users.police, title="Arbeidsles", forms=("labour",))
    page = web(client, world.users.ngo, "get", "/leren?form=criminal&kind=lesson").content.decode()
    assert "Criminele les" in page and "Arbeidsles" not in page
    assert web(client, world.users.ngo, "get", "/leren?form=bestaat-niet").status_code == 200


def test_the_public_finds_only_published_public_text(world):
    a = lesson(world.users.police, title="Gepubliceerde les", tried="openbaarwoord")
    lesson(world.users.police, title="Interne les", tried="openbaarwoord intern")
    services.publish(world.users.programme, a)
    for reader in (None, world.users.viewer, world.users.analyst):
        assert titles(reader, query="openbaarwoord") == ["Gepubliceerde les"]
    assert len(titles(world.users.ngo, query="openbaarwoord")) == 2


def test_a_fixed_number_of_queries_however_many_results(world, client):
    def count(n_entries):
        for i in range(n_entries):
            lesson(world.users.police, title=f"Les {i}", tried="gedeeld woord")
            question(world.users.ngo, title=f"Vraag {i}")
        client.force_login(world.users.ngo)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/leren?q=").status_code == 200
        return len(ctx.captured_queries)

    few = count(2)
    many = count(12)  # 28 entries: more than a page
    assert few == many

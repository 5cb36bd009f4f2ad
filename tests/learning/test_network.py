"""Who works on what: organisations, the forms and lines they work on, the lessons they
shared; a picture drawn from the one chart specification with a table beside it (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.learning import network, services

from .helpers import lesson, web

pytestmark = pytest.mark.django_db


def test_a_municipality_sees_whom_to_ask_about_labour_exploitation(world, client):
    lesson(world.users.ngo, title="Arbeidsles", forms=("labour",))
    page = web(client, world.users.police, "get", "/leren/netwerk").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    # The NGO holds A.2 (labour) and shared a lesson on it: the table says so, in words.
    net = network.build(world.users.police)
    by_term = {t.code: people for t, people in net.by_term()}
    assert [(o.code, c.role, c.lessons) for o, c in by_term["labour"]] == [("ngo", "holder", 1)]
    assert [(o.code, c.role) for o, c in by_term["sexual"]] == [
        ("police", "holder"),
        ("ngo", "involved"),
    ]
    assert "Actiehouder" in page and "Een NGO" in page


def test_the_public_counts_only_published_lessons(world, client):
    entry = lesson(world.users.ngo, forms=("labour",))
    assert (
        network.build(None).cells[(world.orgs.ngo.pk, entry.exploitation_forms.get().pk)].lessons
        == 0
    )
    services.publish(world.users.programme, entry)
    assert (
        network.build(None).cells[(world.orgs.ngo.pk, entry.exploitation_forms.get().pk)].lessons
        == 1
    )


def test_by_action_line_and_in_a_fixed_number_of_queries(world, client):
    with CaptureQueriesContext(connection) as few:
        network.build(world.users.police, "line")
    for i in range(10):
        lesson(world.users.police, title=f"Les {i}")
    with CaptureQueriesContext(connection) as many:
        net = network.build(world.users.police, "line")
    assert len(few.captured_queries) == len(many.captured_queries) == 4
    assert web(client, world.users.police, "get", "/leren/netwerk?by=line").status_code == 200
    assert {t.code for t in net.terms} == {"L1", "L2"}

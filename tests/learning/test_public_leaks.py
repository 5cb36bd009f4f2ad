"""Marker words from every non-public layer of the learning space, looked for on every
public route (pages, API, search, downloads) by an anonymous visitor and a viewer: none may
appear (the learning space's share of ADR 0007's crawl)."""

import pytest

from samen.learning import attachments, services

from .helpers import api, lesson, question, web

pytestmark = pytest.mark.django_db

MARKERS = (
    "verborgentitel",
    "onzichtbaarwoord",
    "conceptwoord",
    "laterwoord",
    "contact@geheim.example",
)


def test_no_marker_from_a_non_public_layer_reaches_the_public(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hidden = lesson(world.users.police, title="Verborgentitel les", tried="onzichtbaarwoord")
    hidden_file = attachments.add(world.users.police, hidden, "a.txt", b"onzichtbaarwoord")
    shown = lesson(
        world.users.ngo,
        title="Openbare les",
        tried="openbaar",
        contact_email="contact@geheim.example",
    )
    services.publish(world.users.programme, shown)
    services.update_lesson(
        world.users.ngo,
        shown,
        services.LessonData(title="Openbare les", context="conceptwoord", tried="x"),
    )
    late_file = attachments.add(world.users.ngo, shown, "laat.txt", b"laterwoord")
    q = question(world.users.police, title="Verborgentitel vraag")
    services.answer(world.users.ngo, q, "onzichtbaarwoord antwoord")
    published_q = question(world.users.ngo, title="Openbare vraag")
    services.publish(world.users.programme, published_q)
    services.answer(world.users.police, published_q, "laterwoord antwoord")

    pages = [
        "/leren",
        "/leren?q=onzichtbaarwoord",
        "/leren?q=conceptwoord",
        "/leren?q=laterwoord",
        "/leren?kind=question",
        "/leren/netwerk",
        "/leren/netwerk?by=line",
        f"/leren/lessen/{shown.pk}",
        f"/leren/vragen/{published_q.pk}",
        "/uitbuitingsvormen/criminal",
        "/acties/A.3",
        "/api/v1/lessons",
        f"/api/v1/lessons/{shown.pk}",
        "/api/v1/questions",
        f"/api/v1/questions/{published_q.pk}",
        "/api/v1/learning-search?q=onzichtbaarwoord",
        "/api/v1/learning-search?q=laterwoord",
        "/api/v1/learning-search",
    ]
    for reader in (None, world.users.viewer, world.users.analyst):
        for url in pages:
            if url.startswith("/api/"):
                body = api(client, reader, "get", url).content.decode()
            else:
                body = web(client, reader, "get", url).content.decode()
            # A searched word is echoed in the search box and the links: look for the
            # others, and for what a hit would show (titles) instead.
            searched = url.split("q=")[1] if "q=" in url else ""
            for marker in MARKERS:
                if marker != searched:
                    assert marker not in body.lower(), (reader, url, marker)
            if searched in ("conceptwoord", "laterwoord"):
                assert "openbare les" not in body.lower() and "openbare vraag" not in body.lower()
        for hidden_url in (
            f"/leren/lessen/{hidden.pk}",
            f"/leren/vragen/{q.pk}",
            f"/leren/bijlagen/{hidden_file.pk}",
            f"/leren/bijlagen/{late_file.pk}",
        ):
            assert web(client, reader, "get", hidden_url).status_code == 404
        for hidden_api in (f"/api/v1/lessons/{hidden.pk}", f"/api/v1/questions/{q.pk}"):
            assert api(client, reader, "get", hidden_api).status_code == 404
    # The partners do read all of it.
    partner = web(client, world.users.police, "get", "/leren?q=conceptwoord").content.decode()
    assert "Openbare les" in partner

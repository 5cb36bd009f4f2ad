"""Rebuilding every search document gives the documents the writes gave."""

import pytest
from django.core.management import call_command

from samen.learning import attachments, search, services
from samen.learning.models import SearchDocument

from .helpers import lesson, question

pytestmark = pytest.mark.django_db


def test_reindex_all_rebuilds_what_the_writes_built(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = lesson(world.users.police)
    attachments.add(world.users.police, a, "n.txt", b"bijlagewoord")
    services.publish(world.users.programme, a)
    q = question(world.users.ngo)
    services.answer(world.users.police, q, "antwoordwoord")
    before = {
        (d.lesson_id, d.question_id): (d.text, d.public_text, d.published)
        for d in SearchDocument.objects.all()
    }
    call_command("learning_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {
        (d.lesson_id, d.question_id): (d.text, d.public_text, d.published)
        for d in SearchDocument.objects.all()
    }
    assert after == before
    assert search.search(world.users.ngo, search.Filters(query="bijlagewoord")).count() == 1
    assert search.search(None, search.Filters(query="bijlagewoord")).count() == 1
    assert search.search(world.users.ngo, search.Filters(query="antwoordwoord")).count() == 1

"""Lessons: sharing, reading, editing and curating, and every rule of access tried
through the web (issue 15)."""

import pytest

from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.core.models import AuditEvent
from samen.learning import services
from samen.learning.models import Lesson

from .helpers import lesson, web

pytestmark = pytest.mark.django_db


def test_a_partner_shares_a_lesson_through_the_form_and_finds_it_in_the_list(world, client):
    forms = {f.code: f for f in world.actions.a3.exploitation_forms.all()}
    response = web(
        client,
        world.users.ngo,
        "post",
        "/leren/lessen/nieuw",
        {
            "title": "Ouders als bondgenoot",
            "context": "Jongeren in een krachtwijk.",
            "tried": "Ouderavonden met ervaringsdeskundigen.",
            "result": "Ouders herkennen signalen eerder.",
            "advice": "Nodig ouders persoonlijk uit.",
            "evidence": "evaluated",
            "contact_name": "Sanne",
            "contact_email": "sanne@example.org",
            "exploitation_forms": [forms["criminal"].pk],
            "actions": [world.actions.a3.pk],
        },
    )
    assert response.status_code == 302
    created = Lesson.objects.get(title="Ouders als bondgenoot")
    assert created.organisation == world.orgs.ngo
    assert list(created.actions.all()) == [world.actions.a3]
    page = web(client, world.users.police, "get", f"/leren/lessen/{created.pk}").content.decode()
    assert "Ouderavonden met ervaringsdeskundigen." in page
    assert "sanne@example.org" in page
    assert "Geëvalueerd" in page
    listing = web(client, world.users.police, "get", "/leren").content.decode()
    assert "Ouders als bondgenoot" in listing
    assert AuditEvent.objects.filter(object_type="learning.lesson", kind="create").exists()


def test_a_lesson_needs_its_context_and_what_was_tried(world, client):
    response = web(
        client,
        world.users.ngo,
        "post",
        "/leren/lessen/nieuw",
        {"title": "Leeg", "evidence": "idea"},
    )
    assert response.status_code == 400
    assert not Lesson.objects.exists()
    with pytest.raises(Invalid):
        services.create_lesson(
            world.users.ngo, services.LessonData(title="x", context=" ", tried="")
        )


def test_partners_and_the_programme_read_unpublished_lessons_others_do_not(world, client):
    entry = lesson(world.users.police, tried="Geheime aanpak in de wijk")
    for reader in (
        world.users.ngo,
        world.users.ngo_reader,
        world.users.programme,
        world.users.police,
    ):
        page = web(client, reader, "get", f"/leren/lessen/{entry.pk}")
        assert page.status_code == 200 and "Geheime aanpak" in page.content.decode()
    for outsider in (world.users.viewer, world.users.analyst, None):
        assert web(client, outsider, "get", f"/leren/lessen/{entry.pk}").status_code == 404
        listing = web(client, outsider, "get", "/leren?q=geheime").content.decode()
        assert "Wijkagent in de klas" not in listing
        assert "Geheime aanpak" not in listing


def test_each_organisation_edits_only_its_own_lessons(world, client):
    entry = lesson(world.users.police)
    data = {"title": "Overgenomen", "context": "x", "tried": "y", "evidence": "idea"}
    for intruder in (
        world.users.ngo,
        world.users.programme,
        world.users.ministry,
        world.users.viewer,
    ):
        response = web(client, intruder, "post", f"/leren/lessen/{entry.pk}/bewerken", data)
        assert response.status_code in (403, 404)
        with pytest.raises(Denied):
            services.update_lesson(
                intruder, entry, services.LessonData(**{k: v for k, v in data.items()})
            )
        assert web(
            client, intruder, "post", f"/leren/lessen/{entry.pk}/verwijderen"
        ).status_code in (403, 404)
    entry.refresh_from_db()
    assert entry.title == "Wijkagent in de klas"
    # A colleague of the same organisation may.
    response = web(client, world.users.police, "post", f"/leren/lessen/{entry.pk}/bewerken", data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Overgenomen"


def test_viewers_analysts_and_the_public_cannot_write(world, client):
    for outsider in (world.users.viewer, world.users.analyst):
        assert web(client, outsider, "get", "/leren/lessen/nieuw").status_code == 403
        assert web(client, outsider, "get", "/leren/vragen/nieuw").status_code == 403
        with pytest.raises(Denied):
            lesson(outsider)
    assert web(client, None, "get", "/leren/lessen/nieuw").status_code == 302  # to the login


def test_only_the_programme_marks_good_practice(world, client):
    entry = lesson(world.users.police)
    for other in (world.users.police, world.users.ngo, world.users.analyst):
        assert web(
            client, other, "post", f"/leren/lessen/{entry.pk}/goede-praktijk", {"value": "1"}
        ).status_code in (403, 404)
    entry.refresh_from_db()
    assert not entry.good_practice
    # A confirmation page first: looking changes nothing.
    confirm = web(client, world.users.programme, "get", f"/leren/lessen/{entry.pk}/goede-praktijk")
    assert "aanmerken als goede praktijk?" in confirm.content.decode()
    entry.refresh_from_db()
    assert not entry.good_practice
    response = web(
        client,
        world.users.programme,
        "post",
        f"/leren/lessen/{entry.pk}/goede-praktijk",
        {"value": "1"},
        follow=True,
    )
    assert "Gemarkeerd als goede praktijk." in response.content.decode()
    entry.refresh_from_db()
    assert entry.good_practice
    page = web(client, world.users.ngo, "get", f"/leren/lessen/{entry.pk}").content.decode()
    assert "Goede praktijk" in page
    assert AuditEvent.objects.filter(verb="good-practice").count() == 1


def test_an_unpublished_lesson_can_be_deleted_by_its_organisation_after_confirmation(world, client):
    entry = lesson(world.users.police)
    confirm = web(client, world.users.police, "get", f"/leren/lessen/{entry.pk}/verwijderen")
    assert confirm.status_code == 200 and Lesson.objects.filter(pk=entry.pk).exists()
    assert (
        web(client, world.users.police, "post", f"/leren/lessen/{entry.pk}/verwijderen").status_code
        == 302
    )
    assert not Lesson.objects.filter(pk=entry.pk).exists()

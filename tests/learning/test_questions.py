"""Questions and answers, notifications to followers, and publication through the gate
(issue 15)."""

import pytest
from django.core import mail

from samen.accounts.access import Denied
from samen.core.models import AuditEvent
from samen.learning import services
from samen.learning.models import Answer, Question
from samen.notifications.models import Notification
from samen.plan.models import ExploitationForm

from .helpers import lesson, question, web

pytestmark = pytest.mark.django_db


def test_ask_answer_mark_helpful_and_close(world, client, django_capture_on_commit_callbacks):
    response = web(
        client,
        world.users.police,
        "post",
        "/leren/vragen/nieuw",
        {
            "title": "Hoe bereik je ouders?",
            "body": "Wie heeft een aanpak die werkt?",
            "exploitation_forms": [ExploitationForm.objects.get(code="criminal").pk],
            "actions": [world.actions.a3.pk],
        },
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert list(q.actions.all()) == [world.actions.a3]
    with django_capture_on_commit_callbacks(execute=True):
        response = web(
            client, world.users.ngo, "post", f"/leren/vragen/{q.pk}", {"body": "Bel ons wijkteam."}
        )
    assert response.status_code == 302
    # The asker hears of the answer (in the list and, by default, by e-mail at once).
    told = Notification.objects.get(recipient=world.users.police, kind="learning.answered")
    assert "Hoe bereik je ouders?" in told.subject
    assert [m.to for m in mail.outbox] == [["politie@example.org"]]
    a = Answer.objects.get()
    # Only the asking organisation marks helpful and closes.
    for other in (world.users.ngo, world.users.viewer):
        assert web(client, other, "post", f"/leren/antwoorden/{a.pk}/nuttig").status_code in (
            403,
            404,
        )
        assert web(client, other, "post", f"/leren/vragen/{q.pk}/sluiten").status_code in (403, 404)
    web(client, world.users.police, "post", f"/leren/antwoorden/{a.pk}/nuttig", {"value": "1"})
    a.refresh_from_db()
    assert a.helpful
    page = web(client, world.users.police, "get", f"/leren/vragen/{q.pk}").content.decode()
    assert "Nuttig" in page and "Bel ons wijkteam." in page
    # Closing asks for confirmation first.
    assert (
        web(client, world.users.police, "get", f"/leren/vragen/{q.pk}/sluiten").status_code == 200
    )
    q.refresh_from_db()
    assert q.closed_at is None
    web(client, world.users.police, "post", f"/leren/vragen/{q.pk}/sluiten")
    q.refresh_from_db()
    assert q.closed_at is not None
    with pytest.raises(Denied):
        services.answer(world.users.ngo, q, "Te laat")
    assert (
        web(client, world.users.ngo, "post", f"/leren/vragen/{q.pk}", {"body": "x"}).status_code
        == 403
    )


def test_followers_of_a_form_hear_of_new_lessons_and_questions_but_not_outsiders(world, client):
    criminal = ExploitationForm.objects.get(code="criminal")
    for user in (world.users.police, world.users.programme):
        services.follow(user, exploitation_form=criminal)
    with pytest.raises(Denied):
        services.follow(world.users.viewer, exploitation_form=criminal)
    lesson(world.users.ngo)
    question(world.users.ngo)
    lesson(world.users.ngo, title="Over arbeid", forms=("labour",))
    told = Notification.objects.filter(kind="learning.new_entry")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "politie",
        "politie",
        "programma",
        "programma",
    ]
    # The writer is not told of their own entry.
    services.follow(world.users.ngo, exploitation_form=criminal)
    lesson(world.users.ngo, title="Nog een")
    assert not told.filter(recipient=world.users.ngo).exists()


def test_follow_through_the_exploitation_form_page(world, client):
    response = web(
        client,
        world.users.police,
        "post",
        "/leren/volgen",
        {"form": "criminal", "on": "1", "next": "/uitbuitingsvormen/criminal"},
    )
    assert response.status_code == 302 and response["Location"] == "/uitbuitingsvormen/criminal"
    assert services.follows(
        world.users.police, exploitation_form=ExploitationForm.objects.get(code="criminal")
    )
    # An address elsewhere is not followed after the step.
    response = web(
        client,
        world.users.police,
        "post",
        "/leren/volgen",
        {"form": "criminal", "on": "0", "next": "//evil.example"},
    )
    assert response["Location"] == "/leren"


def test_publication_copies_the_texts_and_is_the_programmes_alone(world, client):
    entry = lesson(world.users.police, tried="Eerste versie van de aanpak")
    q = question(world.users.police)
    services.answer(world.users.ngo, q, "Antwoord van de NGO")
    for other in (world.users.police, world.users.ngo, world.users.analyst, world.users.viewer):
        assert web(client, other, "post", f"/leren/lessen/{entry.pk}/publiceren").status_code in (
            403,
            404,
        )
        with pytest.raises(Denied):
            services.publish(other, entry)
    # The confirmation page shows what becomes public; nothing is published by looking.
    confirm = web(client, world.users.programme, "get", f"/leren/lessen/{entry.pk}/publiceren")
    assert "Eerste versie van de aanpak" in confirm.content.decode()
    entry.refresh_from_db()
    assert entry.published_at is None
    web(client, world.users.programme, "post", f"/leren/lessen/{entry.pk}/publiceren")
    web(
        client,
        world.users.programme,
        "post",
        f"/leren/vragen/{q.pk}/publiceren",
        {"answers": [q.answers.get().pk]},
    )
    assert AuditEvent.objects.filter(verb="publish-entry").count() == 2
    # Anonymous readers now see the published text, not later edits.
    data = services.LessonData(
        title="Wijkagent in de klas", context="c", tried="Tweede, geheime versie"
    )
    services.update_lesson(world.users.police, entry, data)
    page = web(client, None, "get", f"/leren/lessen/{entry.pk}").content.decode()
    assert "Eerste versie van de aanpak" in page and "geheime" not in page
    assert "politie@example.org" not in page  # contact details are never public
    assert (
        "Antwoord van de NGO" in web(client, None, "get", f"/leren/vragen/{q.pk}").content.decode()
    )
    assert "Wijkagent in de klas" in web(client, None, "get", "/leren?q=aanpak").content.decode()
    assert "Wijkagent" not in web(client, None, "get", "/leren?q=geheime").content.decode()
    # Withdrawing asks for a reason and removes it from everything public.
    assert (
        web(
            client,
            world.users.programme,
            "post",
            f"/leren/lessen/{entry.pk}/intrekken",
            {"reason": ""},
        ).status_code
        == 400
    )
    web(
        client,
        world.users.programme,
        "post",
        f"/leren/lessen/{entry.pk}/intrekken",
        {"reason": "Onjuist"},
    )
    assert web(client, None, "get", f"/leren/lessen/{entry.pk}").status_code == 404
    assert "Wijkagent" not in web(client, None, "get", "/leren?q=aanpak").content.decode()


def test_form_and_action_pages_show_lessons_and_open_questions_by_who_may_read_them(world, client):
    entry = lesson(world.users.ngo, title="Les over criminele uitbuiting")
    entry.actions.set([world.actions.a3])
    services.publish(world.users.programme, entry)
    question(world.users.ngo, title="Open vraag over criminele uitbuiting")
    for url in ("/uitbuitingsvormen/criminal", "/acties/A.3"):
        partner = web(client, world.users.police, "get", url).content.decode()
        public = web(client, None, "get", url).content.decode()
        if url.startswith("/uitbuitingsvormen"):
            assert "Open vraag over criminele uitbuiting" in partner
        assert "Les over criminele uitbuiting" in partner
        assert "Les over criminele uitbuiting" in public
        assert "Open vraag" not in public


def test_an_answer_after_publication_stays_private_until_published_again(world, client):
    q = question(world.users.police)
    first = services.answer(world.users.ngo, q, "Eerste antwoord")
    services.publish(world.users.programme, q, [first.pk])
    services.answer(world.users.ministry, q, "Later antwoord met geheimwoord")
    page = web(client, None, "get", f"/leren/vragen/{q.pk}").content.decode()
    assert "Eerste antwoord" in page and "geheimwoord" not in page
    assert (
        "Wie heeft ervaring"
        not in web(client, None, "get", "/leren?q=geheimwoord").content.decode()
    )
    partner = web(client, world.users.ngo, "get", f"/leren/vragen/{q.pk}").content.decode()
    assert "geheimwoord" in partner
    # Nobody answers through the page without the right to write.
    for outsider in (world.users.viewer, world.users.analyst):
        assert (
            web(client, outsider, "post", f"/leren/vragen/{q.pk}", {"body": "x"}).status_code == 403
        )
    assert Answer.objects.count() == 2


def test_followers_of_an_action_hear_of_entries_on_it_and_the_writer_of_good_practice(
    world, client
):
    response = web(
        client,
        world.users.ngo,
        "post",
        "/leren/volgen",
        {"action": "A.3", "on": "1", "next": "/acties/A.3"},
    )
    assert response["Location"] == "/acties/A.3"
    page = web(client, world.users.ngo, "get", "/acties/A.3").content.decode()
    assert "Stop met volgen van A.3" in page
    entry = lesson(world.users.police, forms=())
    services.update_lesson(
        world.users.police,
        entry,
        services.LessonData(
            title=entry.title,
            context="c",
            tried="t",
            tags=services.Tags(actions=[world.actions.a3]),
        ),
    )
    assert not Notification.objects.filter(kind="learning.new_entry").exists()  # untagged at first
    other = services.create_lesson(
        world.users.police,
        services.LessonData(
            title="Over A.3", context="c", tried="t", tags=services.Tags(actions=[world.actions.a3])
        ),
    )
    told = Notification.objects.get(kind="learning.new_entry")
    assert told.recipient == world.users.ngo and "Over A.3" in told.subject
    services.set_good_practice(world.users.programme, other, True)
    praised = Notification.objects.filter(kind="learning.good_practice")
    assert set(praised.values_list("recipient__username", flat=True)) == {"politie"}


def test_a_withdrawal_tells_the_organisation_why_and_names_the_published_title(
    world, client, django_capture_on_commit_callbacks
):
    entry = lesson(world.users.police, title="Gepubliceerde titel")
    services.publish(world.users.programme, entry)
    data = services.LessonData(title="Nieuwe conceptitel", context="c", tried="t")
    services.update_lesson(world.users.police, entry, data)
    confirm = web(client, world.users.programme, "get", f"/leren/lessen/{entry.pk}/intrekken")
    text = confirm.content.decode()
    assert "‘Gepubliceerde titel’" in text and "Nieuwe conceptitel" not in text
    assert "krijgt hiervan bericht" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = web(
            client,
            world.users.programme,
            "post",
            f"/leren/lessen/{entry.pk}/intrekken",
            {"reason": "Bevat een telefoonnummer"},
            follow=True,
        )
    assert "Politie krijgt bericht met de reden" in response.content.decode().replace(
        world.users.police.organisation.name, "Politie"
    )
    told = Notification.objects.get(recipient=world.users.police, kind="learning.withdrawn")
    assert "Gepubliceerde titel" in told.subject
    assert "Reden: Bevat een telefoonnummer" in told.body
    # The lesson's page says it was withdrawn and why, to partners.
    page = web(client, world.users.ngo, "get", f"/leren/lessen/{entry.pk}").content.decode()
    assert "publicatie op" in page and "Reden: Bevat een telefoonnummer" in page
    # Publishing again clears it.
    services.publish(world.users.programme, entry)
    page = web(client, world.users.ngo, "get", f"/leren/lessen/{entry.pk}").content.decode()
    assert "Bevat een telefoonnummer" not in page


def test_publishing_a_question_publishes_only_the_answers_ticked_and_tells_their_organisations(
    world, client, django_capture_on_commit_callbacks
):
    q = question(world.users.police)
    shared = services.answer(world.users.ngo, q, "Bel ons wijkteam")
    private = services.answer(world.users.ministry, q, "Bel mij op 06-12345678")
    confirm = web(client, world.users.programme, "get", f"/leren/vragen/{q.pk}/publiceren")
    text = confirm.content.decode()
    # Each answer is listed with its organisation; none is ticked.
    for a in (shared, private):
        assert f"Antwoord van {a.organisation.name}:" in text
        assert f'value="{a.pk}" id="answer-{a.pk}">' in text
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        web(
            client,
            world.users.programme,
            "post",
            f"/leren/vragen/{q.pk}/publiceren",
            {"answers": [shared.pk]},
        )
    page = web(client, None, "get", f"/leren/vragen/{q.pk}").content.decode()
    assert "Bel ons wijkteam" in page and "06-12345678" not in page
    assert "06-12345678" not in web(client, None, "get", "/leren?q=bel").content.decode()
    told = Notification.objects.filter(kind="learning.answer_published")
    assert {n.recipient.organisation_id for n in told} == {world.users.ngo.organisation_id}
    assert "Uw antwoord is gepubliceerd" in told.first().subject
    # Publishing without ticking publishes no answer.
    other = question(world.users.police, title="Tweede vraag")
    services.answer(world.users.ngo, other, "Geheim antwoord")
    web(client, world.users.programme, "post", f"/leren/vragen/{other.pk}/publiceren")
    other.refresh_from_db()
    assert other.published_at is not None and other.public["answers"] == []

"""Review that keeps its history: a thread of return comments and replies that
survives resubmission, and what changed between two submissions."""

from django.utils import translation

from samen.core.models import AuditEvent
from samen.reporting import review, services

from .world import submitted


def returned_twice(world):
    """Submit, return, reply, resubmit with other text, return again."""
    update = submitted(
        world.users.police,
        world.updates[("A.1", "police")],
        achievements="Twee trainingen gegeven.",
        percent_complete=40,
    )
    services.return_update(world.users.programme, update.pk, "Hoeveel *professionals*?")
    review.reply(world.users.police, update.pk, "Dat zoeken we uit.")
    submitted(
        world.users.police,
        update,
        achievements="Twee trainingen gegeven aan 40 professionals.",
        percent_complete=45,
    )
    services.return_update(world.users.programme, update.pk, "Graag ook de regio noemen.")
    update.refresh_from_db()
    return update


def test_the_thread_survives_resubmission(world, client):
    update = returned_twice(world)
    client.force_login(world.users.police)
    page = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    history = page[page.index('id="review-history-title"') :]
    expected = [
        "Inzending 1",
        "Hoeveel <em>professionals</em>?",
        "Dat zoeken we uit.",
        "Inzending 2",
        "Graag ook de regio noemen.",
    ]
    positions = [history.index(text) for text in expected]
    assert positions == sorted(positions)
    assert "Teruggestuurd met een opmerking" in history


def test_the_reviewer_sees_what_changed_between_two_submissions(world, client):
    update = returned_twice(world)
    submitted(
        world.users.police,
        update,
        achievements="Twee trainingen gegeven aan 40 professionals <script>alert(1)</script>.",
        percent_complete=45,
    )
    client.force_login(world.users.programme)
    page = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    changes = page[page.index('id="changes-title"') :]
    assert "Wat is er veranderd van inzending 2 naar inzending 3" in changes
    assert (
        '<ins class="samen-diff__ins"><span class="rhc-visually-hidden">[toegevoegd: </span>'
        in (changes)
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in changes and "<script>alert" not in changes
    assert "Ongewijzigd: Status van de actie, Percentage gereed" in changes
    # Any two submissions can be compared.
    page = client.get(f"/rapportage/updates/{update.pk}?van=1&tot=2").content.decode()
    changes = page[page.index('id="changes-title"') :]
    assert "[verwijderd: </span>40%" in changes and "[toegevoegd: </span>45%" in changes
    assert "aan 40 professionals" in changes


def test_word_diff_marks_removed_and_added_words_in_words():
    with translation.override("en"):
        html = review.word_diff("een twee drie", "een vier drie")
    assert html == (
        'een <del class="samen-diff__del"><span class="rhc-visually-hidden">[removed: </span>'
        'twee<span class="rhc-visually-hidden">]</span></del>'
        '<ins class="samen-diff__ins"><span class="rhc-visually-hidden">[added: </span>'
        'vier<span class="rhc-visually-hidden">]</span></ins> drie'
    )


def test_only_the_programme_team_and_the_holder_see_and_join_the_thread(world, client):
    update = returned_twice(world)
    submitted(world.users.police, update)
    for user in (world.users.ngo_reader, world.users.viewer, world.users.analyst):
        client.force_login(user)
        response = client.get(f"/rapportage/updates/{update.pk}")
        if response.status_code == 200:
            page = response.content.decode()
            assert "Graag ook de regio noemen." not in page and "review-history-title" not in page
        response = client.post(f"/rapportage/updates/{update.pk}/reactie", {"text": "Ik ook"})
        assert response.status_code in (403, 404)  # 404 where the update itself is hidden
    assert not update.review_messages.filter(text="Ik ook").exists()
    client.force_login(world.users.programme)
    client.post(f"/rapportage/updates/{update.pk}/reactie", {"text": "Dank, duidelijk."})
    message = update.review_messages.get(text="Dank, duidelijk.")
    event = AuditEvent.objects.get(verb="review-reply", object_id=str(message.pk))
    assert event.after["text"] == "Dank, duidelijk."


def test_approvals_and_taking_them_back_are_part_of_the_thread(world, client):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    services.approve(world.users.programme, update.pk)
    services.unapprove(world.users.programme, update.pk, "Percentage klopt niet")
    services.approve(world.users.programme, update.pk)
    kinds = [m.kind for m in update.review_messages.all()]
    assert kinds == ["approve", "unapprove", "approve"]
    update.refresh_from_db()
    assert update.review_state == "approved"
    client.force_login(world.users.police)
    page = client.get(f"/rapportage/updates/{update.pk}").content.decode()
    history = page[page.index('id="review-history-title"') :]
    # the history ends with the approval, so it agrees with the state shown above it
    assert history.rindex("Goedgekeurd") > history.index("Goedkeuring ingetrokken")

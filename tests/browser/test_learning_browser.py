"""Learning between partners, the Done-when path of issue 15, in three browsers:
gemeenten shares a lesson on criminal exploitation of minors with a file; politie finds it
from the criminal-exploitation page and from the search, asks a question and gets an answer
from gemeenten, both notified; the programme team marks the lesson as good practice and
publishes it; nothing is visible anonymously before that. Axe-core clean on every page."""

import re

from django.utils import translation
from playwright.sync_api import expect

from samen.accounts.models import User
from samen.learning.models import Lesson, Question
from samen.notifications.models import Notification
from samen.plan.models import Action, Organisation
from tests.learning.files import pdf
from tests.reporting.world import make_user

from .conftest import axe_violations


def test_share_find_ask_answer_curate_publish(browser, live_server, live_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    orgs = {
        o.code: o for o in Organisation.objects.filter(code__in=["gemeenten", "politie", "jenv"])
    }
    make_user("gemeenten", User.Role.HOLDER, orgs["gemeenten"])
    make_user("politie", User.Role.HOLDER, orgs["politie"])
    make_user("programma", User.Role.PROGRAMME, orgs["jenv"])
    contexts = []

    def browse(username=None):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            page.goto("/inloggen")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill(f"pw-{username}")
            page.locator("main").get_by_role("button", name="Inloggen").click()
            expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()
        return page

    def clean(page):
        assert axe_violations(page) == [], page.url

    try:
        municipality, police, public = browse("gemeenten"), browse("politie"), browse()

        # gemeenten follows criminal exploitation, then shares a lesson with a file.
        municipality.goto("/uitbuitingsvormen/criminal")
        municipality.get_by_role("button", name=re.compile("^Volg Criminele uitbuiting")).click()
        expect(municipality.get_by_text("U volgt dit nu.")).to_be_visible()
        municipality.get_by_role("link", name="Een les delen").click()
        expect(municipality.get_by_label("Criminele uitbuiting", exact=True)).to_be_checked()
        municipality.get_by_label("Titel").fill("Jongerenwerk in de brugklas")
        municipality.get_by_label("Context").fill("Jongens van 14 werden geronseld als koerier.")
        municipality.get_by_label("Wat is geprobeerd").fill(
            "Lessen door jongerenwerk en wijkagent."
        )
        municipality.get_by_label("Minderjarigen", exact=True).check()
        municipality.get_by_label("Eén keer geprobeerd").check()
        file = tmp_path / "aanpak.pdf"
        file.write_bytes(pdf("Draaiboek schoolaanpak koeriers"))
        municipality.get_by_label("Bijlage").set_input_files(str(file))
        clean(municipality)
        # On a phone the actions are checkboxes under their action line's name, in full.
        action = Action.objects.select_related("action_line").first()
        with translation.override("nl"):
            line_name, action_name = action.action_line.label, f"{action.code} {action.title}"
        municipality.set_viewport_size({"width": 390, "height": 844})
        actions = municipality.get_by_role("group", name="Acties", exact=True)
        expect(actions).not_to_contain_text("Ctrl")
        box = actions.get_by_role("group", name=line_name).get_by_role("checkbox", name=action_name)
        box.check()
        assert box.evaluate("b => b.closest('label').scrollWidth <= b.closest('label').clientWidth")
        assert municipality.evaluate("document.documentElement.scrollWidth <= innerWidth")
        clean(municipality)
        municipality.set_viewport_size({"width": 1280, "height": 720})
        municipality.get_by_role("button", name="Les delen").click()
        expect(municipality.get_by_text("Uw les is gedeeld met de partners.")).to_be_visible()
        expect(municipality.get_by_role("link", name="aanpak.pdf", exact=True)).to_be_visible()
        lesson = Lesson.objects.get()
        assert list(lesson.actions.all()) == [action]

        # Nothing is visible anonymously.
        assert public.goto(f"/leren/lessen/{lesson.pk}").status == 404
        public.goto("/uitbuitingsvormen/criminal")
        expect(public.get_by_text("Jongerenwerk in de brugklas")).to_have_count(0)
        public.goto("/leren?q=schoolaanpak")
        expect(public.get_by_text("Jongerenwerk in de brugklas")).to_have_count(0)

        # politie finds it from the criminal-exploitation page and from the search.
        police.goto("/uitbuitingsvormen/criminal")
        police.get_by_role("link", name="Jongerenwerk in de brugklas").click()
        expect(police.get_by_role("heading", level=1)).to_have_text("Jongerenwerk in de brugklas")
        clean(police)
        police.goto("/leren")
        police.get_by_label("Zoeken naar").fill("schoolaanpak")  # a word from the PDF only
        police.get_by_role("button", name="Zoeken", exact=True).click()
        expect(police.get_by_role("link", name="Jongerenwerk in de brugklas")).to_be_visible()
        clean(police)

        # politie asks a question from the form's page; gemeenten hears of it and answers.
        police.goto("/uitbuitingsvormen/criminal")
        police.get_by_role("link", name="Een vraag stellen").click()
        police.get_by_label("Uw vraag in één regel").fill("Hoe krijgen jullie scholen mee?")
        police.get_by_label("Toelichting").fill("Wij lopen tegen de directies aan.")
        police.get_by_role("button", name="Vraag stellen").click()
        expect(police.get_by_text("Uw vraag is gesteld.")).to_be_visible()
        question = Question.objects.get()
        told = Notification.objects.get(recipient__username="gemeenten", kind="learning.new_entry")
        assert "Hoe krijgen jullie scholen mee?" in told.subject

        municipality.goto(f"/leren/vragen/{question.pk}")
        municipality.get_by_label("Uw antwoord").fill("Via de leerplichtambtenaar; bel ons.")
        clean(municipality)
        municipality.get_by_role("button", name="Antwoord versturen").click()
        expect(municipality.get_by_text("Uw antwoord is toegevoegd.")).to_be_visible()
        assert Notification.objects.filter(
            recipient__username="politie", kind="learning.answered"
        ).exists()
        police.goto("/meldingen")
        expect(
            police.get_by_text("Nieuw antwoord op: Hoe krijgen jullie scholen mee?")
        ).to_be_visible()
        police.goto(f"/leren/vragen/{question.pk}")
        police.get_by_role("button", name="Markeren als nuttig").click()
        expect(police.get_by_text("Nuttig", exact=True)).to_be_visible()
        clean(police)

        # The programme team marks the lesson as good practice and publishes it.
        programme = browse("programma")
        programme.goto(f"/leren/lessen/{lesson.pk}")
        programme.get_by_role("link", name="Aanmerken als goede praktijk…").click()
        clean(programme)
        programme.get_by_role("button", name="Aanmerken als goede praktijk").click()
        expect(programme.get_by_text("Gemarkeerd als goede praktijk.")).to_be_visible()
        expect(
            programme.locator(".samen-pre-heading").get_by_text("Goede praktijk")
        ).to_be_visible()
        assert public.goto(f"/leren/lessen/{lesson.pk}").status == 404
        programme.get_by_role("link", name="Publiceren…").click()
        expect(programme.get_by_text("Lessen door jongerenwerk en wijkagent.")).to_be_visible()
        clean(programme)
        programme.get_by_role("button", name="Publiceren", exact=True).click()
        expect(programme.get_by_text("Gepubliceerd. Iedereen kan het nu lezen.")).to_be_visible()

        # Now the public reads it, with its file, from the form's page and the search.
        public.goto("/uitbuitingsvormen/criminal")
        public.get_by_role("link", name="Jongerenwerk in de brugklas").click()
        expect(public.get_by_text("Goede praktijk").first).to_be_visible()
        expect(public.get_by_role("link", name="aanpak.pdf", exact=True)).to_be_visible()
        clean(public)
        public.goto("/leren?q=schoolaanpak")
        expect(public.get_by_role("link", name="Jongerenwerk in de brugklas")).to_be_visible()
        # The question was not published: still not public.
        assert public.goto(f"/leren/vragen/{question.pk}").status == 404
    finally:
        for context in contexts:
            context.close()

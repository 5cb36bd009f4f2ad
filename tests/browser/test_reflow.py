"""Every page, at every screen width, for every role: never wider than the screen
(WCAG 2.1 1.4.10 reflow, which axe-core does not check) and clean in axe-core.

The list of pages comes from the URL configuration: a URL name that is neither in
`page_urls` nor in `NOT_PAGES` fails `test_every_url_is_a_known_page_or_not_a_page`,
so a new page cannot be left out. Widths: 320 CSS px (a small phone, and also what a
1280 px window shows at 400 % zoom: the same CSS viewport), 390 (a common phone),
768, 1024 and 1280. One browser context per role; each page is loaded once and the
viewport is resized in a loop, so the whole walk costs one load per page and role.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

WIDTHS = (320, 390, 768, 1024, 1280)
ENGLISH_WIDTHS = (320,)  # longer words, same layout: the narrowest screen shows any overflow

# URL names that do not show an HTML page of their own, and why.
NOT_PAGES = {
    "set_language": "POST only: the language switch in the header",
    "logout": "POST only: the log-out button in the header",
    "health": "JSON for monitoring",
    "organisation-suggestions": "htmx fragment: <option>s for the explorer's organisation field",
    "explorer-export": "a CSV/XLSX download",
    "plan-export": "an XLSX/YAML/JSON download of the whole plan",
    "budget-export": "a CSV/XLSX download",
    "motion-export": "a CSV download",
    "portal-open-data-file": "a CSV/XLSX/JSON download",
    "portal-report": "POST only: asks for a report file",
    "report-request": "POST only: asks for a report file",
    "report-download": "a DOCX/PDF/HTML download",
    "update-reply": "POST only: a reply in the review thread",
    "notification": "redirects to what the notification is about",
    "notifications-read-all": "POST only: marks every notification as read",
    "round-extension": "POST only: grants an extension",
    "update-autosave": "POST only: htmx autosave",
    "update-comment": "POST only: adds a comment",
    "update-review": "POST only: approve, return, report text",
    "token-revoke": "POST only: revokes an API token",
    "unlock-request": "POST only: e-mails a link that lifts a login block",
    "allocation-delete": "POST only: deletes an allocation",
    "spending-delete": "POST only: deletes a spending entry",
    "grant": "POST only: grants an organisation its unpublished registrations",
    "revoke": "POST only: ends that access",
    "estimation-run-cancel": "POST only: cancels an estimation run",
    # learning between partners (issue 15)
    "follow": "POST only: follow or stop following a form, action or question",
    "lesson-attach": "POST only: adds a file to a lesson",
    "attachment": "a file download (after an access check)",
    "answer-helpful": "POST only: marks an answer as helpful",
}


def url_names(patterns=None, prefix="") -> set[str]:
    """Every named URL of the site outside the API."""
    names: set[str] = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(("api/", "oidc/")):
            continue
        if isinstance(p, URLResolver):
            names |= url_names(p.url_patterns, route)
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names


def page_urls(w) -> dict[str, list[str]]:
    """Each page's URLs in the world `w`: the objects a page needs, and the views
    that look different enough to walk separately (filters, tabs, states)."""
    return {
        "home": ["/"],
        "login": [reverse("login")],
        "account": [reverse("account")],
        "password-change": [reverse("password-change")],
        "password-reset": [reverse("password-reset")],
        "password-reset-sent": [reverse("password-reset-sent")],
        "password-reset-confirm": [reverse("password-reset-confirm", args=w.reset_link)],
        "unlock-confirm": [reverse("unlock-confirm", args=[w.unlock_token])],
        "lockouts": [reverse("lockouts")],
        "accessibility": [reverse("accessibility")],
        "audit": [reverse("audit")],
        "audit-object": [reverse("audit-object", args=["reporting.progressupdate", w.submitted])],
        "explorer": [reverse("explorer"), reverse("explorer") + "?exploitationForm=criminal"],
        "action": [reverse("action", args=["U.7"]), reverse("action", args=[w.indicator[0]])],
        "organisations": [reverse("organisations")],
        "organisation": [reverse("organisation", args=["politie"])],
        "exploitation-form": [reverse("exploitation-form", args=["criminal"])],
        "coverage": [
            reverse("coverage"),
            reverse("coverage") + "?columns=strategicGoal",
            reverse("coverage") + "?measure=amount",
        ],
        "versions": [reverse("versions")],
        "version-compare": [reverse("version-compare")],
        "plan-import": [reverse("plan-import")],
        "plan-import-mappings": [reverse("plan-import-mappings")],
        "my-tasks": [reverse("my-tasks")],
        "rounds": [reverse("rounds")],
        "round-create": [reverse("round-create")],
        "round": [reverse("round", args=[w.open.pk]), reverse("round", args=[w.closed.pk])],
        "review-queue": [reverse("review-queue", args=[w.open.pk])],
        # The confirmation pages of the round's steps (the demo's closed round is published).
        "round-transition": [
            reverse("round-transition", args=[w.open.pk, "close"]),
            reverse("round-transition", args=[w.closed.pk, "withdraw"]),
        ],
        "round-letter": [reverse("round-letter", args=[w.open.pk])],
        "report-publish": [reverse("report-publish", args=[w.closed.pk])],
        "notifications": [reverse("notifications")],
        "notification-settings": [reverse("notification-settings")],
        "update": [reverse("update", args=[pk]) for pk in (w.submitted, w.approved, w.returned)],
        "report": [reverse("report", args=[w.closed.pk])],
        "report-status": [reverse("report-status", args=[w.report_file.pk])],
        "portal": [reverse("portal")],
        "portal-round": [
            reverse("portal-round", args=[w.closed.pk]),
            reverse("portal-round", args=[w.closed.pk]) + "?status=delayed",
        ],
        "portal-open-data": [reverse("portal-open-data")],
        "budget": [reverse("budget")],
        "budget-entries": [reverse("budget-entries")],
        "allocation-create": [reverse("allocation-create")],
        "allocation-edit": [reverse("allocation-edit", args=[w.allocation])],
        "spending-create": [reverse("spending-create")],
        "spending-edit": [reverse("spending-edit", args=[w.spending])],
        "budget-import": [reverse("budget-import")],
        "motions": [reverse("motions")],
        "motion": [reverse("motion", args=[w.motion])],
        "motion-create": [reverse("motion-create")],
        "motion-edit": [reverse("motion-edit", args=[w.motion])],
        "motion-import": [reverse("motion-import")],
        # impact monitor: publication of figures (issue 10)
        "proposals": [reverse("impact:proposals")],
        "propose-registrations": [reverse("impact:propose-registrations")],
        "propose-run": [reverse("impact:propose-run", args=[w.impact_run])],
        "proposal": [
            reverse("impact:proposal", args=[w.proposal]),
            reverse("impact:proposal", args=[w.published_proposal]),
        ],
        "proposal-step": [
            reverse("impact:proposal-step", args=[w.proposal, "approve"]),
            reverse("impact:proposal-step", args=[w.proposal, "reject"]),
            reverse("impact:proposal-step", args=[w.published_proposal, "withdraw"]),
        ],
        "grants": [reverse("impact:grants")],
        # impact monitor (issue 10): the Effect page and the registrations workspace
        "effect": [reverse("impact:effect")],
        "registrations": [reverse("impact:registrations")],
        "register": [reverse("impact:register", args=["comensha"])],
        "registrations-import": [reverse("impact:registrations-import")],
        "detection-rates": [reverse("impact:detection-rates")],
        "detection-unlink": [reverse("impact:detection-unlink", args=[w.detection_link])],
        # Impact monitor: the analyst's overlap tables and estimation runs (issue 10).
        "overlap-datasets": [reverse("impact:overlap-datasets")],
        "overlap-dataset-upload": [reverse("impact:overlap-dataset-upload")],
        "overlap-dataset": [reverse("impact:overlap-dataset", args=[w.overlap_dataset])],
        "estimation-run-create": [
            reverse("impact:estimation-run-create", args=[w.overlap_dataset])
        ],
        "estimation-compare": [reverse("impact:estimation-compare", args=[w.overlap_dataset])],
        "estimation-run": [reverse("impact:estimation-run", args=[w.estimation_run])],
        "estimation-run-status": [reverse("impact:estimation-run-status", args=[w.estimation_run])],
        # indicators (issue 14): tables, and the programme team's definitions
        "indicators": [reverse("indicators")],
        "indicators-per-form": [reverse("indicators-per-form")],
        "indicators-manage": [reverse("indicators-manage", args=[w.indicator[0]])],
        "indicator-new": [reverse("indicator-new", args=[w.indicator[0]])],
        "indicator-edit": [reverse("indicator-edit", args=w.indicator)],
        "indicator-delete": [reverse("indicator-delete", args=w.indicator)],
        # learning between partners (issue 15); the demo's lessons and question
        "index": [
            reverse("learning:index"),
            reverse("learning:index") + "?q=jongeren&form=criminal",
        ],
        "network": [reverse("learning:network"), reverse("learning:network") + "?by=line"],
        "lesson-create": [reverse("learning:lesson-create")],
        "lesson": [reverse("learning:lesson", args=[pk]) for pk in (w.lesson, w.published_lesson)],
        "lesson-edit": [reverse("learning:lesson-edit", args=[w.lesson])],
        "good-practice": [reverse("learning:good-practice", args=[w.lesson])],
        "attachment-remove": [reverse("learning:attachment-remove", args=[w.attachment])],
        "question-create": [reverse("learning:question-create")],
        "question": [reverse("learning:question", args=[w.question])],
        "question-edit": [reverse("learning:question-edit", args=[w.question])],
        "question-close": [reverse("learning:question-close", args=[w.question])],
        "entry-publish": [reverse("learning:entry-publish", args=["lessen", w.lesson])],
        "entry-withdraw": [reverse("learning:entry-withdraw", args=["lessen", w.published_lesson])],
        "entry-delete": [reverse("learning:entry-delete", args=["vragen", w.question])],
    }


# Pages only analysts use (importing registrations, proposing figures for publication): the
# programme team gets 403 there, by rule; the analyst's walk checks them.
ANALYST_PAGES = {
    "propose-registrations",
    "propose-run",
    "registrations-import",
    "detection-unlink",
}
# Pages where an organisation edits its own entries in the learning space: the programme team
# gets 403 there, by rule (it curates and publishes; it does not rewrite others' words); the
# gemeenten and politie walks check them.
PARTNER_PAGES = {"lesson-edit", "attachment-remove", "question-edit", "entry-delete"}

# Who walks what, in this order. `None`: every page (one that asks to log in is
# skipped); a set: those pages, whose content depends on the role. Every other page
# shows them the programme's content under their own header, which their home page
# checks. Axe runs on the first walk of each URL and on every role's own pages; the
# widths are checked on every walk.
WALKS: dict[tuple[str, str], set[str] | None] = {
    ("programma", "nl"): None,
    ("", "nl"): None,
    ("politie", "nl"): {
        "home",
        "my-tasks",
        "update",
        "rounds",
        "budget",
        "audit",
        "notifications",
        # learning between partners: the demo's question is politie's
        "question",
        "question-edit",
        "question-close",
        "entry-delete",
    },  # audit: 403
    ("fier", "nl"): {"home", "my-tasks", "update"},
    # The learning space as the partners who wrote its demo entries see it.
    ("gemeenten", "nl"): {"index", "lesson", "lesson-edit", "attachment-remove", "question"},
    ("analist", "nl"): {
        "home",
        "update",
        "proposals",
        "proposal",
        *ANALYST_PAGES,
        "effect",
        "registrations",
        "register",
        "registrations-import",
        "detection-rates",
        "overlap-datasets",
        "overlap-dataset-upload",
        "overlap-dataset",
        "estimation-run-create",
        "estimation-run",
    },
    ("kijker", "nl"): {"home", "update"},
    # English labels are longer in places; the layout must hold them too.
    ("programma", "en"): None,
}
OWN_PAGES = {"home", "my-tasks", "update"}


@pytest.fixture
def world(live_plan):
    from types import SimpleNamespace

    from django.contrib.auth.tokens import default_token_generator as token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from samen.accounts.lockout import unlock_token
    from samen.accounts.models import User
    from samen.budget.models import Allocation, Spending
    from samen.documents import services as documents
    from samen.parliament.models import Motion
    from samen.reporting.models import ProgressUpdate
    from tests.demo import load_demo

    demo = load_demo()
    impact = impact_world()
    police = User.objects.get(username="politie")
    updates = ProgressUpdate.objects.filter(round=demo.open)
    world = SimpleNamespace(
        open=demo.open,
        closed=demo.closed,
        submitted=updates.filter(review_state="submitted").first().pk,
        approved=updates.filter(review_state="approved").first().pk,
        returned=updates.get(review_state="returned", organisation__code="politie").pk,
        report_file=documents.request_report(demo.programme, demo.closed, "docx"),
        allocation=Allocation.objects.first().pk,
        spending=Spending.objects.first().pk,
        motion=Motion.objects.first().code,
        # The links of the e-mails for a forgotten password and a login block.
        reset_link=[
            urlsafe_base64_encode(force_bytes(police.pk)),
            token_generator.make_token(police),
        ],
        unlock_token=unlock_token(police.username),
        **impact,
        **_impact_runs(),
        **_detection_link(),
        # An action with demo indicators and values (issue 14), and one of its indicators.
        indicator=_indicator(),
        **_learning(),
    )
    assert set(vars(world)) == set(WORLD)
    return world


def _impact_runs() -> dict:
    """An overlap table with a finished run (for the comparison's chart and table)."""
    from samen.accounts.models import User
    from samen.impact import runs
    from tests.impact.runs_world import upload

    analyst = User.objects.filter(role="analyst").first()
    dataset = upload(analyst)
    run = runs.start_run(analyst, dataset, runs.RunOptions(method="independence"))
    runs.execute(run.pk)
    return {"overlap_dataset": dataset.pk, "estimation_run": run.pk}


def _detection_link() -> dict:
    """A link of the bundled data (registrations to a published estimate)."""
    from samen.impact.models import DetectionLink

    return {"detection_link": DetectionLink.objects.order_by("pk").first().pk}


WORLD = ("open", "closed", "submitted", "approved", "returned", "report_file")
WORLD += ("allocation", "spending", "motion", "reset_link", "unlock_token", "detection_link")
WORLD += ("impact_run", "proposal", "published_proposal")


def impact_world() -> dict[str, int]:
    """The bundled victim statistics (published by their sources), a finished estimation
    run and the analyst's proposal to publish it."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from samen.accounts.models import User
    from samen.impact import publication
    from samen.impact.models import EstimationRun, OverlapDataset, PublicationProposal

    call_command("load_impact", stdout=io.StringIO())
    dataset = OverlapDataset.objects.create(
        name="Zes lijsten (VK 2013)",
        period_start=2013,
        period_end=2013,
        content="A,B,count\n1,0,10\n",
        content_hash="0" * 64,
    )
    run = EstimationRun.objects.create(
        dataset=dataset,
        method="sparsemse",
        state="done",
        estimate=11418.0,
        lower=9000.0,
        upper=14000.0,
        finished_at=timezone.now(),
    )
    proposal = publication.propose_run(User.objects.get(username="analist"), run)
    published = PublicationProposal.objects.filter(state="approved").first()
    return {"impact_run": run.pk, "proposal": proposal.pk, "published_proposal": published.pk}


WORLD += ("overlap_dataset", "estimation_run")
WORLD += ("indicator",)


def _indicator() -> list[str]:
    from samen.indicators.models import Indicator

    first = Indicator.objects.select_related("action").order_by("pk").first()
    return [first.action.code, first.code]


def _learning() -> dict[str, int]:
    """The demo's lessons (one unpublished, one published) and question, and a file."""
    from samen.learning import attachments
    from samen.learning.models import Lesson, Question

    lesson = Lesson.objects.get(published_at__isnull=True, organisation__code="gemeenten")
    file = attachments.add(lesson.author, lesson, "draaiboek.txt", b"Draaiboek")
    return {
        "lesson": lesson.pk,
        "published_lesson": Lesson.objects.get(published_at__isnull=False).pk,
        "question": Question.objects.get().pk,
        "attachment": file.pk,
    }


WORLD += ("lesson", "published_lesson", "question", "attachment")


class _AnyObject:
    """Stands in for every object of the world when only the URL names matter."""

    pk = 1

    def __str__(self) -> str:
        return "1"


def test_every_url_is_a_known_page_or_not_a_page():
    from types import SimpleNamespace

    anything = SimpleNamespace(**{name: _AnyObject() for name in WORLD})
    anything.reset_link = [_AnyObject(), _AnyObject()]
    anything.indicator = [_AnyObject(), _AnyObject()]
    known = set(page_urls(anything)) | set(NOT_PAGES)
    names = url_names()
    assert names - known == set(), "new pages: add them to page_urls() in this file"
    assert known - names == set(), "these URL names are gone: remove them here"


OVERFLOW = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  // Anything that scrolls sideways must be a labelled, keyboard-reachable region.
  const unlabelled = [...document.querySelectorAll('body *')].filter((el) => {
    const style = getComputedStyle(el);
    return ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
      && !(el.getAttribute('role') === 'region' && el.getAttribute('tabindex') === '0'
           && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')));
  }).map((el) => el.tagName.toLowerCase() + '.' + el.className);
  return {width, page, unlabelled};
}"""


def _log_in(context, live_server, username: str) -> None:
    from samen.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_every_page_reflows_and_passes_axe(browser, live_server, world):
    from .conftest import AXE

    pages = page_urls(world)
    problems: list[str] = []
    checked_with_axe: set[str] = set()
    walked = 0
    for (username, language), names in WALKS.items():
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        context.add_init_script(path=str(AXE))  # one load per page, axe included
        if username:
            _log_in(context, live_server, username)
        if language != "nl":
            cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language}
            context.add_cookies([cookie | {"url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        who = f"{username or 'anonymous'} ({language})"
        for name, urls in pages.items():
            if names is not None and name not in names:
                continue
            for url in urls:
                page.set_viewport_size({"width": 1280, "height": 900})
                response = page.goto(url)
                if "/inloggen?next=" in page.url or (
                    response.status == 404 and username != "programma"
                ):
                    # Not for this person (a hidden object answers 404, as in the API);
                    # the login page is walked on its own.
                    continue
                expected = (
                    (200,)
                    if username == "programma" and name not in ANALYST_PAGES | PARTNER_PAGES
                    else (200, 403)
                )
                if response.status not in expected:
                    problems.append(f"{who} {url}: HTTP {response.status}")
                    continue
                walked += 1
                axe_key = "403" if response.status == 403 else url
                if language == "nl" and (axe_key not in checked_with_axe or name in OWN_PAGES):
                    checked_with_axe.add(axe_key)
                    problems += [f"{who} {url}: {v}" for v in _axe(page)]
                for width in WIDTHS if language == "nl" else ENGLISH_WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    found = page.evaluate(OVERFLOW)
                    if found["page"] > found["width"]:
                        problems.append(f"{who} {url} at {width}px: {found['page']}px wide")
                    problems += [
                        f"{who} {url} at {width}px: unlabelled scroller {element}"
                        for element in found["unlabelled"]
                    ]
        context.close()
    assert walked > 100
    assert not problems, "\n".join(problems)


def _axe(page) -> list[str]:
    """Axe-core's WCAG 2.1 A/AA violations on the page (axe is loaded with every page)."""
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    return [
        f"axe {v['id']} ({v['help']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_menus_fold_behind_a_button_on_a_phone_and_wrap_without_javascript(
    browser, live_server, live_plan
):
    from playwright.sync_api import expect

    phone = {"width": 320, "height": 700}
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=phone)
    page = context.new_page()
    page.goto("/acties")
    menu = page.get_by_role("button", name="Menu")
    explorer_link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(explorer_link.first).to_be_hidden()
    # The login link and the language switch stay in sight.
    expect(page.get_by_role("link", name="Inloggen")).to_be_in_viewport()
    expect(page.get_by_role("button", name="English")).to_be_in_viewport()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(explorer_link.filter(has_text="Dekking")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    # On a wide screen all six columns of the explorer's table are in view.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).to_be_hidden()
    table = page.locator("#results .utrecht-table-container")
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth")
    expect(page.get_by_role("columnheader", name="Gerapporteerde voortgang")).to_be_in_viewport()
    context.close()

    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport=phone, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/acties")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Dekking")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()

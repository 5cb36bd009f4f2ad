"""The public tables and the Effect page's charts are computed when the figures change
(stored in the database, `samen.impact.snapshots`), not on every request; the page has
one faceted chart per breakdown; chart numbers follow the page's language."""

import base64
import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import translation

from samen.accounts.models import User
from samen.impact import public_tables, publication
from samen.impact.forest import forest_chart
from samen.impact.models import PublicationProposal, PublicSnapshot, Register, Registration


@pytest.fixture
def loaded(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _svgs(page: str) -> dict[str, str]:
    """The SVG of every chart on a page, by the chart's figure id."""
    found = re.findall(
        r'<figure class="samen-report__chart" id="chart-([\w-]+)"[^>]*>\s*'
        r'<img src="data:image/svg\+xml;base64,([^"]+)"',
        page,
    )
    return {key: base64.b64decode(data).decode() for key, data in found}


def _page(client, url: str) -> str:
    """The page without its per-request CSRF token."""
    page = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _refuse(*_args, **_kwargs):
    raise AssertionError("disclosure control ran again")


def test_a_second_request_reads_the_stored_tables_and_charts(client, loaded, monkeypatch):
    first = _page(client, "/effect/")
    assert PublicSnapshot.objects.filter(key__startswith="tables:").exists()
    assert PublicSnapshot.objects.filter(key__startswith="effect-charts:").exists()
    monkeypatch.setattr(public_tables, "protect", _refuse)
    monkeypatch.setattr(public_tables, "build_tables", _refuse)
    assert _page(client, "/effect/") == first
    assert client.get("/uitbuitingsvormen/sexual").status_code == 200


def test_a_changed_figure_shows_at_once_also_when_written_in_bulk(client, loaded):
    assert "1.372" in client.get("/effect/").content.decode()  # CoMensha 2019
    comensha = Register.objects.get(code="comensha")
    # A bulk update (no save signals, as an import may do): the fingerprint notices.
    Registration.objects.filter(
        register=comensha, year=2019, exploitation_form=None, age_group=None, gender=""
    ).update(count=F("count") + 1000)
    page = client.get("/effect/").content.decode()
    assert "2.372" in page and "1.372" not in page


def test_approving_and_withdrawing_a_publication_changes_the_page_at_once(client, loaded):
    programme = User.objects.create_user("programma", password="x" * 12, role="programme")
    analyst = User.objects.create_user("analist", password="x" * 12, role="analyst")
    extra = Register.objects.create(code="extra", name_nl="Extra register")
    Registration.objects.create(register=extra, year=2021, count=4321)
    assert "4.321" not in client.get("/effect/").content.decode()
    proposal = publication.propose_registrations(analyst, extra, 2021, 2021)
    publication.approve(programme, proposal)
    page = client.get("/effect/").content.decode()
    assert "4.321" in page and "Extra register" in page
    publication.withdraw(programme, PublicationProposal.objects.get(pk=proposal.pk), "Fout")
    assert "4.321" not in client.get("/effect/").content.decode()


def test_one_faceted_chart_per_breakdown_with_every_register(client, loaded):
    second = Register.objects.create(code="tweede", name_nl="Tweede register")
    programme = User.objects.create_user("programma", password="x" * 12, role="programme")
    analyst = User.objects.create_user("analist", password="x" * 12, role="analyst")
    form = Registration.objects.filter(exploitation_form__isnull=False).first().exploitation_form
    Registration.objects.create(register=second, year=2022, count=300)
    Registration.objects.create(register=second, year=2022, exploitation_form=form, count=200)
    publication.approve(programme, publication.propose_registrations(analyst, second, 2022, 2022))
    page = client.get("/effect/").content.decode()
    svgs = _svgs(page)
    assert page.count('id="chart-by-form"') == 1
    assert "Tweede register" in svgs["by-form"] and "CoMensha" in svgs["by-form"]
    # Every register's table stays beside the chart (the WCAG alternative).
    assert 'id="by_formtweede-caption">Tweede register: per uitbuitingsvorm</caption>' in page
    assert re.search(r'id="by_formcomensha-caption">[^<]*: per uitbuitingsvorm</caption>', page)
    assert not [key for key in svgs if key.startswith("by_form")]


def test_effect_chart_numbers_follow_the_page_language(client, loaded, settings):
    dutch = _svgs(client.get("/effect/").content.decode())["trend"]
    assert re.search(r">1\.\d{3}<", dutch), "Dutch thousands separator on the axis"
    assert not re.search(r">1,\d{3}<", dutch)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/effect/").content.decode()
    assert '<html lang="en"' in page
    english = _svgs(page)["trend"]
    assert re.search(r">1,\d{3}<", english)
    assert not re.search(r">1\.\d{3}<", english)


def test_forest_chart_numbers_follow_the_page_language():
    rows = [
        {"label": "SparseMSE", "estimate": 11418.4, "lower": 10300.0, "upper": 13200.0},
        {"label": "Onafhankelijk", "estimate": 4900.0, "lower": 4700.0, "upper": None},
    ]
    with translation.override("nl"):
        dutch = forest_chart(rows, 2744).svg()
    with translation.override("en"):
        english = forest_chart(rows, 2744).svg()
    assert ">11.418<" in dutch and ">11,418<" not in dutch
    assert ">11,418<" in english and ">11.418<" not in english
    assert re.search(r">1\d\.000<", dutch) and re.search(r">1\d,000<", english)  # axis ticks


@pytest.fixture
def committed(transactional_db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_an_approval_builds_the_tables_in_the_background_for_every_language(
    client, committed, monkeypatch
):
    from samen.core import taskworker

    programme = User.objects.create_user("programma", password="x" * 12, role="programme")
    analyst = User.objects.create_user("analist", password="x" * 12, role="analyst")
    extra = Register.objects.create(code="extra", name_nl="Extra register")
    Registration.objects.create(register=extra, year=2021, count=4321)
    proposal = publication.propose_registrations(analyst, extra, 2021, 2021)
    publication.approve(programme, proposal)  # committed: the task is queued
    assert not PublicSnapshot.objects.filter(key__startswith="tables:").exists()
    taskworker.run_pending()  # the task worker's turn
    keys = set(PublicSnapshot.objects.values_list("key", flat=True))
    assert {"tables:10:nl", "tables:10:en", "effect-charts:10:nl", "effect-charts:10:en"} <= keys
    # The reader finds them ready: nothing is built or protected on the request.
    monkeypatch.setattr(public_tables, "protect", _refuse)
    monkeypatch.setattr(public_tables, "build_tables", _refuse)
    assert "4.321" in _page(client, "/effect/")

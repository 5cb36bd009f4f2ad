"""Publication of impact figures: the analyst proposes, the programme team approves on a
page that previews exactly what becomes public, rejects or withdraws with a reason; every
step audited. Access rules are tried from every other role and by direct URL."""

import pytest

from samen.accounts.access import Denied
from samen.core.audit_display import present
from samen.core.errors import Invalid
from samen.core.models import AuditEvent
from samen.impact import public, publication, visibility
from samen.impact.models import PublicationProposal

from .figures import POLICE, build_figures


@pytest.fixture
def figures(world):
    return build_figures(world)


def _propose(world, figures, **kw):
    return publication.propose_registrations(
        world.users.analyst, figures.police, kw.get("year_from", 2020), kw.get("year_to", 2022)
    )


def _cell(cells, year, form=None):
    for c in cells:
        r = c.registration
        if r.year == year and (r.exploitation_form.code if r.exploitation_form else None) == form:
            return c
    raise AssertionError((year, form))


def test_nothing_is_public_before_the_programme_team_approves(world, figures):
    p = _propose(world, figures)
    assert public.figures().cells == []
    assert visibility.visible_registrations(world.users.viewer).count() == 0
    publication.approve(world.users.programme, p)
    cells = public.figures().cells
    assert {c.registration.register_id for c in cells} == {figures.police.pk}
    assert len(cells) == 4 * len(POLICE)


def test_the_small_count_is_suppressed_and_cannot_be_worked_out(world, figures):
    p = _propose(world, figures)
    publication.approve(world.users.programme, p)
    cells = public.figures().cells
    small = _cell(cells, 2021, "criminal")
    assert small.suppressed
    # its row would give it away by subtraction: another cell of 2021 is hidden too
    row = [c for c in cells if c.registration.year == 2021 and c is not small]
    assert any(c.suppressed for c in row)
    # other years are published as they are, but for the derived "not specified" 0 (the
    # forms add up to the total): hidden like every count below 10, with a partner
    assert _cell(cells, 2020, "sexual").count == 120
    assert sum(c.suppressed for c in cells if c.registration.year == 2020) == 1
    assert _cell(cells, 2022).count == sum(POLICE[2022])


def test_the_preview_shows_what_approval_publishes_and_changes_nothing(world, figures):
    p = _propose(world, figures)
    preview = publication.preview(p)
    p.refresh_from_db()
    assert p.state == PublicationProposal.State.PROPOSED
    assert public.figures().cells == []
    assert len(preview.new_cells) == 12
    assert preview.suppressed >= 2
    publication.approve(world.users.programme, p)
    after = {c.registration.pk: c.count for c in public.figures().cells}
    assert {c.registration.pk: c.count for c in preview.new_cells} == after


def test_only_analysts_propose(world, figures):
    for user in (
        world.users.programme,
        world.users.police,
        world.users.viewer,
        world.users.ngo_reader,
    ):
        with pytest.raises(Denied):
            publication.propose_registrations(user, figures.police, 2020, 2022)
        with pytest.raises(Denied):
            publication.propose_run(user, figures.run)
    assert not PublicationProposal.objects.exists()


def test_only_the_programme_team_decides(world, figures):
    p = _propose(world, figures)
    for user in (
        world.users.analyst,
        world.users.police,
        world.users.viewer,
        world.users.ngo_reader,
    ):
        with pytest.raises(Denied):
            publication.approve(user, p)
        with pytest.raises(Denied):
            publication.reject(user, p, "nee")
    publication.approve(world.users.programme, p)
    for user in (world.users.analyst, world.users.police):
        with pytest.raises(Denied):
            publication.withdraw(user, p, "weg")


def test_the_same_years_cannot_be_proposed_twice_and_bad_years_are_named(world, figures):
    _propose(world, figures)
    with pytest.raises(Invalid) as info:
        _propose(world, figures, year_from=2022, year_to=2023)
    assert set(info.value.errors) == {"year_from"}
    with pytest.raises(Invalid) as info:
        _propose(world, figures, year_from=2022, year_to=2020)
    assert set(info.value.errors) == {"year_to"}
    with pytest.raises(Invalid) as info:
        publication.propose_registrations(world.users.analyst, figures.police, 1990, 1991)
    assert set(info.value.errors) == {"year_from"}


def test_rejecting_and_withdrawing_need_a_reason(world, figures):
    p = _propose(world, figures)
    with pytest.raises(Invalid):
        publication.reject(world.users.programme, p, "  ")
    publication.approve(world.users.programme, p)
    with pytest.raises(Invalid):
        publication.withdraw(world.users.programme, p, "")
    with pytest.raises(Invalid):  # an approved proposal is not decided again
        publication.reject(world.users.programme, p, "te laat")


def test_withdrawing_takes_the_figures_off_and_says_when(world, figures):
    p = _propose(world, figures)
    publication.approve(world.users.programme, p)
    assert public.figures().cells
    publication.withdraw(world.users.programme, p, "Fout in de bron")
    assert public.figures().cells == []
    assert list(publication.withdrawn_publications()) == [p]
    p.refresh_from_db()
    assert p.withdrawn_at is not None and p.withdraw_reason == "Fout in de bron"
    # the analyst can propose the years again
    again = _propose(world, figures)
    assert again.state == PublicationProposal.State.PROPOSED


def test_a_run_is_published_with_its_detection_rate(world, figures):
    pr = _propose(world, figures)
    publication.approve(world.users.programme, pr)
    p = publication.propose_run(world.users.analyst, figures.run)
    preview = publication.preview(p)
    assert [r.pk for r in preview.new_runs] == [figures.run.pk]
    (rate,) = preview.new_rates
    assert rate.registered == sum(POLICE[2021])
    assert rate.rate.values.rate == pytest.approx(sum(POLICE[2021]) / 736)
    assert rate.rate.values.rate_lower == pytest.approx(sum(POLICE[2021]) / 900)
    assert public.figures().runs == []
    publication.approve(world.users.programme, p)
    assert public.figures().runs == [figures.run]
    with pytest.raises(Invalid):
        publication.propose_run(world.users.analyst, figures.run)


def test_a_detection_rate_is_not_public_while_its_registrations_are_not(world, figures):
    p = publication.propose_run(world.users.analyst, figures.run)
    publication.approve(world.users.programme, p)
    assert public.figures().runs == [figures.run]
    assert public.figures().rates == []  # registered / rate would give the count away


def test_every_step_is_in_the_audit_trail_in_words(world, figures):
    p = _propose(world, figures)
    publication.approve(world.users.programme, p, "Akkoord")
    publication.withdraw(world.users.programme, p, "Fout in de bron")
    events = list(
        AuditEvent.objects.filter(object_type="impact.publicationproposal").order_by("pk")
    )
    assert [e.verb for e in events] == [
        "propose-publication",
        "approve-publication",
        "withdraw-publication",
    ]
    rows = present(events)
    text = " ".join(
        f"{r.what} {' '.join(f'{c.label} {c.before} {c.after}' for c in r.changes)}" for r in rows
    )
    assert "Registraties van de politie" in text  # the register by name, not its id
    assert "Fout in de bron" in text
    assert "withdraw-publication" not in text  # the verb in words


# --- pages ---------------------------------------------------------------------------


def test_the_approval_page_previews_suppressed_figures_and_only_its_post_approves(
    world, figures, client
):
    p = _propose(world, figures)
    client.force_login(world.users.programme)
    page = client.get(f"/impact/publicatie/{p.pk}/approve")
    assert page.status_code == 200
    html = page.content.decode()
    assert "·" in html and ">4<" not in html and ">4 <" not in html
    assert '>210 <span class="samen-cell-meta">nieuw</span>' in html  # 2020's total, new
    p.refresh_from_db()
    assert p.state == "proposed"
    response = client.post(f"/impact/publicatie/{p.pk}/approve", {"reason": ""})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == "approved"


def test_the_analyst_proposes_through_the_form(world, figures, client):
    client.force_login(world.users.analyst)
    bad = client.post(
        "/impact/publicatie/registraties",
        {"register": figures.police.pk, "year_from": 2022, "year_to": 2020},
    )
    assert bad.status_code == 400
    assert "Het laatste jaar ligt voor het eerste jaar." in bad.content.decode()
    ok = client.post(
        "/impact/publicatie/registraties",
        {"register": figures.police.pk, "year_from": 2020, "year_to": 2022, "note": "Klaar"},
    )
    assert ok.status_code == 302
    assert PublicationProposal.objects.get().note == "Klaar"
    runs = client.post(f"/impact/publicatie/schatting/{figures.run.pk}", {"note": ""})
    assert runs.status_code == 302
    assert PublicationProposal.objects.filter(run=figures.run).exists()


@pytest.mark.parametrize("who", ["police", "viewer", "ngo_reader", "ngo", "analyst"])
def test_other_roles_cannot_decide_by_direct_url(world, figures, client, who):
    p = _propose(world, figures)
    client.force_login(getattr(world.users, who))
    for step in ("approve", "reject", "withdraw"):
        response = client.post(f"/impact/publicatie/{p.pk}/{step}", {"reason": "x"})
        assert response.status_code == 403
    p.refresh_from_db()
    assert p.state == "proposed"


@pytest.mark.parametrize("who", ["police", "viewer", "ngo_reader", "programme"])
def test_only_analysts_reach_the_proposal_forms(world, figures, client, who):
    client.force_login(getattr(world.users, who))
    assert client.get("/impact/publicatie/registraties").status_code == 403
    response = client.post(f"/impact/publicatie/schatting/{figures.run.pk}", {"note": ""})
    assert response.status_code == 403
    assert not PublicationProposal.objects.exists()


@pytest.mark.parametrize("who", ["police", "viewer", "ngo_reader"])
def test_proposals_and_their_previews_are_not_for_other_roles(world, figures, client, who):
    p = _propose(world, figures)
    client.force_login(getattr(world.users, who))
    assert client.get("/impact/publicatie").status_code == 403
    assert client.get(f"/impact/publicatie/{p.pk}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(world, figures, client):
    p = _propose(world, figures)
    for url in ("/impact/publicatie", f"/impact/publicatie/{p.pk}", "/impact/inzage"):
        response = client.get(url)
        assert (
            response.status_code == 302 and "login" in response.url.lower()
        ) or "inloggen" in response.url


# --- access to unpublished registrations ------------------------------------------------


def test_a_grant_lets_only_the_registers_own_holders_and_viewers_read_unpublished(world, figures):
    from tests.reporting.world import make_user

    police_viewer = make_user("politie-kijker", "viewer", world.orgs.police)
    police_involved = make_user("politie-betrokken", "involved", world.orgs.police)
    for user in (world.users.police, police_viewer, police_involved, world.users.ngo):
        assert visibility.visible_registrations(user).count() == 0
    grant = publication.grant_access(world.users.programme, figures.police, "Eigen cijfers")
    assert visibility.visible_registrations(world.users.police).count() == 12
    assert visibility.visible_registrations(police_viewer).count() == 12
    for user in (police_involved, world.users.ngo, world.users.viewer):
        assert visibility.visible_registrations(user).count() == 0
    # the granted holder's own figures are unsuppressed; public output is unchanged
    own = public.figures_for(world.users.police).cells
    assert _cell(own, 2021, "criminal").count == 4
    assert public.figures().cells == []
    publication.revoke_access(world.users.programme, grant, "Niet meer nodig")
    assert visibility.visible_registrations(world.users.police).count() == 0


def test_only_the_programme_team_grants(world, figures, client):
    for user in (world.users.analyst, world.users.police, world.users.viewer):
        with pytest.raises(Denied):
            publication.grant_access(user, figures.police)
    with pytest.raises(Invalid):  # a register nobody in samen keeps
        publication.grant_access(world.users.programme, figures.other)
    client.force_login(world.users.police)
    response = client.post(f"/impact/inzage/{figures.police.pk}/verlenen", {"note": ""})
    assert response.status_code == 403
    assert not figures.police.access_grants.exists()
    client.force_login(world.users.programme)
    assert client.get("/impact/inzage").status_code == 200
    client.post(f"/impact/inzage/{figures.police.pk}/verlenen", {"note": ""})
    assert figures.police.access_grants.filter(revoked_at__isnull=True).count() == 1


# --- open data and search: only the public layer, whoever asks ---------------------------


def _open_data(client):
    response = client.get("/openbaar/open-data/slachtofferregistraties.json")
    assert response.status_code == 200
    return response.json()["records"]


def test_open_data_holds_only_approved_figures_suppressed_for_everyone(world, figures, client):
    p = _propose(world, figures)
    assert _open_data(client) == []
    client.force_login(world.users.analyst)  # signed in or not: the same public file
    assert _open_data(client) == []
    publication.approve(world.users.programme, p)
    records = _open_data(client)
    assert len(records) == 12
    small = [r for r in records if r["year"] == 2021 and r["exploitation_form"] == "criminal"]
    assert small[0]["count"] is None and small[0]["suppressed"] is True
    publication.withdraw(world.users.programme, p, "Fout in de bron")
    assert _open_data(client) == []


def test_a_grant_does_not_reach_open_data_or_search(world, figures, client):
    publication.grant_access(world.users.programme, figures.police)
    client.force_login(world.users.police)
    assert _open_data(client) == []
    for url in ("/openbaar?q=politie", "/acties?q=Registraties", "/uitbuitingsvormen/criminal"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert "Registraties van de politie" not in response.content.decode()


def test_the_effect_page_says_a_publication_was_withdrawn_when_and_why(world, figures, client):
    from django.utils import timezone
    from django.utils.formats import date_format

    p = _propose(world, figures)
    publication.approve(world.users.programme, p)
    html = client.get("/effect/").content.decode()
    assert "ingetrokken" not in html
    publication.withdraw(world.users.programme, p, "Fout in de bron")
    html = client.get("/effect/").content.decode()
    assert "Registraties van de politie, 2020–2022" in html
    assert f"ingetrokken op {date_format(timezone.localdate(), 'j F Y')}" in html
    # The public learns why: the programme team's reason, as given.
    assert "Reden: Fout in de bron" in html


def test_figures_imported_after_approval_wait_for_a_new_approval(world, figures):
    """An import into a register whose years are published changes nothing public until
    the programme team approves the changed figures; then they can be proposed again."""
    from samen.impact.registrations import Cell, write_cells

    p = _propose(world, figures)
    publication.approve(world.users.programme, p)
    total_2022 = sum(POLICE[2022])
    public_totals = {
        r.year: r.count for r in visibility.published_registrations() if not r.exploitation_form
    }
    assert public_totals[2022] == total_2022
    with pytest.raises(Invalid):  # nothing changed since the approval
        _propose(world, figures, year_from=2022, year_to=2022)
    write_cells(world.users.analyst, [Cell("politie", 2022, total_2022 + 100)])
    public_totals = {
        r.year: r.count for r in visibility.published_registrations() if not r.exploitation_form
    }
    assert 2022 not in public_totals  # the changed figure is not public
    assert public_totals[2021] == sum(POLICE[2021])  # the others stay as approved
    again = _propose(world, figures, year_from=2022, year_to=2022)
    publication.approve(world.users.programme, again)
    public_totals = {
        r.year: r.count for r in visibility.published_registrations() if not r.exploitation_form
    }
    assert public_totals[2022] == total_2022 + 100

"""The Effect page, the block on each form's page and the analysts' workspace: what
anonymous readers, other roles and analysts see; query counts that do not grow."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.accounts.models import User
from samen.impact.models import DetectionLink, PublicationProposal, Register, Registration
from samen.plan.models import AgeGroup, ExploitationForm


@pytest.fixture
def loaded(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _user(role: str) -> User:
    return User.objects.create_user(role, password="x" * 12, role=role)


def test_anonymous_reader_sees_the_trend_the_estimate_the_rate_and_the_ambition(client, loaded):
    page = client.get("/effect/").content.decode()
    assert "Zijn er minder slachtoffers van mensenhandel?" in page
    assert "Samen het aantal slachtoffers van mensenhandel in Nederland omlaag brengen" in page
    assert "<strong>5.000</strong>" in page and "4.000" in page and "7.000" in page
    assert "1.372" in page  # CoMensha 2019 in the table beside the chart
    assert "27 %" in page  # 1,334 / 5,000 in 2019
    assert "Versterkt Actieplan Samen tegen mensenhandel (juni 2024)" in page
    assert page.count('<img src="data:image/svg+xml;base64,') >= 3
    # The menu promises "Effect" and leads here.
    assert 'href="/effect/"' in client.get("/").content.decode()


def test_unpublished_and_small_numbers_never_reach_the_public_page(client, loaded):
    hidden = Register.objects.create(code="intern", name_nl="Intern register")
    Registration.objects.create(register=hidden, year=2022, count=4321)
    comensha = Register.objects.get(code="comensha")
    # A year after the bundled (published) ones waits for approval.
    Registration.objects.create(register=comensha, year=2025, count=5432)
    organ = ExploitationForm.objects.get(code="organ-removal")
    sexual = ExploitationForm.objects.get(code="sexual")
    Registration.objects.create(register=comensha, year=2021, exploitation_form=organ, count=3)
    Registration.objects.create(register=comensha, year=2021, exploitation_form=sexual, count=500)
    from django.utils import timezone

    # the programme team approves the 2021 figures again (2025 is outside the approved years)
    PublicationProposal.objects.filter(register=comensha, state="approved").update(
        decided_at=timezone.now()
    )
    page = client.get("/effect/").content.decode()
    assert "Intern register" not in page and "4.321" not in page
    assert "5.432" not in page and ">2025<" not in page
    row = page[
        page.index(
            '<th scope="row" class="utrecht-table__header-cell">2021</th>',
            page.index("per uitbuitingsvorm"),
        ) :
    ]
    row = row[: row.index("</tr>")]
    assert ">3<" not in row and ">0<" not in row  # suppressed, with the mark, never 0
    # Secondary suppression: "not specified" (791 - 500 - 3) would give the 3 back.
    assert row.count("·") == 2 and ">288<" not in row


def test_analysts_see_unpublished_figures_in_the_workspace_others_do_not(client, loaded):
    hidden = Register.objects.create(code="intern", name_nl="Intern register")
    Registration.objects.create(register=hidden, year=2022, count=3)
    assert client.get("/effect/registraties").status_code == 302  # to the login page
    client.force_login(_user("viewer"))
    assert client.get("/effect/registraties").status_code == 403
    assert client.get("/effect/registraties/intern").status_code == 403
    client.force_login(_user("analyst"))
    listing = client.get("/effect/registraties").content.decode()
    assert "Intern register" in listing and "niet gepubliceerd" in listing
    detail = client.get("/effect/registraties/intern").content.decode()
    assert ">3<" in detail


def test_web_import_for_analysts_only_with_errors_that_say_where(client, loaded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    register = Register.objects.get(code="comensha")

    def upload(text: str, name: str = "cijfers.csv"):
        return client.post(
            "/effect/registraties/importeren",
            {"file": SimpleUploadedFile(name, text.encode()), "register": register.pk},
        )

    client.force_login(_user("programme"))
    assert upload("Jaar;Aantal\n2025;900").status_code == 403
    page = client.get("/effect/registraties/importeren").content.decode()
    assert (
        "Alleen analisten importeren registraties." in page
        and '<form method="post" enctype' not in page
    )
    client.force_login(_user("analyst"))
    ok = upload("Jaar;Aantal\n2025;900")
    assert ok.status_code == 200 and "1 toegevoegd" in ok.content.decode()
    assert (
        Registration.objects.get(register=register, year=2025, exploitation_form=None).count == 900
    )
    wrong = upload("Jaar;Aantal\n2026;veel")
    assert wrong.status_code == 400
    assert "cijfers.csv, rij 2, kolom B (&quot;Aantal&quot;)" in wrong.content.decode()
    persons = upload("Jaar;Naam;Aantal\n2026;Jan;1", "personen.csv")
    assert persons.status_code == 400
    assert "gegevens over personen" in persons.content.decode()
    assert not Registration.objects.filter(year=2026).exists()


def test_the_analyst_links_registrations_to_an_estimate_and_removes_the_link(client, loaded):
    from samen.impact.models import ExternalEstimate

    estimate = ExternalEstimate.objects.get(period_start=2018)
    comensha = Register.objects.get(code="comensha")
    data = {"register": comensha.pk, "estimate": f"external:{estimate.pk}", "note": "zelfde"}
    client.force_login(_user("viewer"))
    assert client.post("/effect/opsporingsgraad", data).status_code == 403
    client.force_login(_user("analyst"))
    first = client.post("/effect/opsporingsgraad", data)
    # the definitions differ: both side by side, a warning, and a box to tick
    assert first.status_code == 400
    assert not DetectionLink.objects.filter(register=comensha).exists()
    shown = first.content.decode()
    assert "Populatiedefinities naast elkaar" in shown
    assert "De populatiedefinities verschillen" in shown and 'name="confirm"' in shown
    assert client.post("/effect/opsporingsgraad", data | {"confirm": "on"}).status_code == 302
    link = DetectionLink.objects.get(register=comensha)
    page = client.get("/effect/opsporingsgraad").content.decode()
    assert "1.372" in page and "27 %" in page  # CoMensha 2019 / 5,000
    again = client.post("/effect/opsporingsgraad", data | {"confirm": "on"})
    assert again.status_code == 400 and "al aan deze schatting gekoppeld" in again.content.decode()
    assert client.post(f"/effect/opsporingsgraad/{link.pk}/verwijderen").status_code == 302
    assert not DetectionLink.objects.filter(pk=link.pk).exists()


def test_each_form_page_shows_its_registrations_beside_its_actions(client, loaded):
    page = client.get("/uitbuitingsvormen/sexual").content.decode()
    assert "Geregistreerde slachtoffers en schattingen" in page
    assert "556" in page and "415" in page  # CoMensha 2017 and 2020 (derived)
    other = client.get("/uitbuitingsvormen/organ-removal").content.decode()
    assert "Nog geen gepubliceerde registraties van gedwongen orgaanverwijdering" in other


def _scale(factor: int) -> None:
    """`factor` more registers, each with every year x form and year x age cell."""
    forms = list(ExploitationForm.objects.all())
    ages = list(AgeGroup.objects.all())
    for i in range(factor):
        register = Register.objects.create(code=f"extra-{factor}-{i}", name_nl=f"Extra {i}")
        rows = []
        for year in range(2015, 2025):
            rows.append(Registration(register=register, year=year, count=400 + year % 7))
            rows += [
                Registration(register=register, year=year, exploitation_form=f, count=50 + k)
                for k, f in enumerate(forms)
            ]
            rows += [
                Registration(register=register, year=year, age_group=a, count=40 + k)
                for k, a in enumerate(ages)
            ]
        Registration.objects.bulk_create(rows)
        # Approved after the figures were written, so they are public.
        PublicationProposal.objects.create(
            register=register, state="approved", decided_at=timezone.now()
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/effect/",
        "/uitbuitingsvormen/sexual",
        "/effect/registraties",
        "/effect/registraties/comensha",
        "/effect/opsporingsgraad",
    ],
)
def test_query_counts_do_not_grow_with_the_data(client, loaded, url):
    """Neither the first request after the figures change (which builds and stores the
    public tables and charts) nor the next ones (which read them) ask more of the
    database when there are more figures."""
    client.force_login(_user("analyst"))
    client.get(url)  # warm caches (sessions, content types)
    _scale(1)
    first_1, then_1 = _queries(client, url), _queries(client, url)
    _scale(10)
    first_10, then_10 = _queries(client, url), _queries(client, url)
    assert (first_1, then_1) == (first_10, then_10)


def test_the_workspace_and_the_preview_say_what_is_not_published_yet(client, loaded):
    """Figures imported after the approval are not public: the workspace says which years
    wait ("nog niet gepubliceerd: 2021–2022"), per year on the register's page, and the
    proposal's preview marks the cells that become public as new, the rest not."""
    from samen.impact import publication

    register = Register.objects.get(code="comensha")
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    for year in (2021, 2022):
        Registration.objects.create(
            register=register, year=year, exploitation_form=forms["sexual"], count=300
        )
    analyst = _user("analyst")
    client.force_login(analyst)
    listing = client.get("/effect/registraties").content.decode()
    row = listing[listing.index("Aanmeldingen bij CoMensha") :]
    row = row[: row.index("</tr>")]
    assert "gepubliceerd" in row and "nog niet gepubliceerd: 2021–2022" in row
    detail = client.get("/effect/registraties/comensha").content.decode()
    assert "nog niet gepubliceerd: 2021–2022" in detail
    year_rows = {
        year: detail[detail.index(f">{year}</th>") :][
            : detail[detail.index(f">{year}</th>") :].index("</tr>")
        ]
        for year in (2020, 2021)
    }
    assert "nog niet gepubliceerd" in year_rows[2021]
    assert "nog niet gepubliceerd" not in year_rows[2020]
    assert "(2021–2021)" not in detail

    p = publication.propose_registrations(analyst, register, 2021, 2022)
    client.force_login(_user("programme"))
    page = client.get(f"/impact/publicatie/{p.pk}").content.decode()
    by_form = page[page.index("Aanmeldingen bij CoMensha: per uitbuitingsvorm") :]
    by_form = by_form[: by_form.index("</table>")]
    new_rows = [tr for tr in by_form.split("<tr")[1:] if ">2021</th>" in tr or ">2022</th>" in tr]
    assert len(new_rows) == 2 and all(tr.count("nieuw") >= 2 for tr in new_rows)
    assert "nieuw" not in by_form.split(">2021</th>")[0]  # 2017 and 2020: public already
    # the year totals were public already: not marked
    totals = page[page.index("Geregistreerde vermoedelijke slachtoffers per jaar, per register") :]
    totals = totals[: totals.index("</table>")]
    assert ">2021</th>" in totals and "nieuw" not in totals
    assert "wordt openbaar als dit voorstel wordt goedgekeurd" in page

"""The detection rate: registered ÷ estimated, with the interval from the estimate's."""

import pytest
from django.core.management import call_command

from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.impact import detection
from samen.impact.models import DetectionLink, ExternalEstimate, Register, Registration


def test_rate_and_dark_number_with_intervals_from_the_estimate():
    v = detection.rate_interval(1334, 5000, 4000, 7000)
    assert v.rate == pytest.approx(0.2668)
    # The rate falls as the estimate rises: its lower end comes from the upper bound.
    assert v.rate_lower == pytest.approx(1334 / 7000)
    assert v.rate_upper == pytest.approx(1334 / 4000)
    assert (v.dark, v.dark_lower, v.dark_upper) == (3666, 2666, 5666)


def test_the_rate_never_exceeds_one_and_the_dark_number_is_never_negative():
    v = detection.rate_interval(900, 1000, 800, 1500)
    assert v.rate_upper == 1.0  # 900 registered: at least 900 exist
    assert v.dark_lower == 0.0
    unknown = detection.rate_interval(10, 100)
    assert unknown.rate_lower is None and unknown.dark_upper is None
    with pytest.raises(ValueError):
        detection.rate_interval(10, 0)


def _loaded():
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_bundled_links_give_a_rate_per_year_where_the_register_has_a_count(db):
    _loaded()
    rates = detection.detection_rates(detection.links_queryset(), Registration.objects.all())
    by_year = {d.year_from: d for d in rates}
    # NRM counted 1,150 in 2015 and 668 / 1,334 in 2018 / 2019; nothing in 2014.
    assert sorted(by_year) == [2015, 2018, 2019]
    d = by_year[2019]
    assert (d.registered, d.estimate, d.lower, d.upper) == (1334, 5000, 4000, 7000)
    assert d.values.rate == pytest.approx(1334 / 5000)
    assert d.values.rate_lower == pytest.approx(1334 / 7000)
    assert d.kind == "external" and d.source_url.startswith("https://")


def test_the_analyst_links_explicitly_and_only_where_registrations_exist(db):
    from samen.accounts.models import User

    _loaded()
    analyst = User.objects.create_user("a", password="x" * 12, role="analyst")
    viewer = User.objects.create_user("v", password="x" * 12, role="viewer")
    comensha = Register.objects.get(code="comensha")
    estimate = ExternalEstimate.objects.get(period_start=2018)
    with pytest.raises(Denied):
        detection.create_link(viewer, comensha, external_estimate=estimate)
    # CoMensha's definition is not the estimate's, and it has no 2018 count: confirm
    with pytest.raises(Invalid, match="bevestig"):
        detection.create_link(analyst, comensha, external_estimate=estimate)
    link = detection.create_link(
        analyst, comensha, external_estimate=estimate, note="same population", confirmed=True
    )
    assert link.created_by == analyst
    with pytest.raises(Invalid, match="al aan deze schatting gekoppeld"):
        detection.create_link(analyst, comensha, external_estimate=estimate, confirmed=True)
    # A register without a count in the estimate's period cannot be linked.
    empty = Register.objects.create(code="empty", name_nl="Leeg")
    with pytest.raises(Invalid, match="geen registraties"):
        detection.create_link(analyst, empty, external_estimate=estimate, confirmed=True)
    rates = [
        d
        for d in detection.detection_rates(detection.links_queryset(), Registration.objects.all())
        if d.link_id == link.pk
    ]
    # CoMensha counted in 2019 but not in 2018: one rate.
    assert [(d.year_from, d.registered) for d in rates] == [(2019, 1372)]
    detection.delete_link(analyst, link)
    assert not DetectionLink.objects.filter(pk=link.pk).exists()


def test_an_estimation_run_over_two_years_uses_the_registrations_summed_over_them(db):
    from samen.accounts.models import User
    from samen.impact.models import EstimationRun, OverlapDataset

    _loaded()
    analyst = User.objects.create_user("a", password="x" * 12, role="analyst")
    dataset = OverlapDataset.objects.create(
        name="Politie x CoMensha", period_start=2019, period_end=2020, content="A,B,count\n"
    )
    run = EstimationRun.objects.create(
        dataset=dataset, method="loglinear", state="done", estimate=9000, lower=7000, upper=12000
    )
    nrm = Register.objects.get(code="nrm")
    link = detection.create_link(analyst, nrm, run=run, confirmed=True)
    (rate,) = [
        d
        for d in detection.detection_rates(detection.links_queryset(), Registration.objects.all())
        if d.link_id == link.pk
    ]
    # 1,334 (2019) + 984 (2020): one register's years, one period, one estimate.
    assert (rate.period, rate.registered, rate.kind) == ("2019–2020", 2318, "run")
    assert rate.values.rate == pytest.approx(2318 / 9000)
    assert rate.values.rate_lower == pytest.approx(2318 / 12000)
    # A run without a result cannot be linked.
    queued = EstimationRun.objects.create(dataset=dataset, method="independence")
    with pytest.raises(Invalid, match="nog geen uitkomst"):
        detection.create_link(analyst, nrm, run=queued, confirmed=True)


def test_a_published_run_and_its_rate_reach_the_public_tables(db):
    from samen.accounts.models import User
    from samen.impact.models import EstimationRun, OverlapDataset, PublicationProposal
    from samen.impact.public_tables import published_tables

    _loaded()
    analyst = User.objects.create_user("a", password="x" * 12, role="analyst")
    dataset = OverlapDataset.objects.create(
        name="Drie registers 2020", period_start=2020, period_end=2020, content="A,B,count\n"
    )
    run = EstimationRun.objects.create(
        dataset=dataset, method="sparsemse", state="done", estimate=4000, lower=3000, upper=5500
    )
    detection.create_link(analyst, Register.objects.get(code="comensha"), run=run, confirmed=True)
    assert all(e.kind == "external" for e in published_tables().estimates)  # not yet
    PublicationProposal.objects.create(run=run, state="approved")
    t = published_tables()
    assert [e.estimate for e in t.estimates if e.kind == "run"] == [4000]
    (rate,) = [r for r in t.rates if r.rate.kind == "run"]
    assert (rate.registered, rate.rate.period) == (1013, "2020")


def test_a_foreign_estimate_is_linked_only_with_an_explicit_confirmation_kept_in_the_audit(
    db, client
):
    """A UK estimate (population "… Verenigd Koninkrijk, 2013") against Dutch registrations:
    the definitions differ, so linking needs the analyst's confirmation, and the audit
    trail keeps what was confirmed. The estimate's population shows with its rate."""
    from samen.accounts.models import User
    from samen.core.models import AuditEvent
    from samen.impact.models import EstimationRun, OverlapDataset

    _loaded()
    analyst = User.objects.create_user("a", password="x" * 12, role="analyst")
    uk = OverlapDataset.objects.create(
        name="UK 2013",
        period_start=2019,
        period_end=2019,
        content="A,B,count\n",
        population_definition="Slachtoffers van moderne slavernij, Verenigd Koninkrijk, 2013",
    )
    run = EstimationRun.objects.create(
        dataset=uk, method="sparsemse", state="done", estimate=11418, lower=9000, upper=14000
    )
    comensha = Register.objects.get(code="comensha")
    check = detection.check_link(comensha, run=run)
    assert "Verenigd Koninkrijk" in check.estimate_definition
    assert check.register_definition == comensha.definition
    assert any("populatiedefinities verschillen" in c for c in check.concerns)
    with pytest.raises(Invalid, match="bevestig"):
        detection.create_link(analyst, comensha, run=run)
    assert not DetectionLink.objects.filter(run=run).exists()
    link = detection.create_link(analyst, comensha, run=run, confirmed=True)
    event = AuditEvent.objects.filter(verb="link").latest("pk")
    assert any("verschillen" in c for c in event.after["confirmed_despite"])
    (rate,) = [
        d
        for d in detection.detection_rates(detection.links_queryset(), Registration.objects.all())
        if d.link_id == link.pk
    ]
    assert "Verenigd Koninkrijk" in rate.population
    # published, the Effect page says whose estimate it is, beside the rate and the estimate
    from samen.impact.models import PublicationProposal

    PublicationProposal.objects.create(run=run, state="approved")
    page = client.get("/effect/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert page.count("Schatting van: Slachtoffers van moderne slavernij, Verenigd Koninkrijk") >= 2
    client.force_login(analyst)
    workspace = client.get("/effect/opsporingsgraad").content.decode()
    assert "Verenigd Koninkrijk" in workspace


def test_the_estimate_choices_follow_the_page_language(db):
    """English page: "6,250 a year" with the English note; Dutch page: "6.250 per jaar"
    with the Dutch note, never the English one."""
    from django.utils import translation

    from samen.impact.registrations_forms import estimate_choices

    _loaded()
    with translation.override("en"):
        english = " ".join(label for _value, label in estimate_choices())
    with translation.override("nl"):
        dutch = " ".join(label for _value, label in estimate_choices())
    assert "6,250 a year" in english and "6.250" not in english
    assert "6.250 per jaar" in dutch and "6,250" not in dutch
    assert "National Rapporteur" not in dutch

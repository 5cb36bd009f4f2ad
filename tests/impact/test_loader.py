"""`samen load-impact`: the bundled victim statistics, loaded idempotently."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from samen.impact.models import DetectionLink, ExternalEstimate, PublicationProposal, Registration
from samen.impact.registrations_bundle import BUNDLED_IMPACT


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_impact", *args, stdout=out)
    return out.getvalue()


def test_bundled_series_with_derived_figures_marked_and_the_two_national_estimates(bundled_plan):
    _load()
    totals = Registration.objects.filter(exploitation_form=None, age_group=None, gender="")
    comensha = dict(totals.filter(register__code="comensha").values_list("year", "count"))
    assert comensha[2011] == 1222 and comensha[2019] == 1372 and comensha[2024] == 1062
    nrm = dict(totals.filter(register__code="nrm").values_list("year", "count"))
    assert nrm[2007] == 716 and nrm[2024] == 944
    # Every year of 2007-2024 that the reference has is there, in one register or the other.
    assert min(nrm) == 2007 and max(comensha) == 2024
    derived = totals.get(register__code="comensha", year=2023)
    assert derived.status == "derived" and "percentage" in derived.note
    assert totals.get(register__code="comensha", year=2019).status == "published"
    assert (
        Registration.objects.get(
            register__code="comensha", year=2019, age_group__code="minors"
        ).count
        == 108
    )
    # Every figure names its source.
    assert not Registration.objects.filter(source_url="").exists()

    estimates = {
        (e.period_start, e.period_end): (e.estimate_per_year, e.lower, e.upper)
        for e in ExternalEstimate.objects.all()
    }
    assert estimates == {(2014, 2015): (6250, 5000, 7500), (2018, 2019): (5000, 4000, 7000)}
    assert all(e.source_url.startswith("https://") for e in ExternalEstimate.objects.all())
    assert DetectionLink.objects.count() == 2
    # Published by the source: one approved proposal per register, proposed by nobody.
    proposals = PublicationProposal.objects.all()
    assert {p.register.code for p in proposals} == {"comensha", "nrm"}
    assert all(p.state == "approved" and p.proposed_by is None for p in proposals)


def test_loading_again_writes_nothing_and_keeps_a_withdrawal(bundled_plan):
    first = _load()
    assert "written now: 2 registers" in first
    proposal = PublicationProposal.objects.get(register__code="nrm")
    proposal.state = PublicationProposal.State.WITHDRAWN
    proposal.save()
    rows = Registration.objects.count()
    second = _load()
    assert (
        "written now: 0 registers, 0 registrations, 0 estimates, 0 links, 0 publications" in second
    )
    assert Registration.objects.count() == rows
    assert PublicationProposal.objects.get(register__code="nrm").state == "withdrawn"


def test_a_changed_count_is_updated_in_place(bundled_plan, tmp_path):
    _load()
    data = yaml.safe_load(BUNDLED_IMPACT.read_text())
    data["registrations"][0]["count"] = 717
    changed = tmp_path / "impact.yaml"
    changed.write_text(yaml.safe_dump(data))
    assert "1 registrations" in _load(str(changed))
    assert Registration.objects.get(register__code="nrm", year=2007, age_group=None).count == 717


def test_a_wrong_file_names_each_error_and_writes_nothing(bundled_plan, tmp_path):
    data = yaml.safe_load(BUNDLED_IMPACT.read_text())
    data["registrations"][2]["count"] = "many"
    data["registrations"][4]["exploitation_form"] = "piracy"
    wrong = tmp_path / "impact.yaml"
    wrong.write_text(yaml.safe_dump(data))
    with pytest.raises(CommandError) as raised:
        _load(str(wrong))
    message = str(raised.value)
    # Paths count from 1, as people do.
    assert "registrations[3].count" in message and "many" in message
    assert "registrations[5].exploitation_form" in message and "piracy" in message
    assert not Registration.objects.exists()

"""/api/v1/estimates lists the estimates of both kinds: published runs and the national
estimates published by their sources (the two the Effect page shows), each with its
method and source. Anonymous callers see only published ones."""

from __future__ import annotations

import pytest

from samen.accounts.models import ApiToken
from samen.impact import runs
from samen.impact.models import PublicationProposal
from tests.impact.runs_world import upload

pytestmark = pytest.mark.django_db(transaction=True)


def _bundled():
    """The two national estimates exactly as the bundled file has them."""
    import yaml

    from samen.impact.models import ExternalEstimate
    from samen.impact.registrations_bundle import BUNDLED_IMPACT

    for e in yaml.safe_load(BUNDLED_IMPACT.read_text(encoding="utf-8"))["estimates"]:
        ExternalEstimate.objects.create(
            period_start=e["period_start"],
            period_end=e["period_end"],
            estimate_per_year=e["estimate_per_year"],
            lower=e["lower"],
            upper=e["upper"],
            method=e["method"],
            source_url=e["source"],
        )


def test_anonymous_callers_get_the_two_national_estimates_with_source_and_method(client, world):
    _bundled()
    listed = client.get("/api/v1/estimates", HTTP_ACCEPT_LANGUAGE="nl").json()
    published = [r for r in listed["results"] if r["kind"] == "published"]
    by_period = {(r["periodStart"], r["periodEnd"]): r for r in published}
    assert set(by_period) == {(2014, 2015), (2018, 2019)}
    first, second = by_period[(2014, 2015)], by_period[(2018, 2019)]
    assert (first["estimate"], first["ciLower"], first["ciUpper"]) == (6250, 5000, 7500)
    assert (second["estimate"], second["ciLower"], second["ciUpper"]) == (5000, 4000, 7000)
    assert second["sourceUrl"].startswith("https://www.nationaalrapporteur.nl/")
    assert "WODC" in second["methodName"]
    assert second["method"] == "published" and second["dataset"] is None
    assert listed["count"] == 2


def test_runs_and_published_estimates_together_anonymous_see_only_approved_runs(client, world):
    _bundled()
    dataset = upload(world.users.analyst)
    hidden = runs.execute(
        runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence")).pk
    )
    shown = runs.execute(
        runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="chao")).pk
    )
    PublicationProposal.objects.create(
        run=shown, state=PublicationProposal.State.APPROVED, proposed_by=world.users.analyst
    )
    anonymous = client.get("/api/v1/estimates").json()
    first = anonymous["results"][0]
    assert (first["kind"], first["id"]) == ("run", shown.pk)
    assert hidden.pk not in [r["id"] for r in anonymous["results"] if r["kind"] == "run"]
    assert anonymous["count"] == 3
    assert anonymous["results"][0]["source"] == "samen"
    # Paging runs over both kinds.
    page2 = client.get("/api/v1/estimates?pageSize=2&page=2").json()
    assert [r["kind"] for r in page2["results"]] == ["published"]
    # Filters: one kind only; a dataset or a method means runs.
    only = client.get("/api/v1/estimates?kind=published").json()
    assert only["count"] == 2
    assert client.get(f"/api/v1/estimates?dataset={dataset.pk}").json()["count"] == 1
    team = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.users.programme)[1]}"}
    assert client.get("/api/v1/estimates", **team).json()["count"] == 4

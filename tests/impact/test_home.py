"""The impact blocks on the home page: the analyst's datasets, runs and what awaits
publication; the programme team's proposals awaiting a decision; nothing for others."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.impact import publication
from samen.impact.models import EstimationRun

from .figures import build_figures


@pytest.fixture
def figures(world):
    return build_figures(world)


def test_the_analyst_sees_datasets_runs_and_what_awaits_publication(world, figures, client):
    publication.propose_registrations(world.users.analyst, figures.police, 2020, 2022)
    client.force_login(world.users.analyst)
    html = client.get("/").content.decode()
    assert "Effectmonitor" in html
    assert "Drie lijsten 2021" in html  # the dataset and its run
    assert "1 voorstel wacht op het programmateam" in html
    assert "Registraties van de politie, 2020–2022" in html


def test_the_programme_team_sees_the_proposals_awaiting_its_decision(world, figures, client):
    client.force_login(world.users.programme)
    assert (
        "Geen voorstel om cijfers te publiceren wacht op uw besluit."
        in client.get("/").content.decode()
    )
    p = publication.propose_run(world.users.analyst, figures.run)
    html = client.get("/").content.decode()
    assert "1 voorstel om cijfers te publiceren wacht op uw besluit." in html
    assert f"/impact/publicatie/{p.pk}" in html


@pytest.mark.parametrize("who", ["police", "viewer", "ngo_reader"])
def test_others_get_no_impact_block(world, figures, client, who):
    publication.propose_registrations(world.users.analyst, figures.police, 2020, 2022)
    client.force_login(getattr(world.users, who))
    html = client.get("/").content.decode()
    assert "Registraties van de politie" not in html
    assert "/impact/publicatie" not in html


def test_the_analysts_home_costs_the_same_queries_with_many_runs(world, figures, client):
    client.force_login(world.users.analyst)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    before = count()
    EstimationRun.objects.bulk_create(
        EstimationRun(
            dataset=figures.dataset,
            method="independence",
            state="done",
            estimate=700.0 + i,
            finished_at=timezone.now(),
        )
        for i in range(40)
    )
    assert count() == before

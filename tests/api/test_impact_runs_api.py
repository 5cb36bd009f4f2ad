"""/api/v1/overlap-datasets and /api/v1/estimates: an analyst's client uploads a table,
starts a run and polls it; the programme team reads; anyone else sees published
estimates only and no dataset at all."""

from __future__ import annotations

import pytest

from samen.accounts.models import ApiToken
from samen.core import taskworker
from samen.impact import runs
from samen.impact.models import EstimationRun, OverlapDataset, PublicationProposal
from tests.impact.runs_world import UK, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def _dataset_body(**extra):
    return {
        "name": "UK 2013",
        "periodStart": 2013,
        "periodEnd": 2013,
        "populationDefinition": "Potential victims, UK",
        "fileName": "uk2013_6lists.csv",
        "content": UK.read_text(),
        **extra,
    }


def test_a_client_uploads_starts_a_run_and_polls_it(client, world):
    analyst = _auth(world.users.analyst)
    created = client.post(
        "/api/v1/overlap-datasets", _dataset_body(), content_type="application/json", **analyst
    )
    assert created.status_code == 201, created.content
    dataset = created.json()
    assert dataset["observed"] == 2744
    assert [entry["column"] for entry in dataset["lists"]] == ["LA", "NG", "PF", "GO", "GP", "NCA"]

    started = client.post(
        "/api/v1/estimates",
        {"dataset": dataset["id"], "method": "sparsemse", "bootstrap": 30},
        content_type="application/json",
        **analyst,
    )
    assert started.status_code == 201, started.content
    assert started.json()["state"] == "queued" and started.json()["seed"] == 1234
    url = f"/api/v1/estimates/{started.json()['id']}"
    assert client.get(url, **analyst).json()["state"] == "queued"

    taskworker.run_pending()
    polled = client.get(url, **analyst).json()
    assert polled["state"] == "done" and polled["progress"] == 1.0
    assert round(polled["estimate"]) == 11418
    assert polled["ciLower"] < polled["estimate"] < polled["ciUpper"]
    assert polled["intervalKind"].lower().startswith("bca")
    assert polled["datasetHash"] == dataset["contentHash"]
    assert polled["options"] == {"bootstrap": 30}

    listed = client.get(f"/api/v1/estimates?dataset={dataset['id']}", **analyst).json()
    assert [r["id"] for r in listed["results"]] == [polled["id"]]


def test_the_engines_error_names_row_and_column_and_nothing_is_stored(client, world):
    response = client.post(
        "/api/v1/overlap-datasets",
        _dataset_body(content="A,B,count\n1,0,10\n0,1,zeven\n"),
        content_type="application/json",
        **_auth(world.users.analyst),
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["invalidParams"][0]["name"] == "content"
    assert problem["invalidParams"][0]["code"] == "count-not-whole"
    assert "rij 3, kolom 'count'" in problem["invalidParams"][0]["reason"]
    assert not OverlapDataset.objects.exists()


def test_a_person_level_table_is_refused(client, world):
    response = client.post(
        "/api/v1/overlap-datasets",
        _dataset_body(content="A,B\n1,0\n0,1\n1,1\n"),
        content_type="application/json",
        **_auth(world.users.analyst),
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "no-count-column"
    assert not OverlapDataset.objects.exists()


def test_options_the_method_cannot_use_are_refused_and_nothing_is_queued(client, world):
    dataset = upload(world.users.analyst)
    response = client.post(
        "/api/v1/estimates",
        {"dataset": dataset.pk, "method": "independence", "bootstrap": 10},
        content_type="application/json",
        **_auth(world.users.analyst),
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "bootstrap"
    assert not EstimationRun.objects.exists()


def test_the_programme_team_reads_but_cannot_write(client, world):
    dataset = upload(world.users.analyst)
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
    team = _auth(world.users.programme)
    assert client.get("/api/v1/overlap-datasets", **team).json()["count"] == 1
    assert client.get(f"/api/v1/overlap-datasets/{dataset.pk}", **team).status_code == 200
    assert client.get(f"/api/v1/estimates/{run.pk}", **team).status_code == 200
    assert (
        client.post(
            "/api/v1/overlap-datasets", _dataset_body(), content_type="application/json", **team
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/estimates",
            {"dataset": dataset.pk, "method": "dga"},
            content_type="application/json",
            **team,
        ).status_code
        == 403
    )
    assert OverlapDataset.objects.count() == 1 and EstimationRun.objects.count() == 1


@pytest.mark.parametrize("who", ["police", "ngo_reader", "viewer", None])
def test_others_see_published_estimates_only_and_no_datasets(client, world, who):
    dataset = upload(world.users.analyst)
    hidden = runs.execute(
        runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence")).pk
    )
    shown = runs.execute(
        runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="sparsemse")).pk
    )
    PublicationProposal.objects.create(
        run=shown, state=PublicationProposal.State.APPROVED, proposed_by=world.users.analyst
    )
    headers = _auth(getattr(world.users, who)) if who else {}
    listed = client.get("/api/v1/estimates", **headers).json()
    assert [r["id"] for r in listed["results"]] == [shown.pk]
    assert client.get(f"/api/v1/estimates/{shown.pk}", **headers).status_code == 200
    assert client.get(f"/api/v1/estimates/{hidden.pk}", **headers).status_code == 404
    assert (
        client.get(f"/api/v1/estimates?state=done&dataset={dataset.pk}", **headers).json()["count"]
        == 1
    )
    expected = 401 if who is None else 403
    assert client.get("/api/v1/overlap-datasets", **headers).status_code == expected
    assert client.get(f"/api/v1/overlap-datasets/{dataset.pk}", **headers).status_code == expected
    body = {"dataset": dataset.pk, "method": "independence"}
    created = client.post("/api/v1/estimates", body, content_type="application/json", **headers)
    assert created.status_code == expected
    assert EstimationRun.objects.count() == 2


def test_a_wrong_token_is_refused_not_treated_as_anonymous(client, world):
    response = client.get("/api/v1/estimates", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_lists_issue_the_same_queries_for_one_and_a_hundred(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = _auth(world.users.programme)

    def counts():
        out = []
        for url in ("/api/v1/overlap-datasets?pageSize=100", "/api/v1/estimates?pageSize=100"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, **team).status_code == 200
            out.append(len(queries))
        return out

    first = upload(world.users.analyst)
    runs.start_run(world.users.analyst, first, runs.RunOptions(method="independence"))
    counts()  # the token's first use is written down once
    few = counts()
    for i in range(99):
        d = OverlapDataset.objects.create(
            name=f"UK {i}",
            period_start=2013,
            period_end=2013,
            lists=first.lists,
            content=first.content,
            content_hash=first.content_hash,
            observed=2744,
        )
        EstimationRun.objects.create(dataset=d, method="independence", state="done", estimate=1.0)
    assert counts() == few

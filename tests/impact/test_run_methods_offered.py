"""Only methods that can work on a table are offered and accepted (web and API), and
LCMCR runs in the app with its sampler settings, its seed and its warnings in Dutch."""

from __future__ import annotations

import json
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from samen.accounts.models import ApiToken
from samen.core import taskworker
from samen.impact import runs
from samen.impact.models import EstimationRun
from tests.impact.runs_world import DATA, upload

pytestmark = pytest.mark.django_db(transaction=True)

TWO_LISTS = "A,B,count\n1,0,60\n0,1,50\n1,1,20\n"


def _two_lists(world, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(TWO_LISTS)
    return upload(world.users.analyst, path, "Twee lijsten")


def test_the_form_offers_only_methods_that_work_on_six_lists_and_says_why(client, world):
    dataset = upload(world.users.analyst)  # the UK table: six lists, no covariates
    client.force_login(world.users.analyst)
    page = unescape(
        client.get(reverse("impact:estimation-run-create", args=[dataset.pk])).content.decode()
    )
    offered = page.split("Methoden die niet worden aangeboden")[0]
    assert 'value="sparsemse"' in offered and 'value="lcmcr"' in offered
    for method in ("chapman", "petersen", "dga", "covariates"):
        assert f'value="{method}"' not in offered
    not_offered = page.split("Methoden die niet worden aangeboden")[1]
    assert "Chapman (twee lijsten)" in not_offered
    assert "precies twee lijsten; deze tabel heeft er 6" in not_offered
    assert "3 tot 5 lijsten" in not_offered
    assert "geen covariaatkolommen" in not_offered


@pytest.mark.parametrize("method", ["chapman", "petersen", "dga", "covariates"])
def test_submitting_a_method_that_cannot_work_is_refused_on_its_field(client, world, method):
    dataset = upload(world.users.analyst)
    client.force_login(world.users.analyst)
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]), {"method": method}
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "kan hier niet worden gebruikt" in page
    assert 'id="id_method_error"' in page or "utrecht-form-field--invalid" in page
    assert not EstimationRun.objects.exists()


def test_two_lists_offer_chapman_and_not_chao(client, world, tmp_path):
    dataset = _two_lists(world, tmp_path)
    client.force_login(world.users.analyst)
    page = unescape(
        client.get(reverse("impact:estimation-run-create", args=[dataset.pk])).content.decode()
    )
    offered = page.split("Methoden die niet worden aangeboden")[0]
    assert 'value="chapman"' in offered and 'value="chao"' not in offered
    assert "minstens drie lijsten" in page


def test_an_absent_stratum_is_refused_before_queueing(world):
    dataset = upload(world.users.analyst)
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(
            world.users.analyst, dataset, runs.RunOptions(method="independence", stratum="year")
        )
    assert "stratum" in refused.value.errors
    assert not EstimationRun.objects.exists()


def test_the_api_refuses_a_method_that_cannot_work_with_a_problem_naming_the_field(client, world):
    dataset = upload(world.users.analyst)
    token = ApiToken.issue(world.users.analyst)[1]
    response = client.post(
        "/api/v1/estimates",
        json.dumps({"dataset": dataset.pk, "method": "dga"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["invalidParams"][0]["name"] == "method"
    assert "3 tot 5 lijsten" in problem["invalidParams"][0]["reason"]
    assert not EstimationRun.objects.exists()


def test_lcmcr_runs_with_small_sweeps_and_is_repeatable(world):
    dataset = upload(world.users.analyst, DATA / "kosovo_4lists.csv", "Kosovo")
    options = {"method": "lcmcr", "burnin": 200, "samples": 100, "thin": 2}
    first = runs.start_run(world.users.analyst, dataset, runs.RunOptions(**options))
    again = runs.start_run(world.users.analyst, dataset, runs.RunOptions(**options))
    taskworker.run_pending()
    first.refresh_from_db()
    again.refresh_from_db()
    assert first.state == "done", first.error
    assert first.seed == runs.LCMCR_SEED
    assert first.options == {"burnin": 200, "samples": 100, "thin": 2, "chains": 1}
    assert first.lower < first.estimate < first.upper
    assert (first.estimate, first.lower, first.upper) == (again.estimate, again.lower, again.upper)
    # Few draws: the engine warns that there are too few effective draws, in Dutch.
    codes = [w["code"] for w in first.warnings]
    assert "mcmc_low_ess" in codes
    with translation_nl():
        texts = runs.warning_texts(first)
        assert any("effectieve trekkingen" in t for t in texts)
        assert not any("--" in t for t in texts)
        assert "burn-in 200, 100 trekkingen" in runs.options_text(first)
    with translation.override("en"):
        # In English too the warning names the form's fields, not the command line's flags.
        texts = runs.warning_texts(first)
        low = next(t for t in texts if "effective draws" in t)
        assert "'Draws kept per chain'" in low and "'Chains'" in low
        assert "--" not in low


def test_lcmcr_settings_are_bounded_and_only_for_lcmcr(world):
    dataset = upload(world.users.analyst)
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(
            world.users.analyst, dataset, runs.RunOptions(method="lcmcr", chains=9, thin=0)
        )
    assert set(refused.value.errors) == {"chains", "thin"}
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(
            world.users.analyst,
            dataset,
            runs.RunOptions(method="lcmcr", burnin=200_000, samples=10_000, thin=1_000),
        )
    assert "samples" in refused.value.errors
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="sparsemse", chains=2))
    assert "chains" in refused.value.errors
    assert not EstimationRun.objects.exists()


def translation_nl():
    return translation.override("nl")


def test_lcmcr_from_the_form_to_the_comparison_page_with_its_warning_in_dutch(client, world):
    dataset = upload(world.users.analyst, DATA / "kosovo_4lists.csv", "Kosovo")
    client.force_login(world.users.analyst)
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        {"method": "lcmcr", "burnin": "200", "samples": "100", "thin": "2", "chains": "2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    taskworker.run_pending()
    run = EstimationRun.objects.get()
    assert run.state == "done", run.error
    page = unescape(client.get(reverse("impact:estimation-run", args=[run.pk])).content.decode())
    assert "Bayesiaanse latente klassen (LCMCR)" in page
    assert "posteriorkwantielen" in page
    compare = unescape(
        client.get(reverse("impact:estimation-compare", args=[dataset.pk])).content.decode()
    )
    assert "Bayesiaanse latente klassen (LCMCR)" in compare
    assert "effectieve trekkingen" in compare  # the engine's mixing warning, in Dutch

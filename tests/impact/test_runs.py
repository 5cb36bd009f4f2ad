"""Estimation runs: started by an analyst, executed by the task worker, stored once with
everything needed to repeat them; the same run repeated gives the same numbers."""

from __future__ import annotations

import multiprocessing

import pytest

from samen.accounts.access import Denied
from samen.core import taskworker
from samen.impact import runs
from samen.impact.models import EstimationRun
from tests.impact.runs_world import upload

# The task worker commits and closes connections as in production: real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def _run(world, dataset, **options):
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(**options))
    taskworker.run_pending()
    run.refresh_from_db()
    return run


def test_sparsemse_with_bca_bootstrap_on_the_uk_table_gives_11418(world):
    dataset = upload(world.users.analyst)
    run = _run(world, dataset, method="sparsemse", bootstrap=50)
    assert run.state == "done", run.error
    assert round(run.estimate) == 11418
    assert run.interval_kind.lower().startswith("bca")
    assert run.lower < run.estimate < run.upper
    assert run.seed == runs.DEFAULT_SEED
    assert run.options == {"bootstrap": 50}
    assert run.dataset_hash == dataset.content_hash
    assert run.engine_version.startswith("samen.mse")
    assert run.model_terms  # the stepwise model's interaction terms
    assert run.progress == 1.0


def test_the_same_run_repeated_gives_identical_numbers(world):
    dataset = upload(world.users.analyst)
    first = _run(world, dataset, method="sparsemse", bootstrap=30)
    again = _run(world, dataset, method="sparsemse", bootstrap=30)
    other_seed = _run(
        world,
        dataset,
        method="sparsemse",
        bootstrap=30,
        seed=7,
    )
    fields = ("estimate", "lower", "upper", "model_terms", "fit", "warnings", "interval_kind")
    assert [getattr(first, f) for f in fields] == [getattr(again, f) for f in fields]
    assert first.result == again.result
    assert (other_seed.lower, other_seed.upper) != (first.lower, first.upper)


def test_a_finished_run_is_never_written_again(world):
    dataset = upload(world.users.analyst)
    run = _run(world, dataset, method="independence")
    assert run.state == "done"
    stored = EstimationRun.objects.values().get(pk=run.pk)
    runs.execute(run.pk)
    assert not runs.cancel_run(world.users.analyst, run)
    assert EstimationRun.objects.values().get(pk=run.pk) == stored


def test_every_method_family_runs_and_the_log_linear_choice_is_stored(world):
    dataset = upload(world.users.analyst)
    bic = _run(world, dataset, method="loglinear", criterion="bic")
    given = _run(
        world,
        dataset,
        method="loglinear",
        terms=["LA:NG", "PF:GP"],
    )
    assert bic.state == given.state == "done"
    assert bic.options == {"criterion": "bic"}
    assert sorted(given.model_terms) == ["LA:NG", "PF:GP"]
    assert bic.fit["bic"] is not None and given.fit["deviance"] is not None


def test_a_stratified_and_a_covariate_model_run(world, tmp_path):
    table = tmp_path / "by_year.csv"
    table.write_text(
        "A,B,C,year,count\n"
        "1,0,0,2020,40\n0,1,0,2020,35\n0,0,1,2020,30\n1,1,0,2020,12\n1,0,1,2020,9\n0,1,1,2020,8\n1,1,1,2020,4\n"
        "1,0,0,2021,44\n0,1,0,2021,31\n0,0,1,2021,33\n1,1,0,2021,10\n1,0,1,2021,11\n0,1,1,2021,7\n1,1,1,2021,3\n"
    )
    dataset = upload(world.users.analyst, table, "Per jaar", covariates=["year"], period_end=2021)
    strata = _run(world, dataset, method="independence", stratum="year")
    cov = _run(world, dataset, method="covariates", terms=["A:year"])
    assert strata.state == "done", strata.error
    assert [s["stratum"] for s in strata.result["details"]["strata"]] == ["year=2020", "year=2021"]
    assert strata.estimate == pytest.approx(
        sum(s["estimate"] for s in strata.result["details"]["strata"])
    )
    assert cov.state == "done", cov.error
    assert "A:year" in cov.model_terms


def test_options_the_method_cannot_use_are_refused_before_queueing(world):
    dataset = upload(world.users.analyst)
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(
            world.users.analyst, dataset, runs.RunOptions(method="independence", bootstrap=100)
        )
    assert "bootstrap" in refused.value.errors
    with pytest.raises(runs.RunInvalid) as refused:
        runs.start_run(
            world.users.analyst, dataset, runs.RunOptions(method="loglinear", terms=["LA:XX"])
        )
    assert "XX" in refused.value.errors["terms"]
    assert not EstimationRun.objects.exists()


@pytest.mark.parametrize("who", ["programme", "police", "ngo_reader", "viewer"])
def test_only_analysts_start_and_cancel_runs(world, who):
    dataset = upload(world.users.analyst)
    with pytest.raises(Denied):
        runs.start_run(getattr(world.users, who), dataset, runs.RunOptions(method="independence"))
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
    with pytest.raises(Denied):
        runs.cancel_run(getattr(world.users, who), run)


def test_cancelling_a_queued_run_means_it_never_runs(world):
    dataset = upload(world.users.analyst)
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="sparsemse"))
    assert runs.cancel_run(world.users.analyst, run)
    taskworker.run_pending()
    run.refresh_from_db()
    assert run.state == "cancelled" and run.estimate is None


def test_cancelling_a_running_bootstrap_stops_it_at_the_next_progress_report(world):
    dataset = upload(world.users.analyst)
    run = runs.start_run(
        world.users.analyst, dataset, runs.RunOptions(method="sparsemse", bootstrap=200)
    )
    reports = []
    original = runs.compute

    def cancel_on_first_report(table, options, progress):
        def watch(done, total):
            reports.append(done)
            if len(reports) == 1:
                EstimationRun.objects.filter(pk=run.pk).update(cancel_requested=True)
                runs.PROGRESS_INTERVAL = 0  # the next report is written at once
            progress(done, total)

        return original(table, options, watch)

    runs.compute, saved = cancel_on_first_report, runs.PROGRESS_INTERVAL
    try:
        runs.execute(run.pk)
    finally:
        runs.compute, runs.PROGRESS_INTERVAL = original, saved
    run.refresh_from_db()
    assert run.state == "cancelled"
    assert run.estimate is None
    assert reports[-1] < 200 + 30  # stopped before every table was done
    assert multiprocessing.active_children() == []  # the bootstrap's workers were ended

"""Studies on Dask: the same seed gives the same numbers on 1 process and on a cluster.

One local cluster of two worker processes serves every test (its start-up is
the slow part); it is reached both as a client and, as an analyst would reach
a cluster elsewhere, by its scheduler's address (``--scheduler``,
``SAMEN_DASK_SCHEDULER``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from samen.cli import main as samen_main
from samen.mse._parallel import SCHEDULER_ENV, dask_client, map_tasks, task_seeds
from samen.mse.bootstrap import bootstrap_estimate
from samen.mse.simulation import run
from tests.mse.conftest import REFERENCE, load

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with dask_client("local", 2) as client:
        pids = client.run(os.getpid)
        assert len(set(pids.values()) | {os.getpid()}) == 3  # two worker processes
        yield client


@pytest.fixture(scope="module")
def in_process() -> list[object]:
    return run(reps=6, seed=11, scheduler="", block=2)


def test_coverage_study_same_numbers_on_one_process_and_two_workers(
    cluster: object, in_process: list[object]
) -> None:
    on_two = run(reps=6, seed=11, client=cluster, block=2)  # type: ignore[arg-type]
    assert on_two == in_process
    # how the populations are cut into tasks does not matter either
    assert run(reps=6, seed=11, client=cluster, block=4) == in_process  # type: ignore[arg-type]
    assert run(reps=6, seed=12, scheduler="", block=2) != in_process


def test_coverage_study_on_a_scheduler_named_in_the_environment(
    cluster: object, in_process: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler.address)  # type: ignore[attr-defined]
    assert run(reps=6, seed=11, block=3) == in_process


def test_tasks_come_back_in_order_with_their_own_seeds(cluster: object) -> None:
    seeds = task_seeds(3, 8)
    here = map_tasks(_draw, seeds, scheduler="")
    there = map_tasks(_draw, seeds, client=cluster)  # type: ignore[arg-type]
    assert_array_equal(np.array(here), np.array(there))
    assert len(set(here)) == 8


def _draw(seed: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(seed).random())


def test_bootstrap_same_replicates_on_the_cluster(cluster: object) -> None:
    t = load("artificial_3lists")
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    here = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=5, n_jobs=1)
    there = bootstrap_estimate(t.histories, t.counts, nboot=40, seed=5, scheduler=address)
    assert_array_equal(there.replicates, here.replicates)
    assert there.interval() == here.interval()


def test_cli_bootstrap_with_scheduler_prints_the_same_interval(
    cluster: object, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(REFERENCE / "artificial_3lists.csv")
    args = ["mse", "estimate", f, "--bootstrap", "40", "--seed", "5", "--json", "--jobs", "1"]
    assert samen_main(args) == 0
    here = json.loads(capsys.readouterr().out)
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    assert samen_main([*args, "--scheduler", address]) == 0
    there = json.loads(capsys.readouterr().out)
    assert (there["ciLower"], there["ciUpper"]) == (here["ciLower"], here["ciUpper"])


def test_cli_unreachable_scheduler_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = str(REFERENCE / "artificial_3lists.csv")
    monkeypatch.setattr("samen.mse._parallel.CONNECT_TIMEOUT", 2.0)
    args = ["mse", "estimate", f, "--bootstrap", "5", "--scheduler", "tcp://127.0.0.1:9"]
    assert samen_main(args) == 2
    err = capsys.readouterr().err
    assert "Dask scheduler" in err and "tcp://127.0.0.1:9" in err
    assert "Traceback" not in err

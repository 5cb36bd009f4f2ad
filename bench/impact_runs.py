"""What the app adds to an estimation run (issue 10, performance).

SparseMSE with a 1,000-replicate BCa bootstrap on the UK six-list table, two ways, in
the same run, alternating:

* **app**: upload the CSV through the web page, start the run through the web page, and
  wait until the background task worker (a thread, as `samen serve` runs it; ADR 0006)
  has stored the result, polling the database as the progress bar does;
* **command line**: `samen mse estimate data/mse/uk2013_6lists.csv --bootstrap 1000
  --seed 1234 --json` as a new process.

Prints the median wall time of each (at least three repeats), the ratio app / command
line (the target: the app adds at most 10 %) and the estimate each gave (11,418 with its
BCa interval). Then the SQL queries of the dataset and run lists at 1x and 100x.

    .venv/bin/python -m bench impact_runs            # 3 repeats
    .venv/bin/python -m bench.impact_runs --repeats 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "data" / "mse" / "uk2013_6lists.csv"
REPLICATES = 1000
SEED = 1234


def _cli(replicates: int = REPLICATES) -> tuple[float, float, float, float]:
    samen = Path(sys.executable).with_name("samen")
    start = time.perf_counter()
    command = [str(samen), "mse", "estimate", str(TABLE), "--bootstrap", str(replicates)]
    out = subprocess.run(
        [*command, "--seed", str(SEED), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - start
    result = json.loads(out)
    return elapsed, result["estimate"], result["ciLower"], result["ciUpper"]


def _app(client, n: int, replicates: int = REPLICATES) -> tuple[float, float, float, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from samen.impact.models import EstimationRun, OverlapDataset

    start = time.perf_counter()
    response = client.post(
        reverse("impact:overlap-dataset-upload"),
        {
            "name": f"UK 2013 ({n})",
            "period_start": 2013,
            "period_end": 2013,
            "file": SimpleUploadedFile(TABLE.name, TABLE.read_bytes(), "text/csv"),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    dataset = OverlapDataset.objects.latest("pk")
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        {"method": "sparsemse", "bootstrap": replicates, "seed": SEED},
    )
    assert response.status_code == 302, response.content[:2000]
    run_id = EstimationRun.objects.latest("pk").pk
    while True:
        state = EstimationRun.objects.values_list("state", flat=True).get(pk=run_id)
        if state not in ("queued", "running"):
            break
        time.sleep(0.1)  # the page polls every second; a finer poll measures the worker
    elapsed = time.perf_counter() - start
    run = EstimationRun.objects.get(pk=run_id)
    assert run.state == "done", run.error
    return elapsed, run.estimate, run.lower, run.upper


def _query_counts(client) -> list[tuple[str, int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from samen.impact.models import EstimationRun, OverlapDataset

    first = OverlapDataset.objects.order_by("pk").first()
    urls = {
        "datasets page": reverse("impact:overlap-datasets"),
        "dataset page (its runs)": reverse("impact:overlap-dataset", args=[first.pk]),
        "comparison page": reverse("impact:estimation-compare", args=[first.pk]),
        "API /overlap-datasets": "/api/v1/overlap-datasets?pageSize=100",
        "API /estimates": "/api/v1/estimates?pageSize=100",
    }
    from samen.accounts.models import ApiToken, User

    token = ApiToken.issue(User.objects.get(username="bench-analyst"))[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def counts() -> dict[str, int]:
        out = {}
        for name, url in urls.items():
            client.get(url, **headers)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, **headers).status_code == 200, url
            out[name] = len(ctx.captured_queries)
        return out

    small = counts()
    have = OverlapDataset.objects.count()
    for i in range(100 - have):
        d = OverlapDataset.objects.create(
            name=f"Kopie {i}",
            period_start=2013,
            period_end=2013,
            lists=first.lists,
            content=first.content,
            content_hash=first.content_hash,
            observed=first.observed,
        )
        EstimationRun.objects.create(dataset=d, method="independence", state="done", estimate=1)
    template = EstimationRun.objects.filter(dataset=first).first()
    for _ in range(100 - first.runs.count()):
        EstimationRun.objects.create(
            dataset=first,
            method=template.method,
            state="done",
            estimate=template.estimate,
            lower=template.lower,
            upper=template.upper,
            options=template.options,
            seed=template.seed,
        )
    large = counts()
    return [(name, small[name], large[name]) for name in urls]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.impact_runs")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv or [])

    from bench._django import setup

    setup()
    from django.conf import settings
    from django.test import Client

    from samen.accounts.models import User
    from samen.core import taskworker

    settings.SAMEN_TASK_WORKER = True
    analyst = User.objects.create_user("bench-analyst", role=User.Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    worker = taskworker.start(interval=0.05)  # as `samen serve` runs it: a thread
    app: list[float] = []
    cli: list[float] = []
    try:
        # Warm-up, not counted: the server's first bootstrap starts the process pool's
        # forkserver once (see samen.mse._parallel); the command line pays its start
        # every time, which the measured runs include.
        _cli(20)
        _app(client, -1, 20)
        for n in range(max(3, args.repeats)):
            t_cli, *cli_result = _cli()
            t_app, *app_result = _app(client, n)
            cli.append(t_cli)
            app.append(t_app)
            print(
                f"repeat {n + 1}: command line {t_cli:6.2f} s, app {t_app:6.2f} s "
                f"(estimate {cli_result[0]:,.0f} [{cli_result[1]:,.0f}, {cli_result[2]:,.0f}] / "
                f"{app_result[0]:,.0f} [{app_result[1]:,.0f}, {app_result[2]:,.0f}])",
                flush=True,
            )
            assert [round(v, 6) for v in cli_result] == [round(v, 6) for v in app_result]
    finally:
        if worker is not None:
            worker.stop()
    m_app, m_cli = statistics.median(app), statistics.median(cli)
    print(
        f"\nSparseMSE, {REPLICATES:,} BCa bootstrap replicates, UK 6 lists, "
        f"median of {len(app)}:\n"
        f"  command line (new process)          {m_cli:7.2f} s\n"
        f"  app (upload, start, task worker)    {m_app:7.2f} s\n"
        f"  ratio app / command line            {m_app / m_cli:7.3f}  (target <= 1.10)"
    )
    print("\nSQL queries per page at 1x and 100x datasets and runs:")
    for name, small, large in _query_counts(client):
        print(f"  {name:28s} {small:3d} {large:3d}  {'constant' if small == large else 'GROWS'}")


if __name__ == "__main__":
    main(sys.argv[1:])

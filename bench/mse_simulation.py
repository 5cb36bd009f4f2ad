"""Simulation study: bias and interval coverage of the log-linear estimates, on Dask.

The study itself is :mod:`samen.mse.simulation` (populations of known size,
the independence model and the model with A:B, Rcapture's profile interval).
This runs it on a Dask cluster: a local cluster of ``--workers`` worker
processes by default, or an existing scheduler (``--scheduler
tcp://HOST:PORT`` or the environment variable ``SAMEN_DASK_SCHEDULER``).
Every population has its own seed spawned from ``--seed``, so the numbers are
the same on any cluster.

Then (unless ``--no-timing``) the same study is timed on a local cluster of 1
and of 2 workers, and in this process without Dask, configurations taking
turns, each cluster started once and its start-up timed apart; medians of
``--repeat`` runs, and whether all runs gave identical numbers.

Run: ``.venv/bin/python -m bench.mse_simulation [--reps 200] [--seed 2024]
[--workers N | --scheduler tcp://HOST:PORT] [--repeat 3] [--timing-reps 100]
[--no-timing]``
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.mse import parallel_probe
from samen.mse._parallel import LOCAL, available_cpus, dask_client, dask_scheduler
from samen.mse.simulation import TRUE_N, Row, run

__all__ = ["Row", "main", "run"]


def print_rows(rows: list[Row]) -> None:
    print(
        f"{'scenario':<20} {'model':<13} {'rel. bias':>9} {'95% coverage':>13} {'median width':>13}"
    )
    for r in rows:
        print(
            f"{r.scenario:<20} {r.model:<13} {r.rel_bias:>+9.1%} "
            f"{r.coverage:>13.1%} {r.median_width:>13,.0f}"
        )


def timing(reps: int, seed: int, repeat: int) -> None:
    """The study on 1 and 2 local Dask workers and in-process, round robin."""
    runs: dict[str, list[float]] = {
        "in this process": [],
        "Dask, 1 worker": [],
        "Dask, 2 workers": [],
    }
    results: set[tuple[Row, ...]] = set()
    starts: dict[str, float] = {}
    with dask_client(LOCAL, 1) as one:
        t0 = time.perf_counter()
        with dask_client(LOCAL, 2) as two:
            starts["Dask, 2 workers"] = time.perf_counter() - t0
            for _ in range(repeat):
                for name, client in (
                    ("in this process", None),
                    ("Dask, 1 worker", one),
                    ("Dask, 2 workers", two),
                ):
                    t1 = time.perf_counter()
                    if client is None:
                        rows = run(reps, seed, scheduler="")
                    else:
                        rows = run(reps, seed, client=client)
                    runs[name].append(time.perf_counter() - t1)
                    results.add(tuple(rows))
    base = statistics.median(runs["Dask, 1 worker"])
    print(
        f"\nTiming: {reps} populations per scenario ({2 * reps} in all), seed {seed}; "
        f"median of {repeat}, clusters started once (2-worker start-up "
        f"{starts['Dask, 2 workers']:.1f} s, not counted)"
    )
    print(f"{'configuration':<18} {'median (s)':>10} {'runs (s)':>24} {'vs 1 worker':>12}")
    for name, ts in runs.items():
        m = statistics.median(ts)
        each = ", ".join(f"{t:.1f}" for t in ts)
        print(f"{name:<18} {m:>10.2f} {each:>24} {base / m:>11.2f}x")
    same = "identical" if len(results) == 1 else "DIFFERENT"
    print(
        f"Numbers of every run and configuration: {same}. This machine has "
        f"{available_cpus()} CPUs; a second worker only helps when a core is free: "
        f"2 processes vs 1 on pure Python work, measured now: {parallel_probe():.2f}x "
        "(2.0 on an idle 2-core machine)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200, help="populations per scenario")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, help="local cluster size (default: all CPUs)")
    parser.add_argument(
        "--scheduler", help="Dask scheduler, tcp://HOST:PORT (default: SAMEN_DASK_SCHEDULER)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the timing")
    parser.add_argument("--timing-reps", type=int, default=100, help="populations in the timing")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    scheduler = dask_scheduler(args.scheduler) or LOCAL
    where = f"a local cluster of {args.workers or available_cpus()} workers"
    if scheduler != LOCAL:
        where = f"the Dask scheduler at {scheduler}"
    print(f"True N = {TRUE_N}, {args.reps} populations per scenario, seed {args.seed}, on {where}")
    t0 = time.perf_counter()
    rows = run(args.reps, args.seed, scheduler=scheduler, n_jobs=args.workers or available_cpus())
    print_rows(rows)
    print(f"({time.perf_counter() - t0:.1f} s, cluster start-up included)")
    if not args.no_timing:
        timing(args.timing_reps, args.seed, args.repeat)


if __name__ == "__main__":
    main()

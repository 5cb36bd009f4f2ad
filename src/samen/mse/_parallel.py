"""Worker processes for the bootstrap and the model search, and Dask clusters for studies.

How workers start:

* ``fork`` on Linux when the caller runs a single Python thread (the CLI, a
  script, a notebook): the fastest start, nothing is imported again. The
  workers then hold a copy of the caller's memory, so every worker runs
  :func:`reset_worker_state` first: its caches start empty and its results
  never depend on what the caller computed before.
* ``forkserver`` (``spawn`` where there is none) otherwise, e.g. inside a
  threaded web server, where forking could copy a lock held by another
  thread. Workers then come from a clean server process that imports numpy,
  scipy and :mod:`samen.mse` once. As for any such start method, a script
  calling the bootstrap must keep its top-level code under
  ``if __name__ == "__main__":``.

Work too large for one machine (a coverage study of 10,000 populations, a
bootstrap, several MCMC chains) runs on a Dask cluster
(``dask.distributed``) through :func:`map_tasks`: a local cluster of worker
processes (``"local"``), or an existing scheduler at ``tcp://HOST:PORT``,
given by the caller, by :func:`use_scheduler` (the CLI's ``--scheduler``),
or by the environment variable ``SAMEN_DASK_SCHEDULER``. Tasks carry their
own inputs and seeds (see :func:`task_seeds`) and results come back in task
order, so the numbers do not depend on where or in which order tasks run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from samen.mse.messages import CaptureDataError

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

#: Environment variable naming the Dask scheduler (``tcp://HOST:PORT`` or ``local``).
SCHEDULER_ENV = "SAMEN_DASK_SCHEDULER"
#: The scheduler address that means: start a local cluster of worker processes.
LOCAL = "local"
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 10.0
_SCHEDULER: ContextVar[str | None] = ContextVar("samen_mse_scheduler", default=None)

#: Modules a forkserver imports before forking workers.
PRELOAD = ["samen.mse.bootstrap", "samen.mse.search"]


def available_cpus() -> int:
    """The CPUs this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """``fork``, ``forkserver`` or ``spawn``, chosen as the module docstring says."""
    methods = mp.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def reset_worker_state() -> None:
    """Empty the per-process caches (run first in every worker)."""
    from samen.mse.sparse import clear_caches

    clear_caches()


def process_pool(n_jobs: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``n_jobs`` worker processes, each starting with empty caches."""
    method = start_method()
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(
        max_workers=n_jobs, mp_context=ctx, initializer=initializer or reset_worker_state
    )


def dask_scheduler(explicit: str | None = None) -> str | None:
    """The Dask scheduler to use, or ``None`` for none.

    ``explicit`` if given, else the one set by :func:`use_scheduler`, else the
    environment variable ``SAMEN_DASK_SCHEDULER``; an empty value means none.
    """
    for value in (explicit, _SCHEDULER.get(), os.environ.get(SCHEDULER_ENV)):
        if value is not None:
            return value.strip() or None
    return None


@contextmanager
def use_scheduler(address: str | None) -> Iterator[None]:
    """Within the block, :func:`dask_scheduler` answers ``address``."""
    token = _SCHEDULER.set(address)
    try:
        yield
    finally:
        _SCHEDULER.reset(token)


@contextmanager
def dask_client(address: str = LOCAL, n_workers: int | None = None) -> Iterator[Client]:
    """A ``distributed.Client``: on a new local cluster, or connected to ``address``.

    Parameters
    ----------
    address : str
        ``"local"``: start a cluster of ``n_workers`` worker processes (one
        thread each) on this machine, listening on the loopback interface
        only, and stop it afterwards; otherwise the address of a running
        scheduler, e.g. ``tcp://10.0.0.5:8786``, whose workers must have the
        same version of ``samen`` installed.
    n_workers : int, optional
        Worker processes of a local cluster (default: the CPUs this process may
        use); ignored for an existing scheduler.

    Raises
    ------
    CaptureDataError
        ``dask_unreachable`` when the scheduler does not answer within
        :data:`CONNECT_TIMEOUT` seconds.
    """
    import logging

    from distributed import Client, LocalCluster

    if address == LOCAL:
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=n_workers or available_cpus(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # any free port, loopback only
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
    else:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise CaptureDataError("dask_unreachable", address=address, reason=str(exc)) from exc
        with client:
            yield client


def task_seeds(seed: int | None, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent seeds, one per task, from numpy's ``SeedSequence(seed).spawn``.

    Task ``i`` gets the same seed whatever the number of workers, the size of
    the blocks tasks are grouped in, or the order they run in.
    """
    return np.random.SeedSequence(seed).spawn(n)


def map_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    scheduler: str | None = None,
    n_jobs: int = 1,
    client: Client | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]``, in order, here or on a Dask cluster.

    Parameters
    ----------
    fn : callable
        A module-level function (workers import it by name).
    tasks : sequence
        Its arguments, one per task; each should carry its own seed.
    scheduler : str, optional
        As :func:`dask_scheduler` resolves it; ``None`` and no scheduler set
        or in the environment: in this process (``n_jobs`` 1) or on a pool of
        ``n_jobs`` worker processes.
    n_jobs : int
        Workers of a pool or of a local Dask cluster.
    client : distributed.Client, optional
        An open client to use (the cluster outlives the call).
    progress : callable, optional
        ``progress(done, total)`` as tasks finish (in any order).
    """
    total = len(tasks)
    results: dict[int, R] = {}

    def finished(i: int, value: R) -> None:
        results[i] = value
        if progress is not None:
            progress(len(results), total)

    address = dask_scheduler(scheduler)
    if client is None and address is None:
        if n_jobs > 1 and total > 1:
            with process_pool(min(n_jobs, total)) as pool:
                for i, value in enumerate(pool.map(fn, tasks)):
                    finished(i, value)
        else:
            for i, task in enumerate(tasks):
                finished(i, fn(task))
        return [results[i] for i in range(total)]
    if client is not None:
        _on_dask(client, fn, tasks, finished)
    else:
        with dask_client(address or LOCAL, n_jobs) as own:
            _on_dask(own, fn, tasks, finished)
    return [results[i] for i in range(total)]


def _on_dask(client: Client, fn: Callable[[T], R], tasks: Sequence[T], finished: Any) -> None:
    from distributed import as_completed

    futures = client.map(fn, list(tasks), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        finished(index[future.key], future.result())

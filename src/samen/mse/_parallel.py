"""Worker processes for the bootstrap and the model search.

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
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

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

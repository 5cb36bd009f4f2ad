"""Worker processes for the bootstrap and the model search.

Workers are started with ``forkserver`` where the platform has it (``spawn``
otherwise), never by forking the caller: nothing of the calling process (its
caches, its threads, the open connections of a web server) is copied into a
worker, so every worker starts with empty caches of its own. The forkserver
imports numpy, scipy and :mod:`samen.mse` once and forks the workers from
itself, which keeps their start-up short.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

#: Start method of the worker processes.
START_METHOD = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
#: Modules the forkserver imports before forking workers.
PRELOAD = ["samen.mse.bootstrap", "samen.mse.search"]


def available_cpus() -> int:
    """The CPUs this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_pool(n_jobs: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``n_jobs`` fresh worker processes (see the module docstring)."""
    ctx = mp.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=initializer)

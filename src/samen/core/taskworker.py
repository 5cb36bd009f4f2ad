"""A background-task worker inside the web server process.

`samen serve` starts one in every server process (a daemon thread), so that
`make run` needs no second process for background tasks such as making a
progress report. Deployments that prefer a separate worker set
SAMEN_TASK_WORKER=false and run `samen db_worker`. See ADR 0006.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings

log = logging.getLogger(__name__)


def _run(stop: threading.Event, interval: float) -> None:
    from django.db import close_old_connections
    from django_tasks_db.management.commands.db_worker import Worker

    while not stop.is_set():
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=True,  # return when the queue is empty, so `stop` is seen
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"in-process-{os.getpid()}-{threading.get_ident()}"[:64],
            excluded_queue_names=[],
        )
        try:
            worker.run()
        except Exception:  # keep serving; the failed task is marked by the worker
            log.exception("in-process task worker")
        finally:
            close_old_connections()
        stop.wait(interval)


def start(interval: float = 1.0) -> threading.Event | None:
    """Start the worker thread; returns an event that stops it, or None when off."""
    if not settings.SAMEN_TASK_WORKER:
        return None
    stop = threading.Event()
    threading.Thread(
        target=_run, args=(stop, interval), daemon=True, name="samen-task-worker"
    ).start()
    return stop


def run_pending() -> None:
    """Run every queued task now, in this thread (for tests and one-off use)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="inline",
        excluded_queue_names=[],
    ).run()

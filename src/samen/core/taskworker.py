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


class Running:
    """A started worker thread; `stop()` ends it after its current task."""

    def __init__(self, interval: float) -> None:
        self.event = threading.Event()
        self.thread = threading.Thread(
            target=self._main, args=(interval,), daemon=True, name="samen-task-worker"
        )
        self.thread.start()

    def _main(self, interval: float) -> None:
        from django.db import connections

        try:
            _run(self.event, interval)
        finally:
            connections.close_all()

    def stop(self, timeout: float = 30.0) -> None:
        self.event.set()
        self.thread.join(timeout)


def start(interval: float = 1.0) -> Running | None:
    """Start the worker thread, or nothing when SAMEN_TASK_WORKER is off."""
    if not settings.SAMEN_TASK_WORKER:
        return None
    return Running(interval)


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

"""Background tasks of the impact monitor (Django's tasks framework, the django-tasks
backport with its database backend; ADR 0006)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_estimation(run_id: int) -> None:
    """Run one queued estimation run (see samen.impact.runs.execute)."""
    from .runs import execute

    execute(run_id)

"""Background tasks (Django's tasks framework, the django-tasks backport)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    from .services import generate

    generate(report_id)

"""The worker thread that `samen serve` starts makes queued reports by itself."""

import time

import pytest
from django.db import OperationalError
from django.test import override_settings

from samen.core import taskworker
from samen.documents import services
from samen.documents.models import GeneratedReport


@pytest.mark.django_db(transaction=True)
def test_worker_thread_makes_a_queued_report(reported, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file = services.request_report(reported.users.programme, reported.round, "html")
    running = taskworker.start(interval=0.1)
    try:
        deadline = time.monotonic() + 60
        state = "queued"
        while state != "done" and time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                state = GeneratedReport.objects.values_list("state", flat=True).get(pk=file.pk)
            except OperationalError:  # the in-memory test database is busy with the writer
                continue
    finally:
        running.stop()
    assert state == "done"
    assert not running.thread.is_alive()


@override_settings(SAMEN_TASK_WORKER=False)
def test_worker_can_be_switched_off():
    assert taskworker.start() is None

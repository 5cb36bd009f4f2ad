"""The product's own demo, loaded through its commands, for tests that need every
kind of object at once: motions, demo accounts and rounds, demo budget, and the
closed round published; the bundled victim statistics. Needs the bundled plan loaded first."""

import os
from types import SimpleNamespace

from django.core.management import call_command

PASSWORD = "demo-password-for-tests"


def load_demo(password: str = PASSWORD) -> SimpleNamespace:
    from samen.accounts.models import User
    from samen.reporting.models import ReportingRound
    from samen.reporting.publication import publish_round

    quiet = open(os.devnull, "w")  # noqa: SIM115
    os.environ["DEMO_PASSWORD"] = password
    try:
        call_command("load_motions", stdout=quiet)
        call_command("demo", stdout=quiet)
        call_command("load_budget", "--demo", stdout=quiet)
        call_command("load_impact", stdout=quiet)
    finally:
        del os.environ["DEMO_PASSWORD"]
    programme = User.objects.get(username="programma")
    closed = ReportingRound.objects.get(status="closed")
    publish_round(programme, closed)
    return SimpleNamespace(
        programme=programme, closed=closed, open=ReportingRound.objects.get(status="open")
    )

"""Shared fixtures. Data is built inside each test; only the bundled plan,
which is the product's own data, is loaded through a fixture."""

import pytest
from django.core.management import call_command


@pytest.fixture
def bundled_plan(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _no_leaked_language():
    from django.utils import translation

    yield
    translation.activate("nl")


@pytest.fixture
def world(db):
    """Three organisations, three actions, a user per role, an open round."""
    from tests.reporting.world import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test keeps its own audit checkpoints (written outside the database)."""
    settings.SAMEN_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"

"""A backup restores to the same data, audit trail included."""

import io
import json

import pytest
from django.core.management import call_command

from samen.core import audit
from samen.core.models import AuditEvent
from samen.plan.export import export_document
from samen.plan.models import Action


@pytest.mark.django_db(transaction=True)
def test_dumpdata_and_loaddata_restore_plan_reporting_and_a_valid_audit_chain(tmp_path):
    from tests.reporting.world import build_world, submitted

    world = build_world()
    submitted(world.users.police, world.updates[("A.1", "police")], achievements="Voor de back-up.")
    before_plan = export_document()
    before_events = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    backup = tmp_path / "backup.json"
    out = io.StringIO()
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=axes",
        stdout=out,
    )
    backup.write_text(out.getvalue())

    call_command("flush", interactive=False, verbosity=0)  # guards are off in tests; see ADR 0003
    assert Action.objects.count() == 0 and AuditEvent.objects.count() == 0
    call_command("loaddata", str(backup), verbosity=0)

    assert export_document() == before_plan
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == before_events
    assert list(audit.verify()) == []
    restored = json.loads(backup.read_text())
    assert any(item["model"] == "reporting.progressupdate" for item in restored)

"""The audit trail is append-only, chained, and tampering is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from samen.core import audit, db_guards
from samen.core.models import AuditEvent
from samen.plan.models import Action


def test_every_imported_object_has_a_create_event(bundled_plan):
    assert AuditEvent.objects.filter(object_type="plan.action", kind="create").count() == 14
    event = AuditEvent.objects.filter(object_type="plan.action").first()
    assert event.after["code"] == Action.objects.get(pk=event.object_id).code
    assert event.actor_name == "system"


def test_the_application_offers_no_way_to_change_or_delete(bundled_plan):
    event = AuditEvent.objects.first()
    event.actor_name = "someone else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(actor_name="x")


def test_the_database_refuses_changes_too(bundled_plan):
    db_guards.install(connection)  # rolled back with the test's transaction
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET actor_name = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(actor_name="x").count() == 0


def test_verify_detects_an_edited_event(bundled_plan):
    call_command("audit", "verify", stdout=open("/dev/null", "w"))  # noqa: SIM115
    target = AuditEvent.objects.order_by("id")[4].id
    with connection.cursor() as cursor:  # an attacker with database access
        cursor.execute("UPDATE core_auditevent SET actor_name = 'mallory' WHERE id = %s", [target])
    problems = list(audit.verify())
    assert [(p.event_id, "changed after writing" in p.message) for p in problems] == [
        (target, True)
    ]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_verify_detects_deleted_events(bundled_plan):
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [ids[2]])
    assert any("link to the previous event is broken" in p.message for p in audit.verify())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [ids[-1]])
    assert any("newest event is missing" in p.message for p in audit.verify())

"""The audit trail is append-only, chained, signed, and tampering is detected."""

import io
import re

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


# --- attacks by someone who can write to the database but does not hold the key ----------
# Each builds a small signed chain with checkpoints (written when each transaction
# commits), attacks it with SQL, and asserts that `samen audit verify` sees it.

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def chain(transactional_db):
    """Ten signed events written in five committed transactions, each leaving a checkpoint."""
    for batch in range(5):
        with transaction.atomic():
            for i in range(2):
                audit.record(
                    actor=None,
                    kind="action",
                    object_type="test.thing",
                    object_id=f"{batch}-{i}",
                    after={"n": batch * 2 + i},
                )
    report = audit.check()
    assert report.intact and report.events == 10 and report.checkpoints == 5
    return list(AuditEvent.objects.order_by("id"))


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _set_head(count, last_hash):
    _sql("UPDATE core_auditchainhead SET count = %s, last_hash = %s", [count, last_hash])


def _verify_fails(match):
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert re.search(match, err.getvalue()), err.getvalue()
    return err.getvalue()


def test_attack_truncation_newest_events_and_head_deleted(chain):
    _sql(f"DELETE FROM {TABLE} WHERE id > %s", [chain[6].id])
    _set_head(7, chain[6].hash)  # the attacker tidies the head up too
    _verify_fails(r"3 newest event\(s\) missing: the checkpoint of .* saw 10 events")


def test_attack_wiping_every_event(chain):
    _sql(f"DELETE FROM {TABLE}")
    _sql("DELETE FROM core_auditchainhead")
    _verify_fails(r"10 newest event\(s\) missing.*the database holds 0")


def test_attack_recomputing_the_chain_after_a_change(chain):
    """Change an event, then recompute every hash after it (SHA-256 needs no key)."""
    events = list(AuditEvent.objects.order_by("id"))
    previous = events[3].previous_hash
    for event in events[3:]:
        if event.id == events[3].id:
            event.actor_name = "mallory"
        event.previous_hash = previous
        event.hash = event.compute_hash()
        _sql(
            f"UPDATE {TABLE} SET actor_name = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.actor_name, event.previous_hash, event.hash, event.id],
        )
        previous = event.hash
    _set_head(10, previous)
    problems = _verify_fails(r"signature does not match")
    assert "differs from the checkpoint" in problems
    assert "link to the previous event is broken" not in problems  # the chain itself holds


@pytest.mark.parametrize("signature", ["", "0" * 64, "wrong key"])
def test_attack_forged_insert_with_a_valid_hash(chain, signature):
    """Appending needs only INSERT: a forged event with a correct hash and link."""
    newest = chain[-1]
    forged = AuditEvent(
        timestamp=newest.timestamp,
        actor_name="programma",
        kind="update",
        verb="approve",
        object_type="reporting.progressupdate",
        object_id="1",
        object_repr="forged",
        after={"review_state": "approved"},
        previous_hash=newest.hash,
    )
    forged.hash = forged.compute_hash()
    forged.signature = (
        audit.sign(forged.hash, key="x" * 40) if signature == "wrong key" else signature
    )
    forged.save()
    _set_head(11, forged.hash)
    _verify_fails(r"not signed|signature does not match")


def test_attack_changing_a_checkpoint_line(chain, settings):
    path = audit.checkpoint_path()
    lines = path.read_text().splitlines()
    lines[-1] = lines[-1].replace('"count": 10', '"count": 4')
    path.write_text("\n".join(lines) + "\n")
    _verify_fails(r"line 5 is not an authentic checkpoint")


def test_attack_bypassing_the_triggers_as_the_table_owner(chain):
    """The triggers stop the application, not the owner of the table: PostgreSQL's
    session_replication_role=replica (or DISABLE TRIGGER), SQLite's DROP TRIGGER.
    Verification still sees the deletion."""
    db_guards.install(connection)
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].id])
        if connection.vendor == "postgresql":
            _sql("SET session_replication_role = replica")
            try:
                _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].id])
            finally:
                _sql("SET session_replication_role = DEFAULT")
        else:
            db_guards.remove(connection)
            _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].id])
    finally:
        db_guards.remove(connection)  # the test database is emptied afterwards
    _set_head(9, chain[-2].hash)
    _verify_fails(r"1 newest event\(s\) missing")


def test_events_from_before_the_key_are_sealed_and_verified(db, django_capture_on_commit_callbacks):
    """Unsigned events of an installation from before signatures: the migration's seal
    authenticates them; an unsigned event after the seal is a forgery."""
    from samen.core.models import AuditChainHead

    previous = ""
    for n in range(3):
        event = AuditEvent(
            actor_name="system",
            kind="create",
            object_type="t",
            object_id=str(n),
            previous_hash=previous,
        )
        event.timestamp = event.timestamp.replace(microsecond=0)
        event.hash = event.compute_hash()
        event.save()
        previous = event.hash
    assert [p.message for p in audit.verify()] == [
        "no event is signed: the chain was not written by samen"
    ]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert audit.seal_legacy_chain(AuditEvent, AuditChainHead, settings_key()) == 3
        audit.write_checkpoint()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "4 events" in out.getvalue() and "3 from before signatures (sealed)" in out.getvalue()
    with transaction.atomic():
        audit.record(actor=None, kind="action", object_type="t", object_id="after")
    late = AuditEvent(
        actor_name="system",
        kind="create",
        object_type="t",
        object_id="late",
        previous_hash=AuditEvent.objects.last().hash,
    )
    late.hash = late.compute_hash()
    late.save()
    assert any("not signed" in p.message for p in audit.verify())


def settings_key():
    from django.conf import settings

    return settings.SAMEN_AUDIT_KEY

"""A backup restores to the same data, audit trail included."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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


# Every kind of text the input boundary lets through (core.text): tabs and line breaks of
# every platform, what it normalises, astral characters, combining marks, right-to-left
# and invisible characters, markup and quotes, backslashes and the replacement character.
TEXTS = [
    "tab\there, CRLF\r\nline, CR\ronly, LF\nonly",
    "Word: regel\x0bregel, pagina\x0cpagina, niet\x1ebreken, af\x1fbreken, NEL\x85end",
    "emoji 👩🏽‍⚖️ 🇳🇱, astral 𝔖𝔞𝔪𝔢𝔫, combining e\u0301 a\u0308, ligature ﬁ",
    "rtl: مرحبا עברית, marks \u200e\u200f, zero-width \u200b\u200c\u200d, bom \ufeff",
    "<script>alert('x')</script> & \"quotes\" 'single' `back` \\backslash\\ %(name)s {{ x }}",
    "separators \u2028 \u2029, nbsp\u00a0, replacement \ufffd, private \ue000, last \U0010fffd",
]


def _fill_with_texts():
    """Through the services, as a partner and the programme team of the demo would."""
    from samen.accounts.models import User
    from samen.core.text import clean_text
    from samen.reporting import services
    from samen.reporting.models import ProgressUpdate

    update = (
        ProgressUpdate.objects.filter(
            round__status="open", review_state__in=("not_started", "draft", "returned")
        )
        .order_by("pk")
        .first()
    )
    holder = User.objects.filter(role="holder", organisation=update.organisation).first()
    programme = User.objects.get(username="programma")

    data = services.UpdateData(
        progress_status="on_track",
        percent_complete=30,
        achievements=clean_text("\n".join(TEXTS)),
        obstacles=clean_text(TEXTS[1]),
        help_needed=clean_text(TEXTS[4]),
        indicators=[{"name": clean_text(TEXTS[2][:60]), "value": 1.5, "unit": clean_text("‰")}],
    )
    services.save_draft(holder, update.pk, data, update.version)
    services.add_comment(programme, update, clean_text(TEXTS[3]))


def _state():
    from samen.reporting.models import Comment, ProgressUpdate

    return {
        "plan": export_document(),
        "updates": sorted(
            ProgressUpdate.objects.values_list("pk", "achievements", "obstacles", "indicators")
        ),
        "comments": sorted(Comment.objects.values_list("pk", "text")),
        "events": list(AuditEvent.objects.order_by("id").values_list("hash", "signature")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_the_demo_database_across_databases(tmp_path):
    """`samen backup` of the demo database with every text the boundary allows;
    `samen restore` into a fresh SQLite database in another process, backed up again
    there, and that backup restored here (on the PostgreSQL run: PostgreSQL → SQLite →
    PostgreSQL). Counts, texts and the signed audit trail come back unchanged."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    call_command("load_plan", stdout=io.StringIO())
    call_command("load_motions", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    call_command("load_budget", "--demo", stdout=io.StringIO())
    _fill_with_texts()
    before = _state()
    assert any("𝔖𝔞𝔪𝔢𝔫" in u[1] and "regel\nregel" in u[1] for u in before["updates"])
    first = tmp_path / "backup.json.gz"
    out = io.StringIO()
    call_command("backup", str(first), stdout=out)
    assert "Backup written" in out.getvalue()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samen.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
        "SAMEN_DATA_DIR": str(tmp_path / "elsewhere"),
        "SAMEN_AUDIT_CHECKPOINT_DIR": str(tmp_path / "elsewhere" / "checkpoints"),
    }
    second = tmp_path / "from-sqlite.json"
    script = (
        "import sys; from samen.cli import main; "
        "main(['migrate', '--noinput', '-v0']); main(['restore', sys.argv[1]]); "
        "main(['audit', 'verify']); main(['backup', sys.argv[2]])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(first), str(second)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "row counts match the backup; audit trail intact" in result.stdout
    assert settings.SAMEN_AUDIT_KEY  # the same key signs there and here

    call_command("flush", interactive=False, verbosity=0)  # guards are off in tests
    out = io.StringIO()
    call_command("restore", str(second), stdout=out)
    assert "row counts match the backup" in out.getvalue()
    assert _state() == before
    report = audit.check()
    assert report.intact and report.signed == len(before["events"])
    # A second restore into the now full database is refused, and changes nothing.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(second))
    assert _state() == before


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_does_not_verify_writes_nothing(tmp_path):
    from tests.reporting.world import build_world

    build_world()
    good = tmp_path / "good.json"
    call_command("backup", str(good), stdout=io.StringIO())
    document = json.loads(good.read_text())
    for item in document["objects"]:
        if item["model"] == "core.auditevent":
            item["fields"]["actor_name"] = "mallory"  # someone edited the backup
            break
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="audit trail does not verify"):
        call_command("restore", str(forged))
    assert Action.objects.count() == 0 and AuditEvent.objects.count() == 0
    document["counts"]["plan.action"] += 1
    forged.write_text(json.dumps(json.loads(good.read_text()) | {"counts": document["counts"]}))
    with pytest.raises(CommandError, match="Row counts differ"):
        call_command("restore", str(forged))
    assert AuditEvent.objects.count() == 0

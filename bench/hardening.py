"""The hardening probe (issue 16): attacks by fault family on a throw-away database,
printing a table of how many were tried, failed safe and failed unsafe.

    python -m bench hardening            # SQLite; DATABASE_URL=postgres://... for PostgreSQL

"Failed safe" means the attack was refused or made harmless (a 4xx with a clear message, a
normalised text, a detection by `samen audit verify`); "failed unsafe" means it got through
(a 5xx, a leak, a stored control character, an undetected change). The tests assert each of
these one by one; this prints the overview. The API fuzzing by schemathesis is the test
tests/api/test_schemathesis.py. The "hostile files" families are the generated corpus of
tests/core/hostile.py (asserted by tests/core/test_hostile_files.py), fed to every importer.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench._django import setup

RESULTS: dict[str, list[bool]] = defaultdict(list)
CHARS = {
    "NUL": "\x00",
    "BEL": "\x07",
    "ESC": "\x1b",
    "VT": "\x0b",
    "FF": "\x0c",
    "DEL": "\x7f",
    "NEL": "\x85",
    "CSI": "\x9b",
    "U+FFFF": "\uffff",
}
RAW = set("\x00\x07\x1b\x0b\x0c\x7f\x85\x9b\uffff")


def tried(family: str, safe: bool) -> None:
    RESULTS[family].append(bool(safe))


def _clean(text: str) -> bool:
    return not (set(text) & RAW)


def control_characters(world, client, key) -> None:
    from samen.reporting.models import ProgressUpdate

    update = world.updates[("A.1", "police")]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client.force_login(world.users.police)
    for char in CHARS.values():
        text = f"voor{char}na"
        # API body
        version = ProgressUpdate.objects.get(pk=update.pk).version
        r = client.patch(
            f"/api/v1/progress-updates/{update.pk}",
            json.dumps({"version": version, "achievements": text}),
            content_type="application/json",
            **auth,
        )
        stored = ProgressUpdate.objects.get(pk=update.pk).achievements
        tried("control characters: API body", r.status_code < 500 and _clean(stored))
        # web form
        version = ProgressUpdate.objects.get(pk=update.pk).version
        r = client.post(
            f"/rapportage/updates/{update.pk}",
            {
                "version": version,
                "progress_status": "on_track",
                "percent_complete": "10",
                "achievements": text,
                "obstacles": "",
                "help_needed": "",
                "save": "1",
            },
        )
        stored = ProgressUpdate.objects.get(pk=update.pk).achievements
        tried("control characters: web form", r.status_code < 500 and _clean(stored))
        # query strings and paths, web and API, without login too
        for url in (f"/acties?q={text}", f"/openbaar?q={text}", f"/audit/plan.action/{text}"):
            tried("control characters: query/path", client.get(url).status_code < 500)
        r = client.get(f"/api/v1/progress-updates?organisation={text}", **auth)
        # Refused (400), or normalised to a line break and answered (VT, FF, NEL).
        normalised = char in "\x0b\x0c\x85"
        tried("control characters: query/path", r.status_code == (200 if normalised else 400))
    r = client.patch(
        f"/api/v1/progress-updates/{update.pk}",
        '{"version": 1, "achievements": "\\ud800"}',
        content_type="application/json",
        **auth,
    )
    tried("control characters: API body", r.status_code == 400)


def writers(world) -> None:
    from docx import Document
    from tests.reporting.world import fill

    from samen.documents import context, render
    from samen.reporting import services
    from samen.reporting.models import ReportingRound

    u = world.updates[("A.1", "police")]
    u.refresh_from_db()
    fill(world.users.police, u)
    services.submit(world.users.police, u.pk)
    services.approve(world.users.programme, u.pk)
    r = services.close_round(world.users.programme, world.round)
    from django.db import connection

    for char in CHARS.values():
        if char == "\x00" and connection.vendor == "postgresql":
            continue  # PostgreSQL never stored a NUL: no old text can hold one
        snapshot = r.snapshot
        for entry in snapshot["updates"]:
            entry["report_achievements"] = entry["achievements"] = f"Regel{char}twee"
        ReportingRound.objects.filter(pk=r.pk).update(snapshot=snapshot, title=f"Ronde{char}")
        r.refresh_from_db()
        ctx = context.build(r)
        for fmt in ("docx", "html"):
            try:
                content = render.render(ctx, fmt).content
                if fmt == "docx":
                    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
                else:
                    text = content.decode()
                tried(f"stored characters: {fmt.upper()} writer", _clean(text))
            except Exception:
                tried(f"stored characters: {fmt.upper()} writer", False)
    try:
        render.render(context.build(r), "pdf")
        tried("stored characters: PDF writer", True)
    except Exception:
        tried("stored characters: PDF writer", False)


def review_comments(world, client) -> None:
    from tests.reporting.world import fill

    from samen.accounts.models import ApiToken
    from samen.reporting import services

    comment = "PRIVATE-REVIEW-COMMENT"
    update = world.updates[("A.3", "police")]
    fill(world.users.police, update)
    services.submit(world.users.police, update.pk)
    services.return_update(world.users.programme, update.pk, comment)
    allowed = {"programme", "police"}
    for state in ("returned", "approved"):
        if state == "approved":
            update.refresh_from_db()
            fill(world.users.police, update)
            services.submit(world.users.police, update.pk)
            services.approve(world.users.programme, update.pk)
        for who in ("programme", "police", "ngo", "ngo_reader", "ministry", "analyst", "viewer"):
            user = getattr(world.users, who)
            client.force_login(user)
            page = client.get(f"/rapportage/updates/{update.pk}").content.decode()
            _t, key = ApiToken.issue(user)
            auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
            one = client.get(f"/api/v1/progress-updates/{update.pk}", **auth).content.decode()
            listed = client.get("/api/v1/progress-updates?pageSize=500", **auth).content.decode()
            for channel, body in (("web", page), ("API detail", one), ("API list", listed)):
                leaked = comment in body
                del channel  # every channel counts alike: a leak is a leak
                tried("review comment visibility", not leaked or who in allowed)


def four_eyes(world, client) -> None:
    from tests.reporting.world import fill

    from samen.accounts.models import ApiToken
    from samen.reporting import services
    from samen.reporting.models import ProgressUpdate

    writer = world.users.ngo
    update = world.updates[("A.2", "ngo")]
    fill(writer, update)
    services.submit(writer, update.pk)
    writer.role = "programme"
    writer.save()
    client.force_login(writer)
    client.post(f"/rapportage/updates/{update.pk}/beoordeling/approve")
    tried("four eyes", ProgressUpdate.objects.get(pk=update.pk).review_state != "approved")
    _t, key = ApiToken.issue(writer)
    client.post(f"/api/v1/progress-updates/{update.pk}/approve", HTTP_AUTHORIZATION=f"Bearer {key}")
    tried("four eyes", ProgressUpdate.objects.get(pk=update.pk).review_state != "approved")
    services.bulk_review(writer, [update.pk], "approve")
    tried("four eyes", ProgressUpdate.objects.get(pk=update.pk).review_state != "approved")


def audit_attacks() -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from samen.core import audit, db_guards
    from samen.core.models import AuditChainHead, AuditEvent

    def sql(statement, params=()):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def fresh_chain():
        settings.SAMEN_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="samen-cp-"))
        db_guards.remove(connection)
        sql("DELETE FROM core_auditevent")
        sql("DELETE FROM core_auditchainhead")
        for batch in range(5):
            with transaction.atomic():
                for i in range(2):
                    audit.record(
                        actor=None, kind="action", object_type="t", object_id=f"{batch}{i}"
                    )
        return list(AuditEvent.objects.order_by("id"))

    def detected():
        return not audit.check().intact

    def head(count, last):
        sql("UPDATE core_auditchainhead SET count = %s, last_hash = %s", [count, last])

    chain = fresh_chain()
    sql("DELETE FROM core_auditevent WHERE id > %s", [chain[6].id])
    head(7, chain[6].hash)
    tried("audit trail tampering", detected())

    fresh_chain()
    sql("DELETE FROM core_auditevent")
    sql("DELETE FROM core_auditchainhead")
    tried("audit trail tampering", detected())

    chain = fresh_chain()
    previous = chain[3].previous_hash
    for event in chain[3:]:
        event.actor_name = "mallory" if event.id == chain[3].id else event.actor_name
        event.previous_hash = previous
        event.hash = event.compute_hash()
        sql(
            "UPDATE core_auditevent SET actor_name=%s, previous_hash=%s, hash=%s WHERE id=%s",
            [event.actor_name, event.previous_hash, event.hash, event.id],
        )
        previous = event.hash
    head(10, previous)
    tried("audit trail tampering", detected())

    for signature in ("", "0" * 64, "wrong key"):
        chain = fresh_chain()
        forged = AuditEvent(
            timestamp=chain[-1].timestamp,
            actor_name="x",
            kind="update",
            object_type="t",
            object_id="f",
            previous_hash=chain[-1].hash,
        )
        forged.hash = forged.compute_hash()
        forged.signature = (
            audit.sign(forged.hash, "k" * 40) if signature == "wrong key" else signature
        )
        forged.save()
        head(11, forged.hash)
        tried("audit trail tampering", detected())

    fresh_chain()
    path = audit.checkpoint_path()
    path.write_text(path.read_text().replace('"count": 10', '"count": 3'))
    tried("audit trail tampering", detected())

    chain = fresh_chain()
    db_guards.install(connection)
    if connection.vendor == "postgresql":
        sql("SET session_replication_role = replica")
        sql("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].id])
        sql("SET session_replication_role = DEFAULT")
    else:
        db_guards.remove(connection)
        sql("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].id])
    db_guards.remove(connection)
    head(9, chain[-2].hash)
    tried("audit trail tampering", detected())
    AuditChainHead.objects.all().delete()


def tokens(client) -> None:
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from samen.accounts.models import ApiToken, User

    user = User.objects.create_user("tokens", password="pw-tokens-123", role="holder")
    other = User.objects.create_user("other", password="pw-other-123", role="holder")

    def works(key):
        return client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    t, key = ApiToken.issue(user)
    ApiToken.objects.filter(pk=t.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    tried("API tokens", not works(key))
    _t, key = ApiToken.issue(user)
    user.set_password("pw-new-456789")
    user.save()
    tried("API tokens", not works(key))
    _t, key = ApiToken.issue(user)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    tried("API tokens", not works(key))
    from samen.accounts import services

    answers = []
    for _ in range(settings.SAMEN_API_TOKENS_PER_USER + 1):
        try:
            services.issue_token(user)
            answers.append(True)
        except Exception:
            answers.append(False)
    tried("API tokens", answers[-1] is False)
    ApiToken.issue(other)
    _t, key = ApiToken.issue(other)
    mine = ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()
    r = client.delete(f"/api/v1/tokens/{mine.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    mine.refresh_from_db()
    tried("API tokens", r.status_code == 404 and mine.revoked_at is None)


def lockout(client) -> None:
    from django.conf import settings

    from samen.accounts.models import User

    User.objects.create_user("victim", password="pw-victim-123", role="holder")
    settings.SAMEN_TRUSTED_PROXIES = ["10.0.0.5"]

    def login(password, xff, remote="10.0.0.5"):
        return client.post(
            "/inloggen",
            {"username": "victim", "password": password},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=xff,
        ).status_code

    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        login("wrong", "203.0.113.66")
    tried("login lockout", login("pw-victim-123", "198.51.100.7") == 302)  # victim unaffected
    client.post("/uitloggen")
    tried("login lockout", login("pw-victim-123", "1.2.3.4, 203.0.113.66") == 429)  # spoof left
    tried("login lockout", login("pw-victim-123", "1.2.3.4", remote="203.0.113.66") == 429)
    tried("login lockout", client.get("/inloggen/deblokkeren/forged").status_code == 400)


def defaults() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.pop("SECRET_KEY", None)
    env.pop("SAMEN_AUDIT_KEY", None)
    env["SAMEN_DATA_DIR"] = tempfile.mkdtemp(prefix="samen-defaults-")
    env.pop("DATABASE_URL", None)
    serve = [sys.executable, "-m", "samen", "serve", "--no-collectstatic", "--port", "8108"]

    def refused(extra):
        result = subprocess.run(
            serve, env={**env, **extra}, capture_output=True, text=True, timeout=60
        )
        return result.returncode != 0 and "Serving on" not in result.stdout

    tried("unsafe defaults", refused({}))
    tried("unsafe defaults", refused({"SECRET_KEY": "dev-only-not-secret-" + "x" * 40}))
    tried("unsafe defaults", refused({"SECRET_KEY": "a-real-production-secret-" + "q" * 40}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "samen",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        env={
            **env,
            "DEBUG": "true",
            "SECRET_KEY": "a-real-production-secret-" + "q" * 40,
            "SAMEN_AUDIT_KEY": "a-real-audit-key-" + "z" * 30,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    tried("unsafe defaults", result.stdout.strip().endswith("False"))


def bad_input(world, client, key) -> None:
    from django.conf import settings

    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    update = (
        world.updates[("A.1", "ngo")]
        if ("A.1", "ngo") in world.updates
        else world.updates[("A.3", "ngo")]
    )
    url = f"/api/v1/progress-updates/{update.pk}"
    bodies = [
        '{"version": 1, "indicators": [{"name": "n", "value": NaN}]}',
        '{"version": 1, "indicators": [{"name": "n", "value": Infinity}]}',
        '{"version": 1, "percentComplete": true}',
        '{"version": 1, "percentComplete": "40"}',
        json.dumps({"version": 1, "indicators": [{"name": "x" * 201, "value": 1}]}),
        '{"version": 1, "unknown": 1}',
        '{"version": 99999999999999999999999999}',
        "[" * 5000,
        b"\xff\xfe not utf-8",
    ]
    for body in bodies:
        r = client.patch(url, body, content_type="application/json", **auth)
        tried("bad input (no 5xx)", r.status_code == 400)
    for q in ("round=" + "9" * 40, "page=0", "pageSize=501", "status=nonsense"):
        tried(
            "bad input (no 5xx)",
            client.get(f"/api/v1/progress-updates?{q}", **auth).status_code == 400,
        )
    tried(
        "bad input (no 5xx)",
        client.get("/api/v1/progress-updates/" + "9" * 30, **auth).status_code in (400, 404),
    )
    big = b'{"x": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    tried(
        "bad input (no 5xx)",
        client.post("/api/v1/tokens", big, content_type="application/json").status_code == 413,
    )
    r = client.post("/api/v1/tokens", b"--x\r\n", content_type="multipart/form-data")
    tried("bad input (no 5xx)", r.status_code == 400)
    # Web pages answer hidden ids as missing ones (no hint which ids exist).
    client.force_login(world.users.police)
    hidden = world.updates[("A.2", "ngo")].pk
    codes = {client.get(f"/rapportage/updates/{pk}").status_code for pk in (hidden, 10**9)}
    tried("bad input (no 5xx)", codes == {404})


def backups() -> None:
    from django.core.management import call_command

    from samen.core.backup import BackupError, restore

    folder = Path(tempfile.mkdtemp(prefix="samen-backup-"))
    good = folder / "b.json"
    call_command("backup", str(good), stdout=io.StringIO())
    try:
        restore(good)
        tried("backup and restore", False)  # into a full database: must refuse
    except BackupError:
        tried("backup and restore", True)
    document = json.loads(good.read_text())
    for item in document["objects"]:
        if item["model"] == "core.auditevent":
            item["fields"]["actor_name"] = "mallory"
            break
    forged = folder / "f.json"
    forged.write_text(json.dumps(document))
    call_command("flush", interactive=False, verbosity=0)
    for candidate in (forged,):
        try:
            restore(candidate)
            tried("backup and restore", False)
        except BackupError:
            tried("backup and restore", True)
    document = json.loads(good.read_text())
    document["counts"]["plan.action"] += 1
    forged.write_text(json.dumps(document))
    try:
        restore(forged)
        tried("backup and restore", False)
    except BackupError:
        tried("backup and restore", True)
    restore(good)
    from samen.core import audit

    tried("backup and restore", audit.check().intact)


def terminal(world) -> None:
    from django.core.management import call_command

    from samen.reporting.models import ReportingRound

    ReportingRound.objects.filter(pk=world.round.pk).update(title="R\x1b[2J\x1b]0;x\x07")
    out = io.StringIO()
    call_command("report", "--list", stdout=out)
    tried("terminal escapes", "\x1b" not in out.getvalue() and "\x07" not in out.getvalue())


def hostile_files(world) -> list:
    """The generated corpus of hostile files (tests/core/hostile.py) through every
    importer's entry point: failed safe = refused by the expected bound, under 5 s of CPU
    and 300 MB, database unchanged."""
    from tests.core import hostile

    outcomes = []
    for case in hostile.corpus():
        outcome = hostile.attempt(case, world.users.programme)
        outcomes.append(outcome)
        tried(case.family, outcome.safe)
    return outcomes


def main() -> None:
    os.environ["SAMEN_AUDIT_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="samen-checkpoints-")
    setup()
    from django.test import Client
    from tests.reporting.world import build_world

    from samen.accounts.models import ApiToken

    world = build_world()
    client = Client()
    _t, key = ApiToken.issue(world.users.police)
    control_characters(world, client, key)
    review_comments(world, Client())
    four_eyes(world, Client())
    bad_input(world, Client(), ApiToken.issue(world.users.programme)[1])
    tokens(Client())
    lockout(Client())
    terminal(world)
    writers(world)
    backups()
    audit_attacks()
    hostile = hostile_files(world)
    defaults()
    print_table()
    print_hostile_figures(hostile)


def print_table() -> None:
    """The overview: per fault family, attacks tried, failed safe, failed unsafe."""
    width = max(len(f) for f in RESULTS)
    print(f"{'fault family':<{width}}  tried  failed safe  failed unsafe")
    for family, outcomes in RESULTS.items():
        print(
            f"{family:<{width}}  {len(outcomes):5d}  {sum(outcomes):11d}  {outcomes.count(False):13d}"
        )
    total = [o for outcomes in RESULTS.values() for o in outcomes]
    print(f"{'total':<{width}}  {len(total):5d}  {sum(total):11d}  {total.count(False):13d}")


def print_hostile_figures(hostile: list) -> None:
    """Medians and maxima of CPU time, wall-clock time and peak memory per hostile file."""
    if not hostile:
        return
    cpu = sorted(o.cpu_seconds for o in hostile)
    wall = sorted(o.seconds for o in hostile)
    peak = sorted(o.peak_mb for o in hostile)
    middle = len(hostile) // 2
    print(
        f"hostile files: {len(hostile)}; CPU s median {cpu[middle]:.2f}, max {cpu[-1]:.2f}; "
        f"wall s median {wall[middle]:.2f}, max {wall[-1]:.2f}; "
        f"peak MB median {peak[middle]:.0f}, max {peak[-1]:.0f}"
    )
    for o in hostile:
        if not o.safe:
            print(f"  UNSAFE {o.case.name}: {o.code} ({o.message[:120]})")

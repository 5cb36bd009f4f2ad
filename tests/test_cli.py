"""The `samen` command as a user runs it: a real process on a fresh database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMEN = [sys.executable, "-m", "samen"]


def run(args, env, check=True):
    result = subprocess.run([*SAMEN, *args], env=env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"samen {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def env(tmp_path):
    environment = {
        **os.environ,
        "SAMEN_DATA_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "samen.settings.dev",
    }
    environment.pop("DATABASE_URL", None)  # this test is about the embedded default
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


def test_fresh_install_load_export_import(env, tmp_path):
    run(["migrate", "--noinput"], env)
    assert (tmp_path / "var" / "samen.sqlite3").exists()
    first = run(["load-plan"], env).stdout
    assert "acties: 14 nieuw" in first
    assert "(0 changes)" in run(["load-plan"], env).stdout

    out = tmp_path / "plan.json"
    run(["export-plan", "--format", "json", "-o", str(out)], env)
    assert len(json.loads(out.read_text())["actions"]) == 14
    run(["export-plan", "--format", "xlsx", "-o", str(tmp_path / "plan.xlsx")], env)
    dry = run(["import-plan", str(tmp_path / "plan.xlsx"), "--dry-run"], env).stdout
    assert "acties: 0 nieuw, 0 gewijzigd, 14 ongewijzigd" in dry and "Proefrun" in dry
    yaml_text = run(["export-plan", "--format", "yaml"], env).stdout
    assert yaml_text.startswith("schema: samen-plan/1")

    bad = tmp_path / "bad.yaml"
    bad.write_text("actions:\n  - code: Z.1\n    title_nl: Nieuw\n    holders: [nobody]\n")
    result = run(["import-plan", str(bad)], env, check=False)
    assert result.returncode == 1
    # The command speaks the installation's language (Dutch by default).
    assert "bad.yaml: 1 fout; er is niets geïmporteerd." in result.stderr
    assert "actions[1].holders: organisatie 'nobody' is niet bekend" in result.stderr
    assert "Traceback" not in result.stderr

    assert "Audit trail intact" in run(["audit", "verify"], env).stdout


def test_missing_file_is_a_clear_error(env, tmp_path):
    run(["migrate", "--noinput"], env)
    result = run(["import-plan", str(tmp_path / "nope.xlsx")], env, check=False)
    assert result.returncode == 1 and "no such file" in result.stderr


def test_production_settings_pass_the_deploy_check(env):
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "samen.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "SAMEN_AUDIT_KEY": "a-long-random-audit-key-" + "a" * 20,
        "ALLOWED_HOSTS": "samen.example.org",
    }
    result = run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(env):
    env = {**env, "DJANGO_SETTINGS_MODULE": "samen.settings.production"}
    env.pop("SECRET_KEY", None)
    result = run(["check"], env, check=False)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_plain_samen_serve_uses_production_settings_and_refuses_public_keys(env):
    """Without DJANGO_SETTINGS_MODULE every command, serve included, runs with production
    settings: no key, a development key or no audit key stops it before it listens."""
    env = dict(env)
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SAMEN_AUDIT_KEY", "DEBUG"):
        env.pop(name, None)
    result = run(["serve", "--port", "8199", "--no-collectstatic"], env, check=False)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    assert "Serving on" not in result.stdout
    env["SECRET_KEY"] = "dev-only-not-secret-" + "x" * 40  # the published development key
    result = run(["serve", "--port", "8199", "--no-collectstatic"], env, check=False)
    assert result.returncode != 0 and "SECRET_KEY is not a real secret" in result.stderr
    env["SECRET_KEY"] = "a-long-random-production-secret-" + "k" * 40
    result = run(["serve", "--port", "8199", "--no-collectstatic"], env, check=False)
    assert result.returncode != 0 and "SAMEN_AUDIT_KEY must be set" in result.stderr
    env["SAMEN_AUDIT_KEY"] = "a-long-random-audit-key-" + "a" * 20
    env["DEBUG"] = "true"  # ignored by the production settings
    shown = run(["shell", "-c", "from django.conf import settings; print(settings.DEBUG)"], env)
    assert shown.stdout.strip().splitlines()[-1] == "False"


def test_samen_serve_shows_no_debug_page(env, tmp_path):
    """The served application, as a visitor sees it: a 404 lists no URL patterns, an
    API error shows no SQL or traceback."""
    import socket
    import urllib.error
    import urllib.request

    env = {
        **env,
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "SAMEN_AUDIT_KEY": "a-long-random-audit-key-" + "a" * 20,
        "SAMEN_TASK_WORKER": "false",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE")
    run(["migrate", "--noinput"], env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*SAMEN, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for line in server.stdout:  # gunicorn says when a worker is ready to answer
            if b"Booting worker" in line:
                break
        pages = {}
        for path in ("/bestaat-niet", "/api/v1/progress-updates/1%00"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
            )
            try:
                urllib.request.urlopen(request, timeout=30)  # noqa: S310
            except urllib.error.HTTPError as answer:
                pages[path] = (answer.code, answer.read().decode())
        assert pages["/bestaat-niet"][0] == 404
        assert "URLconf" not in pages["/bestaat-niet"][1]
        assert "Pagina niet gevonden" in pages["/bestaat-niet"][1]
        code, body = pages["/api/v1/progress-updates/1%00"]
        assert code in (400, 401) and "Traceback" not in body and "SELECT" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_help_lists_the_commands(env):
    out = run(["--help"], env).stdout
    for command in ("serve", "load-plan", "import-plan", "export-plan", "mse"):
        assert command in out


def test_package_never_reads_the_shared_reference_folder():
    source = Path(__file__).resolve().parents[1] / "src" / "samen"
    offenders = [p for p in source.rglob("*.py") if "shared/reference" in p.read_text()]
    assert not offenders

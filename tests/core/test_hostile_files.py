"""Files cannot hurt the server (issue 16 item 1): a generated corpus of hostile files
(tests/core/hostile.py) through every importer's real entry point. Each file is refused
cleanly (an import error naming the bound, never a traceback), within 5 s of CPU time
(the parsing child's and this process's; the wall clock, which on a shared machine measures
the neighbours too, must stay under the 30 s ceiling) and under 300 MB of peak memory (the
child's own high-water mark plus what this process allocated, traced by tracemalloc), with
the database unchanged. A sample goes through the CLI as a real
process and through the web upload pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.accounts.models import User
from samen.core import safeload
from tests.core import hostile

CORPUS = hostile.corpus()


@pytest.fixture
def programme(bundled_plan):
    return User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)


def _report(outcomes: list[hostile.Outcome]) -> str:
    lines = []
    for o in outcomes:
        if not o.safe:
            lines.append(
                f"{o.case.name}: {o.code} (expected {'/'.join(o.case.expect)}), "
                f"{o.seconds:.2f} s ({o.cpu_seconds:.2f} s CPU), {o.peak_mb:.0f} MB, database changed: "
                f"{o.database_changed}\n    {o.message[:300]}"
            )
    return "\n".join(lines)


def test_the_corpus_is_large_and_covers_every_family():
    assert len(CORPUS) >= 80
    assert len({case.name for case in CORPUS}) == len(CORPUS)
    families = Counter(case.family for case in CORPUS)
    for family in ("YAML", "nesting", "numbers", "characters", "zip bombs", "XXE", "macros"):
        assert any(family in name for name in families), family
    importers = Counter(case.importer for case in CORPUS)
    assert set(importers) == {"plan", "allocations", "motions", "csv"}


@pytest.mark.parametrize("which", ["plan", "motions", "allocations", "csv"])
def test_every_hostile_file_is_refused_cleanly_fast_and_small(which, programme):
    cases = [case for case in CORPUS if case.importer == which]
    outcomes = [hostile.attempt(case, programme) for case in cases]
    assert all(o.safe for o in outcomes), _report(outcomes)
    # Every refusal names what was wrong, in Dutch (the active language).
    for o in outcomes:
        assert "er is niets geïmporteerd" in o.message or which == "csv", o.message
        assert "Traceback" not in o.message


def test_a_refusal_names_the_limit_in_dutch(programme):
    case = next(c for c in CORPUS if c.name == "yaml-laughs-inferred")
    outcome = hostile.attempt(case, programme)
    assert outcome.code == "alias"
    assert "YAML-ankers en -verwijzingen (& en *) zijn niet toegestaan" in outcome.message
    case = next(c for c in CORPUS if c.name == "motions-20000-records")
    outcome = hostile.attempt(case, programme)
    assert "meer dan 5.000" in outcome.message


def test_the_ceiling_stops_a_parse_that_passes_every_check(settings, programme):
    """A file within every bound but too slow or too big for the ceiling is stopped:
    the wall clock kills the child, the address-space limit fails its allocations."""
    content = hostile.motions_json("229").encode()
    settings.SAMEN_IMPORT_SECONDS = 0.001
    with pytest.raises(safeload.FileRefused) as caught:
        safeload.safe_json(content, "zaken.json")
    assert caught.value.code == "time"
    settings.SAMEN_IMPORT_SECONDS = 30
    settings.SAMEN_IMPORT_MEMORY_MB = 60
    big = b"[" + b",".join(b'"%d"' % n for n in range(400_000)) + b"]"
    limits = safeload.default_limits(records=1_000_000, nodes=1_000_000)
    with pytest.raises(safeload.FileRefused) as caught:
        safeload.safe_json(big, "groot.json", limits)
    assert caught.value.code in ("memory", "crashed")


def test_ordinary_files_still_import(programme):
    content = hostile.motions_json("229").encode()
    assert safeload.safe_json(content, "zaken.json")["value"][0]["Volgnummer"] == 229
    assert safeload.last_run().outcome == "ok"
    assert 0 < safeload.last_run().peak_kib < 100 * 1024
    assert safeload.safe_yaml(b'a: [1, 2]\nb: "\\vx"\n', "a.yaml") == {"a": [1, 2], "b": "\nx"}
    assert safeload.safe_csv("a;b\n1;é\n".encode(), "t.csv") == [["a", "b"], ["1", "é"]]
    workbook = safeload.safe_xlsx(hostile.workbook(), "t.xlsx")
    assert workbook.active["A2"].value == "1.1"


def test_the_sandbox_can_be_switched_off_and_still_checks(settings):
    settings.SAMEN_IMPORT_SANDBOX = False
    with pytest.raises(safeload.FileRefused) as caught:
        safeload.safe_yaml(b"a: &x [1]\nb: *x\n", "a.yaml")
    assert caught.value.code == "alias"
    assert safeload.last_run().outcome == "in-process"


def test_openpyxl_parses_with_defusedxml_behind_our_own_dtd_refusal():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_the_child_refuses_the_same_characters_as_the_input_boundary():
    from samen.core import safeparse, text

    assert safeparse._REFUSED_CHAR.pattern == text._REFUSED.pattern


SAMPLE = [
    "yaml-laughs-inferred",
    "yaml-deep-flow-lists",
    "yaml-5000-digit-integer",
    "plan-json-lone-surrogate",
    "plan-xlsx-bomb-ratio",
    "plan-xlsx-xxe-in-sheet",
    "plan-xlsx-macro-vba-project",
    "plan-xlsx-dimension-3.6-million",
]


# Runs a command and reports its peak memory. A small launcher, because a child's ru_maxrss
# starts at its parent's resident size (the kernel counts the pages shared until exec):
# measured from pytest (hundreds of MB) it would report pytest, not the command.
LAUNCH = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_pid, status, usage = os.wait4(p.pid, 0)\n"
    "print('MEASURED', usage.ru_maxrss, os.waitstatus_to_exitcode(status), file=sys.stderr)\n"
)


def test_through_the_cli_as_a_real_process(tmp_path):
    """`samen import-plan` (and import-motions, import-allocations) as an operator runs
    it: exit code 1, the reason on stderr without a traceback, the database unchanged,
    within the time and memory bounds (measured for the whole process tree)."""
    env = {
        **os.environ,
        "SAMEN_DATA_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "samen.settings.dev",
    }
    env.pop("DATABASE_URL", None)
    samen = [sys.executable, "-m", "samen"]
    subprocess.run([*samen, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*samen, "load-plan"], env=env, check=True, capture_output=True)
    create = "from samen.accounts.models import User; User.objects.create_user('programma', role='programme')"
    subprocess.run([*samen, "shell", "-c", create], env=env, check=True, capture_output=True)
    database = tmp_path / "var" / "samen.sqlite3"

    def counts():
        import sqlite3

        with sqlite3.connect(database) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                )
                if name.startswith(("plan_", "budget_", "parliament_", "core_audit"))
            ]
            return {
                t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables
            }

    before = counts()
    names = (
        "yaml-laughs-inferred",
        "plan-json-lone-surrogate",
        "plan-xlsx-bomb-ratio",
        "motions-20000-records",
        "allocations-xxe-in-sheet",
    )
    command = {
        "plan": "import-plan",
        "motions": "import-motions",
        "allocations": "import-allocations",
    }
    for case in [c for c in CORPUS if c.name in names]:
        path = tmp_path / case.filename
        path.write_bytes(case.build())
        user = [] if case.importer == "plan" else ["--user", "programma"]
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", LAUNCH, *samen, command[case.importer], str(path), *user],
            env=env,
            capture_output=True,
            timeout=120,
        )
        seconds = time.monotonic() - start
        *lines, measured = result.stderr.decode().rstrip("\n").split("\n")
        message = "\n".join(lines)
        maxrss, returncode = (int(v) for v in measured.split()[1:])
        assert returncode == 1, (case.name, message)
        assert "Traceback" not in message and "er is niets geïmporteerd" in message, message
        # Django's start-up is most of the time; the parse itself is bounded far below.
        assert seconds < 30, (case.name, seconds)
        # The command's process tree (it and its parsing child), in KiB.
        assert maxrss < hostile.PEAK_MB * 1024, (case.name, maxrss)
    assert counts() == before


def test_through_the_web_upload(client, programme):
    client.force_login(programme)
    pages = {
        "plan": "/plan/importeren",
        "motions": "/moties/importeren",
        "allocations": "/budget/importeren",
    }
    names = [*SAMPLE, "motions-20000-records", "allocations-bomb-ratio", "allocations-xxe-in-sheet"]
    for case in [c for c in CORPUS if c.name in names]:
        before = hostile.row_counts()
        field = "files" if case.importer == "motions" else "file"  # motions: every page at once
        response = client.post(
            pages[case.importer], {field: SimpleUploadedFile(case.filename, case.build())}
        )
        assert response.status_code == 400, (case.name, response.status_code)
        html = response.content.decode()
        assert "Traceback" not in html
        assert hostile.row_counts() == before, case.name


def test_the_input_boundary_writes_paths_only_for_an_error():
    """Long keys deep down and a long list below them: a path per value would copy all
    its ancestors' keys (here 2 MB × 10,000). The API's JSON parser uses the same walk."""
    import json
    import tracemalloc

    from samen.core.text import clean_data

    case = next(c for c in CORPUS if c.name == "plan-json-long-keys-deep-down")
    document = json.loads(case.build())
    tracemalloc.start()
    clean_data(document)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024

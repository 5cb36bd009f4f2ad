"""Bounded loaders for every file an importer reads: JSON, YAML, CSV and XLSX (issue 16).

A file from outside can hurt the server in ways its size does not show: a 19 KB YAML file
with nested aliases (a "billion laughs") expands to gigabytes, 50,000 `[` exhaust the
parser's stack, an integer with 5,000 digits costs quadratic time to convert, a 7 MB
workbook unpacks to 3.6 million cells, a zip part can unpack a thousand times its size,
and a workbook can link to other files, carry macros or declare XML entities. Every
importer therefore reads its file through this module:

    data = safe_json(content, filename)          # plan JSON, motions
    data = safe_yaml(content, filename)          # plan YAML
    rows = safe_csv(content, filename)           # registrations, overlap tables
    check_xlsx(content, filename)                # before openpyxl opens a workbook
    wb = safe_xlsx(content, filename)            # or: checked and opened

Each bound is checked before the step it protects, cheapest first: the size and the
kind of content (by its bytes, not its name) in the calling process; then, for YAML,
the parser's event stream (aliases, anchors, depth, counts, long numbers) before
anything is built; for JSON, number lengths while parsing (before conversion), then the
shape of the result; for CSV, the line count before parsing; for XLSX, the zip
directory (number of parts, declared sizes and ratios, macros, external links) before
anything is unpacked, then every XML part streamed with its real size counted (DTDs,
the sheet's declared dimension, then its cells counted while streaming) before
openpyxl is allowed to open it. Duplicate keys in JSON and YAML are refused, naming the
key. Every string passes the input boundary (`samen.core.text`).

A real ceiling: the parsing runs in a child process (`python -m samen.core.safeparse`)
with an address-space limit (RLIMIT_AS, `SAMEN_IMPORT_MEMORY_MB`, default 512), a CPU
limit and a wall-clock timeout (`SAMEN_IMPORT_SECONDS`, default 30) after which it is
killed. A threaded gunicorn worker (`samen serve` runs the gthread worker) can neither
interrupt a parse with a signal nor cap memory per request, and its timeout does not
fire while another thread keeps the worker alive; a child process can be both capped
and killed. For XLSX the child also opens the workbook with openpyxl once and looks at
every cell, so the importer's own opening afterwards is known to stay within bounds.
`SAMEN_IMPORT_SANDBOX = False` parses in-process (same checks, no ceiling).

Every refusal raises `FileRefused`, a `PlanDocumentInvalid` (the error all importers
already show in the web and the CLI), whose message names the limit in the user's
language. A file that is merely malformed raises what the standard parsers raise
(`UnicodeDecodeError`, `json.JSONDecodeError`, `yaml.YAMLError`, `csv.Error`), which
the importers already turn into messages.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from samen.plan.document import DocumentError, PlanDocumentInvalid

from .safeparse import PARSERS, Limit, Limits, sniff
from .text import clean_data

__all__ = [
    "FileRefused",
    "Limit",
    "Limits",
    "check_xlsx",
    "default_limits",
    "last_run",
    "safe_csv",
    "safe_json",
    "safe_xlsx",
    "safe_yaml",
    "sniff",
]


def default_limits(**overrides: Any) -> Limits:
    """The default `Limits` with SAMEN_MAX_UPLOAD_BYTES, SAMEN_IMPORT_SECONDS,
    SAMEN_IMPORT_MEMORY_MB and SAMEN_IMPORT_LIMITS (a dict of fields) applied, then
    `overrides` (e.g. `default_limits(records=5_000)`)."""
    from django.conf import settings

    values: dict[str, Any] = {
        "bytes": settings.SAMEN_MAX_UPLOAD_BYTES,
        "seconds": settings.SAMEN_IMPORT_SECONDS,
        "memory_mb": settings.SAMEN_IMPORT_MEMORY_MB,
    }
    values.update(getattr(settings, "SAMEN_IMPORT_LIMITS", {}) or {})
    values.update(overrides)
    return Limits(**values)


def _number(value: int | float) -> str:
    return f"{value:,}".replace(",", ".")


def _messages() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "size": _("the file is %(size)s bytes; at most %(max)s allowed"),
        "nul": _(
            "contains a NUL byte (at byte %(position)s), so it is not a text file; "
            "save it as UTF-8 text"
        ),
        "type": _("the content does not match the file type %(expected)s: it looks like %(found)s"),
        "depth": _("nested more than %(max)s levels deep (at %(where)s); at most %(max)s allowed"),
        "nodes": _("holds more than %(max)s values; at most %(max)s allowed"),
        "records": _(
            "a list or mapping holds more than %(max)s items (at %(where)s); "
            "at most %(max)s allowed"
        ),
        "string": _(
            "a text is longer than %(max)s characters (at %(where)s); at most %(max)s allowed"
        ),
        "key": _("a key is longer than %(max)s characters (at %(where)s); at most %(max)s allowed"),
        "number": _(
            "a number is longer than %(max)s characters (at %(where)s); at most %(max)s allowed"
        ),
        "constant": _("%(value)s is not a number samen can store (at %(where)s)"),
        "duplicate_key": _(
            "the key '%(key)s' appears twice in one mapping (%(where)s); keys must be unique"
        ),
        "alias": _(
            "YAML anchors and aliases (& and *) are not allowed (line %(line)s); "
            "write the values out"
        ),
        "rows": _("more than %(max)s rows (%(where)s); at most %(max)s allowed"),
        "columns": _("more than %(max)s columns (%(where)s); at most %(max)s allowed"),
        "cells": _("more than %(max)s cells (%(where)s); at most %(max)s allowed"),
        "dimension": _(
            "sheet %(sheet)s declares %(rows)s rows × %(columns)s columns; at most "
            "%(max_rows)s rows, %(max_columns)s columns and %(max_cells)s cells allowed"
        ),
        "parts": _("the workbook holds %(count)s parts; at most %(max)s allowed"),
        "unpacked": _("the workbook unpacks to %(size)s bytes; at most %(max)s allowed"),
        "ratio": _(
            "part %(part)s unpacks to more than %(max)s times its packed size "
            "(a zip bomb?); at most %(max)s times allowed"
        ),
        "macro": _(
            "the workbook contains macros (%(part)s); save it as an .xlsx workbook without macros"
        ),
        "external": _(
            "the workbook links to other files or data sources (%(part)s); "
            "break the links and save it again"
        ),
        "dtd": _("part %(part)s declares a DTD or XML entities, which a workbook never needs"),
        "encrypted": _(
            "the workbook is password-protected or in the old .xls format; "
            "save it as an .xlsx workbook without a password"
        ),
        "not_workbook": _("the zip archive is not an Excel workbook (%(problem)s)"),
        "time": _("reading the file took longer than %(max)s seconds; it was stopped"),
        "memory": _("reading the file needed more than %(max)s MB of memory; it was stopped"),
        "not_zip": _("not a valid .xlsx workbook (it is not a zip archive)"),
        "damaged": _("the workbook is damaged and cannot be read (%(problem)s)"),
        "crashed": _("the file could not be read safely (the reader stopped: %(problem)s)"),
    }


def _place(where: Any) -> Any:
    """A place as the child wrote it ("line 3", "row 5, column 2", "document") in the
    active language; other places (paths, sheet names) unchanged."""
    import re

    from django.utils.translation import gettext as _

    if not isinstance(where, str):
        return where
    if where == "document":
        return _("document")
    found = re.fullmatch(r"line (\d+)", where)
    if found:
        return _("line %(line)s") % {"line": found.group(1)}
    found = re.fullmatch(r"row (\d+)(?:, column (\d+))?", where)
    if found and found.group(2):
        return _("row %(row)s, column %(column)s") % {
            "row": found.group(1),
            "column": found.group(2),
        }
    if found:
        return _("row %(row)s") % {"row": found.group(1)}
    return where


def _found(kind: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "zip": _("a zip archive (such as an .xlsx workbook)"),
        "ole": _("an old .xls workbook or an encrypted file"),
        "pdf": _("a PDF document"),
        "binary": _("a binary file"),
        "text": _("a text file"),
        "other_zip": _("a zip archive that is not a workbook"),
    }.get(kind, kind)


class FileRefused(PlanDocumentInvalid):
    """A file crossed a bound (or carries something no importer accepts).

    `code` names the bound (e.g. "depth", "alias", "cells", "ratio", "macro", "time"),
    `limit` is its value where there is one, `params` the details; the one error's
    message says all this in the active language. Shown by the web and the CLI like
    every `PlanDocumentInvalid`; nothing is imported.
    """

    def __init__(self, code: str, filename: str = "", **params: Any) -> None:
        self.code = code
        self.params = params
        self.limit = params.get("max")
        if code == "text":
            from .text import UnsafeText

            problem = UnsafeText(params["character"], params["position"], params.get("where", ""))
            message = problem.reason
            if problem.where:
                message = f"{_place(problem.where)}: {message}"
        else:
            shown = {
                key: _number(value) if isinstance(value, int) and key != "line" else value
                for key, value in params.items()
            }
            if "where" in shown:
                shown["where"] = _place(shown["where"])
            if "found" in shown:
                shown["found"] = _found(shown["found"])
            message = _messages()[code] % shown
        super().__init__([DocumentError((), message)], filename)


# --- running a parser under a ceiling -------------------------------------------------


@dataclasses.dataclass
class Run:
    """The last bounded parse in this thread: how long it took (seconds, wall clock,
    child start included), the child's peak resident memory (KiB, its own VmHWM; -1 when
    it was killed, then bounded by the address-space ceiling) and the outcome ("ok",
    "limit", "error", "time", "memory", "crashed", "in-process")."""

    kind: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the child's user + system time (wait4)
    peak_kib: int = 0
    outcome: str = ""


_last = threading.local()


def last_run() -> Run:
    """The measurement of the last parse in this thread (for tests, benchmarks and logs)."""
    return getattr(_last, "run", Run())


def _run_child(kind: str, content: bytes, limits: Limits, options: dict[str, Any]) -> Any:
    """Run PARSERS[kind] in `python -m samen.core.safeparse` under the ceilings of
    `limits` (address space, CPU, wall clock); return its result or raise what it raised.
    Input and output go through unnamed temporary files, so neither side can block on a
    full pipe; the child is reaped with wait4 here (never by anyone else)."""
    run = Run(kind=kind)
    _last.run = run
    start = time.monotonic()
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout:
        stdin.write(content)
        stdin.seek(0)
        proc = subprocess.Popen(  # noqa: S603 - our own module, no shell, fixed arguments
            [
                sys.executable,
                "-m",
                "samen.core.safeparse",
                kind,
                json.dumps(dataclasses.asdict(limits)),
                json.dumps(options),
            ],
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        deadline = start + limits.seconds
        pause = 0.002
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _pid, _status, usage = os.wait4(proc.pid, 0)
                run.cpu_seconds = usage.ru_utime + usage.ru_stime
                proc.returncode = -9
                run.seconds, run.peak_kib, run.outcome = time.monotonic() - start, -1, "time"
                shown = (
                    int(limits.seconds) if limits.seconds == int(limits.seconds) else limits.seconds
                )
                raise Limit("time", max=shown)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        run.seconds = time.monotonic() - start
        run.cpu_seconds = usage.ru_utime + usage.ru_stime
        stdout.seek(0)
        payload = stdout.read()
    if not payload:  # killed by the kernel (CPU limit) or died without a word
        run.peak_kib = -1
        if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            run.outcome = "time"
            raise Limit("time", max=int(limits.seconds))
        run.outcome = (
            "memory" if proc.returncode in (-signal.SIGSEGV, -signal.SIGABRT, 1) else "crashed"
        )
        if run.outcome == "memory":
            raise Limit("memory", max=limits.memory_mb)
        raise Limit("crashed", problem=f"exit {proc.returncode}")
    outcome = pickle.loads(payload)  # noqa: S301 - written by our own child process
    run.outcome, run.peak_kib = outcome[0], outcome[-1]
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] in ("limit", "error"):
        raise outcome[1]
    raise Limit("crashed", problem=outcome[1])


def _bounded(kind: str, content: bytes, filename: str, bounds: Limits | None, **options) -> Any:
    from django.conf import settings

    limits = bounds or default_limits()
    try:
        if len(content) > limits.bytes:
            raise Limit("size", size=len(content), max=limits.bytes)
        if kind != "xlsx":
            found = sniff(content)
            if found in ("zip", "ole", "pdf"):
                raise Limit("type", expected=f".{kind}", found=found)
            content.decode("utf-8-sig")  # UnicodeDecodeError (e.g. UTF-16) for the caller
            if b"\x00" in content:
                raise Limit("nul", position=content.index(b"\x00") + 1)
        if getattr(settings, "SAMEN_IMPORT_SANDBOX", True):
            data = _run_child(kind, content, limits, options)
        else:
            _last.run = Run(kind=kind, outcome="in-process")
            start = time.monotonic()
            try:
                data = PARSERS[kind](content, limits, **options)
            except RecursionError:
                raise Limit("depth", max=limits.depth, where="document") from None
            finally:
                _last.run.seconds = time.monotonic() - start
    except Limit as exc:
        raise FileRefused(exc.code, filename, **exc.params) from None
    # What editors paste for layout (vertical tab, form feed, NEL) becomes a line break,
    # as at every other entry point; what cannot be stored was refused above.
    return clean_data(data) if kind != "xlsx" else None


def safe_json(content: bytes, filename: str, bounds: Limits | None = None) -> Any:
    """Parse JSON `content` within `bounds` (default: `default_limits()`), strings
    passed through the input boundary. Returns plain data (dict, list, str, int, float,
    bool, None). Raises FileRefused for a crossed bound, UnicodeDecodeError or
    json.JSONDecodeError for a malformed file."""
    return _bounded("json", content, filename, bounds)


def safe_yaml(content: bytes, filename: str, bounds: Limits | None = None) -> Any:
    """Parse YAML `content` like `safe_json` (safe tags only, no anchors or aliases, no
    duplicate keys). Raises FileRefused, UnicodeDecodeError or yaml.YAMLError."""
    return _bounded("yaml", content, filename, bounds)


def safe_csv(
    content: bytes, filename: str, bounds: Limits | None = None, delimiter: str | None = None
) -> list[list[str]]:
    """Parse CSV `content` into rows of text cells (header included) within `bounds`:
    rows, columns, cells, cell length, no NUL, text through the input boundary. Raises
    FileRefused, UnicodeDecodeError or csv.Error."""
    return _bounded("csv", content, filename, bounds, delimiter=delimiter)


def check_xlsx(content: bytes, filename: str, bounds: Limits | None = None) -> None:
    """Check an XLSX workbook before openpyxl opens it in this process: size, kind of
    content, zip parts (count, unpacked sizes, ratios), macros, external links, DTDs,
    each sheet's dimension and cells, text in cells; then a trial opening under the
    ceiling. Raises FileRefused."""
    _bounded("xlsx", content, filename, bounds)


def safe_xlsx(content: bytes, filename: str, bounds: Limits | None = None, **options: Any):
    """`check_xlsx`, then the workbook opened with openpyxl (links and macros never
    kept). `options` go to `openpyxl.load_workbook` (e.g. `data_only=True`). Raises
    FileRefused."""
    from openpyxl import load_workbook

    check_xlsx(content, filename, bounds)
    options.update(keep_links=False, keep_vba=False)
    return load_workbook(io.BytesIO(content), **options)

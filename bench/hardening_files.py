"""The hostile-files part of the hardening probe alone (issue 16 item 1): the generated
corpus of tests/core/hostile.py through every importer, as a table by family.

    python -m bench hardening_files      # SQLite; DATABASE_URL=postgres://... for PostgreSQL

Faster than `python -m bench hardening`, which includes these families too.
"""

from __future__ import annotations

import os
import tempfile

from bench._django import setup
from bench.hardening import hostile_files, print_hostile_figures, print_table


def main() -> None:
    os.environ["SAMEN_AUDIT_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="samen-checkpoints-")
    setup()
    from tests.reporting.world import build_world

    world = build_world()
    outcomes = hostile_files(world)
    print_table()
    print_hostile_figures(outcomes)
    overhead()


def overhead(repeats: int = 5) -> None:
    """The price of the ceiling for an ordinary file: the bundled plan (YAML) and a small
    workbook, parsed in the child process against in-process (the baseline, same checks)."""
    import statistics
    import time

    from django.conf import settings
    from tests.core import hostile

    from samen.core import safeload

    files = {
        "plan.yaml": (safeload.safe_yaml, hostile.PLAN_YAML.read_bytes()),
        "plan.xlsx": (safeload.check_xlsx, hostile.workbook()),
    }
    for name, (read, content) in files.items():
        medians = {}
        for sandbox in (False, True):
            settings.SAMEN_IMPORT_SANDBOX = sandbox
            times = []
            for _ in range(repeats):
                start = time.monotonic()
                read(content, name)
                times.append(time.monotonic() - start)
            medians[sandbox] = statistics.median(times)
        print(
            f"{name}: in-process {medians[False]:.3f} s, child process {medians[True]:.3f} s "
            f"(× {medians[True] / medians[False]:.1f}, median of {repeats})"
        )
    settings.SAMEN_IMPORT_SANDBOX = True

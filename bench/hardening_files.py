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

"""`samen mse` command line (placeholder until the engine lands)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    sys.stderr.write("samen mse: the estimation engine is not installed in this build yet.\n")
    return 2

"""Shared helpers: the public reference data sets beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from samen.mse.table import CaptureTable, read_capture_csv

# The public data sets, copied into the repository (data/mse/README.md says from where).
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "mse"

ALL_SETS = sorted(p.stem for p in REFERENCE.glob("*.csv"))
R_SETS = [
    "uk2013_6lists",
    "uk2013_5lists",
    "western_us_5lists",
    "kosovo_4lists",
    "rome_hiv_4lists",
    "artificial_3lists",
]


def load(name: str) -> CaptureTable:
    """Read one reference data set."""
    return read_capture_csv(REFERENCE / f"{name}.csv")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.fail(f"reference data not found at {REFERENCE}")
    return REFERENCE

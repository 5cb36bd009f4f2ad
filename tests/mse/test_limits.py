"""Limits (issue 13, item 3): infeasible work is refused before it starts; --help is light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from samen.cli import main as samen_main
from samen.mse import estimate
from samen.mse.limits import Limits, check_feasible, estimate_cost
from samen.mse.messages import CaptureDataError
from samen.mse.table import CaptureTable


def many_lists(k: int) -> CaptureTable:
    """A small table of ``k`` lists: each list alone, and each neighbouring pair."""
    eye = np.eye(k, dtype=np.int64)
    pairs = eye + np.roll(eye, 1, axis=1)
    return CaptureTable.from_arrays(np.vstack([eye, pairs]), [30] * k + [3] * k)


def test_twenty_five_lists_are_refused_before_any_work() -> None:
    # Before, the complete table of 33.5 million histories grew until the kernel killed
    # the process. Now the cost is known from the number of lists alone.
    with pytest.raises(CaptureDataError) as caught:
        estimate(many_lists(25), "sparsemse")
    err = caught.value
    assert err.code == "method_too_large" and err.params["k"] == 25
    assert "GB of memory" in str(err) and "at most 15 lists" in str(err)


def test_a_refusal_names_a_method_that_fits() -> None:
    with pytest.raises(CaptureDataError) as caught:
        estimate(many_lists(16), "independence")
    assert "use --method sparsemse" in str(caught.value)
    budget = Limits(seconds=1e4, memory_bytes=1e10)
    assert check_feasible(many_lists(12), "loglinear", limits=budget).seconds > 10


def test_costs_grow_with_lists_and_replicates() -> None:
    for method in ("independence", "chao", "sparsemse", "loglinear"):
        costs = [estimate_cost(method, k) for k in (8, 12, 16)]
        assert costs[0].seconds < costs[1].seconds < costs[2].seconds, method
        assert costs[0].memory_bytes <= costs[1].memory_bytes <= costs[2].memory_bytes
    once = estimate_cost("sparsemse", 10)
    assert estimate_cost("sparsemse", 10, bootstrap=1000, histories=50).seconds > 1000 * (
        once.seconds
    )


def test_cli_budget_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    k = 14
    f = tmp_path / "wide.csv"
    table = many_lists(k)
    rows = [",".join(f"L{i}" for i in range(k)) + ",count"]
    rows += [
        ",".join(map(str, h)) + f",{n}" for h, n in zip(table.histories, table.counts, strict=True)
    ]
    f.write_text("\n".join(rows) + "\n")
    code = samen_main(["mse", "estimate", str(f), "--method", "independence", "--max-time", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "beyond the limit of 1 seconds" in err
    code = samen_main(["mse", "models", str(f), "--max-memory", "0.01"])
    assert code == 2 and "loglinear method on 14 lists" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["mse", "--help"], ["mse", "estimate", "--help"], ["--help"]])
def test_help_loads_neither_numpy_nor_scipy_nor_django(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from samen.cli import main\n"
        f"main({argv!r})\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'scipy', 'django')]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == "[]" and "usage:" in done.stdout

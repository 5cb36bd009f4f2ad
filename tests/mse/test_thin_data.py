"""Thin and odd tables (issue 13, item 2): a result with the right value, or a clear message.

Each small table of the issue is kept here with R's value; the property test at the end
runs every method on small random tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.cli import main as samen_main
from samen.mse import estimate
from samen.mse.messages import CaptureDataError
from samen.mse.results import METHODS
from samen.mse.table import CaptureTable
from tests.mse.results import robust_reference as ref

FLAGS = {
    "no_mle",
    "not_identifiable",
    "estimate_infinite",
    "estimate_absurd",
    "upper_limit_infinite",
    "interval_absurd",
    "no_upper_bound",
}


def table(rows: list[tuple[tuple[int, ...], int]]) -> CaptureTable:
    return CaptureTable.from_arrays([h for h, _ in rows], [n for _, n in rows])


def codes(result: object) -> set[str]:
    return {w.code for w in result.warnings}  # type: ignore[attr-defined]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = samen_main(["mse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_two_lists_without_overlap_give_rs_infinite_upper_limit() -> None:
    res = estimate(table([((1, 0), 40), ((0, 1), 30)]), "sparsemse")
    r_est, r_low, r_up = ref.WALD_TWO_LISTS_NO_OVERLAP
    # R's glm stops on its convergence rule along a direction without a maximum; where
    # exactly depends on rounding (docs/mse-guide.md): the "estimate" agrees to 1e-3.
    assert res.estimate == pytest.approx(r_est, rel=1e-3)
    assert (res.ci_lower, res.ci_upper) == (r_low, r_up)
    assert res.existence is False
    assert {"no_mle", "estimate_absurd", "no_overlap_at_all"} <= codes(res)


def test_one_case_on_every_list_gives_rs_interval() -> None:
    res = estimate(table([((1, 1), 100)]), "sparsemse")
    assert (res.estimate, res.ci_lower, res.ci_upper) == pytest.approx(ref.WALD_ONE_CASE_ON_BOTH)
    assert "upper_limit_infinite" in codes(res)


def test_three_lists_without_overlap_are_not_given_an_unidentifiable_model() -> None:
    res = estimate(table([((1, 0, 0), 10), ((0, 1, 0), 20), ((0, 0, 1), 30)]), "loglinear")
    # Every one of the 8 models fails checkident; the old choice printed 2.9e25 from one.
    assert res.model == () and res.existence is False
    assert {"no_usable_model", "no_mle", "estimate_absurd", "no_overlap_at_all"} <= codes(res)


def test_a_covariate_level_on_one_list_gives_rs_finite_answer(tmp_path: Path) -> None:
    f = tmp_path / "levels.csv"
    f.write_text(
        "A,B,C,g,count\n1,0,0,x,12\n1,0,0,y,20\n0,1,0,y,15\n0,0,1,y,11\n"
        "1,1,0,y,5\n1,0,1,y,4\n0,1,1,y,3\n1,1,1,y,1\n"
    )
    from samen.mse.table import read_capture_csv

    res = estimate(read_capture_csv(f, covariates=["g"]), "covariates", terms="A:g")
    assert res.estimate == pytest.approx(ref.COVARIATE_ONE_LIST_TOTAL, rel=1e-9)
    assert res.aic == pytest.approx(ref.COVARIATE_ONE_LIST_AIC, rel=1e-9)
    level_x = next(r for r in res.details["byLevel"] if r["level"] == "x")
    assert level_x["estimate"] == pytest.approx(12) and math.isinf(level_x["ciUpper"])
    assert "no_mle" in codes(res)


def test_a_bootstrap_interval_up_to_a_trillion_is_flagged() -> None:
    tiny = table([((1, 0, 0), 5), ((0, 1, 0), 3), ((1, 1, 0), 1), ((0, 0, 1), 1)])
    res = estimate(tiny, "sparsemse", bootstrap=200, n_jobs=1)
    assert res.ci_upper > 1e10
    assert "interval_absurd" in codes(res)


def test_a_bootstrap_of_a_degenerate_table_falls_back_to_wald() -> None:
    res = estimate(table([((1, 1), 100)]), "sparsemse", bootstrap=20, n_jobs=1)
    assert "bca_undefined" in codes(res)
    assert res.interval_kind.startswith("Wald") and res.ci_lower == 100


def test_a_tiny_stratum_gets_a_result_and_the_total_says_it_is_unbounded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "strata.csv"
    rows = ["A,B,C,year,count"]
    for h, n in (("1,0,0", 40), ("0,1,0", 30), ("0,0,1", 20), ("1,1,0", 6), ("1,0,1", 4)):
        rows.append(f"{h},2020,{n}")
    rows += ["1,0,0,2021,2", "0,1,0,2021,1"]
    f.write_text("\n".join(rows) + "\n")
    code, out, err = run(capsys, "estimate", str(f), "--stratum", "year", "--json")
    assert code == 0, err
    year_2021, total = json.loads(out)[1:]
    assert year_2021["ciUpper"] is None
    assert total["ciUpper"] is None
    assert "upper_limit_infinite" in {w["code"] for w in total["warningCodes"]}


def test_dga_finds_a_hidden_count_of_a_billion() -> None:
    # Four independent lists of a population of 10^9 (catch probabilities 1e-4 to 3e-4):
    # the graphs with edges pile up at N = n + 1, the graph without at about 10^9. The old
    # automatic grid stopped at 1.5e7, reported N = n + 1 and blamed the start of the grid.
    counts = {
        (0, 0, 0, 1): 149859,
        (0, 0, 1, 0): 299714,
        (0, 0, 1, 1): 40,
        (0, 1, 0, 0): 199597,
        (0, 1, 0, 1): 34,
        (0, 1, 1, 0): 55,
        (1, 0, 0, 0): 99949,
        (1, 0, 0, 1): 16,
        (1, 0, 1, 0): 29,
        (1, 1, 0, 0): 25,
    }
    res = estimate(table(list(counts.items())), "dga")
    assert 8e8 < res.estimate < 1.2e9
    assert res.ci_lower < 1e9 < res.ci_upper
    assert "dga_grid_start" not in codes(res)


def test_dga_output_names_its_graphs_not_main_effects(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.mse.conftest import REFERENCE

    code, out, _ = run(capsys, "estimate", str(REFERENCE / "kosovo_4lists.csv"), "--method", "dga")
    assert code == 0
    assert "main effects only" not in out
    assert "averaged over 61 decomposable graphs" in out


def test_models_flags_absurd_and_unusable_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "ten.csv"
    f.write_text("A,B,C,count\n1,0,0,5\n0,1,0,3\n1,1,0,1\n0,0,1,1\n")
    code, out, _ = run(capsys, "models", str(f))
    assert code == 0
    huge = [line for line in out.splitlines() if "A:B, A:C, B:C" in line]
    assert huge and "[not identifiable; over 100 times the observed]" in huge[0]
    code, _, err = run(capsys, "models", str(f), "--top", "0")
    assert code == 2 and "--top needs a positive number of models, not 0" in err
    code, _, err = run(capsys, "estimate", str(f), "--method", "independence", "--terms", "A:B")
    assert code == 2 and "the independence method would ignore it" in err


# ---- Property: every method on every small table the reader accepts.
CHEAP = [m for m in METHODS if m not in ("covariates", "average")]

histories_3 = [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1) if a or b or c]


@st.composite
def small_tables(draw: st.DrawFn) -> CaptureTable:
    k = draw(st.integers(2, 4))
    hist = [tuple((code >> (k - 1 - j)) & 1 for j in range(k)) for code in range(1, 2**k)]
    counts = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(1, 3), st.integers(1, 200)),
            min_size=len(hist),
            max_size=len(hist),
        )
    )
    if sum(counts) == 0:
        counts[draw(st.integers(0, len(hist) - 1))] = 1
    return CaptureTable.from_arrays(hist, counts)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(small_tables(), st.sampled_from([*CHEAP, "average"]))
def test_every_method_gives_a_flagged_result_or_a_clear_error(
    tab: CaptureTable, method: str
) -> None:
    try:
        res = estimate(tab, method, n_jobs=1)
    except CaptureDataError as exc:
        assert exc.code and str(exc)  # a coded, worded refusal (e.g. chao on two lists)
        return
    numbers = (res.estimate, res.ci_lower, res.ci_upper, res.unobserved)
    assert not any(math.isnan(v) for v in numbers), res
    assert res.estimate >= res.observed * (1 - 1e-9)
    assert res.ci_lower <= res.estimate * (1 + 1e-6) and res.estimate <= res.ci_upper * (1 + 1e-6)
    assert all(isinstance(w, str) and w.code for w in res.warnings)
    n = max(res.observed, 1)
    if not math.isfinite(res.ci_upper) or max(res.estimate, res.ci_upper) > 100 * n:
        assert codes(res) & FLAGS, (res.estimate, res.ci_upper, codes(res))
    json.dumps(res.to_json(), allow_nan=False)
    np.testing.assert_equal(res.observed, tab.observed)


def test_a_stratum_without_cases_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "strata.csv"
    f.write_text("A,B,year,count\n1,0,2020,40\n0,1,2020,30\n1,1,2020,6\n1,0,2021,0\n")
    code, out, err = run(capsys, "estimate", str(f), "--stratum", "year")
    assert code == 2 and out == ""
    assert "stratum year=2021: all counts are zero; nothing was observed" in err

"""`samen mse`: JSON and text output, every data set, bad input -> exit 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from samen.cli import main as samen_main
from tests.mse.conftest import ALL_SETS, REFERENCE


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = samen_main(["mse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_sparsemse_json_matches_r(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", str(REFERENCE / "uk2013_6lists.csv"), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["method"] == "sparsemse"
    assert round(data["estimate"]) == 11418
    assert (round(data["ciLower"]), round(data["ciUpper"])) == (9977, 13146)
    assert data["model"] == ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"]
    assert data["observed"] == 2744 and data["existence"] and data["identifiability"]
    assert math.isclose(data["unobserved"], data["estimate"] - 2744)
    assert data["details"]["lpChecks"] == 92


def test_loglinear_with_terms_and_bic(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "western_us_5lists.csv")
    _, out, _ = run(capsys, "estimate", f, "--method", "loglinear", "--criterion", "bic", "--json")
    best = json.loads(out)
    assert best["model"] == ["A:E"] and round(best["estimate"]) == 2474
    _, out, _ = run(capsys, "estimate", f, "--method", "loglinear", "--terms", "E:A", "--json")
    assert json.loads(out)["estimate"] == pytest.approx(best["estimate"])


def test_human_output_reads_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", str(REFERENCE / "western_us_5lists.csv"))
    assert code == 0
    assert "Estimated total: 2,483  (95% interval 1,657 to 3,830)" in out
    assert "estimated on no list at all: 2,138" in out
    assert "pairs of lists with no case in common: A:B, B:E" in out


def test_bootstrap_option(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "artificial_3lists.csv")
    args = ("estimate", f, "--bootstrap", "60", "--seed", "5", "--json", "--jobs", "1")
    _, out, _ = run(capsys, *args)
    data = json.loads(out)
    assert data["intervalKind"].startswith("BCa bootstrap (60 replicates")
    assert data["details"]["seed"] == 5
    assert data["ciLower"] < data["estimate"] < data["ciUpper"]
    _, again, _ = run(capsys, *args)
    assert json.loads(again)["ciUpper"] == data["ciUpper"]


def test_models_command_lists_the_search(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "rome_hiv_4lists.csv")
    _, out, _ = run(capsys, "models", f, "--criterion", "bic", "--top", "3", "--json")
    data = json.loads(out)
    assert data["modelsSearched"] == 64
    assert [m["rcaptureName"] for m in data["models"]] == ["[1,2,3,4]", "[12,3,4]", "[13,2,4]"]
    _, text, _ = run(capsys, "models", f, "--top", "2")
    assert "64 models searched (exhaustive); best 2 by AIC" in text
    assert "c1:c2" in text


# The 6-list exhaustive searches (32,768 fits) run once, in test_search.
CASES = [
    (name, method)
    for name in ALL_SETS
    for method in ("independence", "loglinear", "chao", "sparsemse")
    if not (method == "loglinear" and name.endswith("6lists"))
]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_every_method_on_every_data_set(
    capsys: pytest.CaptureFixture[str], name: str, method: str
) -> None:
    code, out, err = run(
        capsys, "estimate", str(REFERENCE / f"{name}.csv"), "--method", method, "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["estimate"] >= data["observed"]
    assert data["ciLower"] <= data["estimate"]
    assert data["ciUpper"] is None or data["ciUpper"] >= data["estimate"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("A,B,count\n1,0,3\n1,x,1\n", (), "row 3, column 'B': 'x' is not 0 or 1"),
        ("A,B,count\n1,0,3\n0,1,-1\n", (), "row 3, column 'count'"),
        ("A,B,count\n1,0,3\n", ("--stratum", "year"), "unknown column 'year'"),
        (
            "A,B,count\n1,0,3\n1,1,1\n",
            ("--terms", "A:Z", "--method", "loglinear"),
            "unknown list 'Z'",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content)
    code, out, err = run(capsys, "estimate", str(f), *args)
    assert code == 2
    assert message in err and str(f) in err
    assert "Traceback" not in err and out == ""


def test_missing_file_and_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "estimate", "/nonexistent/x.csv")
    assert code == 2 and "file not found" in err
    code, _, err = run(
        capsys, "estimate", str(REFERENCE / "kosovo_4lists.csv"), "--method", "magic"
    )
    assert code == 2 and "invalid choice: 'magic'" in err


def test_stratum_estimates_and_total(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = ["A,B,C,year,count"]
    for year, scale in (("2020", 1), ("2021", 2)):
        for h, n in (
            ("1,0,0", 40),
            ("0,1,0", 30),
            ("0,0,1", 20),
            ("1,1,0", 6),
            ("1,0,1", 4),
            ("0,1,1", 3),
            ("1,1,1", 1),
        ):
            rows.append(f"{h},{year},{n * scale}")
    f = tmp_path / "strata.csv"
    f.write_text("\n".join(rows) + "\n")
    code, out, _ = run(
        capsys, "estimate", str(f), "--stratum", "year", "--method", "independence", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert [d["stratum"] for d in data] == ["year=2020", "year=2021", "total"]
    assert data[2]["estimate"] == pytest.approx(data[0]["estimate"] + data[1]["estimate"])
    assert data[1]["estimate"] == pytest.approx(2 * data[0]["estimate"], rel=0.01)


def test_dga_method(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "kosovo_4lists.csv")
    code, out, err = run(capsys, "estimate", f, "--method", "dga", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["method"] == "dga" and data["observed"] == 4400
    assert 9000 < data["estimate"] < 17000  # R's dga: 12,595 (9,827-16,544)


def test_loglinear_search_passes_over_models_without_a_finite_estimate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # AIC ranks [12] (A:B) first on the artificial set, but a model with A:B
    # has no finite MLE (the package documentation of Artificial_3; the
    # untouched search had put the estimate at about nine trillion). The
    # estimate must come from the best model that passes the existence check.
    f = str(REFERENCE / "artificial_3lists.csv")
    _, models_out, _ = run(capsys, "models", f, "--json", "--top", "3")
    ranked = [m["model"] for m in json.loads(models_out)["models"]]
    assert ranked[0] == ["A:B"]
    _, out, _ = run(capsys, "estimate", f, "--method", "loglinear", "--json")
    chosen = json.loads(out)
    assert chosen["existence"] is True
    assert "A:B" not in chosen["model"] and chosen["model"] in ranked
    assert 96 < chosen["estimate"] < 1000
    passed = [w for w in chosen["warnings"] if "passed over" in w]
    assert passed and passed[0].startswith(f"the {ranked.index(chosen['model'])} models")


def test_dga_on_six_lists_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "uk2013_6lists.csv")
    code, out, err = run(capsys, "estimate", f, "--method", "dga")
    assert code == 2 and out == ""
    assert "this table has 6 (LA, NG, PF, GO, GP, NCA)" in err
    assert "Merge lists first" in err


def test_a_bootstrap_on_a_terminal_shows_its_progress(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    f = str(REFERENCE / "western_us_5lists.csv")
    args = ("estimate", f, "--bootstrap", "40", "--seed", "3", "--json", "--jobs", "1")
    _, quiet_out, quiet_err = run(capsys, *args)  # not a terminal: no progress line
    assert "bootstrap:" not in quiet_err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, *args)
    assert code == 0 and json.loads(out) == json.loads(quiet_out)
    total = 40 + 13  # replicates, and a jackknife table for each of the 13 histories
    assert f"\rbootstrap: {total} of {total} tables (100%)\n" in err
    assert err.count("\rbootstrap: ") > 2

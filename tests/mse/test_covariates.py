"""Covariate models (Cruyff et al. 2017): per-level and total estimates against known truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samen.cli import main as samen_main
from samen.mse.covariates import fit_covariate_model, simulate_covariate_population

SIZES = {"2019": 2000, "2020": 3000, "2021": 1500}
PROBS = {"2019": [0.2, 0.1, 0.15], "2020": [0.3, 0.1, 0.1], "2021": [0.1, 0.2, 0.25]}
TERMS = ["A:group", "B:group", "C:group"]


def test_levels_and_total_cover_the_truth_in_simulation() -> None:
    rng = np.random.default_rng(11)
    reps, cover_total, cover_level, totals = 100, 0, 0, []
    for _ in range(reps):
        table, truth = simulate_covariate_population(rng, SIZES, PROBS)
        fit = fit_covariate_model(table, TERMS)
        cover_total += fit.total.ci_lower <= truth.sum() <= fit.total.ci_upper
        lv = fit.by_level[1]  # 2020
        cover_level += lv.ci_lower <= truth[1] <= lv.ci_upper
        totals.append(fit.total.estimate)
    assert 0.85 <= cover_total / reps <= 1.0
    assert 0.85 <= cover_level / reps <= 1.0
    assert abs(np.mean(totals) / truth.sum() - 1) < 0.03


def test_ignoring_the_covariate_loses_information_about_levels() -> None:
    rng = np.random.default_rng(12)
    table, truth = simulate_covariate_population(rng, SIZES, PROBS)
    fit = fit_covariate_model(table, TERMS)
    assert [r.level for r in fit.by_level] == ["2019", "2020", "2021"]
    assert sum(r.estimate for r in fit.by_level) == pytest.approx(fit.total.estimate)
    est = np.array([r.estimate for r in fit.by_level])
    assert np.all(np.abs(est / truth - 1) < 0.25)


def test_cli_covariates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(13)
    table, _ = simulate_covariate_population(rng, SIZES, PROBS)
    lines = ["A,B,C,group,count"]
    for h, lv, n in zip(table.histories.tolist(), table.levels[:, 0], table.counts, strict=True):
        lines.append(",".join(map(str, h)) + f",{lv},{n}")
    f = tmp_path / "cov.csv"
    f.write_text("\n".join(lines) + "\n")
    args = [
        "mse",
        "estimate",
        str(f),
        "--covariates",
        "group",
        "--terms",
        "A:group,B:group,C:group",
    ]
    assert samen_main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "covariates" and data["model"] == TERMS
    assert len(data["details"]["byLevel"]) == 3
    assert samen_main(args) == 0
    assert "group=2020" in capsys.readouterr().out
    assert samen_main([*args[:-1], "A:region"]) == 2
    assert "neither a list" in capsys.readouterr().err

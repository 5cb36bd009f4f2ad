"""The methods practitioners ask for (issue 13, item 4), each against a published or R value.

The numbers and the calls that produced them are in ``tests/mse/results/robust_reference.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samen.cli import main as samen_main
from samen.mse import estimate
from samen.mse.design import all_histories
from samen.mse.gof import likelihood_ratio_test
from samen.mse.table import CaptureTable, read_capture_csv
from samen.mse.twolist import two_list_estimate
from tests.mse.conftest import REFERENCE, load
from tests.mse.results import robust_reference as ref
from tests.mse.results.dga_reference import DGA_REFERENCE

DIABETES = str(REFERENCE / "diabetes_4lists.csv")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = samen_main(["mse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def two_lists(n1: int, n2: int, m: int) -> CaptureTable:
    return CaptureTable.from_arrays([[1, 1], [1, 0], [0, 1]], [m, n1 - m, n2 - m])


# ---- Two lists -------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "published"), list(ref.CHAPMAN_SEBER.items()))
def test_chapman_matches_sebers_tables(
    sizes: tuple[int, int, int], published: tuple[int, int, int | None]
) -> None:
    est = two_list_estimate(two_lists(*sizes), "chapman")
    n_hat, se, upper = published
    assert round(est.estimate) == n_hat and round(est.stderr) == se
    if upper is not None:
        assert round(est.normal_upper) == upper
    assert est.observed <= est.lower < est.estimate < est.upper


def test_petersen_is_the_independence_estimate_on_two_lists() -> None:
    table = two_lists(500, 149, 7)
    pet = estimate(table, "petersen")
    assert pet.estimate == pytest.approx(500 * 149 / 7)
    assert pet.estimate == pytest.approx(estimate(table, "independence").poisson_estimate)


def test_two_list_cli_and_its_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "two.csv"
    f.write_text("A;B;Count\n1;1;7\n1;0;493\n0;1;142\n")
    code, out, _ = run(capsys, "estimate", str(f), "--method", "chapman")
    assert code == 0
    assert "Estimated total: 9,393" in out and "on both 7" in out and "standard error 3,022" in out
    code, out, _ = run(capsys, "estimate", str(f), "--method", "petersen", "--json")
    assert json.loads(out)["details"]["chapman"] == pytest.approx(9392.75)
    code, _, err = run(capsys, "estimate", DIABETES, "--method", "chapman")
    assert code == 2 and "the chapman estimator is for two lists; this table has 4" in err


# ---- Heterogeneity with two-list interactions (Rivest 2011 via Rcapture) -------------


@pytest.mark.parametrize(("form_theta", "published"), list(ref.DIABETES.items()))
def test_heterogeneity_with_interactions_matches_rivest(
    capsys: pytest.CaptureFixture[str],
    form_theta: tuple[str | None, float | None],
    published: tuple[int, int, float, int],
) -> None:
    form, theta = form_theta
    args = ["estimate", DIABETES, "--method", "loglinear", "--terms", ref.DIABETES_TERMS]
    if form:
        args += ["--heterogeneity", form]
    if theta:
        args += ["--theta", str(theta)]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    abundance = data["poissonEstimate"] if form != "normal" else data["estimate"]
    n_hat, se, deviance, df = published
    assert round(abundance) == n_hat
    assert round(data["details"]["stderr"]) == se
    assert round(data["details"]["deviance"], 2) == deviance and data["details"]["df"] == df


def test_the_normal_model_prints_rcaptures_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--method", "loglinear", "--terms", ref.DIABETES_TERMS, "--heterogeneity", "normal")
    _, out, _ = run(capsys, "estimate", DIABETES, *args, "--json")
    data = json.loads(out)
    est, se, low, high, deviance, df, aic = ref.DIABETES_NORMAL_PRINTED
    assert round(data["estimate"], 1) == est and round(data["details"]["stderr"], 1) == se
    assert (round(data["ciLower"], 1), round(data["ciUpper"], 1)) == (low, high)
    assert round(data["details"]["deviance"], 3) == deviance and data["details"]["df"] == df
    assert round(data["aic"], 3) == aic


def test_bruno_s_own_model(capsys: pytest.CaptureFixture[str]) -> None:
    terms = "c1:c2,c1:c3,c2:c3,c2:c4,c3:c4"  # (c1 + c2 + c3 + c4)^2 - c1:c4
    _, out, _ = run(
        capsys, "estimate", DIABETES, "--method", "loglinear", "--terms", terms, "--json"
    )
    data = json.loads(out)
    n_hat, se, deviance, df = ref.DIABETES_BRUNO
    assert round(data["poissonEstimate"]) == n_hat and round(data["details"]["stderr"]) == se
    assert round(data["details"]["deviance"], 2) == deviance and data["details"]["df"] == df


def test_the_cli_offers_every_form_the_engine_fits() -> None:
    from samen.mse.estimate import HETEROGENEITY_FORMS
    from samen.mse.loglinear import HETEROGENEITY

    assert (*HETEROGENEITY, "normal") == HETEROGENEITY_FORMS


def test_heterogeneity_options_that_cannot_apply_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases = [
        (("--method", "loglinear", "--heterogeneity", "darroch"), "needs --terms"),
        (("--method", "sparsemse", "--heterogeneity", "darroch"), "not sparsemse"),
        (("--method", "independence", "--heterogeneity", "darroch", "--theta", "2"), "--theta"),
        (("--method", "independence", "--heterogeneity", "gamma", "--theta", "-1"), "positive"),
    ]
    for args, message in cases:
        code, _, err = run(capsys, "estimate", DIABETES, *args)
        assert code == 2 and message in err, err


# ---- Goodness of fit and the likelihood-ratio test (R's glm) ---------------------------


def test_goodness_of_fit_matches_rs_glm() -> None:
    terms = "EXH:ABA,EXH:OSCE,EXH:HRW,ABA:OSCE,OSCE:HRW"
    res = estimate(load("kosovo_4lists"), "loglinear", terms=terms)
    gof = res.details["goodnessOfFit"]
    deviance, df, p = ref.KOSOVO_GOF
    assert gof["deviance"] == pytest.approx(deviance, rel=1e-9) and gof["df"] == df
    assert gof["pValue"] == pytest.approx(p, rel=1e-6)
    pearson = [c["pearson"] for c in gof["cells"]]
    np.testing.assert_allclose(pearson, ref.KOSOVO_PEARSON, rtol=1e-7)
    assert [c["cell"] for c in gof["cells"]][:2] == ["EXH+ABA+OSCE+HRW", "EXH+ABA+OSCE"]
    assert "gof_poor_fit" in {w.code for w in res.warnings}


def test_every_log_linear_result_carries_its_goodness_of_fit() -> None:
    table = load("western_us_5lists")
    for method in ("independence", "loglinear", "chao", "sparsemse"):
        gof = estimate(table, method).details["goodnessOfFit"]
        assert gof["df"] >= 0 and gof["cells"], method


def test_likelihood_ratio_test_matches_rs_anova(capsys: pytest.CaptureFixture[str]) -> None:
    test = likelihood_ratio_test(load("kosovo_4lists"), "EXH:ABA", "EXH:ABA,EXH:OSCE")
    statistic, df, p = ref.KOSOVO_LRT
    assert test.statistic == pytest.approx(statistic, rel=1e-7) and test.df == df
    assert test.p_value == pytest.approx(p, rel=1e-6)
    f = str(REFERENCE / "kosovo_4lists.csv")
    code, out, _ = run(capsys, "compare", f, "--smaller", "EXH:ABA", "--larger", "EXH:ABA,EXH:OSCE")
    assert code == 0 and "on 1 degrees of freedom, p = 0.1484" in out
    assert "do not improve the fit significantly" in out
    code, _, err = run(capsys, "compare", f, "--smaller", "EXH:OSCE", "--larger", "EXH:ABA")
    assert code == 2 and "the models are not nested" in err


# ---- Model averaging (R's glm over the 64 models) ---------------------------------------


@pytest.mark.parametrize(("case", "expected"), list(ref.AVERAGE.items()))
def test_model_averaging_matches_r(case: tuple[str, str], expected: tuple[float, ...]) -> None:
    name, criterion = case
    res = estimate(load(name), "average", criterion=criterion)
    est, se, low, high, used, top_weight = expected
    assert res.estimate == pytest.approx(est, rel=1e-7)
    assert res.details["stderr"] == pytest.approx(se, rel=1e-6)
    assert (res.ci_lower, res.ci_upper) == pytest.approx((low, high), rel=1e-6)
    assert res.details["modelsAveraged"] == used
    assert res.details["models"][0]["weight"] == pytest.approx(top_weight, rel=1e-6)


def test_averaging_in_the_cli_lists_the_top_models_with_intervals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    f = str(REFERENCE / "rome_hiv_4lists.csv")
    code, out, _ = run(capsys, "estimate", f, "--method", "average", "--top", "3")
    assert code == 0
    assert "average of 64 of 64 models (exhaustive search, AIC weights)" in out
    assert "   0.103  12,308 (10,266 to 14,992)  c1:c2\n" in out
    _, models, _ = run(capsys, "models", f, "--json", "--top", "1")
    assert json.loads(models)["models"][0]["weight"] == pytest.approx(0.10294544589853907)


# ---- dga's priors and grid in the CLI ----------------------------------------------------


def test_dga_cli_shows_the_top_graphs_with_rs_weight(capsys: pytest.CaptureFixture[str]) -> None:
    reference = next(r for r in DGA_REFERENCE if r.name == "uk2013_5lists")
    f = str(REFERENCE / "uk2013_5lists.csv")
    code, out, _ = run(capsys, "estimate", f, "--method", "dga", "--grid", str(reference.nmax))
    assert code == 0
    assert f"Estimated total: {reference.median:,}" in out
    assert f"  {reference.top_model_weight:6.3f}  " in out
    _, out, _ = run(capsys, "estimate", f, "--method", "dga", "--json", "--top", "3")
    graphs = json.loads(out)["details"]["topGraphs"]
    assert len(graphs) == 3 and graphs[0]["weight"] >= graphs[1]["weight"]


def test_dga_prior_options_reach_the_posterior(capsys: pytest.CaptureFixture[str]) -> None:
    f = str(REFERENCE / "rome_hiv_4lists.csv")
    results = {}
    for args in ((), ("--delta", "1"), ("--prior", "uniform")):
        code, out, err = run(capsys, "estimate", f, "--method", "dga", "--json", *args)
        assert code == 0, err
        results[args] = json.loads(out)
    # docs/mse-dga.md: with delta = 1 the saturated graph takes all the weight
    assert results[("--delta", "1")]["details"]["topGraphs"][0]["weight"] > 0.99
    assert results[("--delta", "1")]["estimate"] < results[()]["estimate"]
    assert results[("--prior", "uniform")]["estimate"] > results[()]["estimate"]
    code, _, err = run(capsys, "estimate", f, "--method", "sparsemse", "--delta", "1")
    assert code == 2 and "apply to --method dga" in err


# ---- Stepwise selection of a covariate model (R's step) -----------------------------------


def test_covariate_selection_matches_rs_step(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parent / "results" / "covariates_3lists.csv"
    res = estimate(read_capture_csv(path, covariates=["year"]), "covariates", select="aic")
    assert sorted(res.model) == list(ref.STEP_TERMS)
    assert res.aic == pytest.approx(ref.STEP_AIC, rel=1e-9)
    assert res.estimate == pytest.approx(ref.STEP_TOTAL, rel=1e-9)
    code, out, _ = run(capsys, "estimate", str(path), "--covariates", "year", "--select", "aic")
    assert code == 0 and "Step:     add A:year" in out


def test_covariate_cells_have_residuals() -> None:
    path = Path(__file__).parent / "results" / "covariates_3lists.csv"
    res = estimate(read_capture_csv(path, covariates=["year"]), "covariates", terms="A:year")
    cells = res.details["goodnessOfFit"]["cells"]
    assert len(cells) == 3 * (len(all_histories(3)))
    assert cells[0]["cell"] == "A+B+C, year=2019"

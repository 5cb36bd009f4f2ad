"""LCMCR (Manrique-Vallier 2016): reproducible chains, R's posterior within our seed spread,
diagnostics that flag a chain that has not mixed, and the command line."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from samen.cli import main as samen_main
from samen.mse import estimate
from samen.mse.lcmcr import (
    LcmcrOptions,
    chain_seeds,
    combine_chains,
    effective_sample_size,
    fit_lcmcr,
    run_chain,
    sparkline,
    sparklines,
    split_rhat,
)
from samen.mse.messages import CaptureDataError
from tests.mse.conftest import REFERENCE, load

#: A short run for the tests: 2,000 + 500 x 20 = 12,000 sweeps.
SHORT = LcmcrOptions(burnin=2_000, samples=500, thin=20)

#: R 4.2.2, LCMCR 0.4.14: set.seed(20240101); s <- lcmCR(df, tabular = TRUE, K = 10,
#: a_alpha = 0.25, b_alpha = 0.25, seed = 12345, buffer_size = 10000, thinning = 100);
#: quantile(lcmCR_PostSampl(s, burnin = 10000, samples = 1000, thinning = 100),
#: c(0.5, 0.025, 0.975))  (R-REFERENCE.md)
R_LCMCR = {
    "kosovo_4lists": (10487, 9146, 13281),
    "rome_hiv_4lists": (10882, 9418, 12899),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = samen_main(["mse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_same_seed_same_numbers_and_another_seed_other_numbers() -> None:
    table = load("rome_hiv_4lists")
    first = fit_lcmcr(table, SHORT, seed=7)
    again = fit_lcmcr(table, SHORT, seed=7)
    other = fit_lcmcr(table, SHORT, seed=8)
    assert np.array_equal(first.draws, again.draws)
    assert (first.median, first.interval) == (again.median, again.interval)
    assert not np.array_equal(first.draws, other.draws)
    assert first.draws.shape == (1, 500) and first.draws.min() >= table.observed


def test_chains_are_the_same_in_worker_processes_and_one_by_one() -> None:
    table = load("artificial_3lists")
    opts = LcmcrOptions(burnin=500, samples=200, thin=5, chains=3)
    seeds = chain_seeds(3, 3)
    assert seeds[0] == 3 and len(set(seeds)) == 3
    pooled = fit_lcmcr(table, opts, seed=3, n_jobs=2)
    alone = [run_chain(table, opts, s) for s in reversed(seeds)]  # any order of completion
    combined = combine_chains(table, opts, 3, alone)
    assert np.array_equal(pooled.draws, combined.draws)
    assert pooled.draws.shape == (3, 200)
    assert math.isfinite(pooled.rhat) and math.isfinite(pooled.ess)


@pytest.mark.parametrize("name", sorted(R_LCMCR))
def test_r_posterior_lies_within_our_seed_to_seed_spread(name: str) -> None:
    """Six short chains: R's median and limits fall inside the range of ours (widened by
    the Monte Carlo error of a short run, a quarter of the seed-to-seed spread)."""
    table = load(name)
    fits = [fit_lcmcr(table, SHORT, seed=seed) for seed in range(1, 7)]
    ours = np.array([[f.median, *f.interval] for f in fits])
    for column, r_value in enumerate(R_LCMCR[name]):
        low, high = ours[:, column].min(), ours[:, column].max()
        slack = 0.25 * (high - low) + 0.02 * r_value
        assert low - slack <= r_value <= high + slack, (name, column, ours[:, column], r_value)


def test_rhat_and_ess_on_draws_with_known_answers() -> None:
    rng = np.random.default_rng(1)
    iid = rng.normal(size=(4, 1000))
    assert split_rhat(iid) == pytest.approx(1.0, abs=0.01)
    assert 3000 < effective_sample_size(iid) < 5000
    apart = iid + np.array([[0.0], [0.0], [0.0], [3.0]])
    assert split_rhat(apart) > 1.3
    # AR(1) with phi 0.9: ESS about n (1 - phi) / (1 + phi), about 1/19 of the draws.
    ar = np.zeros(20_000)
    noise = rng.normal(size=ar.size)
    for t in range(1, ar.size):
        ar[t] = 0.9 * ar[t - 1] + noise[t]
    assert 600 < effective_sample_size(ar) < 1600
    trend = np.linspace(0, 1, 1000)  # a chain still drifting
    assert split_rhat(trend) > 1.1
    assert math.isnan(split_rhat(np.ones(100)))


def test_a_chain_that_has_not_mixed_carries_a_coded_warning() -> None:
    short = LcmcrOptions(burnin=0, samples=60, thin=1)
    res = estimate(load("uk2013_5lists"), "lcmcr", seed=2, lcmcr=short)
    codes = {w.code for w in res.warnings}
    assert "mcmc_low_ess" in codes
    assert res.details["ess"] < 400
    long = estimate(load("rome_hiv_4lists"), "lcmcr", seed=2)
    assert not {"mcmc_low_ess", "mcmc_rhat_high"} & {w.code for w in long.warnings}


def test_options_are_checked_before_any_work() -> None:
    with pytest.raises(CaptureDataError) as caught:
        estimate(load("kosovo_4lists"), "sparsemse", lcmcr=LcmcrOptions(k=5))
    assert caught.value.code == "lcmcr_options_only"
    with pytest.raises(CaptureDataError) as caught:
        estimate(load("kosovo_4lists"), "lcmcr", lcmcr=LcmcrOptions(thin=0))
    assert caught.value.code == "option_range" and "--thin" in str(caught.value)


def test_sparkline_follows_the_draws() -> None:
    assert sparkline(np.arange(8), width=8) == "▁▂▃▄▅▆▇█"
    assert sparkline(np.ones(5)) == "▁▁▁▁▁"
    low, high = sparklines(np.array([[1, 1, 1, 1], [9, 9, 9, 9]]), width=4)
    assert (low, high) == ("▁▁▁▁", "████")  # one scale for all chains


def test_cli_kosovo_prints_a_median_near_r(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's done-when: R's 10,487 (9,146-13,281) within Monte Carlo error."""
    f = str(REFERENCE / "kosovo_4lists.csv")
    code, out, _ = run(capsys, "estimate", f, "--method", "lcmcr", "--seed", "1")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("Estimated total:"))
    median = float(line.split()[2].replace(",", ""))
    assert 10487 * 0.95 < median < 10487 * 1.05, out
    assert "Bayesian latent-class model (LCMCR" in out
    assert "10,000 burn-in + 1,000 draws x thinning 100 (seed 1" in out
    assert "effective sample size of N" in out and "split R-hat" in out
    assert "Trace 1:" in out


def test_cli_chains_json_and_trace(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = str(REFERENCE / "artificial_3lists.csv")
    trace = tmp_path / "trace.csv"
    args = ("--method", "lcmcr", "--seed", "4", "--chains", "2", "--burnin", "200")
    more = ("--samples", "100", "--thin", "5", "--lcmcr-k", "5", "--jobs", "1")
    code, out, _ = run(capsys, "estimate", f, *args, *more, "--json", "--trace", str(trace))
    assert code == 0
    data = json.loads(out)
    d = data["details"]
    assert (d["chains"], d["classes"], d["samples"], d["thin"]) == (2, 5, 100, 5)
    assert len(d["draws"]) == 2 and len(d["chainSeeds"]) == 2
    assert data["ciLower"] <= data["estimate"] <= data["ciUpper"]
    with trace.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200 and rows[0].keys() == {"chain", "draw", "N"}
    assert [int(r["N"]) for r in rows[:100]] == d["draws"][0]
    code, out, _ = run(capsys, "estimate", f, *args, *more)
    assert out.count("Trace ") == 2


def test_cli_refuses_lcmcr_options_with_another_method(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = str(REFERENCE / "kosovo_4lists.csv")
    code, _, err = run(capsys, "estimate", f, "--method", "loglinear", "--chains", "2")
    assert code == 2 and "apply to --method lcmcr, not loglinear" in err
    code, _, err = run(capsys, "estimate", f, "--trace", str(tmp_path / "t.csv"))
    assert code == 2 and "--trace saves the draws of --method lcmcr" in err


def test_lists_that_never_overlap_give_a_flagged_result_not_a_crash() -> None:
    """No overlap: the data cannot bound N; the result says so instead of failing."""
    from samen.mse.table import CaptureTable

    short = LcmcrOptions(burnin=1_000, samples=200, thin=10)
    tab = CaptureTable.from_arrays([(1, 0), (0, 1)], [40, 30])
    res = estimate(tab, "lcmcr", seed=1, lcmcr=short)
    assert res.ci_lower <= res.estimate <= res.ci_upper and res.estimate >= 70
    assert "no_overlap_at_all" in {w.code for w in res.warnings}
    json.dumps(res.to_json(), allow_nan=False)

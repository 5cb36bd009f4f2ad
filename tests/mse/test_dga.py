"""samen.mse.dga against R's dga 2.0.2, against closed forms, and on bad input."""

from __future__ import annotations

import csv
import json
import os
import warnings
from collections.abc import Callable
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import gammaln

from samen.mse.dga import DgaGridWarning, DgaResult, bma_cr
from tests.mse.conftest import REFERENCE
from tests.mse.results.dga_reference import DGA_REFERENCE, DgaReference

REFERENCE_DIR = Path(os.environ.get("SAMEN_MSE_REFERENCE", REFERENCE))

# Madigan & York (1997), the 3-list example on dga's help page.
MY_HISTORIES = np.array(
    [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]]
)
MY_COUNTS = np.array([60, 49, 4, 247, 112, 142, 12])


@cache
def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    with (REFERENCE_DIR / f"{name}.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    table = np.array(rows[1:], dtype=np.int64)
    return table[:, :-1], table[:, -1]


def run(*args: Any, **kwargs: Any) -> tuple[DgaResult, list[str]]:
    """bma_cr, with the grid warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DgaGridWarning)
        result = bma_cr(*args, **kwargs)
    return result, [str(w.message) for w in caught if w.category is DgaGridWarning]


@cache
def on_r_grid(name: str) -> tuple[DgaResult, list[str]]:
    reference = next(r for r in DGA_REFERENCE if r.name == name)
    histories, counts = load(name)
    grid = np.arange(1, reference.nmax + 1, reference.step)
    return run(histories, counts, n_missing=grid, delta=2.0**-reference.lists)


def assert_matches_r(result: DgaResult, reference: DgaReference) -> None:
    assert result.observed == reference.observed
    for ours, theirs, what in (
        (result.median, reference.median, "median"),
        (result.ci_lower, reference.lower, "2.5% limit"),
        (result.ci_upper, reference.upper, "97.5% limit"),
    ):
        assert abs(ours - theirs) <= reference.step, f"{what}: {ours} vs R {theirs}"
    assert round(result.mean) == reference.mean, f"mean {result.mean} vs R {reference.mean}"
    assert round(result.top_model_weight, 3) == reference.top_model_weight
    assert float(f"{result.tail_mass:.1e}") == reference.tail_mass


@pytest.mark.parametrize("reference", DGA_REFERENCE, ids=lambda r: r.name)
def test_matches_r_on_the_same_grid(reference: DgaReference) -> None:
    result, _ = on_r_grid(reference.name)
    assert_matches_r(result, reference)
    assert len(result.graphs) == {3: 8, 4: 61, 5: 822}[reference.lists]
    assert result.to_dict()["estimate"] == reference.median


@pytest.mark.parametrize("reference", DGA_REFERENCE, ids=lambda r: r.name)
def test_posterior_and_model_weights_are_distributions(reference: DgaReference) -> None:
    result, _ = on_r_grid(reference.name)
    assert result.posterior.shape == result.n_missing.shape
    assert np.all(result.posterior >= 0)
    assert result.posterior.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.model_weights.shape == (len(result.graphs),)
    assert result.model_weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.top_model_weight == result.model_weights.max()
    with pytest.raises(ValueError, match="read-only"):
        result.posterior[0] = 1.0


def test_sparse_artificial_set_warns_that_the_grid_start_cuts_off_mass() -> None:
    # Only the 3-list artificial set puts visible mass at n_missing = 1 (R's grid start).
    for reference in DGA_REFERENCE:
        result, caught = on_r_grid(reference.name)
        if reference.name == "artificial_3lists":
            assert len(caught) == 1
            assert "first grid value (n_missing = 1)" in caught[0]
            assert "starts at 0" in caught[0]
            assert result.warnings == tuple(caught)
        else:
            assert caught == []
            assert result.warnings == ()
    histories, counts = load("artificial_3lists")
    from_zero, caught = run(histories, counts, n_missing=np.arange(0, 50_001))
    assert caught == []
    assert from_zero.ci_lower <= 98


@pytest.mark.parametrize("reference", DGA_REFERENCE, ids=lambda r: r.name)
def test_automatic_grid_gives_rs_answer(reference: DgaReference) -> None:
    histories, counts = load(reference.name)
    result, _ = run(histories, counts)
    assert result.tail_mass < 1e-3
    assert result.n_missing[0] == 1
    assert np.all(np.diff(result.n_missing) == 1)
    assert abs(result.median - reference.median) <= 1
    assert abs(result.ci_lower - reference.lower) <= 1
    assert abs(result.ci_upper - reference.upper) <= 1
    assert round(result.mean) == reference.mean


def dirichlet_multinomial(table: np.ndarray, alpha: float) -> float:
    """log P(table) for a multinomial with a symmetric Dirichlet(alpha) prior, per sequence."""
    total_alpha = alpha * table.size
    return float(
        gammaln(total_alpha)
        - gammaln(table.sum() + total_alpha)
        + np.sum(gammaln(table + alpha) - gammaln(alpha))
    )


def test_three_lists_match_closed_form_marginal_likelihoods() -> None:
    """Every 3-list graph written out by hand from the full 2x2x2 table (Madigan & York 1997)."""
    delta = 0.125
    grid = np.arange(0, 1501)
    result, _ = run(MY_HISTORIES, MY_COUNTS, n_missing=grid)
    n = MY_COUNTS.sum()

    def log_ml(edges: frozenset[tuple[int, int]], table: np.ndarray) -> float:
        def margin(*keep: int) -> float:
            drop = tuple(axis for axis in range(3) if axis not in keep)
            return dirichlet_multinomial(table.sum(axis=drop), delta * 2 ** (3 - len(keep)))

        if len(edges) == 0:  # independence: three beta-binomials
            return margin(0) + margin(1) + margin(2)
        if len(edges) == 3:  # saturated: one Dirichlet-multinomial on eight cells
            return margin(0, 1, 2)
        if len(edges) == 1:
            (i, j) = next(iter(edges))
            (k,) = {0, 1, 2} - {i, j}
            return margin(i, j) + margin(k)
        (centre,) = set.intersection(*(set(e) for e in edges))
        (a, b) = sorted({0, 1, 2} - {centre})
        return margin(*sorted((a, centre))) + margin(*sorted((b, centre))) - margin(centre)

    graphs = [
        frozenset(e) for size in range(4) for e in combinations(combinations(range(3), 2), size)
    ]
    log_post = np.empty((len(graphs), grid.size))
    for column, m in enumerate(grid):
        table = np.zeros((2, 2, 2))
        table[0, 0, 0] = m
        for history, count in zip(MY_HISTORIES, MY_COUNTS, strict=True):
            table[tuple(history)] = count
        big_n = n + m
        multinomial = gammaln(big_n + 1) - gammaln(m + 1) - np.sum(gammaln(MY_COUNTS + 1))
        for row, edges in enumerate(graphs):
            log_post[row, column] = log_ml(edges, table) + multinomial - np.log(big_n)
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()

    assert_allclose(result.posterior, weights.sum(axis=0), rtol=1e-9, atol=1e-300)
    by_edges = dict(zip((frozenset(g) for g in result.graphs), result.model_weights, strict=True))
    assert set(by_edges) == set(graphs)
    for row, edges in enumerate(graphs):
        assert by_edges[edges] == pytest.approx(weights[row].sum(), rel=1e-9)


def test_list_order_does_not_change_the_estimate() -> None:
    histories, counts = load("western_us_5lists")
    grid = np.arange(1, 8_001)
    base, _ = run(histories, counts, n_missing=grid)
    order = [3, 0, 4, 2, 1]  # new column k holds old list order[k]
    permuted, _ = run(histories[:, order], counts, n_missing=grid)
    assert_allclose(permuted.posterior, base.posterior, rtol=1e-9, atol=1e-300)
    assert (permuted.median, permuted.ci_lower, permuted.ci_upper) == (
        base.median,
        base.ci_lower,
        base.ci_upper,
    )
    new_index = {old: new for new, old in enumerate(order)}

    def relabel(edges: tuple[tuple[int, int], ...]) -> frozenset[tuple[int, int]]:
        mapped = ((new_index[i], new_index[j]) for i, j in edges)
        return frozenset((min(a, b), max(a, b)) for a, b in mapped)

    permuted_weights = dict(
        zip(map(frozenset, permuted.graphs), permuted.model_weights, strict=True)
    )
    for edges, weight in zip(base.graphs, base.model_weights, strict=True):
        assert permuted_weights[relabel(edges)] == pytest.approx(weight, rel=1e-8, abs=1e-300)
    assert relabel(base.top_model) == frozenset(permuted.top_model)


def test_row_order_does_not_change_the_estimate() -> None:
    histories, counts = load("kosovo_4lists")
    grid = np.arange(1, 30_001)
    base, _ = run(histories, counts, n_missing=grid)
    shuffled = np.random.default_rng(7).permutation(len(counts))
    again, _ = run(histories[shuffled], counts[shuffled], n_missing=grid)
    assert_allclose(again.posterior, base.posterior, rtol=1e-12, atol=1e-300)
    assert_allclose(again.model_weights, base.model_weights, rtol=1e-12, atol=1e-300)


def test_default_delta_is_two_to_the_minus_p_and_delta_matters() -> None:
    histories, counts = load("rome_hiv_4lists")
    grid = np.arange(1, 40_001)
    default, _ = run(histories, counts, n_missing=grid)
    explicit, _ = run(histories, counts, n_missing=grid, delta=1 / 16)
    assert default.delta == 1 / 16
    assert_allclose(default.posterior, explicit.posterior, rtol=1e-12, atol=1e-300)
    heavier, _ = run(histories, counts, n_missing=grid, delta=1.0)
    assert heavier.delta == 1.0
    assert heavier.median != default.median


def test_prior_on_n_is_used() -> None:
    grid = np.arange(0, 3_001)
    default, _ = run(MY_HISTORIES, MY_COUNTS, n_missing=grid)
    explicit, _ = run(MY_HISTORIES, MY_COUNTS, n_missing=grid, log_prior_n=lambda n: -np.log(n))
    assert_allclose(explicit.posterior, default.posterior, rtol=1e-12, atol=1e-300)

    cap = 700  # a prior that rules out N > 700 leaves no posterior mass there
    capped, _ = run(
        MY_HISTORIES,
        MY_COUNTS,
        n_missing=grid,
        log_prior_n=lambda n: np.where(n <= cap, -np.log(n), -np.inf),
    )
    sizes = grid + MY_COUNTS.sum()
    assert capped.posterior[sizes > cap].sum() == 0.0
    assert capped.ci_upper <= cap


def test_level_sets_the_interval() -> None:
    histories, counts = load("rome_hiv_4lists")
    grid = np.arange(1, 40_001)
    wide, _ = run(histories, counts, n_missing=grid, level=0.95)
    narrow, _ = run(histories, counts, n_missing=grid, level=0.8)
    assert narrow.level == 0.8
    assert wide.ci_lower < narrow.ci_lower < narrow.median < narrow.ci_upper < wide.ci_upper
    cdf = np.cumsum(narrow.posterior)
    sizes = narrow.n_missing + narrow.observed
    # The lower limit is the first N whose cumulative probability exceeds 0.1.
    first = int(np.flatnonzero(sizes == narrow.ci_lower)[0])
    assert cdf[first] > 0.1 >= cdf[first - 1]


def test_summary_dict_is_json_ready() -> None:
    result, _ = on_r_grid("kosovo_4lists")
    summary = json.loads(json.dumps(result.to_dict()))
    assert summary["method"] == "dga"
    assert summary["estimate"] == result.median == 12_595
    assert summary["ciLower"] == result.ci_lower
    assert summary["ciUpper"] == result.ci_upper
    assert summary["level"] == 0.95
    assert summary["observed"] == 4_400
    assert summary["unobserved"] == 12_595 - 4_400
    assert summary["posteriorMean"] == pytest.approx(result.mean)
    assert summary["topModelWeight"] == result.top_model_weight
    assert summary["tailMass"] == result.tail_mass
    assert summary["warnings"] == []
    assert summary["topModel"] == [list(edge) for edge in result.top_model]


def test_short_grid_is_flagged() -> None:
    histories, counts = load("kosovo_4lists")
    result, caught = run(histories, counts, n_missing=np.arange(1, 10_001))
    assert result.tail_mass > 0.1
    assert len(caught) == 1
    assert "stops too early" in caught[0]
    assert result.warnings == tuple(caught)


def test_automatic_grid_widens_until_the_tail_is_small() -> None:
    # Three big lists that barely overlap: N is far beyond 20 x observed.
    counts = np.array([2000, 2000, 3, 2000, 3, 3, 0])
    observed = int(counts.sum())
    first_try, _ = run(MY_HISTORIES, counts, n_missing=np.arange(1, 20 * observed + 1))
    assert first_try.tail_mass >= 1e-3
    result, _ = run(MY_HISTORIES, counts)
    assert result.n_missing[-1] > 20 * observed
    assert result.tail_mass < 1e-3
    assert result.ci_upper > first_try.ci_upper


def test_automatic_grid_says_when_the_tail_cannot_be_controlled() -> None:
    # A flat prior on N with the sparse artificial table: the posterior is not integrable.
    histories, counts = load("artificial_3lists")
    result, caught = run(histories, counts, log_prior_n=np.zeros_like)
    assert result.tail_mass >= 1e-3
    assert any("could not be brought below 0.001" in message for message in caught)
    assert result.warnings == tuple(caught)


H3 = MY_HISTORIES
C3 = MY_COUNTS
BAD_INPUT: list[tuple[str, Callable[[], object], str]] = [
    ("two lists", lambda: bma_cr(np.array([[1, 0], [0, 1], [1, 1]]), np.ones(3)), "3 to 5 lists"),
    ("six lists", lambda: bma_cr(np.eye(6, dtype=int), np.ones(6)), "this table has 6"),
    ("1-D histories", lambda: bma_cr(np.array([1, 0, 1]), np.ones(1)), "2-d array"),
    ("no rows", lambda: bma_cr(np.zeros((0, 3)), np.zeros(0)), "no rows"),
    (
        "all-zero row",
        lambda: bma_cr(np.vstack([H3[:2], [[0, 0, 0]]]), np.array([1, 2, 3])),
        r"histories\[2\] is all zeros",
    ),
    (
        "repeated row",
        lambda: bma_cr(np.vstack([H3, H3[1:2]]), np.append(C3, 5)),
        r"histories\[7\] repeats histories\[1\]",
    ),
    ("not 0/1", lambda: bma_cr(np.array([[1, 0, 2]]), np.array([1])), r"histories\[0, 2\] is 2"),
    ("negative count", lambda: bma_cr(H3, np.append(C3[:-1], -1)), r"counts\[6\] is -1"),
    ("fractional count", lambda: bma_cr(H3, C3 + 0.5), r"counts\[0\] is 60.5"),
    ("wrong count length", lambda: bma_cr(H3, C3[:-1]), "counts has 6 values; expected 7"),
    ("no cases", lambda: bma_cr(H3, np.zeros(7)), "all counts are zero"),
    ("negative grid", lambda: bma_cr(H3, C3, n_missing=np.array([-1, 0, 1])), r"n_missing\[0\]"),
    (
        "unsorted grid",
        lambda: bma_cr(H3, C3, n_missing=np.array([5, 3, 10])),
        r"n_missing\[1\] = 3 does not exceed",
    ),
    ("empty grid", lambda: bma_cr(H3, C3, n_missing=np.array([])), "non-empty 1-D"),
    ("zero delta", lambda: bma_cr(H3, C3, n_missing=np.arange(5), delta=0.0), "delta"),
    ("level 1", lambda: bma_cr(H3, C3, n_missing=np.arange(5), level=1.0), "level"),
    (
        "prior of wrong shape",
        lambda: bma_cr(H3, C3, n_missing=np.arange(5), log_prior_n=lambda n: n[:2]),
        "log_prior_n returned shape",
    ),
    (
        "prior with NaN",
        lambda: bma_cr(H3, C3, n_missing=np.arange(5), log_prior_n=lambda n: n * np.nan),
        "NaN",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_is_refused_with_a_clear_message(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call()

"""Log-linear models with categorical covariates (the Dutch approach).

Cruyff, van Dijk & van der Heijden (2017) estimate the hidden number of
victims with log-linear models in which categorical covariates (year,
exploitation form, age group, sex, nationality) enter as main effects and in
interaction with the lists. The table is then a cross of the observable
histories with every covariate cell, and the unobserved count is estimated
per covariate cell and summed.

Terms are written like the lists' pairs: ``LA:NG`` (two lists), ``P:year``
(list P differs by year), ``year:sex`` (two covariates). Covariate main effects
are always in the model, so each cell gets its own unobserved count.
Intervals are Wald intervals on the log of the unobserved count of a level
(delta method over its cells); they assume the model is right.

References
----------
Cruyff, M., van Dijk, J. & van der Heijden, P. G. M. (2017). The challenge of
counting victims of human trafficking: not on the record. *CHANCE* 30(3),
41-49. doi:10.1080/09332480.2017.1383113
van der Heijden, P. G. M., Whittaker, J., Cruyff, M., Bakker, B. & van der
Vliet, R. (2012). People born in the Middle East but residing in the
Netherlands: invariant population size estimates and the role of active and
passive covariates. *Ann. Appl. Stat.* 6(3), 831-852. doi:10.1214/12-AOAS536
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from samen.mse.design import FloatArray, IntArray, all_histories, history_codes
from samen.mse.glm import PoissonFit, fit_poisson
from samen.mse.messages import CaptureDataError
from samen.mse.table import CaptureTable


@dataclass(frozen=True)
class LevelEstimate:
    """Estimate for one covariate level (or the total when ``level`` is ``None``)."""

    covariate: str | None
    level: str | None
    observed: int
    estimate: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class CovariateFit:
    """A fitted covariate model.

    Attributes
    ----------
    terms : tuple of str
        Interaction terms in the model.
    total : LevelEstimate
        Sum over all covariate cells.
    by_level : tuple of LevelEstimate
        One row per level of each covariate.
    fit : PoissonFit
        The Poisson GLM over (covariate cell x history).
    aic, bic : float
    """

    terms: tuple[str, ...]
    total: LevelEstimate
    by_level: tuple[LevelEstimate, ...]
    fit: PoissonFit
    aic: float
    bic: float
    level: float


def _dummies(values: Sequence[str], levels: Sequence[str]) -> FloatArray:
    """Treatment coding, the first (sorted) level as reference."""
    arr = np.asarray(values)
    return (
        np.column_stack([(arr == lv).astype(float) for lv in levels[1:]])
        if len(levels) > 1
        else np.zeros((len(arr), 0))
    )


def fit_covariate_model(
    table: CaptureTable, terms: Sequence[str] = (), level: float = 0.95
) -> CovariateFit:
    """Fit a log-linear model with covariates and estimate per level and in total.

    Parameters
    ----------
    table : CaptureTable
        With at least one covariate column.
    terms : sequence of str
        Interactions: ``list:list``, ``list:covariate`` or ``covariate:covariate``.
    level : float
        Level of the Wald intervals.

    Raises
    ------
    CaptureDataError
        For an unknown name in a term or a table without covariates.
    """
    if not table.covariates:
        raise CaptureDataError("no_covariates")
    k = table.k
    hist = all_histories(k)
    levels = {c: sorted(set(table.levels[:, j].tolist())) for j, c in enumerate(table.covariates)}
    cells = list(itertools.product(*(levels[c] for c in table.covariates)))
    # rows: every cell crossed with every history, plus the unobserved history
    cell_idx = np.repeat(np.arange(len(cells)), hist.shape[0] + 1)
    h_all = np.vstack([np.vstack([hist, np.zeros((1, k), dtype=np.int64)])] * len(cells))
    unobs = np.tile(np.r_[np.zeros(hist.shape[0], dtype=bool), True], len(cells))
    y = np.zeros(h_all.shape[0])
    pos = {
        (int(ci), int(code)): r
        for r, (ci, code) in enumerate(zip(cell_idx, history_codes(h_all), strict=True))
    }
    cell_of = {cell: i for i, cell in enumerate(cells)}
    for row, n in zip(range(table.histories.shape[0]), table.counts, strict=True):
        ci = cell_of[tuple(table.levels[row].tolist())]
        y[pos[(ci, int(history_codes(table.histories[row : row + 1])[0]))]] += n
    cov_vals = {c: [cells[i][j] for i in cell_idx] for j, c in enumerate(table.covariates)}
    dummies = {c: _dummies(cov_vals[c], levels[c]) for c in table.covariates}
    cols = [np.ones(h_all.shape[0]), *h_all.T.astype(float)]
    cols += [dummies[c] for c in table.covariates]
    names = list(table.lists)
    clean_terms: list[str] = []
    for term in terms:
        parts = [p.strip() for p in term.split(":")]
        if len(parts) != 2 or parts[0] == parts[1]:
            raise CaptureDataError("term_format", term=term)
        for p in parts:
            if p not in names and p not in table.covariates:
                raise CaptureDataError(
                    "term_unknown_name",
                    term=term,
                    name=p,
                    lists=", ".join(names),
                    covariates=", ".join(table.covariates),
                )
        clean_terms.append(":".join(parts))
        blocks = []
        for p in parts:
            blocks.append(
                h_all[:, names.index(p)][:, None].astype(float) if p in names else dummies[p]
            )
        cols.append(np.einsum("ni,nj->nij", blocks[0], blocks[1]).reshape(h_all.shape[0], -1))
    x = np.column_stack(cols)
    obs = ~unobs
    fit = fit_poisson(x[obs], y[obs])
    beta = np.nan_to_num(fit.coef)
    cov = np.nan_to_num(fit.cov_unscaled)
    x0 = x[unobs]
    dark = np.exp(x0 @ beta)
    z = float(norm.ppf(0.5 + level / 2.0))
    obs_per_cell = np.bincount(cell_idx[obs], weights=y[obs], minlength=len(cells))

    def summarise(cov_name: str | None, lv: str | None, sel: np.ndarray) -> LevelEstimate:
        d = float(dark[sel].sum())
        grad = (dark[sel][:, None] * x0[sel]).sum(axis=0)
        se_log = math.sqrt(max(float(grad @ cov @ grad), 0.0)) / d if d > 0 else math.nan
        n_obs = int(obs_per_cell[sel].sum())
        return LevelEstimate(
            cov_name,
            lv,
            n_obs,
            n_obs + d,
            n_obs + d * math.exp(-z * se_log),
            n_obs + d * math.exp(z * se_log),
        )

    rows = []
    for j, c in enumerate(table.covariates):
        for lv in levels[c]:
            sel = np.array([cell[j] == lv for cell in cells])
            rows.append(summarise(c, lv, sel))
    total = summarise(None, None, np.ones(len(cells), dtype=bool))
    n = float(y.sum())
    return CovariateFit(
        terms=tuple(clean_terms),
        total=total,
        by_level=tuple(rows),
        fit=fit,
        aic=fit.aic,
        bic=fit.aic + (math.log(n) - 2.0) * fit.rank,
        level=level,
    )


def simulate_covariate_population(
    rng: np.random.Generator,
    sizes: dict[str, int],
    probs: dict[str, Sequence[float]],
    lists: Sequence[str] = ("A", "B", "C"),
) -> tuple[CaptureTable, IntArray]:
    """Simulate independent lists whose capture probabilities depend on one covariate.

    Parameters
    ----------
    sizes : dict
        True population size per level of the covariate ``group``.
    probs : dict
        Capture probability of each list per level.

    Returns
    -------
    table : CaptureTable
        Observed histories with covariate ``group``.
    truth : ndarray
        True sizes in the order of ``sorted(sizes)``.
    """
    hist_rows: list[list[int]] = []
    counts: list[int] = []
    lev: list[list[str]] = []
    k = len(lists)
    for level in sorted(sizes):
        caught = rng.random((sizes[level], k)) < np.asarray(probs[level])[None, :]
        seen = caught[caught.any(axis=1)].astype(np.int64)
        codes, n = np.unique(history_codes(seen), return_counts=True)
        for code, cnt in zip(codes, n, strict=True):
            hist_rows.append([(int(code) >> (k - 1 - i)) & 1 for i in range(k)])
            counts.append(int(cnt))
            lev.append([level])
    table = CaptureTable(
        tuple(lists),
        np.array(hist_rows, dtype=np.int64),
        np.array(counts, dtype=np.int64),
        ("group",),
        np.array(lev, dtype=str),
    )
    return table, np.array([sizes[lv] for lv in sorted(sizes)])

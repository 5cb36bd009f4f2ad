"""Model search over hierarchical log-linear models with two-list terms.

Exhaustive search (Rcapture's ``closedpMS.t(maxorder = 2)``): every subset of
the ``k(k-1)/2`` two-list terms, main effects forced, fitted on the complete
table and ranked by AIC or BIC. For 6 lists that is 32,768 models; they are
fitted as one family by :func:`samen.mse.family.fit_indicator_family` (the
IRLS of R's ``glm`` on shared marginal sums). Beyond 6 lists the number of
models explodes and a stepwise search is used.

References
----------
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np
from numpy.typing import NDArray

from samen.mse._parallel import available_cpus, process_pool
from samen.mse.design import (
    IntArray,
    Pair,
    all_histories,
    all_pairs,
    loglinear_design,
)
from samen.mse.family import column_codes, fit_indicator_family
from samen.mse.glm import RCAPTURE_MAXIT, BatchFit, fit_poisson_batch
from samen.mse.messages import CaptureDataError

#: Largest number of lists searched exhaustively (2^15 = 32,768 models).
MAX_EXHAUSTIVE_LISTS = 6
CRITERIA = ("aic", "bic")


@dataclass(frozen=True)
class SearchedModel:
    """One model of a search, as a row of ``closedpMS.t``'s table.

    Attributes
    ----------
    pairs : tuple of (int, int)
        Two-list terms (0-based list indices).
    name : str
        Rcapture's name, e.g. ``[12,13,25]``.
    abundance, stderr : float
        Poisson estimate ``n + exp(b0)`` and its standard error.
    deviance, aic, bic : float
    df : int
    converged : bool
        ``False`` when IRLS hit ``maxit`` (Rcapture's ``infoFit`` would flag it).
    """

    pairs: tuple[Pair, ...]
    name: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool

    def criterion(self, which: str) -> float:
        """The value of ``"aic"`` or ``"bic"``."""
        return self.aic if which == "aic" else self.bic


@dataclass(frozen=True)
class SearchResult:
    """All models examined, best first by the chosen criterion."""

    criterion: str
    method: str  # "exhaustive" or "stepwise"
    models: tuple[SearchedModel, ...]

    @property
    def best(self) -> SearchedModel:
        """The model with the smallest criterion."""
        return self.models[0]

    def ranked(self, criterion: str) -> SearchResult:
        """The same models ranked by another criterion (no refitting)."""
        _check_criterion(criterion)
        return _ranked(self.models, criterion, self.method)


#: Below this many models a second process costs more than it saves.
PARALLEL_MIN_MODELS = 4096

#: How the models of a search are fitted: ``family`` (the default) on shared
#: marginal sums, ``rows`` by the earlier batched IRLS on the design rows
#: (:func:`samen.mse.glm.fit_poisson_batch`), kept as the benchmark's baseline.
ENGINES = ("family", "rows")


def default_jobs() -> int:
    """Worker processes for the search: the CPUs this process may use."""
    return available_cpus()


def _batch(k: int, y: NDArray[np.float64], masks: NDArray[np.bool_], engine: str) -> BatchFit:
    pairs = all_pairs(k)
    if engine == "family":
        return fit_indicator_family(y, k, column_codes(k, pairs), masks, maxit=RCAPTURE_MAXIT)
    x = loglinear_design(all_histories(k), pairs)
    return fit_poisson_batch(x, y, masks, maxit=RCAPTURE_MAXIT)


def _fit_masks(
    counts: IntArray, k: int, masks: NDArray[np.bool_], n_jobs: int = 1, engine: str = "family"
) -> list[SearchedModel]:
    pairs = all_pairs(k)
    y = counts.astype(float)
    n = float(counts.sum())
    full = np.ones((masks.shape[0], 1 + k), dtype=bool)
    allmask = np.column_stack([full, masks])
    if n_jobs > 1 and masks.shape[0] >= PARALLEL_MIN_MODELS:
        parts = np.array_split(allmask, n_jobs)
        with process_pool(n_jobs) as pool:
            fits = list(pool.map(_batch, [k] * n_jobs, [y] * n_jobs, parts, [engine] * n_jobs))
        fit = BatchFit(
            coef=np.concatenate([f.coef for f in fits]),
            intercept_variance=np.concatenate([f.intercept_variance for f in fits]),
            deviance=np.concatenate([f.deviance for f in fits]),
            aic=np.concatenate([f.aic for f in fits]),
            rank=np.concatenate([f.rank for f in fits]),
            converged=np.concatenate([f.converged for f in fits]),
        )
    else:
        fit = _batch(k, y, allmask, engine)
    with np.errstate(over="ignore", invalid="ignore"):
        unobs = np.exp(fit.coef[:, 0])
        stderr = np.sqrt(unobs + unobs**2 * fit.intercept_variance)
    bic = fit.aic + (math.log(n) - 2.0) * fit.rank
    rows = masks.tolist()
    columns = zip(
        rows,
        _names(masks, pairs, k),
        (n + unobs).tolist(),
        stderr.tolist(),
        fit.deviance.tolist(),
        (y.size - fit.rank).tolist(),
        fit.aic.tolist(),
        bic.tolist(),
        fit.converged.tolist(),
        strict=True,
    )
    return [
        SearchedModel(tuple(compress(pairs, row)), name, a, se, dev, df, aic, b, conv)
        for row, name, a, se, dev, df, aic, b, conv in columns
    ]


def _names(masks: NDArray[np.bool_], pairs: list[Pair], k: int) -> list[str]:
    """:func:`samen.mse.design.rcapture_name` of every model, without a call per model."""
    pair_text = [f"{i + 1}{j + 1}" for i, j in pairs]
    bits = np.array([(1 << i) | (1 << j) for i, j in pairs], dtype=np.int64)
    covered = np.bitwise_or.reduce(np.where(masks, bits, 0), axis=1)
    alone = [[str(i + 1) for i in range(k) if not c >> i & 1] for c in range(2**k)]
    return [
        "[" + ",".join([*compress(pair_text, row), *alone[c]]) + "]"
        for row, c in zip(masks.tolist(), covered.tolist(), strict=True)
    ]


def _check_criterion(criterion: str) -> None:
    if criterion not in CRITERIA:
        raise CaptureDataError(
            "unknown_criterion", allowed=", ".join(CRITERIA), criterion=criterion
        )


def exhaustive_search(
    counts: IntArray,
    k: int,
    criterion: str = "aic",
    n_jobs: int | None = None,
    *,
    engine: str = "family",
) -> SearchResult:
    """Fit every pairwise hierarchical model and rank by ``criterion``.

    Parameters
    ----------
    counts : ndarray
        Counts of all ``2^k - 1`` histories in Rcapture order.
    k : int
        Number of lists, 2 to :data:`MAX_EXHAUSTIVE_LISTS`.
    criterion : {"aic", "bic"}
        BIC is Rcapture's ``AIC + (log n - 2) rank``.
    n_jobs : int, optional
        Worker processes (default: all available CPUs); used from 4,096 models.
    engine : {"family", "rows"}
        How the models are fitted (see :data:`ENGINES`); both give the same
        estimates to rounding and the same ranking.
    """
    _check_criterion(criterion)
    if engine not in ENGINES:
        raise CaptureDataError(
            "option_range", option="engine", expected=" or ".join(ENGINES), value=engine
        )
    if not 2 <= k <= MAX_EXHAUSTIVE_LISTS:
        raise CaptureDataError(
            "lists_out_of_range",
            method="exhaustive search",
            minimum=2,
            maximum=MAX_EXHAUSTIVE_LISTS,
            k=k,
            lists=", ".join(str(i + 1) for i in range(k)),
            alternative="the stepwise search",
        )
    npairs = k * (k - 1) // 2
    if k == 2:
        npairs = 0  # the two-list interaction leaves no degree of freedom for N
    codes = np.arange(2**npairs)
    masks = ((codes[:, None] >> np.arange(npairs)[None, :]) & 1).astype(bool)
    if k == 2:
        masks = np.zeros((1, 1), dtype=bool)
    jobs = default_jobs() if n_jobs is None else n_jobs
    models = _fit_masks(counts, k, masks, jobs, engine)
    return _ranked(models, criterion, "exhaustive")


def _ranked(models: Sequence[SearchedModel], criterion: str, method: str) -> SearchResult:
    key = np.array([m.criterion(criterion) for m in models])
    key = np.where(np.isfinite(key), key, np.inf)
    order = np.argsort(key, kind="stable")
    return SearchResult(criterion, method, tuple(models[i] for i in order))


def stepwise_search(counts: IntArray, k: int, criterion: str = "aic") -> SearchResult:
    """Greedy search by ``criterion`` from the independence model.

    At each step every single addition or removal of a two-list term is fitted
    and the best improvement taken; the search stops when no move improves the
    criterion. Every model fitted is kept in the result.
    """
    _check_criterion(criterion)
    pairs = all_pairs(k)
    current = np.zeros(len(pairs), dtype=bool)
    seen: dict[bytes, SearchedModel] = {}
    best = _fit_masks(counts, k, current[None, :])[0]
    seen[current.tobytes()] = best
    while True:
        cands = []
        for j in range(len(pairs)):
            m = current.copy()
            m[j] = not m[j]
            if m.tobytes() not in seen:
                cands.append(m)
        if not cands:
            break
        fitted = _fit_masks(counts, k, np.array(cands))
        for m, f in zip(cands, fitted, strict=True):
            seen[m.tobytes()] = f
        top = min(fitted, key=lambda f: f.criterion(criterion))
        if not top.criterion(criterion) < best.criterion(criterion):
            break
        best = top
        current = np.array([p in set(top.pairs) for p in pairs])
    return _ranked(list(seen.values()), criterion, "stepwise")


def search_models(
    counts: IntArray, k: int, criterion: str = "aic", n_jobs: int | None = None
) -> SearchResult:
    """Exhaustive search up to 6 lists, stepwise beyond."""
    if k <= MAX_EXHAUSTIVE_LISTS:
        return exhaustive_search(counts, k, criterion, n_jobs)
    return stepwise_search(counts, k, criterion)

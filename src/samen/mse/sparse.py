"""SparseMSE (Chan, Silverman & Vincent): models for sparse lists.

A faithful port of SparseMSE 2.0.1's ``modelfit``, ``checkident``,
``stepwisefit``, ``estimatepopulation.0`` and ``checkallmodels``:

* a two-list term whose lists never overlap has parameter ``-inf``: its cells
  are deleted, the term is dropped from the GLM and the AIC grows by 2;
* ``checkident`` tests existence of the (extended) MLE with the linear
  program of Fienberg & Rinaldo (2012) and identifiability by the rank of
  the design (verdict ``0`` fine, ``1`` no MLE, ``2`` not identifiable, ``3`` both);
* stepwise selection adds, from the main-effects model, the pair with the
  smallest one-sided Poisson tail p-value while it is below ``pthresh``.

References
----------
Chan, L., Silverman, B. W. & Vincent, K. (2021). Multiple systems estimation
for sparse capture data: inferential challenges when there are nonoverlapping
lists. *J. Am. Stat. Assoc.* 116(535), 1297-1306.
doi:10.1080/01621459.2019.1708748
Fienberg, S. E. & Rinaldo, A. (2012). Maximum likelihood estimation in
log-linear models. *Ann. Statist.* 40, 996-1023. doi:10.1214/12-AOS986
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog
from scipy.special import pdtr, pdtrc
from scipy.stats import norm

from samen.mse.design import FloatArray, IntArray, Pair, all_histories, all_pairs
from samen.mse.glm import BoolArray, PoissonFit, fit_poisson
from samen.mse.messages import CaptureDataError

#: SparseMSE's default p-value threshold for stepwise selection.
PTHRESH = 0.02
#: The LP optimum counts as zero below this fraction of the observed total
#: (lpSolve compares with exact zero; HiGHS leaves rounding noise).
LP_ZERO = 1e-9
#: LP solves in this process (a list, so that it can be updated in place).
_LP_CALLS = [0]


@dataclass(frozen=True)
class SparseFit:
    """SparseMSE's ``modelfit`` output.

    Attributes
    ----------
    pairs : tuple of (int, int)
        The requested two-list terms, in the order they were added.
    empty_pairs : tuple of (int, int)
        Requested terms whose lists never overlap (handled as ``-inf``).
    poisspempty : tuple of float
        For each empty term, ``exp(-lambda*)`` with ``lambda*`` the expected
        overlap count from the intercept and the two main effects.
    fit : PoissonFit
        The GLM on the retained cells.
    aic : float
        GLM AIC plus 2 per empty term.
    histories, counts : ndarray
        The retained cells (the GLM's data rows).
    """

    pairs: tuple[Pair, ...]
    empty_pairs: tuple[Pair, ...]
    poisspempty: tuple[float, ...]
    fit: PoissonFit
    aic: float
    histories: IntArray
    counts: IntArray

    @property
    def observed(self) -> int:
        """Observed cases (deleted cells hold none)."""
        return int(self.counts.sum())

    @property
    def estimate(self) -> float:
        """Point estimate ``n + exp(b0)``."""
        return self.observed + math.exp(self.fit.intercept)


def _reduce(
    hist: IntArray, counts: IntArray, pairs: Sequence[Pair]
) -> tuple[IntArray, IntArray, list[Pair], list[Pair]]:
    keep = np.ones(hist.shape[0], dtype=bool)
    filled: list[Pair] = []
    empty: list[Pair] = []
    for i, j in pairs:
        both = (hist[:, i] * hist[:, j]).astype(bool)
        if counts[keep & both].sum() == 0:
            empty.append((i, j))
            keep &= ~both
        else:
            filled.append((i, j))
    return hist[keep], counts[keep], filled, empty


def _design(hist: IntArray, pairs: Sequence[Pair]) -> FloatArray:
    cols = [np.ones(hist.shape[0]), *hist.T.astype(float)]
    cols += [(hist[:, i] * hist[:, j]).astype(float) for i, j in pairs]
    return np.column_stack(cols)


def model_fit(hist: IntArray, counts: IntArray, pairs: Sequence[Pair]) -> SparseFit:
    """Fit main effects plus ``pairs`` with SparseMSE's empty-overlap rules.

    Parameters
    ----------
    hist, counts : ndarray
        The complete table (all ``2^k - 1`` histories, zeros included).
    pairs : sequence of (int, int)
        Two-list terms, 0-based list indices.
    """
    h, c, filled, empty = _reduce(hist, counts, pairs)
    fit = fit_poisson(_design(h, filled), c.astype(float))
    pempty = tuple(
        math.exp(-math.exp(fit.coef[0] + fit.coef[1 + i] + fit.coef[1 + j])) for i, j in empty
    )
    return SparseFit(
        pairs=tuple(pairs),
        empty_pairs=tuple(empty),
        poisspempty=pempty,
        fit=fit,
        aic=fit.aic + 2.0 * len(empty),
        histories=h,
        counts=c,
    )


def _lp_no_mle(amat: FloatArray, tvec: FloatArray) -> bool:
    """Fienberg-Rinaldo LP: True when the optimum ``s*`` is 0 (no MLE)."""
    npar, nobs = amat.shape
    c = np.zeros(nobs + 1)
    c[-1] = -1.0
    a_eq = np.column_stack([amat, np.zeros(npar)])
    a_ub = np.column_stack([-np.eye(nobs), np.ones(nobs)])
    _LP_CALLS[0] += 1
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(nobs), A_eq=a_eq, b_eq=tvec, method="highs")
    if res.status != 0:
        return True
    total = float(tvec[0]) if tvec.size else 1.0
    return bool(-res.fun <= LP_ZERO * max(total, 1.0))


@lru_cache(maxsize=16)
def _histories(k: int) -> IntArray:
    # Built once per process; read-only because it is shared by every check.
    hist = all_histories(k)
    hist.flags.writeable = False
    return hist


def _mle_exists_by_rank(a: FloatArray, positive: BoolArray, rank_a: int) -> bool:
    """Exact shortcut: True proves that the LP optimum ``s*`` is positive.

    The LP of Fienberg & Rinaldo (METHODS.md §2) maximises ``s`` subject to
    ``A'x = t``, ``x_c >= s >= 0``, with ``t = A'y``. Its optimum is positive
    exactly when some ``x > 0`` has ``A'x = t``, i.e. when ``t`` lies in the
    relative interior of the cone spanned by the rows ``a_c`` of ``A``.

    Claim: if the rows of the positive cells ``S`` (``y_c > 0``) span the same
    space as all rows (``rank A_S = rank A``), such an ``x`` exists. Proof: a
    zero cell ``c`` has ``a_c = sum_{s in S} lambda_s a_s`` for some real
    ``lambda``, so ``z^c = e_c - sum_s lambda_s e_s`` satisfies ``A'z^c = 0``.
    Let ``z = sum_{c not in S} z^c``: ``z_c = 1`` on every zero cell and
    ``A'z = 0``. For ``eps > 0`` small enough that ``y_s + eps z_s > 0`` on
    ``S`` (possible as ``y_s > 0`` there), ``x = y + eps z`` is strictly
    positive and ``A'x = A'y = t``; hence ``s* >= min(x) > 0``. (With every
    cell positive, ``S`` is all cells and ``x = y`` itself gives
    ``s* = min y > 0``.) The converse does not hold, so when the ranks
    differ the LP decides.

    The check also builds that ``x`` for the 0/1 vector ``y`` the LP is
    given, verifies ``A'x = t`` and requires ``min(x)`` far above the LP's
    zero threshold, so the shortcut can only say yes where the LP says yes.
    """
    zero = ~positive
    if not zero.any():
        return True  # x = y: s* = min y > 0
    a_pos = a[positive]
    if a_pos.shape[0] == 0 or int(np.linalg.matrix_rank(a_pos)) != rank_a:
        return False
    # lambda for every zero cell at once: A_S' Lambda = A_Z'.
    lam = np.linalg.lstsq(a_pos.T, a[zero].T, rcond=None)[0]
    z_pos = -lam.sum(axis=1)
    neg = float(max(0.0, -float(z_pos.min()))) if z_pos.size else 0.0
    eps = 1.0 if neg == 0.0 else min(1.0, 0.5 / neg)
    x = np.empty(a.shape[0])
    x[positive] = 1.0 + eps * z_pos
    x[zero] = eps
    y = positive.astype(float)
    resid = float(np.abs(a.T @ (x - y)).max())
    return resid <= 1e-9 * max(1.0, float(np.abs(x).max())) and float(x.min()) >= 1e-6


@lru_cache(maxsize=65536)
def _checkident_cached(k: int, support: bytes, pairs: tuple[Pair, ...]) -> int:
    # Existence depends on which cells are positive, not on their values, so
    # the verdict is cached by support pattern (bootstrap replicates share it).
    # The cache is per process (see clear_caches).
    hist = _histories(k)
    counts = np.frombuffer(support, dtype=np.int64).copy()
    h, c, filled, _ = _reduce(hist, counts, pairs)
    a = _design(h, filled)
    rank_a = int(np.linalg.matrix_rank(a))
    rankdef = a.shape[1] - rank_a
    no_mle = not _mle_exists_by_rank(a, c > 0, rank_a) and _lp_no_mle(a.T, a.T @ c.astype(float))
    return int(no_mle) + 2 * int(rankdef > 0)


def clear_caches() -> None:
    """Empty this process's cache of :func:`checkident` verdicts and its LP count."""
    _checkident_cached.cache_clear()
    _LP_CALLS[0] = 0


def check_cache_info() -> tuple[int, int, int]:
    """``(hits, misses, LP solves)`` of this process since the last :func:`clear_caches`."""
    info = _checkident_cached.cache_info()
    return info.hits, info.misses, _LP_CALLS[0]


def checkident(hist: IntArray, counts: IntArray, pairs: Sequence[Pair]) -> int:
    """SparseMSE's ``checkident``: 0 fine, 1 no MLE, 2 not identifiable, 3 both.

    ``hist`` must be the complete table in :func:`all_histories` order.
    The existence LP is solved only when the exact rank shortcut
    (:func:`_mle_exists_by_rank`) cannot prove existence.
    """
    k = hist.shape[1]
    support = (counts > 0).astype(np.int64).tobytes()
    # The verdict does not depend on the order of the terms.
    return _checkident_cached(k, support, tuple(sorted(pairs)))


def poisson_tail_pvalue(nstar: int, pstar: float) -> float:
    """``min(P(X <= n*), P(X >= n*))`` for ``X ~ Poisson(p*)``, not doubled."""
    upper = 1.0 if nstar <= 0 else float(pdtrc(nstar - 1, pstar))
    return min(float(pdtr(nstar, pstar)), upper)


@dataclass(frozen=True)
class StepwiseFit:
    """Result of :func:`stepwise_fit`.

    Attributes
    ----------
    model : SparseFit
        The final model; ``model.pairs`` lists terms in the order added.
    lp_checks : int
        Number of ``checkident`` calls (SparseMSE's "models considered").
    steps : tuple of (pair, p-value)
        Terms added and the p-value at which each entered.
    """

    model: SparseFit
    lp_checks: int
    steps: tuple[tuple[Pair, float], ...]


def stepwise_fit(hist: IntArray, counts: IntArray, pthresh: float = PTHRESH) -> StepwiseFit:
    """SparseMSE's ``stepwisefit``: add pairs by one-sided Poisson p-values.

    For each pair not in the model, ``n*`` is the number of cases on both lists
    and ``p*`` its expectation under the current model (over the current data
    rows); the p-value is ``min(P(X <= n*), P(X >= n*))`` for ``X ~ Pois(p*)``.
    A pair whose augmented model fails :func:`checkident` gets p = 1. The
    smallest p-value (lowest index on ties) enters while it is below
    ``pthresh``.

    Parameters
    ----------
    hist, counts : ndarray
        The complete table in :func:`all_histories` order.
    pthresh : float
        0 returns the main-effects model; 1 the all-pairs model when it passes
        :func:`checkident`.
    """
    if not 0.0 <= pthresh <= 1.0:
        raise CaptureDataError(
            "option_range", option="pthresh", expected="between 0 and 1", value=pthresh
        )
    k = hist.shape[1]
    pairs = all_pairs(k)
    if pthresh == 1 and checkident(hist, counts, pairs) == 0:
        return StepwiseFit(model_fit(hist, counts, pairs), 1, ())
    current = model_fit(hist, counts, [])
    if pthresh == 0:
        return StepwiseFit(current, 0, ())
    nstar = np.array([int(counts[(hist[:, i] * hist[:, j]).astype(bool)].sum()) for i, j in pairs])
    included = np.zeros(len(pairs), dtype=bool)
    chosen: list[Pair] = []
    steps: list[tuple[Pair, float]] = []
    checks = 0
    for _ in range(len(pairs)):
        mu = current.fit.fitted
        h0 = current.histories
        pval = np.ones(len(pairs))
        for j, (a, b) in enumerate(pairs):
            if included[j]:
                continue
            pstar = float(np.sum(mu * h0[:, a] * h0[:, b]))
            pval[j] = poisson_tail_pvalue(int(nstar[j]), pstar)
            checks += 1  # SparseMSE checks every candidate; so does the count
        # SparseMSE sets p = 1 for every candidate failing checkident, then
        # takes the smallest p (lowest index on ties) if it is below pthresh.
        # The same pair is found by checking candidates in that order,
        # stopping at the first that passes: a candidate with p >= pthresh,
        # or after the winner, cannot change the choice, so it is not checked.
        jbest = -1
        for j in np.lexsort((np.arange(len(pairs)), pval)):
            if included[j]:
                continue
            if pval[j] >= pthresh:
                break
            if checkident(hist, counts, [*chosen, pairs[j]]) == 0:
                jbest = int(j)
                break
        if jbest < 0:
            break
        pmin = float(pval[jbest])
        chosen.append(pairs[jbest])
        steps.append((pairs[jbest], pmin))
        included[jbest] = True
        current = model_fit(hist, counts, chosen)
    return StepwiseFit(current, checks, tuple(steps))


@dataclass(frozen=True)
class WaldEstimate:
    """``estimatepopulation.0``: point estimate and Wald interval.

    The interval is ``n + exp(qnorm(q, b0, se(b0)))`` on the log of the
    unobserved count, se from the unscaled covariance (dispersion 1).
    """

    estimate: float
    lower: float
    upper: float
    level: float
    model: SparseFit
    lp_checks: int


def wald_estimate(model: SparseFit, level: float = 0.95, lp_checks: int = 0) -> WaldEstimate:
    """Wald interval of a fitted SparseMSE model."""
    b0 = model.fit.intercept
    se = math.sqrt(model.fit.intercept_variance)
    q = (1.0 - level) / 2.0
    n = model.observed
    lo = n + math.exp(float(norm.ppf(q, b0, se)))
    hi = n + math.exp(float(norm.ppf(1.0 - q, b0, se)))
    return WaldEstimate(n + math.exp(b0), lo, hi, level, model, lp_checks)


def estimate_population0(
    hist: IntArray,
    counts: IntArray,
    method: str = "stepwise",
    pairs: Sequence[Pair] = (),
    pthresh: float = PTHRESH,
    level: float = 0.95,
) -> WaldEstimate:
    """SparseMSE's ``estimatepopulation.0``.

    Parameters
    ----------
    method : {"stepwise", "main", "fixed"}
        Stepwise selection, main effects only, or the model ``pairs``.
    """
    if method == "stepwise":
        sw = stepwise_fit(hist, counts, pthresh)
        return wald_estimate(sw.model, level, sw.lp_checks)
    if method == "main":
        return wald_estimate(model_fit(hist, counts, []), level)
    if method == "fixed":
        return wald_estimate(model_fit(hist, counts, list(pairs)), level)
    raise CaptureDataError("unknown_method", allowed="stepwise, main, fixed", method=method)


def count_triples(hist: IntArray, counts: IntArray) -> int:
    """Triples of lists that overlap pairwise (0: the all-pairs model is not identifiable)."""
    h = hist[counts > 0].astype(np.int64)
    adj = (h.T @ h > 0).astype(np.int64)
    np.fill_diagonal(adj, 0)
    return int(np.sum(adj * (adj @ adj)) // 6)


def check_all_models(hist: IntArray, counts: IntArray) -> list[tuple[Pair, ...]]:
    """SparseMSE's ``checkallmodels``: the models with no extended MLE.

    Follows the package's search: for each choice of non-overlapping pairs to
    include (their cells removed), test the model with every overlapping pair;
    when its MLE does not exist, search the subsets of overlapping pairs to
    leave out, pruning supersets of subsets for which it exists.

    Returns
    -------
    list of tuple of pairs
        Each model (its two-list terms) for which the estimate does not exist.
    """
    k = hist.shape[1]
    pairs = all_pairs(k)
    theta = [(), *[(i,) for i in range(k)], *pairs]
    afull = np.array(
        [[all(hist[c, i] == 1 for i in th) for c in range(hist.shape[0])] for th in theta],
        dtype=float,
    )
    nstar = afull @ counts.astype(float)
    empty = [p for p, v in zip(pairs, nstar[1 + k :], strict=True) if v == 0]
    filled = [p for p, v in zip(pairs, nstar[1 + k :], strict=True) if v > 0]
    keep_rows = [r for r in range(len(theta)) if nstar[r] > 0]
    adag = afull[keep_rows]
    tdag = nstar[keep_rows]
    nfixed = 1 + k
    bad: list[tuple[Pair, ...]] = []
    for mask in range(2 ** len(empty)):
        inc = [p for b, p in enumerate(empty) if mask >> b & 1]
        cells = np.ones(hist.shape[0], dtype=bool)
        for i, j in inc:
            cells &= ~((hist[:, i] == 1) & (hist[:, j] == 1))
        amat = adag[:, cells]

        def no_mle(removed: tuple[int, ...], amat: FloatArray = amat) -> bool:
            rows = [r for r in range(amat.shape[0]) if r - nfixed not in removed]
            return _lp_no_mle(amat[rows], tdag[rows])

        if not no_mle(()):
            continue
        bad.append(tuple(sorted([*inc, *filled])))
        for removed in _subset_search(len(filled), no_mle):
            bad.append(
                tuple(sorted([*inc, *(p for i, p in enumerate(filled) if i not in removed)]))
            )
    return bad


def _subset_search(n: int, check: object) -> list[tuple[int, ...]]:
    """Subsets (non-empty) of range(n) with ``check`` true, pruning as SparseMSE."""
    assert callable(check)
    found: list[tuple[int, ...]] = []
    candidates: list[tuple[int, ...]] = [(i,) for i in range(n)]
    pos = 0
    while pos < len(candidates):
        zs = candidates[pos]
        pos += 1
        if check(zs):
            found.append(zs)
            candidates.extend((*zs, j) for j in range(zs[-1] + 1, n))
    return found

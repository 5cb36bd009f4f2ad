"""The Gibbs sampler of the LCMCR model, compiled with numba.

One function, :func:`sample_chain`, runs a whole chain: numba compiles it on
first use (cached on disk afterwards) and draws its random numbers from
numba's own Mersenne Twister, seeded at the start of the chain, so the same
seed gives the same draws.

The sampler works on the observed cells (distinct capture histories with their
counts), not on individual cases: given the parameters, the latent classes of
the ``c`` cases of one cell are a multinomial draw of size ``c``, which is the
same in distribution as drawing each case's class and far cheaper. One sweep
(Manrique-Vallier 2016, section 3 and the appendix; the order of R's LCMCR):

1. classes of the observed cases, cell by cell (multinomial);
2. list probabilities ``lambda[j, k] ~ Beta(1 + caught, 1 + missed)`` over the
   observed and the imputed unobserved cases of class ``k``;
3. stick-breaking weights ``V_k ~ Beta(1 + n_k, alpha + n_{>k})``, drawn on the
   log scale (a ratio of log-gamma draws) so tiny and near-one weights keep
   their precision;
4. the probability ``p0`` that a case is on no list, the number missed
   ``n0 ~ NegBinomial(n, 1 - p0)`` (failures before ``n`` successes: the prior
   of ``N`` is ``1/N``), and the classes of the ``n0`` missed cases;
5. the concentration ``alpha ~ Gamma(a + K - 1, b - sum_k log(1 - V_k))``.

When the expected number missed exceeds :data:`MAX_MISSING` the draw is set to
that ceiling rather than sampled (lists that hardly overlap leave ``N``
unbounded; the caller flags such draws).

Before the chain proper a warm-up of :data:`WARMUP` sweeps runs with ``alpha``
held at ``0.3 / K``, starting from list probabilities equal to the observed
list frequencies; then the classes are ordered by weight. Burn-in and thinning
come after that, as in R.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

#: Sweeps before burn-in with the concentration held fixed (as R's LCMCR).
WARMUP = 500
#: Ceiling of the number missed: when the lists overlap so little that the
#: expected number missed exceeds it, the draw is set to it (a posterior that
#: data do not bound; the result then carries a warning) instead of overflowing.
MAX_MISSING = 10**12


@njit(cache=True)
def _seed(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True)
def _log_gamma(shape: float) -> float:
    """log of a Gamma(shape, 1) draw, exact also for shapes far below 1."""
    if shape < 1.0:
        # G(shape) = G(shape + 1) U^(1/shape) (Marsaglia & Tsang 2000, section 7).
        u = 1.0 - np.random.random()  # in (0, 1]
        return math.log(np.random.gamma(shape + 1.0, 1.0)) + math.log(u) / shape
    return math.log(np.random.gamma(shape, 1.0))


@njit(cache=True)
def _multinomial(size: int, weights: np.ndarray, out: np.ndarray, order: np.ndarray) -> None:
    """``out[:] ~ Multinomial(size, weights / weights.sum())`` by conditional binomials.

    The classes are visited from the heaviest down, so the draws usually run out
    after the few classes that hold the cases (``order`` is scratch space).
    """
    kk = weights.shape[0]
    total = 0.0
    for k in range(kk):
        out[k] = 0
        total += weights[k]
    if size == 0:
        return
    if total <= 0.0:
        out[kk - 1] = size
        return
    if size == 1:
        u = np.random.random() * total
        acc = 0.0
        for k in range(kk):
            acc += weights[k]
            if u < acc:
                out[k] = 1
                return
        out[kk - 1] = 1
        return
    # insertion sort of the class indices by weight, heaviest first
    for k in range(kk):
        pos = k
        while pos > 0 and weights[order[pos - 1]] < weights[k]:
            order[pos] = order[pos - 1]
            pos -= 1
        order[pos] = k
    left = size
    rest = total
    for i in range(kk - 1):
        k = order[i]
        p = weights[k] / rest if rest > 0.0 else 1.0
        if p >= 1.0:
            out[k] = left
            return
        if p > 0.0:
            draw = np.random.binomial(left, p)
            out[k] = draw
            left -= draw
            if left == 0:
                return
        rest -= weights[k]
    out[order[kk - 1]] = left


@njit(cache=True)
def _sweep(
    cells: np.ndarray,
    freq: np.ndarray,
    n: int,
    lam: np.ndarray,
    log_nu: np.ndarray,
    nu: np.ndarray,
    alloc: np.ndarray,
    alloc0: np.ndarray,
    n0: int,
    alpha: float,
    a_alpha: float,
    b_alpha: float,
    sample_alpha: bool,
    work: np.ndarray,
    caught: np.ndarray,
    total_k: np.ndarray,
    order: np.ndarray,
) -> tuple[int, float]:
    m_cells, j_lists = cells.shape
    kk = nu.shape[0]
    # 1. classes of the observed cases
    for m in range(m_cells):
        for k in range(kk):
            p = nu[k]
            for j in range(j_lists):
                p *= lam[j, k] if cells[m, j] == 1 else 1.0 - lam[j, k]
            work[k] = p
        _multinomial(freq[m], work, alloc[m], order)
    # 2. list probabilities
    for k in range(kk):
        total_k[k] = alloc0[k]
        for j in range(j_lists):
            caught[j, k] = 0
    for m in range(m_cells):
        for k in range(kk):
            c = alloc[m, k]
            if c == 0:
                continue
            total_k[k] += c
            for j in range(j_lists):
                if cells[m, j] == 1:
                    caught[j, k] += c
    for j in range(j_lists):
        for k in range(kk):
            if total_k[k] == 0:
                lam[j, k] = np.random.random()  # Beta(1, 1): the prior
            else:
                hit = caught[j, k]
                lam[j, k] = np.random.beta(1.0 + hit, 1.0 + total_k[k] - hit)
    # 3. stick-breaking weights
    above = n + n0
    log_rest = 0.0
    for k in range(kk - 1):
        above -= total_k[k]
        g1 = _log_gamma(1.0 + total_k[k])
        g2 = _log_gamma(alpha + above)
        hi = max(g1, g2)
        lsum = hi + math.log(math.exp(g1 - hi) + math.exp(g2 - hi))
        log_nu[k] = g1 - lsum + log_rest
        log_rest += g2 - lsum
        nu[k] = math.exp(log_nu[k])
    log_nu[kk - 1] = log_rest
    nu[kk - 1] = math.exp(log_rest)
    # 4. the cases on no list
    p0 = 0.0
    for k in range(kk):
        p = nu[k]
        for j in range(j_lists):
            p *= 1.0 - lam[j, k]
        work[k] = p
        p0 += p
    if p0 <= 0.0:  # every list catches every case: nobody is missed
        n0 = 0
    elif n * p0 > MAX_MISSING * (1.0 - p0):  # the expected number missed is beyond the ceiling
        n0 = MAX_MISSING
    else:
        n0 = np.random.negative_binomial(n, 1.0 - p0)
    _multinomial(n0, work, alloc0, order)
    # 5. concentration
    if sample_alpha:
        alpha = np.random.gamma(a_alpha + kk - 1.0, 1.0 / (b_alpha - log_nu[kk - 1]))
    return n0, alpha


@njit(cache=True)
def sample_chain(
    cells: np.ndarray,
    freq: np.ndarray,
    k_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thin: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one chain; returns the kept draws of ``n0``, ``alpha`` and the occupied classes.

    ``cells`` is ``(M, J)`` int8 (the observed histories), ``freq`` their ``M``
    counts (int64, all positive). ``burnin`` sweeps are discarded after the
    warm-up, then every ``thin``-th sweep is kept until there are ``samples``.
    """
    m_cells, j_lists = cells.shape
    kk = k_classes
    _seed(seed)
    n = 0
    for m in range(m_cells):
        n += freq[m]
    lam = np.empty((j_lists, kk))
    for j in range(j_lists):
        hits = 0
        for m in range(m_cells):
            if cells[m, j] == 1:
                hits += freq[m]
        for k in range(kk):
            lam[j, k] = hits / n
    # Start: four heavy classes and the rest light (as R's LCMCR).
    nu = np.empty(kk)
    heavy = min(4, kk)
    for k in range(kk):
        nu[k] = 0.9 / heavy if k < heavy else 0.1 / max(kk - heavy, 1)
    log_nu = np.log(nu)
    alloc = np.zeros((m_cells, kk), dtype=np.int64)
    alloc0 = np.zeros(kk, dtype=np.int64)
    work = np.empty(kk)
    caught = np.zeros((j_lists, kk), dtype=np.int64)
    total_k = np.zeros(kk, dtype=np.int64)
    order = np.zeros(kk, dtype=np.int64)
    n0 = 0
    alpha = 0.3 / kk
    kept_n0 = np.empty(samples, dtype=np.int64)
    kept_alpha = np.empty(samples)
    kept_kstar = np.empty(samples, dtype=np.int64)
    # One call site for the warm-up and the chain proper: numba compiles one _sweep.
    for step in range(WARMUP + burnin + samples * thin):
        if step == WARMUP:
            # Heaviest class first (labels are exchangeable; this only fixes the start).
            rank = np.argsort(-nu)
            lam[:] = lam[:, rank]
            nu[:] = nu[rank]
            log_nu[:] = log_nu[rank]
            alloc0[:] = alloc0[rank]
            for m in range(m_cells):
                alloc[m] = alloc[m][rank]
        n0, alpha = _sweep(
            cells, freq, n, lam, log_nu, nu, alloc, alloc0, n0, alpha, a_alpha, b_alpha,
            step >= WARMUP, work, caught, total_k, order,
        )  # fmt: skip
        it = step - WARMUP
        if it >= burnin and (it - burnin + 1) % thin == 0:
            s = (it - burnin + 1) // thin - 1
            kept_n0[s] = n0
            kept_alpha[s] = alpha
            occupied = 0
            for k in range(kk):
                if total_k[k] > 0:
                    occupied += 1
            kept_kstar[s] = occupied
    return kept_n0, kept_alpha, kept_kstar


def is_cached() -> bool:
    """Whether numba's on-disk cache holds the compiled sampler (else the first run compiles)."""
    return any((Path(__file__).parent / "__pycache__").glob("_lcmcr_kernel.sample_chain-*.nbi"))


def compile_kernel() -> Any:
    """Compile (or load from the cache) the sampler on a tiny table; returns it."""
    cells = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.int8)
    sample_chain(cells, np.array([3, 2, 1], dtype=np.int64), 2, 0.25, 0.25, 0, 1, 1, 1)
    return sample_chain

"""The pairwise log-linear family fitted as a family: IRLS on shared marginal sums.

Every column of a hierarchical log-linear design on the complete table is the
indicator of a set of lists ``S`` (the intercept: the empty set; a main
effect: one list; a two-list term: two lists), and the product of two such
columns is the indicator of the union of their sets. So every entry of a
model's ``X' W X`` is a marginal sum of the weights, the sum over the
histories that hold ``S ∪ T``, and for ``k`` lists there are few such unions
(57 for six lists, of the 22 x 22 entries of the largest model). One IRLS step
of *every* model of a search is then: one matrix product for all marginal
sums of all models, a gather of each model's ``p x p`` normal matrix from
them, and one small solve, instead of ``n p^2`` products per model. Models
are grouped by their number of columns, each group is iterated as one
vectorised computation (models last in memory), and a model leaves the
iteration when it converges.

The iteration itself is that of :func:`samen.mse.glm.fit_poisson` (R's
``glm.fit``): the same start ``mu = y + 0.1``, the same floor of the means,
the same working response, the same stopping rule, model by model. Starting
from a neighbouring model's fit would save iterations, but where a model has
no finite maximum likelihood estimate R's iteration stops at a finite,
start-dependent point, and the search must report that point as R does; so
every model starts where R starts, and the results equal the one-by-one fits
to rounding (``tests/mse/test_search_family.py``).

References
----------
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
Bishop, Y. M. M., Fienberg, S. E. & Holland, P. W. (1975). *Discrete
Multivariate Analysis*. MIT Press (marginal sums as the sufficient statistics
of hierarchical log-linear models).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from samen.mse.design import Pair
from samen.mse.glm import (
    R_EPSILON,
    R_MAXIT,
    BatchFit,
    BoolArray,
    FloatArray,
    batch_result,
    link_inverse,
)

IndexArray = NDArray[np.intp]


def subset_codes(k: int, sets: Sequence[Sequence[int]]) -> IndexArray:
    """Codes of the intercept (the empty set, 0) followed by the given sets of lists.

    A set is coded as a ``k``-bit integer, the first list the most significant
    bit (as :func:`samen.mse.design.history_codes`).
    """
    codes = [0, *(sum(1 << (k - 1 - i) for i in set(s)) for s in sets)]
    return np.asarray(codes, dtype=np.intp)


def column_codes(k: int, pairs: Sequence[Pair]) -> IndexArray:
    """The set of lists of each column of :func:`samen.mse.design.loglinear_design`.

    The intercept (0), one code per list, then one per pair (see :func:`subset_codes`).
    """
    return subset_codes(k, [*((i,) for i in range(k)), *pairs])


def fit_indicator_family(
    y: FloatArray,
    k: int,
    codes: IndexArray,
    masks: BoolArray,
    *,
    maxit: int = R_MAXIT,
    epsilon: float = R_EPSILON,
) -> BatchFit:
    """Fit many Poisson models whose columns are list-set indicators.

    Parameters
    ----------
    y : ndarray, shape (2^k - 1,)
        Counts of the observable histories in Rcapture order
        (:func:`samen.mse.design.all_histories`).
    k : int
        Number of lists.
    codes : ndarray of int, shape (p,)
        The set of lists of each column of the full design
        (:func:`column_codes`); the first must be the intercept (0).
    masks : ndarray of bool, shape (B, p)
        Columns of each model. Every model must hold every subset of its sets
        (hierarchical), so that its design has full column rank on the
        complete table.
    maxit, epsilon : see :func:`samen.mse.glm.fit_poisson`.

    Returns
    -------
    BatchFit
        As :func:`samen.mse.glm.fit_poisson_batch` returns for the same
        models: coefficients in the columns of the full design (0 where
        absent), the unscaled variance of the intercept, deviance, AIC, rank
        and convergence; equal to the one-by-one fits of
        :func:`samen.mse.glm.fit_poisson` to rounding.
    """
    y = np.asarray(y, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    nb, p = masks.shape
    hist_codes = np.arange(2**k - 1, 0, -1)  # Rcapture's row order
    x = ((hist_codes[:, None] & codes[None, :]) == codes[None, :]).astype(float)
    # Every union of two columns' sets, and the design column of each union.
    unions, union_pos = np.unique(codes[:, None] | codes[None, :], return_inverse=True)
    xu = ((hist_codes[:, None] & unions[None, :]) == unions[None, :]).astype(float)
    union_pos = union_pos.reshape(p, p)
    coef = np.zeros((nb, p))
    ivar = np.zeros(nb)
    dev = np.zeros(nb)
    conv = np.zeros(nb, dtype=bool)
    mu_out = np.zeros((nb, y.size))
    sizes = masks.sum(axis=1)
    for size in np.unique(sizes):
        rows = np.flatnonzero(sizes == size)
        cols = np.nonzero(masks[rows])[1].reshape(rows.size, int(size))
        group = _Group(y, x, xu, cols, union_pos, maxit, epsilon)
        coef[rows[:, None], cols] = group.beta.T
        ivar[rows], dev[rows], conv[rows] = group.ivar, group.dev, group.converged
        mu_out[rows] = group.mu.T
    return batch_result(y, mu_out, coef, ivar, dev, conv, sizes.astype(np.int64))


#: Models iterated together at most (bounds the working memory: about 12 kB a model).
BLOCK = 8192


class _Group:
    """IRLS for models with the same number of columns, all at once.

    Arrays are laid out models last (``(cells, B)``, ``(p, p, B)``), so every
    step is a contiguous loop over models. Models that converge are stored and
    leave the working arrays.
    """

    def __init__(
        self,
        y: FloatArray,
        x: FloatArray,
        xu: FloatArray,
        cols: IndexArray,
        union_pos: IndexArray,
        maxit: int,
        epsilon: float,
    ) -> None:
        nb, p = cols.shape
        self.p = p
        self.x, self.xu = x, xu
        self.beta = np.zeros((p, nb))
        self.ivar = np.zeros(nb)
        self.dev = np.zeros(nb)
        self.mu = np.zeros((y.size, nb))
        self.converged = np.zeros(nb, dtype=bool)
        lower_i, lower_j = np.tril_indices(p)
        self.lower = lower_i * p + lower_j
        # Entry (s, t) of model b's normal matrix is row union_pos[cols[b, s], cols[b, t]]
        # of the marginal sums; entry s of its right-hand side is row cols[b, s] of X' w z.
        upos = union_pos[cols[:, lower_i], cols[:, lower_j]].T
        cpos = cols.T
        for start in range(0, nb, BLOCK):
            sl = slice(start, min(nb, start + BLOCK))
            self._run(y, np.arange(sl.start, sl.stop), upos[:, sl], cpos[:, sl], maxit, epsilon)

    def _run(
        self,
        y: FloatArray,
        ids: IndexArray,
        upos: IndexArray,
        cpos: IndexArray,
        maxit: int,
        epsilon: float,
    ) -> None:
        x, xu, p = self.x, self.xu, self.p
        ycol = y[:, None]
        mu = np.repeat(ycol + 0.1, ids.size, axis=1)
        eta = np.log(mu)
        dev_old = _deviance(y, mu)
        flat_u, flat_c = _flat(upos), _flat(cpos)
        marg = np.zeros((xu.shape[1], ids.size))
        beta = np.zeros((p, ids.size))
        # Models stored but still in the working arrays: they keep iterating (at
        # their optimum) until enough have finished to make compacting worth a copy.
        live = np.ones(ids.size, dtype=bool)
        for _ in range(maxit):
            z = eta + (ycol - mu) / mu
            marg = xu.T @ mu
            beta = _solve_spd(self._normal(marg, flat_u), np.take(x.T @ (mu * z), flat_c), p)
            full = np.zeros((x.shape[1], ids.size))
            full.ravel()[flat_c] = beta
            eta = x @ full
            mu_new = link_inverse(eta)
            dev = _deviance(y, mu_new)
            done = live & (np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < epsilon)
            if done.any():
                self._store(ids[done], beta[:, done], marg[:, done], upos[:, done])
                self.mu[:, ids[done]] = mu_new[:, done]
                self.dev[ids[done]] = dev[done]
                self.converged[ids[done]] = True
                live &= ~done
                if not live.any():
                    return
                if 8 * np.count_nonzero(live) <= 7 * live.size:
                    ids, eta, mu_new, dev = ids[live], eta[:, live], mu_new[:, live], dev[live]
                    beta, marg = beta[:, live], marg[:, live]
                    upos, cpos = upos[:, live], cpos[:, live]
                    flat_u, flat_c = _flat(upos), _flat(cpos)
                    live = live[live]
            mu, dev_old = mu_new, dev
        # maxit reached: R reports the last iterate, with the weights it was solved with
        self._store(ids[live], beta[:, live], marg[:, live], upos[:, live])
        self.mu[:, ids[live]] = mu[:, live]
        self.dev[ids[live]] = dev_old[live]

    def _normal(self, marg: FloatArray, flat_u: IndexArray) -> FloatArray:
        """The normal matrices, lower triangle filled, shape ``(p, p, B)``."""
        p = self.p
        m = np.empty((p * p, marg.shape[1]))
        m[self.lower] = np.take(marg, flat_u)
        return m.reshape(p, p, -1)

    def _store(self, ids: IndexArray, beta: FloatArray, marg: FloatArray, upos: IndexArray) -> None:
        e0 = np.zeros((self.p, ids.size))
        e0[0] = 1.0
        self.beta[:, ids] = beta
        self.ivar[ids] = _solve_spd(self._normal(marg, _flat(upos)), e0, self.p)[0]


def _flat(pos: IndexArray) -> IndexArray:
    """Flat indices of ``a[pos[i, b], b]`` in an array ``a`` with ``pos.shape[1]`` columns."""
    nb = pos.shape[1]
    out: IndexArray = pos * nb + np.arange(nb)
    return out


def _solve_spd(m: FloatArray, b: FloatArray, p: int) -> FloatArray:
    """Solve ``A x = b`` for symmetric positive definite ``A``, one system per column.

    ``m`` holds the lower triangles of the matrices, shape ``(p, p, B)``, and
    is overwritten; ``b`` has shape ``(p, B)``. A left-looking LDL'
    factorisation (no pivoting is needed for positive definite matrices)
    written as loops over ``p`` with every operation vectorised over the ``B``
    systems: for the small systems of the search that beats calling LAPACK
    once per system.
    """
    d = np.empty_like(b)
    for j in range(p):
        if j:
            m[j:, j] -= np.einsum("ikb,kb->ib", m[j:, :j], m[j, :j] * d[:j])
        d[j] = m[j, j]
        m[j + 1 :, j] /= d[j]
    r = b.copy()
    for j in range(1, p):
        r[j] -= np.einsum("kb,kb->b", m[j, :j], r[:j])
    out = np.empty_like(r)
    for i in range(p - 1, -1, -1):
        out[i] = r[i] / d[i]
        if i < p - 1:
            out[i] -= np.einsum("mb,mb->b", m[i + 1 :, i], out[i + 1 :])
    return out


def _deviance(y: FloatArray, mu: FloatArray) -> FloatArray:
    """Poisson deviance of each column of ``mu`` (cells × models)."""
    pos = y > 0
    yp = y[pos][:, None]
    with np.errstate(divide="ignore"):
        term = yp * np.log(yp / mu[pos])
    out: FloatArray = 2.0 * (np.sum(term, axis=0) - (y.sum() - np.sum(mu, axis=0)))
    return out

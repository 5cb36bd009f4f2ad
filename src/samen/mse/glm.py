"""Poisson log-linear fits by iteratively reweighted least squares, as R's ``glm``.

The iteration reproduces ``stats::glm.fit`` for the Poisson family with the log
link: start from ``mu = y + 0.1``, floor the fitted means at machine epsilon
as R's log link does, stop when the relative change in deviance
``|dev - dev_old| / (|dev| + 0.1)`` falls below ``epsilon``, and report the
covariance from the weights of the last iteration. Reproducing the iteration,
not only the optimum, matters for models whose maximum likelihood estimate does
not exist: R then stops at a finite but huge estimate and so must we.

Two entry points: :func:`fit_poisson` for one design, and
:func:`fit_poisson_batch` for many designs that share the same rows (the model
search), vectorised over models with numpy's batched linear algebra.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: R's ``glm.control()`` defaults.
R_EPSILON = 1e-8
R_MAXIT = 25
#: Rcapture calls ``glm`` with ``control = list(maxit = 200)``.
RCAPTURE_MAXIT = 200
#: R's log link never returns a mean below machine epsilon: ``linkinv`` and
#: ``mu.eta`` of ``poisson()`` are ``pmax(exp(eta), .Machine$double.eps)``.
MU_FLOOR = float(np.finfo(float).eps)


def link_inverse(eta: FloatArray) -> FloatArray:
    """Fitted means from the linear predictor as R's log link gives them.

    ``exp(eta)`` floored at machine epsilon. The floor matters when a model has
    no finite maximum likelihood estimate (a fitted cell tends to 0): it changes
    the working weights and responses of the next iterations, hence where R's
    iteration stops, and the deviance and AIC it reports.
    """
    out: FloatArray = np.maximum(np.exp(eta), MU_FLOOR)
    return out


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson log-linear model.

    Attributes
    ----------
    coef : ndarray
        Coefficients, ``nan`` for aliased (linearly dependent) columns, as R.
    cov_unscaled : ndarray
        ``(X' W X)^-1`` over the non-aliased columns (dispersion 1), with
        ``nan`` rows and columns for aliased ones.
    fitted : ndarray
        Fitted means of the rows.
    deviance, aic : float
        Poisson deviance and R's Poisson AIC ``-2 loglik + 2 rank``.
    loglik : float
        Poisson log-likelihood.
    rank : int
        Number of non-aliased columns.
    df_residual : int
        Rows minus rank.
    converged : bool
        Whether the deviance criterion was met within ``maxit`` iterations.
    iterations : int
        Number of IRLS iterations done.
    """

    coef: FloatArray
    cov_unscaled: FloatArray
    fitted: FloatArray
    deviance: float
    aic: float
    loglik: float
    rank: int
    df_residual: int
    converged: bool
    iterations: int

    @property
    def intercept(self) -> float:
        """The first coefficient: the log of the expected unobserved count."""
        return float(self.coef[0])

    @property
    def intercept_variance(self) -> float:
        """Unscaled variance of the intercept."""
        return float(self.cov_unscaled[0, 0])


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    """Poisson deviance ``2 sum(y log(y/mu) - (y - mu))`` with ``0 log 0 = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _deviance(y, mu)


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    # The caller silences the 0 log 0 warnings.
    term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def poisson_loglik(y: FloatArray, mu: FloatArray) -> float:
    """Poisson log-likelihood, ``lgamma`` for non-integer counts as R's ``dpois``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(mu), 0.0)
    return float(np.sum(term - mu - gammaln(y + 1.0)))


def aliased_columns(x: FloatArray, tol: float = 1e-7) -> BoolArray:
    """Columns that are linear combinations of earlier columns.

    R's ``glm`` drops such columns (coefficient ``NA``) in their order of
    appearance; a sequential QR gives the same choice.
    """
    n, p = x.shape
    aliased = np.zeros(p, dtype=bool)
    # Fast path: |R_jj| of a Householder QR is the norm of column j's residual
    # on the earlier columns, the quantity tested below. When every column
    # clears the tolerance tenfold, the sequential test cannot flag any
    # (rounding is ~1e-15 relative), so the loop is skipped.
    if 0 < p <= n:
        norms = np.sqrt(np.einsum("ij,ij->j", x, x))
        rdiag = np.abs(np.diagonal(np.linalg.qr(x, mode="r")))
        if bool(np.all(rdiag > 10.0 * tol * norms)):
            return aliased
    basis = np.zeros((n, 0))
    for j in range(p):
        col = x[:, j].astype(float)
        norm = float(np.linalg.norm(col))
        if norm == 0.0:
            aliased[j] = True
            continue
        resid = col - basis @ (basis.T @ col) if basis.shape[1] else col
        rnorm = float(np.linalg.norm(resid))
        if rnorm <= tol * norm:
            aliased[j] = True
        else:
            basis = np.column_stack([basis, resid / rnorm])
    return aliased


def _solve(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a^-1 b``; the minimum-norm least-squares solution when ``a`` is singular.

    A fit whose means underflow to R's floor (a model without a finite estimate on a
    tiny table) can make the weighted normal equations exactly singular, where R's QR
    drops a column; the least-squares step keeps the iteration going instead of
    raising, and the result is flagged by the existence check.
    """
    try:
        return np.asarray(np.linalg.solve(a, b), dtype=float)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.lstsq(a, b, rcond=None)[0], dtype=float)


def _inverse(a: FloatArray) -> FloatArray:
    """``a^-1``, or the pseudo-inverse when ``a`` is singular (see :func:`_solve`)."""
    try:
        return np.asarray(np.linalg.inv(a), dtype=float)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(a), dtype=float)


def _solve_stack(a: FloatArray, b: FloatArray) -> FloatArray:
    """:func:`_solve` for a stack of systems ``a[i] x = b[i]``."""
    try:
        return np.asarray(np.linalg.solve(a, b[:, :, None])[:, :, 0], dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.stack([_solve(a[i], b[i]) for i in range(a.shape[0])])


def fit_poisson(
    x: FloatArray,
    y: FloatArray,
    *,
    offset: FloatArray | None = None,
    maxit: int = R_MAXIT,
    epsilon: float = R_EPSILON,
) -> PoissonFit:
    """Fit a Poisson log-linear model by IRLS exactly as R's ``glm.fit``.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Design matrix, intercept column included.
    y : ndarray, shape (n,)
        Counts (non-negative; non-integer values are allowed, as R allows them
        with a warning, for the profile likelihood).
    offset : ndarray, optional
        Known offset added to the linear predictor.
    maxit : int
        Maximum number of iterations (R's default 25; Rcapture uses 200).
    epsilon : float
        Convergence tolerance on the relative deviance change.

    Returns
    -------
    PoissonFit
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    off = None if offset is None else np.asarray(offset, dtype=float)
    aliased = aliased_columns(x)
    xa = x[:, ~aliased]
    mu = y + 0.1
    eta = np.log(mu)
    beta = np.zeros(xa.shape[1])
    w = mu
    converged = False
    it = 0
    # One errstate for the whole loop (0 log 0 in the deviance). Without an
    # offset it is left out of the arithmetic: adding or subtracting 0.0 is
    # exact, so the iterates are bit for bit those with a zero offset.
    with np.errstate(divide="ignore", invalid="ignore"):
        dev_old = _deviance(y, mu)
        for it in range(1, maxit + 1):  # noqa: B007 - the count is reported
            z = (eta if off is None else eta - off) + (y - mu) / mu
            w = mu
            xtw = xa.T * w
            beta = _solve(xtw @ xa, xtw @ z)
            eta = xa @ beta if off is None else xa @ beta + off
            mu = link_inverse(eta)
            dev = _deviance(y, mu)
            if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
                converged = True
                break
            dev_old = dev
    coef = np.full(p, np.nan)
    coef[~aliased] = beta
    cov = np.full((p, p), np.nan)
    idx = np.flatnonzero(~aliased)
    cov[np.ix_(idx, idx)] = _inverse((xa.T * w) @ xa)
    rank = int(idx.size)
    loglik = poisson_loglik(y, mu)
    return PoissonFit(
        coef=coef,
        cov_unscaled=cov,
        fitted=mu,
        deviance=poisson_deviance(y, mu),
        aic=-2.0 * loglik + 2.0 * rank,
        loglik=loglik,
        rank=rank,
        df_residual=n - rank,
        converged=converged,
        iterations=it,
    )


@dataclass(frozen=True)
class BatchFit:
    """Fits of many models sharing rows (see :func:`fit_poisson_batch`).

    Arrays are indexed by model; ``coef`` and ``intercept_variance`` refer to
    the columns of the shared full design (absent columns hold 0).
    """

    coef: FloatArray
    intercept_variance: FloatArray
    deviance: FloatArray
    aic: FloatArray
    rank: NDArray[np.int64]
    converged: BoolArray


def fit_poisson_batch(
    x_full: FloatArray,
    y: FloatArray,
    masks: BoolArray,
    *,
    maxit: int = R_MAXIT,
    epsilon: float = R_EPSILON,
    chunk: int = 4096,
) -> BatchFit:
    """Fit many Poisson models whose designs are column subsets of one matrix.

    Each model ``b`` uses the columns ``masks[b]`` of ``x_full``. The IRLS
    iterations are those of :func:`fit_poisson` (same start, same stopping
    rule, per model), run for all models at once: an absent column gets a unit
    diagonal in ``X' W X`` and a zero right-hand side, so its coefficient stays 0
    and the batched solve never sees a singular matrix. Designs must have full
    column rank (true for every hierarchical pairwise model on a complete table).

    Parameters
    ----------
    x_full : ndarray, shape (n, p)
    y : ndarray, shape (n,)
    masks : ndarray of bool, shape (B, p)
    maxit, epsilon : see :func:`fit_poisson`.
    chunk : int
        Models per block, to bound memory (B × n × p doubles per block).

    Returns
    -------
    BatchFit
    """
    x_full = np.asarray(x_full, dtype=float)
    y = np.asarray(y, dtype=float)
    nb = masks.shape[0]
    p = x_full.shape[1]
    coef = np.zeros((nb, p))
    ivar = np.zeros(nb)
    dev_out = np.zeros(nb)
    conv = np.zeros(nb, dtype=bool)
    for start in range(0, nb, chunk):
        sl = slice(start, min(nb, start + chunk))
        c, v, d, cv = _batch_block(x_full, y, masks[sl], maxit, epsilon)
        coef[sl], ivar[sl], dev_out[sl], conv[sl] = c, v, d, cv
    rank = masks.sum(axis=1).astype(np.int64)
    return batch_result(y, link_inverse(coef @ x_full.T), coef, ivar, dev_out, conv, rank)


def batch_result(
    y: FloatArray,
    mu: FloatArray,
    coef: FloatArray,
    ivar: FloatArray,
    deviance: FloatArray,
    converged: BoolArray,
    rank: NDArray[np.int64],
) -> BatchFit:
    """A :class:`BatchFit` with R's Poisson AIC from the fitted means ``mu`` (models × rows)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogmu = np.where(y > 0, y * np.log(mu), 0.0)
    loglik = np.sum(ylogmu - mu - gammaln(y + 1.0), axis=1)
    return BatchFit(
        coef=coef,
        intercept_variance=ivar,
        deviance=deviance,
        aic=-2.0 * loglik + 2.0 * rank,
        rank=rank,
        converged=converged,
    )


def _batch_block(
    x: FloatArray, y: FloatArray, masks: BoolArray, maxit: int, epsilon: float
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    # X' W X for every model is one matrix product: the weights of all models
    # times the per-row outer products x_i x_i', then masked to the model's
    # columns. That keeps the work in BLAS instead of many small products.
    nb = masks.shape[0]
    n, p = x.shape
    m = masks.astype(float)
    outer = (x[:, :, None] * x[:, None, :]).reshape(n, p * p)
    diag = np.arange(p)

    def normal_matrix(weights: FloatArray, mk: FloatArray) -> FloatArray:
        a = (weights @ outer).reshape(weights.shape[0], p, p)
        a *= mk[:, :, None]
        a *= mk[:, None, :]
        a[:, diag, diag] += 1.0 - mk
        return a

    mu = np.broadcast_to(y + 0.1, (nb, n)).copy()
    eta = np.log(mu)
    dev_old = _dev_rows(y, mu)
    beta = np.zeros((nb, p))
    w = mu.copy()
    active = np.ones(nb, dtype=bool)
    iters = np.zeros(nb, dtype=np.int64)
    for _ in range(maxit):
        ia = np.flatnonzero(active)
        if ia.size == 0:
            break
        mua, etaa, mka = mu[ia], eta[ia], m[ia]
        z = etaa + (y - mua) / mua
        rhs = ((mua * z) @ x) * mka
        ba = _solve_stack(normal_matrix(mua, mka), rhs)
        w[ia] = mua
        beta[ia] = ba
        eta_new = ba @ x.T
        mu_new = link_inverse(eta_new)
        dev = _dev_rows(y, mu_new)
        ok = np.abs(dev - dev_old[ia]) / (np.abs(dev) + 0.1) < epsilon
        eta[ia], mu[ia], dev_old[ia] = eta_new, mu_new, dev
        iters[ia] += 1
        active[ia[ok]] = False
    e0 = np.zeros((nb, p, 1))
    e0[:, 0, 0] = 1.0
    ivar: FloatArray = _solve_stack(normal_matrix(w, m), e0[:, :, 0])[:, 0].astype(float)
    conv: BoolArray = np.logical_not(active)
    return beta, ivar, dev_old, conv


def _dev_rows(y: FloatArray, mu: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    out: FloatArray = 2.0 * np.sum(term - (y - mu), axis=-1)
    return out

"""The Normal heterogeneity model of Rivest (2011), as Rcapture's ``closedpCI.t(h = "Normal")``.

Cases differ in how easily any list finds them: on the logit scale each case's
catchability is shifted by ``sigma Z`` with ``Z`` standard normal. Rivest (2011)
writes the expected count of a history ``h`` seen on ``k`` lists as

    ``mu_h = exp(b0 + x_h' b + phi(k))``,
    ``phi(k) = log( E[exp(k sigma Z) C(sigma Z)] / E[C(sigma Z)] )``,

where ``x_h`` holds the list and two-list columns of an ordinary log-linear
model and ``C(a) = 1 / (1 + sum_h exp(x_h' b + a k_h))`` is the chance that a
case with shift ``a`` is on no list. The expectations are taken with 20-point
Gauss–Hermite quadrature. The parameters minimise the Poisson deviance
(R: ``optim(method = "BFGS")`` from the coefficients of the Darroch model and
``sigma = 0.2``). As in Rcapture:

* the covariance is the inverse of the numerical Hessian *of the deviance*
  (``solve(optim(..., hessian = TRUE)$hessian)``), and the standard error of
  ``N`` is ``sqrt(exp(b0) + exp(2 b0) var(b0))``;
* the interval is Chao's (1987) log-transformed one, not a profile likelihood.

References
----------
Rivest, L.-P. (2011). A lower bound model for multiple record systems
estimation with heterogeneous catchability. *Int. J. Biostat.* 7(1), art. 23.
doi:10.2202/1557-4679.1283
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
Chao, A. (1987). Estimating the population size for capture-recapture data with
unequal catchability. *Biometrics* 43, 783-791. doi:10.2307/2531532
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite import hermgauss

from samen.mse.design import FloatArray, IntArray, Pair, all_histories, exp_or_inf
from samen.mse.glm import MU_FLOOR, poisson_deviance, poisson_loglik
from samen.mse.loglinear import ModelSpec, fit_loglinear
from samen.mse.results import chao_interval

#: Rcapture integrates over the normal shift with 20 Gauss–Hermite points.
QUADRATURE_POINTS = 20
#: Starting value of sigma (Rcapture's ``initsig``).
INITIAL_SIGMA = 0.2
#: Step of the finite differences of R's ``optimHess`` (``ndeps``).
HESSIAN_STEP = 1e-3


@dataclass(frozen=True)
class NormalFit:
    """A fitted Normal heterogeneity model.

    Attributes
    ----------
    pairs : tuple of (int, int)
        Two-list terms of the log-linear part.
    coef : ndarray
        Intercept, list and pair coefficients, then ``sigma``.
    abundance, stderr : float
        ``n + exp(b0)`` and its standard error.
    lower, upper : float
        Chao's log-transformed interval.
    deviance, aic, bic : float
    df : int
        Cells minus parameters (``sigma`` included).
    fitted : ndarray
        Fitted counts of the ``2^k - 1`` histories.
    converged : bool
        Whether the optimiser reported success.
    """

    pairs: tuple[Pair, ...]
    coef: FloatArray
    observed: int
    abundance: float
    stderr: float
    lower: float
    upper: float
    level: float
    deviance: float
    df: int
    aic: float
    bic: float
    fitted: FloatArray
    converged: bool

    @property
    def identifiable(self) -> bool:
        """Whether the Hessian pinned the intercept down (a finite standard error)."""
        return math.isfinite(self.stderr)

    @property
    def sigma(self) -> float:
        """Standard deviation of the normal shift in catchability (logit scale)."""
        return float(self.coef[-1])


def _log_mu(theta: FloatArray, x: FloatArray, nbcap: IntArray, k: int) -> FloatArray:
    from scipy.special import logsumexp

    nodes, weights = hermgauss(QUADRATURE_POINTS)
    beta, sigma = theta[:-1], theta[-1]
    linear = x @ beta  # b0 + x'b for every observed history
    shift = math.sqrt(2.0) * sigma * nodes  # the quadrature's values of sigma Z
    # log C at each node: -log(1 + sum_h exp(x_h'b + shift k_h)); b0 cancels.
    inner = (linear - beta[0])[None, :] + shift[:, None] * nbcap[None, :]
    log_c = -np.logaddexp(0.0, logsumexp(inner, axis=1))
    log_w = np.log(weights) + log_c
    counts = np.arange(1, k + 1)
    phi = logsumexp(log_w[None, :] + counts[:, None] * shift[None, :], axis=1) - logsumexp(log_w)
    out: FloatArray = linear + phi[nbcap - 1]
    return out


def _deviance(theta: FloatArray, x: FloatArray, y: FloatArray, nbcap: IntArray, k: int) -> float:
    mu = np.maximum(np.exp(np.minimum(_log_mu(theta, x, nbcap, k), 700.0)), MU_FLOOR)
    return poisson_deviance(y, mu)


def _gradient(f: object, theta: FloatArray, h: float) -> FloatArray:
    assert callable(f)
    grad = np.empty(theta.size)
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta - step)) / (2.0 * h)
    return grad


def _hessian(f: object, theta: FloatArray, h: float = HESSIAN_STEP) -> FloatArray:
    """R's ``optimHess``: central differences of a central-difference gradient."""
    size = theta.size
    hess = np.empty((size, size))
    for j in range(size):
        step = np.zeros(size)
        step[j] = h
        hess[:, j] = (_gradient(f, theta + step, h) - _gradient(f, theta - step, h)) / (2.0 * h)
    out: FloatArray = (hess + hess.T) / 2.0
    return out


def fit_normal(
    counts: IntArray, k: int, pairs: tuple[Pair, ...] = (), level: float = 0.95
) -> NormalFit:
    """Fit the Normal heterogeneity model with main effects and the two-list terms ``pairs``.

    Parameters
    ----------
    counts : ndarray
        Counts of the ``2^k - 1`` histories in :func:`samen.mse.design.all_histories` order.
    k : int
        Number of lists (at least 2).
    pairs : tuple of (int, int)
        Two-list interactions (Rcapture's ``mX = ~ . + c1:c3 + ...``).
    level : float
        Level of the interval.
    """
    from scipy.optimize import minimize
    from scipy.stats import norm

    hist = all_histories(k)
    nbcap = hist.sum(axis=1)
    y = counts.astype(float)
    n = int(counts.sum())
    start = fit_loglinear(counts, ModelSpec("pairs", pairs, heterogeneity="darroch"), k)
    x = start.design[:, :-1]  # intercept, lists and pairs: the Darroch column dropped
    theta0 = np.r_[start.fit.coef[:-1], INITIAL_SIGMA]

    def objective(theta: FloatArray) -> float:
        return _deviance(theta, x, y, nbcap, k)

    res = minimize(objective, theta0, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    theta = np.asarray(res.x, dtype=float)
    # BFGS often ends on "precision loss" at the optimum of a deviance this flat; the
    # gradient says whether it got there.
    converged = bool(res.success) or float(np.abs(_gradient(objective, theta, 1e-5)).max()) < 1e-3
    dev = float(res.fun)
    try:
        var_b0 = float(np.linalg.inv(_hessian(objective, theta))[0, 0])
    except np.linalg.LinAlgError:
        var_b0 = math.inf  # a flat direction: the data do not pin b0 down
    if not var_b0 >= 0:
        var_b0 = math.inf
    unseen = exp_or_inf(float(theta[0]))
    stderr = math.sqrt(max(unseen + unseen**2 * var_b0, 0.0))
    abundance = n + unseen
    z = float(norm.ppf(0.5 + level / 2.0))
    lower, upper = chao_interval(n, abundance, stderr**2, z)
    mu = np.maximum(np.exp(np.minimum(_log_mu(theta, x, nbcap, k), 700.0)), MU_FLOOR)
    loglik = poisson_loglik(y, mu)
    npar = theta.size
    return NormalFit(
        pairs=pairs,
        coef=theta,
        observed=n,
        abundance=abundance,
        stderr=stderr,
        lower=lower,
        upper=upper,
        level=level,
        deviance=dev,
        df=int(y.size - npar),
        aic=-2.0 * loglik + 2.0 * npar,
        bic=-2.0 * loglik + math.log(n) * npar,
        fitted=mu,
        converged=converged,
    )

"""Rcapture's log-linear models on the complete table, and its profile interval.

Every model is a Poisson GLM on all ``2^k - 1`` observable histories (zero
cells included, no special handling of empty overlaps), fitted as Rcapture
fits it (``glm`` with ``maxit = 200``). The intercept is the log of the
expected unobserved count, so the Poisson estimate is ``n + exp(b0)``.

References
----------
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
Cormack, R. M. (1992). Interval estimation for mark-recapture studies of
closed populations. *Biometrics* 48, 567-576. doi:10.2307/2532310
Rivest, L.-P. & Lévesque, T. (2001). Improved log-linear model estimators of
abundance in capture-recapture experiments. *Can. J. Stat.* 29, 555-572.
doi:10.2307/3316007
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from samen.mse.design import FloatArray, IntArray, Pair, all_histories
from samen.mse.glm import RCAPTURE_MAXIT, PoissonFit, fit_poisson
from samen.mse.messages import CaptureDataError

#: Heterogeneity forms of Rcapture: Chao's lower bound, Poisson(theta=2),
#: Darroch, Gamma(theta=3.5).
HETEROGENEITY = ("chao", "poisson", "darroch", "gamma")


def heterogeneity_columns(
    nbcap: IntArray, form: str, k: int, theta: float | None = None
) -> FloatArray:
    """Columns that depend only on the number of lists a history is on.

    Parameters
    ----------
    nbcap : ndarray
        Number of lists per history.
    form : {"chao", "poisson", "darroch", "gamma"}
        ``chao``: one column ``max(nbcap - j + 1, 0)`` per ``j = 3..k``;
        ``poisson``: ``theta**nbcap - 1`` (theta 2); ``darroch``:
        ``nbcap**2 / 2``; ``gamma``: ``log(theta) - log(theta + nbcap)`` (theta 3.5).
    """
    x = nbcap.astype(float)
    if form == "chao":
        return np.column_stack([np.maximum(x - j + 1, 0.0) for j in range(3, k + 1)])
    if form == "poisson":
        th = 2.0 if theta is None else theta
        return (th**x - 1.0)[:, None]
    if form == "darroch":
        return (x**2 / 2.0)[:, None]
    if form == "gamma":
        th = 3.5 if theta is None else theta
        out: FloatArray = (np.log(th) - np.log(th + x))[:, None]
        return out
    raise CaptureDataError("unknown_heterogeneity", form=form, allowed=", ".join(HETEROGENEITY))


@dataclass(frozen=True)
class ModelSpec:
    """A closed-population log-linear model.

    Attributes
    ----------
    base : {"M0", "Mt", "pairs"}
        ``M0``: one capture-count column; ``Mt``: one column per list
        (independence); ``pairs``: ``Mt`` plus the two-list terms ``pairs``.
    pairs : tuple of (int, int)
        Two-list interactions (only with ``base="pairs"``).
    heterogeneity : str or None
        One of :data:`HETEROGENEITY` or ``None``.
    """

    base: str = "Mt"
    pairs: tuple[Pair, ...] = ()
    heterogeneity: str | None = None

    def columns(self, hist: IntArray) -> tuple[FloatArray, int]:
        """Design columns without the intercept, and Rcapture's ``nca``.

        ``nca`` counts the intercept and the non-heterogeneity columns: the
        Chao refit only ever drops columns after it.
        """
        nbcap = hist.sum(axis=1)
        if self.base == "M0":
            cols = [nbcap[:, None].astype(float)]
        else:
            cols = [hist.astype(float)]
            cols += [(hist[:, i] * hist[:, j]).astype(float)[:, None] for i, j in self.pairs]
        x = np.column_stack(cols)
        nca = x.shape[1] + 1
        if self.heterogeneity is not None:
            x = np.column_stack(
                [x, heterogeneity_columns(nbcap, self.heterogeneity, hist.shape[1])]
            )
        return x, nca


@dataclass(frozen=True)
class LoglinearFit:
    """Rcapture-style fit of one model (a row of ``closedp.t``).

    Attributes
    ----------
    abundance : float
        Poisson estimate ``n + exp(b0)``.
    stderr : float
        ``sqrt(exp(b0) + exp(2 b0) var(b0))``.
    deviance, df, aic, bic : float
        ``bic = aic + (log n - 2) rank`` as Rcapture.
    dropped_eta : tuple of int
        Chao columns (``j`` of ``eta_j``) set to zero because negative.
    """

    spec: ModelSpec
    observed: int
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool
    fit: PoissonFit
    design: FloatArray
    y: FloatArray
    dropped_eta: tuple[int, ...]
    columns: FloatArray
    nca: int

    @property
    def unobserved(self) -> float:
        """Poisson estimate of the unobserved count ``exp(b0)``."""
        return self.abundance - self.observed


def _fit_chao_neg(
    x: FloatArray, y: FloatArray, nca: int, chao: bool
) -> tuple[PoissonFit, FloatArray, list[int]]:
    """Fit, then (Chao models) drop the first negative eta column and refit."""
    xi = np.column_stack([np.ones(x.shape[0]), x])
    fit = fit_poisson(xi, y, maxit=RCAPTURE_MAXIT)
    dropped: list[int] = []
    if not chao:
        return fit, xi, dropped
    labels = list(range(3, 3 + xi.shape[1] - nca))
    while xi.shape[1] > nca and np.any(fit.coef[nca:] < 0):
        pos = nca + int(np.flatnonzero(fit.coef[nca:] < 0)[0])
        dropped.append(labels.pop(pos - nca))
        xi = np.delete(xi, pos, axis=1)
        fit = fit_poisson(xi, y, maxit=RCAPTURE_MAXIT)
    return fit, xi, dropped


def fit_loglinear(counts: IntArray, spec: ModelSpec, k: int) -> LoglinearFit:
    """Fit one model to the complete table (counts in :func:`all_histories` order).

    Parameters
    ----------
    counts : ndarray
        Counts of the ``2^k - 1`` histories in Rcapture order.
    spec : ModelSpec
    k : int
        Number of lists.
    """
    hist = all_histories(k)
    y = counts.astype(float)
    n = int(counts.sum())
    x, nca = spec.columns(hist)
    fit, xi, dropped = _fit_chao_neg(x, y, nca, spec.heterogeneity == "chao")
    b0 = fit.intercept
    unobs = math.exp(b0)
    stderr = math.sqrt(unobs + unobs**2 * fit.intercept_variance)
    return LoglinearFit(
        spec=spec,
        observed=n,
        abundance=n + unobs,
        stderr=stderr,
        deviance=fit.deviance,
        df=fit.df_residual,
        aic=fit.aic,
        bic=fit.aic + (math.log(n) - 2.0) * fit.rank,
        converged=fit.converged,
        fit=fit,
        design=xi,
        y=y,
        dropped_eta=tuple(dropped),
        columns=x,
        nca=nca,
    )


def cormack_correction(n0: float, total: float) -> float:
    """Cormack's (1992) correction turning the Poisson deviance into a multinomial one."""
    if total > 100:
        if n0 in (0.0, 1.0):
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    n0logn0 = n0 * math.log(n0) if n0 > 0 else 0.0
    return float(n0logn0 + gammaln(total + 1) - total * math.log(total) - gammaln(n0 + 1))


@dataclass(frozen=True)
class ProfileInterval:
    """Rcapture's ``closedpCI`` result.

    Attributes
    ----------
    abundance : float
        Multinomial profile-likelihood estimate (slightly below the Poisson one).
    lower, upper : float
        Interval bounds; ``upper`` is ``inf`` when no bound was found below
        ``upper_search`` (Rcapture prints ``>x``).
    upper_search : float
        End of the search for the upper bound (``3 x`` Poisson estimate).
    """

    abundance: float
    lower: float
    upper: float
    level: float
    upper_search: float


def profile_interval(model: LoglinearFit, level: float = 0.95) -> ProfileInterval:
    """Multinomial profile-likelihood interval for ``N`` (``closedpCI.t``).

    For a candidate ``N`` the unobserved cell ``N - n`` is appended with a zero
    design row and the Poisson GLM is refitted (Chao models with their
    negative-eta refit); the profile log-likelihood is ``-(deviance - 2 ct) / 2``
    with Cormack's correction ``ct``. The maximum is searched on
    ``[n, 1.5 N_poisson]``, the bounds are where the profile drops by
    ``chi2_1(level) / 2``, the upper one searched up to ``3 N_poisson``.
    """
    n = model.observed
    xa = np.vstack([model.columns, np.zeros((1, model.columns.shape[1]))])
    chao = model.spec.heterogeneity == "chao"

    def loglik(big_n: float) -> float:
        n0 = big_n - n
        ya = np.r_[model.y, n0]
        fit = _fit_chao_neg(xa, ya, model.nca, chao)[0]
        ct = cormack_correction(n0, float(ya.sum()))
        return -(fit.deviance - 2.0 * ct) / 2.0

    big = model.abundance
    res = minimize_scalar(
        lambda v: -loglik(v), bounds=(n, 1.5 * big), method="bounded", options={"xatol": 1e-4}
    )
    nmax = float(res.x)
    target = -float(res.fun) - chi2.ppf(level, 1) / 2.0

    def f(v: float) -> float:
        return float(loglik(v) - target)

    lower = float(n)
    if f(float(n)) < 0:
        lower = float(brentq(f, n, nmax, xtol=1e-6))
    upper_search = 3.0 * big
    upper = math.inf
    if math.isfinite(upper_search) and f(upper_search) < 0:
        upper = float(brentq(f, nmax, upper_search, xtol=1e-6))
    return ProfileInterval(nmax, lower, upper, level, upper_search)


def fit_pairs(counts: IntArray, pairs: Sequence[Pair], k: int) -> LoglinearFit:
    """Shortcut: main effects plus the given two-list interactions."""
    return fit_loglinear(counts, ModelSpec("pairs", tuple(sorted(pairs))), k)

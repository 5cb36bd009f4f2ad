"""Rcapture's table of standard closed-population models (``closedp.t``).

Twelve models: M0, Mt, Mh and Mth with the four heterogeneity forms, and the
behavioural Mb and Mbh. For multiple-systems data the lists have no time
order, so Mb and Mbh are reported only to reproduce Rcapture's table; they
are not meaningful estimates and the CLI does not offer them.

References
----------
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from samen.mse.design import IntArray, all_histories
from samen.mse.glm import RCAPTURE_MAXIT, fit_poisson
from samen.mse.loglinear import ModelSpec, fit_loglinear
from samen.mse.messages import CaptureDataError

#: Row names of ``closedp.t`` and the model each stands for.
STANDARD_MODELS: tuple[tuple[str, ModelSpec | None], ...] = (
    ("M0", ModelSpec("M0")),
    ("Mt", ModelSpec("Mt")),
    ("Mh Chao (LB)", ModelSpec("M0", heterogeneity="chao")),
    ("Mh Poisson2", ModelSpec("M0", heterogeneity="poisson")),
    ("Mh Darroch", ModelSpec("M0", heterogeneity="darroch")),
    ("Mh Gamma3.5", ModelSpec("M0", heterogeneity="gamma")),
    ("Mth Chao (LB)", ModelSpec("Mt", heterogeneity="chao")),
    ("Mth Poisson2", ModelSpec("Mt", heterogeneity="poisson")),
    ("Mth Darroch", ModelSpec("Mt", heterogeneity="darroch")),
    ("Mth Gamma3.5", ModelSpec("Mt", heterogeneity="gamma")),
    ("Mb", None),
    ("Mbh", None),
)


@dataclass(frozen=True)
class ClosedpRow:
    """One row of the ``closedp.t`` table."""

    name: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool


def closedp_table(counts: IntArray, k: int) -> list[ClosedpRow]:
    """Fit Rcapture's twelve standard models (``closedp.t(X, dfreq=TRUE)``).

    Parameters
    ----------
    counts : ndarray
        Counts of all ``2^k - 1`` histories in :func:`all_histories` order.
    k : int
        Number of lists (at least 3; heterogeneity models need 3).
    """
    if k < 3:
        raise CaptureDataError("needs_lists", method="closedp.t", minimum=3, k=k)
    rows = []
    n = int(counts.sum())
    for name, spec in STANDARD_MODELS:
        if spec is not None:
            f = fit_loglinear(counts, spec, k)
            rows.append(
                ClosedpRow(name, f.abundance, f.stderr, f.deviance, f.df, f.aic, f.bic, f.converged)
            )
        else:
            rows.append(_behavioural(counts, k, n, heterogeneous=name == "Mbh"))
    return rows


def _behavioural(counts: IntArray, k: int, n: int, *, heterogeneous: bool) -> ClosedpRow:
    hist = all_histories(k)
    nbcap = hist.sum(axis=1)
    before = np.argmax(hist == 1, axis=1).astype(float)  # occasions before the first capture
    after = (nbcap - 1).astype(float)
    cols = [np.ones(hist.shape[0]), before, after]
    if heterogeneous:
        cols.insert(1, (1 - hist[:, 0]).astype(float))
    x = np.column_stack(cols)
    y = counts.astype(float)
    fit = fit_poisson(x, y, maxit=RCAPTURE_MAXIT)
    b = fit.coef
    cov = fit.cov_unscaled
    e = np.exp
    if not heterogeneous:
        denom = 1 + e(b[2]) - e(b[1])
        big_n = e(b[0]) * (1 + e(b[2])) ** k / denom
        v = big_n * np.array([1.0, e(b[1]) / denom, k * e(b[2]) / (1 + e(b[2])) - e(b[2]) / denom])
    else:
        denom = 1 + e(b[3]) - e(b[2])
        ratio = e(b[1] + b[2]) / denom
        scale = e(b[0]) * (1 + e(b[3])) ** (k - 1)
        big_n = scale * (1 + ratio)
        v = scale * np.array(
            [
                1 + ratio,
                ratio,
                ratio + e(b[1] + 2 * b[2]) / denom**2,
                (k - 1) * e(b[3]) / (1 + e(b[3])) - e(b[1] + b[2] + b[3]) / denom**2,
            ]
        )
    var = float(v @ cov @ v) - big_n
    stderr = math.sqrt(var) if var > 0 else math.nan
    return ClosedpRow(
        "Mbh" if heterogeneous else "Mb",
        float(big_n),
        stderr,
        fit.deviance,
        fit.df_residual,
        fit.aic,
        fit.aic + (math.log(n) - 2.0) * fit.rank,
        fit.converged,
    )

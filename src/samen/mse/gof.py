"""Goodness of fit of a log-linear model, and the likelihood-ratio test between two models.

Every log-linear result carries its deviance, degrees of freedom, the p-value of
the deviance against a chi-squared distribution, and the Pearson residual
``(observed - fitted) / sqrt(fitted)`` of every cell, as R reports them for a
Poisson ``glm`` (``deviance(fit)``, ``df.residual(fit)``,
``pchisq(deviance, df, lower.tail = FALSE)``, ``residuals(fit, "pearson")``).

With sparse tables (many small cells) the chi-squared approximation of the
deviance is rough: read a small p-value as a sign to look at the residuals,
not as a verdict.

References
----------
McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed.,
sections 2.4 and 4.4. Chapman & Hall.
Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for
capture-recapture in R. *J. Stat. Softw.* 19(5). doi:10.18637/jss.v019.i05
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from samen.mse.design import FloatArray, IntArray, Pair, parse_terms, term_names
from samen.mse.loglinear import ModelSpec, fit_loglinear
from samen.mse.messages import CaptureDataError
from samen.mse.table import CaptureTable

#: A deviance p-value below this adds a warning to a result.
POOR_FIT_P = 0.001
#: Beyond this many cells, cells never observed are listed only when their
#: residual is notable (|r| > :data:`NOTABLE_RESIDUAL`): a 16-list table has 65,535.
MAX_LISTED_CELLS = 1023
NOTABLE_RESIDUAL = 2.0


def _chi2_sf(x: float, df: float) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(x, df))


@dataclass(frozen=True)
class CellFit:
    """One cell of the table: its label (the lists it is on, ``"A+C"``), observed and fitted."""

    cell: str
    observed: float
    fitted: float

    @property
    def pearson(self) -> float:
        """Pearson residual ``(observed - fitted) / sqrt(fitted)``."""
        return (self.observed - self.fitted) / math.sqrt(self.fitted)


@dataclass(frozen=True)
class GoodnessOfFit:
    """Deviance, degrees of freedom, its p-value, and the cells with their residuals.

    ``p_value`` is ``nan`` when ``df`` is 0 (a saturated model fits exactly).
    ``omitted`` counts the cells left out of ``cells`` (see :data:`MAX_LISTED_CELLS`).
    """

    deviance: float
    df: int
    p_value: float
    pearson_chi2: float
    cells: tuple[CellFit, ...]
    omitted: int = 0

    def to_json(self) -> dict[str, Any]:
        """camelCase dict for JSON output."""
        return {
            "deviance": self.deviance,
            "df": self.df,
            "pValue": self.p_value if math.isfinite(self.p_value) else None,
            "pearsonChi2": self.pearson_chi2,
            "cellsOmitted": self.omitted,
            "cells": [
                {"cell": c.cell, "observed": c.observed, "fitted": c.fitted, "pearson": c.pearson}
                for c in self.cells
            ],
        }

    def largest(self, count: int = 5) -> list[CellFit]:
        """The cells with the largest absolute Pearson residuals."""
        return sorted(self.cells, key=lambda c: -abs(c.pearson))[:count]


def cell_labels(histories: IntArray, lists: Sequence[str]) -> list[str]:
    """``"A+C"`` for a history on lists A and C."""
    return ["+".join(n for n, h in zip(lists, row, strict=True) if h) for row in histories.tolist()]


def goodness_of_fit(
    labels: Sequence[str], observed: FloatArray, fitted: FloatArray, deviance: float, df: int
) -> GoodnessOfFit:
    """Goodness of fit from a fitted Poisson model's cells.

    Parameters
    ----------
    labels : sequence of str
        A name per cell (the unobserved cell excluded), e.g. from :func:`cell_labels`.
    observed, fitted : ndarray, shape (m,)
        Observed counts and fitted means (means are positive, R floors them at
        machine epsilon).
    deviance : float
        The model's Poisson deviance.
    df : int
        Residual degrees of freedom (cells minus estimated parameters).
    """
    residuals = (observed - fitted) / np.sqrt(fitted)
    keep = np.ones(observed.size, dtype=bool)
    if observed.size > MAX_LISTED_CELLS:
        keep = (observed > 0) | (np.abs(residuals) > NOTABLE_RESIDUAL)
    cells = tuple(
        CellFit(labels[int(i)], float(observed[i]), float(fitted[i])) for i in np.flatnonzero(keep)
    )
    pearson = float(np.sum(residuals**2))
    p_value = _chi2_sf(deviance, df) if df > 0 else math.nan
    omitted = int(observed.size - keep.sum())
    return GoodnessOfFit(float(deviance), int(df), p_value, pearson, cells, omitted)


@dataclass(frozen=True)
class LikelihoodRatioTest:
    """Likelihood-ratio test of a model against a larger one that contains it.

    ``statistic`` is the smaller model's deviance minus the larger one's, referred
    to a chi-squared distribution with ``df`` (the difference in parameters)
    degrees of freedom: R's ``anova(small, large, test = "Chisq")``.
    """

    smaller: tuple[str, ...]
    larger: tuple[str, ...]
    deviance_smaller: float
    deviance_larger: float
    statistic: float
    df: int
    p_value: float

    def to_json(self) -> dict[str, Any]:
        """camelCase dict for JSON output."""
        return {
            "smaller": list(self.smaller),
            "larger": list(self.larger),
            "devianceSmaller": self.deviance_smaller,
            "devianceLarger": self.deviance_larger,
            "statistic": self.statistic,
            "df": self.df,
            "pValue": self.p_value,
        }


def likelihood_ratio_test(
    table: CaptureTable, smaller: str | Sequence[str], larger: str | Sequence[str]
) -> LikelihoodRatioTest:
    """Test whether the two-list terms that ``larger`` adds to ``smaller`` improve the fit.

    Both models are Rcapture's log-linear models on the complete table (main
    effects plus the given terms, as :func:`samen.mse.loglinear.fit_loglinear`).

    Raises
    ------
    CaptureDataError
        When a term is unknown, or ``smaller`` is not strictly contained in ``larger``.
    """
    small_pairs = parse_terms(smaller, table.lists)
    large_pairs = parse_terms(larger, table.lists)
    small_names = term_names(small_pairs, table.lists)
    large_names = term_names(large_pairs, table.lists)
    if not set(small_pairs) < set(large_pairs):
        raise CaptureDataError(
            "nested_models",
            smaller=", ".join(small_names) or "main effects",
            larger=", ".join(large_names) or "main effects",
        )
    _hist, counts = table.full()
    fits = [_fit(counts, pairs, table.k) for pairs in (small_pairs, large_pairs)]
    statistic = max(fits[0].deviance - fits[1].deviance, 0.0)
    df = fits[0].df - fits[1].df
    return LikelihoodRatioTest(
        small_names,
        large_names,
        fits[0].deviance,
        fits[1].deviance,
        statistic,
        df,
        _chi2_sf(statistic, df),
    )


def _fit(counts: IntArray, pairs: Sequence[Pair], k: int) -> Any:
    return fit_loglinear(counts, ModelSpec("pairs", tuple(pairs)), k)

"""Result objects shared by every method, and their JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from samen.mse.messages import MseMessage

#: The estimation methods of :func:`samen.mse.estimate.estimate` (see its module).
METHODS = (
    "independence",
    "loglinear",
    "chao",
    "sparsemse",
    "covariates",
    "dga",
    "petersen",
    "chapman",
    "average",
    "lcmcr",
)

#: JSON keys are camelCase; these fields are renamed.
_JSON_KEYS = {
    "ci_lower": "ciLower",
    "ci_upper": "ciUpper",
    "interval_kind": "intervalKind",
    "poisson_estimate": "poissonEstimate",
    "lp_checks": "lpChecks",
}


@dataclass(frozen=True)
class MseResult:
    """One estimate of a hidden population.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    lists : tuple of str
        List names as in the input.
    model : tuple of str
        Model terms beyond the main effects, e.g. ``("LA:NG", "P:year")``.
    estimate : float
        Estimated total (observed + unobserved).
    ci_lower, ci_upper : float
        Interval bounds; ``ci_upper`` is ``inf`` when no upper bound was found.
    level : float
        Interval level (0.95).
    interval_kind : str
        How the interval was obtained.
    observed : int
        Cases on at least one list.
    unobserved : float
        ``estimate - observed``.
    aic, bic : float or None
        Information criteria of the fitted model where they apply.
    existence, identifiability : bool or None
        SparseMSE's ``checkident`` verdicts for the fitted model.
    warnings : tuple of MseMessage
        Plain-language warnings for the analyst, each with its code and parameters.
    stratum : str or None
        ``"COLUMN=value"`` for one stratum, ``"total"`` for a sum of strata.
    poisson_estimate : float or None
        Rcapture's Poisson estimate ``n + exp(b0)`` when ``estimate`` is the
        multinomial profile estimate.
    details : dict
        Method-specific numbers (e.g. ``lpChecks``, ``ahat``, ``replicates``).
    """

    method: str
    lists: tuple[str, ...]
    model: tuple[str, ...]
    estimate: float
    ci_lower: float
    ci_upper: float
    level: float
    interval_kind: str
    observed: int
    unobserved: float
    aic: float | None = None
    bic: float | None = None
    existence: bool | None = None
    identifiability: bool | None = None
    warnings: tuple[MseMessage, ...] = ()
    stratum: str | None = None
    poisson_estimate: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with camelCase keys; infinities become ``null``.

        ``warnings`` holds the English texts; ``warningCodes`` the same warnings as
        ``{"code", "params"}`` for a caller that translates them.
        """
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            key = _JSON_KEYS.get(name, name)
            if isinstance(value, tuple):
                value = list(value)
            out[key] = _clean(value)
        out["warnings"] = [str(w) for w in self.warnings]
        out["warningCodes"] = [
            {"code": w.code, "params": _clean(dict(w.params))} for w in self.warnings
        ]
        return out


def chao_interval(observed: int, estimate: float, variance: float, z: float) -> tuple[float, float]:
    """Chao's (1987) log-transformed interval for a population size.

    With ``f0 = estimate - observed`` the estimated unseen cases and
    ``C = exp(z sqrt(log(1 + variance / f0^2)))`` the interval is
    ``(observed + f0 / C, observed + f0 C)``: it never falls below the number
    observed. Rcapture uses it for the Normal heterogeneity model.

    Chao, A. (1987). *Biometrics* 43, 783-791, formula 12. doi:10.2307/2531532
    """
    f0 = estimate - observed
    if not math.isfinite(estimate):
        return float(observed), math.inf
    if f0 <= 0 or variance <= 0:
        return float(observed), max(float(observed), estimate)
    if not math.isfinite(variance):
        return float(observed), math.inf
    c = math.exp(z * math.sqrt(math.log1p(variance / f0**2)))
    return observed + f0 / c, observed + f0 * c


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value

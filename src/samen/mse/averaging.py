"""Model averaging over the searched log-linear models (AIC or BIC weights).

Choosing one model and reporting its interval ignores that another model,
almost as good, gives another answer. Averaging weighs every model by how well
it is supported:

* Akaike weights: ``w_i ∝ exp(-Δ_i / 2)``, ``Δ_i`` the model's AIC (or BIC)
  minus the smallest (Burnham & Anderson 2002, section 2.9);
* the averaged estimate ``N = Σ w_i N_i`` of the models' Poisson estimates
  ``N_i = n + exp(b0_i)``;
* its unconditional standard error ``Σ w_i sqrt(se_i^2 + (N_i - N)^2)``
  (Buckland, Burnham & Augustin 1997), which adds the spread between models
  to each model's own;
* Chao's (1987) log-transformed interval around ``N`` with that standard error
  (never below the number observed).

Only models that pass SparseMSE's ``checkident`` (a finite estimate and
identifiable parameters) take part, as in the model choice of
``--method loglinear``; models more than :data:`MAX_DELTA` worse than the
best carry less than ``exp(-MAX_DELTA / 2)`` of its weight and are left out.
The top models are reported each with its own profile-likelihood interval.

References
----------
Buckland, S. T., Burnham, K. P. & Augustin, N. H. (1997). Model selection: an
integral part of inference. *Biometrics* 53, 603-618. doi:10.2307/2533961
Burnham, K. P. & Anderson, D. R. (2002). *Model Selection and Multimodel
Inference*, 2nd ed. Springer. doi:10.1007/b97636
Chao, A. (1987). *Biometrics* 43, 783-791. doi:10.2307/2531532
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from samen.mse.design import Pair, term_names
from samen.mse.loglinear import ModelSpec, fit_loglinear, profile_interval
from samen.mse.results import chao_interval
from samen.mse.search import SearchResult, search_models
from samen.mse.sparse import checkident
from samen.mse.table import CaptureTable

#: Models this much worse (AIC or BIC) than the best are left out of the average.
MAX_DELTA = 20.0
#: When this many of the best-ranked models fail the checks, none is looked for further.
MAX_FAILED = 1000


@dataclass(frozen=True)
class WeightedModel:
    """One model of the average.

    ``estimate`` is the Poisson estimate ``n + exp(b0)``; ``profile_*`` the
    multinomial profile estimate and interval (``nan`` beyond the top models).
    """

    pairs: tuple[Pair, ...]
    terms: tuple[str, ...]
    weight: float
    delta: float
    estimate: float
    stderr: float
    profile_estimate: float
    profile_lower: float
    profile_upper: float

    def to_json(self) -> dict[str, Any]:
        """camelCase dict; ``nan``/``inf`` limits become ``None``."""

        def num(v: float) -> float | None:
            return v if math.isfinite(v) else None

        return {
            "model": list(self.terms),
            "weight": self.weight,
            "delta": self.delta,
            "estimate": self.estimate,
            "stderr": self.stderr,
            "profileEstimate": num(self.profile_estimate),
            "ciLower": num(self.profile_lower),
            "ciUpper": num(self.profile_upper),
        }


@dataclass(frozen=True)
class ModelAverage:
    """The model-averaged estimate and the models behind it.

    Attributes
    ----------
    criterion : {"aic", "bic"}
    estimate, stderr, lower, upper : float
        Averaged estimate, unconditional standard error and Chao interval.
    models : tuple of WeightedModel
        The top models by weight, each with its profile interval.
    used : int
        Models in the average (within :data:`MAX_DELTA`, passing the checks).
    excluded : int
        Models within :data:`MAX_DELTA` left out because they fail the checks.
    searched : int
        Models fitted by the search.
    """

    criterion: str
    estimate: float
    stderr: float
    lower: float
    upper: float
    level: float
    observed: int
    models: tuple[WeightedModel, ...]
    used: int
    excluded: int
    searched: int
    search_method: str


def average_models(
    table: CaptureTable,
    criterion: str = "aic",
    *,
    top: int = 5,
    level: float = 0.95,
    search: SearchResult | None = None,
    n_jobs: int | None = None,
) -> ModelAverage:
    """Average the searched models' estimates with AIC (or BIC) weights.

    Parameters
    ----------
    table : CaptureTable
        Without covariates.
    criterion : {"aic", "bic"}
    top : int
        How many of the heaviest models to report with their own intervals.
    level : float
        Level of the intervals.
    search : SearchResult, optional
        A search already done on this table.
    n_jobs : int, optional
        Worker processes for the search.
    """
    from scipy.stats import norm

    hist, counts = table.full()
    result = search if search is not None else search_models(counts, table.k, criterion, n_jobs)
    ranked = result.ranked(criterion).models
    kept = []
    excluded = 0
    best = None
    for model in ranked:
        if best is None and excluded >= MAX_FAILED:
            break
        value = model.criterion(criterion)
        if not math.isfinite(value) or (best is not None and value - best > MAX_DELTA):
            if best is not None:
                break
            continue
        if not math.isfinite(model.abundance) or checkident(hist, counts, model.pairs) != 0:
            excluded += 1
            continue
        best = value if best is None else best
        kept.append(model)
    if not kept:
        # Nothing passes the checks: average the main-effects model alone (its
        # result then carries the checks' warnings).
        kept = [next(m for m in ranked if not m.pairs)]
    deltas = np.array([m.criterion(criterion) for m in kept])
    deltas -= deltas.min()
    weights = np.exp(-deltas / 2.0)
    weights /= weights.sum()
    estimates = np.array([m.abundance for m in kept])
    stderrs = np.array([m.stderr for m in kept])
    avg = float(weights @ estimates)
    se = float(weights @ np.sqrt(stderrs**2 + (estimates - avg) ** 2))
    n = table.observed
    z = float(norm.ppf(0.5 + level / 2.0))
    lower, upper = chao_interval(n, avg, se**2, z)
    reported = []
    for i, model in enumerate(kept[:top]):
        fit = fit_loglinear(counts, ModelSpec("pairs", model.pairs), table.k)
        ci = profile_interval(fit, level)
        reported.append(
            WeightedModel(
                pairs=model.pairs,
                terms=term_names(model.pairs, table.lists),
                weight=float(weights[i]),
                delta=float(deltas[i]),
                estimate=model.abundance,
                stderr=model.stderr,
                profile_estimate=ci.abundance,
                profile_lower=ci.lower,
                profile_upper=ci.upper,
            )
        )
    return ModelAverage(
        criterion=criterion,
        estimate=avg,
        stderr=se,
        lower=lower,
        upper=upper,
        level=level,
        observed=n,
        models=tuple(reported),
        used=len(kept),
        excluded=excluded,
        searched=len(ranked),
        search_method=result.method,
    )

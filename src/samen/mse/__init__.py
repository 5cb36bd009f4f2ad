"""Multiple systems estimation (capture–recapture over several lists).

Pure numpy/scipy: this package never imports Django. The public API:

* :func:`read_capture_csv`, :class:`CaptureTable` — input and validation;
* :class:`CaptureDataError`, :class:`MseMessage`, :data:`MESSAGES` — every error and
  warning with a code and parameters, for callers that translate them;
* :func:`estimate` — one call per method, returning :class:`MseResult`;
* :func:`fit_loglinear`, :func:`profile_interval`, :func:`closedp_table` — Rcapture;
* :func:`search_models` — exhaustive/stepwise AIC/BIC model search;
* :func:`stepwise_fit`, :func:`estimate_population0`, :func:`checkident`,
  :func:`check_all_models`, :func:`bootstrap_estimate` — SparseMSE;
* :func:`fit_covariate_model` — log-linear models with covariates;
* :func:`average_models`, :func:`likelihood_ratio_test`, :func:`two_list_estimate`,
  :func:`fit_normal` — model averaging, nested-model tests, two-list estimators and
  the Normal heterogeneity model;
* :func:`fit_lcmcr`, :class:`LcmcrOptions`, :func:`run_chain` — the Bayesian
  latent-class model of Manrique-Vallier (2016), R's LCMCR.

The names are imported on first use (PEP 562), so ``import samen.mse`` and the
command line's ``--help`` do not load numpy and scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ``estimate`` is also a submodule's name: importing that submodule would bind the
# module here, so the function is bound eagerly (its module imports nothing heavy).
from samen.mse.estimate import estimate
from samen.mse.messages import MESSAGES, CaptureDataError, MseMessage
from samen.mse.results import METHODS, MseResult

#: Public name -> module that defines it, imported on first use.
_WHERE = {
    "BootstrapResult": "bootstrap",
    "bootstrap_estimate": "bootstrap",
    "CovariateFit": "covariates",
    "fit_covariate_model": "covariates",
    "LoglinearFit": "loglinear",
    "ModelSpec": "loglinear",
    "fit_loglinear": "loglinear",
    "profile_interval": "loglinear",
    "closedp_table": "rcapture",
    "SearchResult": "search",
    "search_models": "search",
    "StepwiseFit": "sparse",
    "check_all_models": "sparse",
    "checkident": "sparse",
    "estimate_population0": "sparse",
    "stepwise_fit": "sparse",
    "CaptureTable": "table",
    "read_capture_csv": "table",
    "average_models": "averaging",
    "likelihood_ratio_test": "gof",
    "two_list_estimate": "twolist",
    "fit_normal": "heterogeneity",
    "LcmcrFit": "lcmcr",
    "LcmcrOptions": "lcmcr",
    "fit_lcmcr": "lcmcr",
    "run_chain": "lcmcr",
}

__all__ = [
    "MESSAGES",
    "METHODS",
    "BootstrapResult",
    "CaptureDataError",
    "CaptureTable",
    "CovariateFit",
    "LcmcrFit",
    "LcmcrOptions",
    "LoglinearFit",
    "ModelSpec",
    "MseMessage",
    "MseResult",
    "SearchResult",
    "StepwiseFit",
    "average_models",
    "bootstrap_estimate",
    "check_all_models",
    "checkident",
    "closedp_table",
    "estimate",
    "estimate_population0",
    "fit_covariate_model",
    "fit_lcmcr",
    "fit_loglinear",
    "fit_normal",
    "likelihood_ratio_test",
    "profile_interval",
    "read_capture_csv",
    "run_chain",
    "search_models",
    "stepwise_fit",
    "two_list_estimate",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'samen.mse' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"samen.mse.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from samen.mse.averaging import average_models
    from samen.mse.bootstrap import BootstrapResult, bootstrap_estimate
    from samen.mse.covariates import CovariateFit, fit_covariate_model
    from samen.mse.gof import likelihood_ratio_test
    from samen.mse.heterogeneity import fit_normal
    from samen.mse.lcmcr import LcmcrFit, LcmcrOptions, fit_lcmcr, run_chain
    from samen.mse.loglinear import LoglinearFit, ModelSpec, fit_loglinear, profile_interval
    from samen.mse.rcapture import closedp_table
    from samen.mse.search import SearchResult, search_models
    from samen.mse.sparse import (
        StepwiseFit,
        check_all_models,
        checkident,
        estimate_population0,
        stepwise_fit,
    )
    from samen.mse.table import CaptureTable, read_capture_csv
    from samen.mse.twolist import two_list_estimate

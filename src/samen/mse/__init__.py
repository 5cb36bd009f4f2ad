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
* :func:`fit_covariate_model` — log-linear models with covariates.
"""

from samen.mse.bootstrap import BootstrapResult, bootstrap_estimate
from samen.mse.covariates import CovariateFit, fit_covariate_model
from samen.mse.estimate import METHODS, estimate
from samen.mse.loglinear import LoglinearFit, ModelSpec, fit_loglinear, profile_interval
from samen.mse.messages import MESSAGES, MseMessage
from samen.mse.rcapture import closedp_table
from samen.mse.results import MseResult
from samen.mse.search import SearchResult, search_models
from samen.mse.sparse import (
    StepwiseFit,
    check_all_models,
    checkident,
    estimate_population0,
    stepwise_fit,
)
from samen.mse.table import CaptureDataError, CaptureTable, read_capture_csv

__all__ = [
    "MESSAGES",
    "METHODS",
    "BootstrapResult",
    "CaptureDataError",
    "CaptureTable",
    "CovariateFit",
    "LoglinearFit",
    "ModelSpec",
    "MseMessage",
    "MseResult",
    "SearchResult",
    "StepwiseFit",
    "bootstrap_estimate",
    "check_all_models",
    "checkident",
    "closedp_table",
    "estimate",
    "estimate_population0",
    "fit_covariate_model",
    "fit_loglinear",
    "profile_interval",
    "read_capture_csv",
    "search_models",
    "stepwise_fit",
]

"""Coded messages: every error and warning of the engine has a code and parameters.

The engine speaks English (the CLI, the docstrings), but its errors and warnings
are shown to analysts in Dutch by the web application. So each one is built
from a code in :data:`MESSAGES` (an English template with ``%(name)s``
placeholders) and its parameters: a caller can translate the template and fill
in the same parameters, or show the English text as it is.

* :class:`MseMessage` is a ``str`` (the English text) that also carries
  ``.code`` and ``.params``. Every warning in ``MseResult.warnings``, every note
  of a :class:`~samen.mse.table.CaptureTable` and every Python warning the engine
  issues is one.
* :class:`CaptureDataError` is the one exception the engine raises for input it
  cannot use: a bad file, or a table or option that the chosen method cannot
  handle. It carries ``.code``, ``.params`` and, where known, ``.file``,
  ``.row`` (line number in the file) and ``.column`` (its heading).

Parameter values are plain ``str``, ``int`` or ``float`` (ready for JSON); lists of
names are joined with ``", "`` before they become a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Param = str | int | float

#: code -> English template. Placeholders are ``%(name)s`` (or a number format
#: such as ``%(limit).0f``); the same names must be given as parameters.
MESSAGES: dict[str, str] = {
    # --- reading a file or arrays -------------------------------------------------
    "file_not_found": "file not found",
    "file_not_utf8": "not a UTF-8 text (CSV) file",
    "file_not_csv": "not a readable CSV file (%(reason)s)",
    "file_too_large": "the file has %(size)s bytes; at most %(limit)s bytes are read",
    "file_empty": "the file is empty; expected a header row",
    "header_empty_name": "column %(position)s has an empty name in the header",
    "header_duplicate": "column '%(name)s' appears twice in the header",
    "header_duplicate_count": (
        "columns '%(first)s' and '%(second)s' can both be the count column; keep one"
    ),
    "unknown_column": "unknown column '%(name)s'; the header has %(header)s",
    "no_data_rows": "no data rows after the header",
    "row_cell_count": "%(cells)s cells, expected %(expected)s as in the header",
    "too_few_lists": (
        "list columns found: %(count)s (%(lists)s); at least two lists are needed to "
        "estimate anything"
    ),
    "cell_not_binary": (
        "'%(value)s' is not 0 or 1 (list columns hold 0/1; declare other columns as "
        "strata or covariates)"
    ),
    "history_all_zero": (
        "the history is 0 on every list but its count is %(count)s; a case on no list "
        "cannot have been observed"
    ),
    "count_not_whole": "'%(value)s' is not a non-negative whole number",
    "count_too_large": (
        "'%(value)s' is larger than the largest count accepted (%(limit)s); "
        "check the column and the decimal separator"
    ),
    "counts_all_zero": "all counts are zero; nothing was observed",
    "histories_not_2d": "histories must be a 2-d array (one row per history)",
    "counts_shape": "counts has %(got)s values; expected %(expected)s, one per history",
    "duplicate_history": "%(file)s, row %(row)s: duplicate of row %(first)s; counts added",
    # --- options and methods ------------------------------------------------------
    "usage": "%(detail)s",
    "unknown_method": "method must be one of %(allowed)s, not '%(method)s'",
    "unknown_criterion": "criterion must be one of %(allowed)s, not '%(criterion)s'",
    "unknown_heterogeneity": "unknown heterogeneity '%(form)s'; allowed: %(allowed)s",
    "unknown_stratum": "unknown stratum column '%(name)s'; declared columns: %(declared)s",
    "term_format": "term '%(term)s': expected two different names joined by ':'",
    "term_unknown_list": "term '%(term)s': unknown list '%(name)s'; lists are %(lists)s",
    "term_unknown_name": (
        "term '%(term)s': '%(name)s' is neither a list (%(lists)s) nor a covariate (%(covariates)s)"
    ),
    "no_covariates": "the table has no covariate columns",
    "terms_not_used": (
        "--terms is used by the loglinear and covariate models only; the %(method)s method "
        "would ignore it"
    ),
    "table_has_covariates": (
        "this step needs a table without covariates (%(names)s); sum them out or stratify first"
    ),
    "needs_lists": "the %(method)s method needs at least %(minimum)s lists; this table has %(k)s",
    "lists_out_of_range": (
        "the %(method)s method works with %(minimum)s to %(maximum)s lists; this table has "
        "%(k)s (%(lists)s). Merge lists first, or use %(alternative)s"
    ),
    "method_too_large": (
        "the %(method)s method on %(k)s lists would need about %(memory)s of memory and "
        "about %(time)s, beyond the limit of %(limit)s; use %(alternative)s"
    ),
    "select_needs_covariates": (
        "--select chooses the terms of a covariate model (--covariates); the %(method)s "
        "method does not use it"
    ),
    "heterogeneity_needs_loglinear": (
        "--heterogeneity applies to --method independence and loglinear, not %(method)s"
    ),
    "heterogeneity_needs_terms": (
        "--heterogeneity with --method loglinear needs --terms (the model search is over "
        "two-list terms only); use --method independence for no terms"
    ),
    "theta_needs_form": "--theta applies to --heterogeneity poisson or gamma only",
    "dga_options_only": "--delta, --prior and --grid apply to --method dga, not %(method)s",
    "unknown_prior": "unknown prior '%(prior)s'; allowed: %(allowed)s",
    "trace_lcmcr_only": "--trace saves the draws of --method lcmcr; this method has none",
    "trace_not_written": "the trace could not be written (%(reason)s)",
    "lcmcr_options_only": (
        "--lcmcr-k, --burnin, --samples, --thin and --chains apply to --method lcmcr, "
        "not %(method)s"
    ),
    "top_positive": "--top needs a positive number of models, not %(value)s",
    "two_lists_only": "the %(method)s estimator is for two lists; this table has %(k)s",
    "nested_models": (
        "the models are not nested: %(smaller)s is not strictly contained in %(larger)s, so "
        "a likelihood-ratio test does not apply"
    ),
    "stratum_failed": "stratum %(stratum)s: %(reason)s",
    "dask_unreachable": (
        "cannot reach the Dask scheduler at %(address)s (%(reason)s); start one, or leave "
        "out --scheduler and SAMEN_DASK_SCHEDULER to run on this machine"
    ),
    "bootstrap_positive": "--bootstrap needs a positive number of replicates, not %(value)s",
    "bootstrap_sparsemse_only": "--bootstrap applies to --method sparsemse only, not %(method)s",
    "option_range": "%(option)s must be %(expected)s, not %(value)s",
    "bca_level_missing": "no BCa limits at level %(level)s; levels computed: %(levels)s",
    "array_not_binary": "histories[%(i)s, %(j)s] is %(value)s; expected 0 or 1",
    "array_not_numbers": "%(name)s must hold numbers; got dtype %(dtype)s",
    "array_not_whole": "%(name)s[%(index)s] is %(value)s; expected a non-negative whole number",
    "array_empty": "histories has no rows; expected at least one observed history",
    "array_history_all_zero": (
        "histories[%(index)s] is all zeros; the unobserved cell is never a data row"
    ),
    "array_history_repeated": (
        "histories[%(index)s] repeats histories[%(first)s]; give each capture history once "
        "with its total count"
    ),
    "grid_shape": "n_missing must be a non-empty 1-D grid; got an array of shape %(shape)s",
    "grid_not_increasing": (
        "n_missing[%(index)s] = %(value)s does not exceed n_missing[%(previous_index)s] = "
        "%(previous)s; the grid must be strictly increasing"
    ),
    "prior_shape": ("log_prior_n returned shape %(got)s; expected %(expected)s, one value per N"),
    "prior_invalid": "log_prior_n returned NaN or +inf; expected finite values or -inf",
    "prior_all_zero": "log_prior_n gives zero prior probability to every N on the grid",
    # --- warnings about the data -------------------------------------------------
    "list_no_cases": "list %(list)s has no cases",
    "list_isolated": (
        "list %(list)s shares no case with any other list: it adds cases but no information "
        "about how many were missed"
    ),
    "empty_pairs": "pairs of lists with no case in common: %(pairs)s",
    "few_cases": "only %(observed)s cases observed: intervals will be very wide",
    "few_histories": "fewer observed histories than parameters of the independence model",
    "no_overlap_at_all": (
        "no case is on more than one list: the lists carry no information about how many "
        "were missed, so no finite estimate exists"
    ),
    # --- warnings about a fit or an interval ---------------------------------------
    "not_converged": "the model fit did not converge: its estimate is unreliable",
    "no_upper_bound": (
        "no upper bound found below %(limit).0f: the data cannot limit the estimate"
    ),
    "estimate_absurd": (
        "the estimate (%(estimate).3g) is more than %(factor)s times the %(observed)s cases "
        "observed: the lists overlap so little that the data say almost nothing about the "
        "hidden number; do not use it without the interval and the checks"
    ),
    "estimate_infinite": (
        "the estimate is infinite: the model's maximum likelihood estimate does not exist "
        "for these data"
    ),
    "upper_limit_infinite": (
        "the upper limit is infinite: the data cannot limit the estimate from above"
    ),
    "interval_absurd": (
        "the upper limit (%(upper).3g) is more than %(factor)s times the %(observed)s cases "
        "observed: read it as 'no upper limit'"
    ),
    "no_mle": (
        "no finite maximum likelihood estimate exists for this model (the linear-programming "
        "check): its estimate is where the fit stopped, not an estimate"
    ),
    "not_identifiable": (
        "the model's parameters are not identifiable from these data: its estimate means nothing"
    ),
    "no_usable_model": (
        "none of the %(searched)s models searched passes the checks (a finite estimate and "
        "identifiable parameters); the main-effects model is reported, with its checks"
    ),
    "eta_dropped": "heterogeneity terms estimated negative and set to zero: %(terms)s",
    "models_passed_over": (
        "the %(passed)s models ranked above the chosen one by %(criterion)s have no finite "
        "maximum likelihood estimate or are not identifiable, and were passed over"
    ),
    "empty_terms_minus_inf": (
        "terms whose lists never overlap, treated as minus infinity: %(terms)s"
    ),
    "bca_undefined": (
        "the BCa interval is undefined: every bootstrap replicate fell on the same side of "
        "the estimate; the Wald interval is reported instead"
    ),
    "gof_poor_fit": (
        "the model fits poorly (deviance %(deviance).1f on %(df)s degrees of freedom, "
        "p = %(p_value).2g): look at the largest residuals; its interval understates the "
        "uncertainty"
    ),
    "lcmcr_unbounded": (
        "in %(share)s of the kept draws the number missed reached the sampler's ceiling of "
        "%(ceiling)s: the lists overlap too little to bound N; read the upper limit as 'no upper "
        "limit'"
    ),
    "mcmc_rhat_high": (
        "the chains have not mixed: split R-hat of N is %(rhat).3f (above %(limit)s); the "
        "posterior summaries are not yet reliable: run longer (--burnin, --samples, --thin) "
        "or more chains (--chains)"
    ),
    "mcmc_low_ess": (
        "only %(ess).0f effective draws of N (fewer than %(minimum).0f): the median and "
        "especially the interval limits carry Monte Carlo error; keep more draws "
        "(--samples, --thin) or run more chains (--chains)"
    ),
    "dga_grid_short": (
        "the posterior mass beyond 0.9 x the largest grid value (%(grid_max)s) is %(tail).2g "
        "(at least %(tolerance)s): the grid stops too early, so the upper limit and the mean "
        "are understated; extend the grid"
    ),
    "dga_grid_start": (
        "the first grid value (n_missing = %(first)s) holds %(mass).2g of the posterior: "
        "smaller numbers of unobserved cases are plausible but excluded by the grid, so the "
        "lower limit may be overstated; a grid that starts at 0 includes them"
    ),
    "dga_tail_unbounded": (
        "the posterior tail could not be brought below %(tolerance)s with a grid up to "
        "n_missing = %(grid_max)s (tail mass %(tail).2g): the data say little about how "
        "large N may be, and the upper limit and the mean depend on where the grid stops; "
        "treat them as lower bounds"
    ),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def placeholders(code: str) -> set[str]:
    """The parameter names a template needs."""
    return set(_PLACEHOLDER.findall(MESSAGES[code]))


class MseMessage(str):
    """An English message that also carries its code and parameters.

    ``MseMessage("few_cases", observed=12)`` is the string
    ``"only 12 cases observed: intervals will be very wide"`` with
    ``.code == "few_cases"`` and ``.params == {"observed": 12}``.

    Raises
    ------
    KeyError
        For an unknown code or a missing parameter (a programming error).
    """

    code: str
    params: dict[str, Param]

    def __new__(cls, code: str, /, **params: Param) -> MseMessage:
        text = MESSAGES[code] % params
        self = super().__new__(cls, text)
        self.code = code
        self.params = dict(params)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_message, (self.code, self.params))

    def to_json(self) -> dict[str, Any]:
        """``{"code", "params", "text"}`` for JSON output."""
        return {"code": self.code, "params": dict(self.params), "text": str(self)}


def _rebuild_message(code: str, params: Mapping[str, Param]) -> MseMessage:
    return MseMessage(code, **params)


class CaptureDataError(ValueError):
    """Input the engine cannot use; the message names the file, row and column.

    Raised for a bad file or array, and for a table or option that the chosen
    method cannot handle. ``str(error)`` is the English text with its location;
    ``.message`` is the :class:`MseMessage` without it.

    Attributes
    ----------
    code : str
        A key of :data:`MESSAGES`.
    params : dict
        The template's parameters.
    file : str or None
        The file (or ``"input"`` for arrays).
    row : int or None
        Line number in the file (the header is line 1), or row number of arrays.
    column : str or None
        The column's heading.
    """

    def __init__(
        self,
        code: str,
        /,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **params: Param,
    ) -> None:
        self.message = MseMessage(code, **params)
        self.code = code
        self.params = self.message.params
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self._text())

    def _text(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else str(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        loc = {"file": self.file, "row": self.row, "column": self.column}
        return (_rebuild_error, (self.code, loc, self.params))

    def to_json(self) -> dict[str, Any]:
        """``{"code", "params", "file", "row", "column", "text"}`` for JSON output."""
        return {
            "code": self.code,
            "params": dict(self.params),
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "text": str(self),
        }


def _rebuild_error(
    code: str, loc: Mapping[str, Any], params: Mapping[str, Any]
) -> CaptureDataError:
    error = CaptureDataError(code, **params)
    error.file, error.row, error.column = loc["file"], loc["row"], loc["column"]
    error.args = (error._text(),)
    return error

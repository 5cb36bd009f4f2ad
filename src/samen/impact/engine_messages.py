"""The engine's coded messages (`samen.mse.messages`) in the user's language.

The estimation library speaks English and gives every error and warning a code and
parameters. This module marks each English template for translation (the Dutch is in
this app's catalogue), so the analyst reads the engine's own words in Dutch: the
reader's errors next to the uploaded file, a run's warnings beside its estimate. A test
keeps these templates equal to `samen.mse.MESSAGES`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, gettext_noop

#: code -> English template, exactly as `samen.mse.MESSAGES` (marked for translation).
TEMPLATES: dict[str, str] = {
    "file_not_found": gettext_noop("file not found"),
    "file_not_utf8": gettext_noop("not a UTF-8 text (CSV) file"),
    "file_not_csv": gettext_noop("not a readable CSV file (%(reason)s)"),
    "file_too_large": gettext_noop("the file has %(size)s bytes; at most %(limit)s bytes are read"),
    "file_empty": gettext_noop("the file is empty; expected a header row"),
    "header_empty_name": gettext_noop("column %(position)s has an empty name in the header"),
    "header_duplicate": gettext_noop("column '%(name)s' appears twice in the header"),
    "header_duplicate_count": gettext_noop(
        "columns '%(first)s' and '%(second)s' can both be the count column; keep one"
    ),
    "unknown_column": gettext_noop("unknown column '%(name)s'; the header has %(header)s"),
    "no_data_rows": gettext_noop("no data rows after the header"),
    "row_cell_count": gettext_noop("%(cells)s cells, expected %(expected)s as in the header"),
    "too_few_lists": gettext_noop(
        "list columns found: %(count)s (%(lists)s); at least two lists are needed to "
        "estimate anything"
    ),
    "cell_not_binary": gettext_noop(
        "'%(value)s' is not 0 or 1 (list columns hold 0/1; declare other columns as "
        "strata or covariates)"
    ),
    "history_all_zero": gettext_noop(
        "the history is 0 on every list but its count is %(count)s; a case on no list "
        "cannot have been observed"
    ),
    "count_not_whole": gettext_noop("'%(value)s' is not a non-negative whole number"),
    "count_too_large": gettext_noop(
        "'%(value)s' is larger than the largest count accepted (%(limit)s); check the "
        "column and the decimal separator"
    ),
    "counts_all_zero": gettext_noop("all counts are zero; nothing was observed"),
    "histories_not_2d": gettext_noop("histories must be a 2-d array (one row per history)"),
    "counts_shape": gettext_noop(
        "counts has %(got)s values; expected %(expected)s, one per history"
    ),
    "duplicate_history": gettext_noop(
        "%(file)s, row %(row)s: duplicate of row %(first)s; counts added"
    ),
    "usage": gettext_noop("%(detail)s"),
    "unknown_method": gettext_noop("method must be one of %(allowed)s, not '%(method)s'"),
    "unknown_criterion": gettext_noop("criterion must be one of %(allowed)s, not '%(criterion)s'"),
    "unknown_heterogeneity": gettext_noop("unknown heterogeneity '%(form)s'; allowed: %(allowed)s"),
    "unknown_stratum": gettext_noop(
        "unknown stratum column '%(name)s'; declared columns: %(declared)s"
    ),
    "term_format": gettext_noop("term '%(term)s': expected two different names joined by ':'"),
    "term_unknown_list": gettext_noop(
        "term '%(term)s': unknown list '%(name)s'; lists are %(lists)s"
    ),
    "term_unknown_name": gettext_noop(
        "term '%(term)s': '%(name)s' is neither a list (%(lists)s) nor a covariate (%(covariates)s)"
    ),
    "no_covariates": gettext_noop("the table has no covariate columns"),
    "terms_not_used": gettext_noop(
        "--terms is used by the loglinear and covariate models only; the %(method)s "
        "method would ignore it"
    ),
    "table_has_covariates": gettext_noop(
        "this step needs a table without covariates (%(names)s); sum them out or stratify first"
    ),
    "needs_lists": gettext_noop(
        "the %(method)s method needs at least %(minimum)s lists; this table has %(k)s"
    ),
    "lists_out_of_range": gettext_noop(
        "the %(method)s method works with %(minimum)s to %(maximum)s lists; this table "
        "has %(k)s (%(lists)s). Merge lists first, or use %(alternative)s"
    ),
    "method_too_large": gettext_noop(
        "the %(method)s method on %(k)s lists would need about %(memory)s of memory and "
        "about %(time)s, beyond the limit of %(limit)s; use %(alternative)s"
    ),
    "select_needs_covariates": gettext_noop(
        "--select chooses the terms of a covariate model (--covariates); the %(method)s "
        "method does not use it"
    ),
    "heterogeneity_needs_loglinear": gettext_noop(
        "--heterogeneity applies to --method independence and loglinear, not %(method)s"
    ),
    "heterogeneity_needs_terms": gettext_noop(
        "--heterogeneity with --method loglinear needs --terms (the model search is over "
        "two-list terms only); use --method independence for no terms"
    ),
    "theta_needs_form": gettext_noop("--theta applies to --heterogeneity poisson or gamma only"),
    "dga_options_only": gettext_noop(
        "--delta, --prior and --grid apply to --method dga, not %(method)s"
    ),
    "unknown_prior": gettext_noop("unknown prior '%(prior)s'; allowed: %(allowed)s"),
    "top_positive": gettext_noop("--top needs a positive number of models, not %(value)s"),
    "two_lists_only": gettext_noop(
        "the %(method)s estimator is for two lists; this table has %(k)s"
    ),
    "nested_models": gettext_noop(
        "the models are not nested: %(smaller)s is not strictly contained in %(larger)s, "
        "so a likelihood-ratio test does not apply"
    ),
    "stratum_failed": gettext_noop("stratum %(stratum)s: %(reason)s"),
    "bootstrap_positive": gettext_noop(
        "--bootstrap needs a positive number of replicates, not %(value)s"
    ),
    "bootstrap_sparsemse_only": gettext_noop(
        "--bootstrap applies to --method sparsemse only, not %(method)s"
    ),
    "option_range": gettext_noop("%(option)s must be %(expected)s, not %(value)s"),
    "bca_level_missing": gettext_noop(
        "no BCa limits at level %(level)s; levels computed: %(levels)s"
    ),
    "array_not_binary": gettext_noop("histories[%(i)s, %(j)s] is %(value)s; expected 0 or 1"),
    "array_not_numbers": gettext_noop("%(name)s must hold numbers; got dtype %(dtype)s"),
    "array_not_whole": gettext_noop(
        "%(name)s[%(index)s] is %(value)s; expected a non-negative whole number"
    ),
    "array_empty": gettext_noop("histories has no rows; expected at least one observed history"),
    "array_history_all_zero": gettext_noop(
        "histories[%(index)s] is all zeros; the unobserved cell is never a data row"
    ),
    "array_history_repeated": gettext_noop(
        "histories[%(index)s] repeats histories[%(first)s]; give each capture history "
        "once with its total count"
    ),
    "grid_shape": gettext_noop(
        "n_missing must be a non-empty 1-D grid; got an array of shape %(shape)s"
    ),
    "grid_not_increasing": gettext_noop(
        "n_missing[%(index)s] = %(value)s does not exceed n_missing[%(previous_index)s] "
        "= %(previous)s; the grid must be strictly increasing"
    ),
    "prior_shape": gettext_noop(
        "log_prior_n returned shape %(got)s; expected %(expected)s, one value per N"
    ),
    "prior_invalid": gettext_noop(
        "log_prior_n returned NaN or +inf; expected finite values or -inf"
    ),
    "prior_all_zero": gettext_noop(
        "log_prior_n gives zero prior probability to every N on the grid"
    ),
    "list_no_cases": gettext_noop("list %(list)s has no cases"),
    "list_isolated": gettext_noop(
        "list %(list)s shares no case with any other list: it adds cases but no "
        "information about how many were missed"
    ),
    "empty_pairs": gettext_noop("pairs of lists with no case in common: %(pairs)s"),
    "few_cases": gettext_noop("only %(observed)s cases observed: intervals will be very wide"),
    "few_histories": gettext_noop(
        "fewer observed histories than parameters of the independence model"
    ),
    "no_overlap_at_all": gettext_noop(
        "no case is on more than one list: the lists carry no information about how many "
        "were missed, so no finite estimate exists"
    ),
    "not_converged": gettext_noop("the model fit did not converge: its estimate is unreliable"),
    "no_upper_bound": gettext_noop(
        "no upper bound found below %(limit).0f: the data cannot limit the estimate"
    ),
    "estimate_absurd": gettext_noop(
        "the estimate (%(estimate).3g) is more than %(factor)s times the %(observed)s "
        "cases observed: the lists overlap so little that the data say almost nothing "
        "about the hidden number; do not use it without the interval and the checks"
    ),
    "estimate_infinite": gettext_noop(
        "the estimate is infinite: the model's maximum likelihood estimate does not "
        "exist for these data"
    ),
    "upper_limit_infinite": gettext_noop(
        "the upper limit is infinite: the data cannot limit the estimate from above"
    ),
    "interval_absurd": gettext_noop(
        "the upper limit (%(upper).3g) is more than %(factor)s times the %(observed)s "
        "cases observed: read it as 'no upper limit'"
    ),
    "no_mle": gettext_noop(
        "no finite maximum likelihood estimate exists for this model (the "
        "linear-programming check): its estimate is where the fit stopped, not an "
        "estimate"
    ),
    "not_identifiable": gettext_noop(
        "the model's parameters are not identifiable from these data: its estimate means nothing"
    ),
    "no_usable_model": gettext_noop(
        "none of the %(searched)s models searched passes the checks (a finite estimate "
        "and identifiable parameters); the main-effects model is reported, with its "
        "checks"
    ),
    "eta_dropped": gettext_noop(
        "heterogeneity terms estimated negative and set to zero: %(terms)s"
    ),
    "models_passed_over": gettext_noop(
        "the %(passed)s models ranked above the chosen one by %(criterion)s have no "
        "finite maximum likelihood estimate or are not identifiable, and were passed over"
    ),
    "empty_terms_minus_inf": gettext_noop(
        "terms whose lists never overlap, treated as minus infinity: %(terms)s"
    ),
    "bca_undefined": gettext_noop(
        "the BCa interval is undefined: every bootstrap replicate fell on the same side "
        "of the estimate; the Wald interval is reported instead"
    ),
    "gof_poor_fit": gettext_noop(
        "the model fits poorly (deviance %(deviance).1f on %(df)s degrees of freedom, p "
        "= %(p_value).2g): look at the largest residuals; its interval understates the "
        "uncertainty"
    ),
    "dga_grid_short": gettext_noop(
        "the posterior mass beyond 0.9 x the largest grid value (%(grid_max)s) is "
        "%(tail).2g (at least %(tolerance)s): the grid stops too early, so the upper "
        "limit and the mean are understated; extend the grid"
    ),
    "dga_grid_start": gettext_noop(
        "the first grid value (n_missing = %(first)s) holds %(mass).2g of the posterior: "
        "smaller numbers of unobserved cases are plausible but excluded by the grid, so "
        "the lower limit may be overstated; a grid that starts at 0 includes them"
    ),
    "dga_tail_unbounded": gettext_noop(
        "the posterior tail could not be brought below %(tolerance)s with a grid up to "
        "n_missing = %(grid_max)s (tail mass %(tail).2g): the data say little about how "
        "large N may be, and the upper limit and the mean depend on where the grid "
        "stops; treat them as lower bounds"
    ),
    "dask_unreachable": gettext_noop(
        "cannot reach the Dask scheduler at %(address)s (%(reason)s); start one, or leave"
        " out --scheduler and SAMEN_DASK_SCHEDULER to run on this machine"
    ),
    "lcmcr_options_only": gettext_noop(
        "--lcmcr-k, --burnin, --samples, --thin and --chains apply to --method lcmcr, not"
        " %(method)s"
    ),
    "lcmcr_unbounded": gettext_noop(
        "in %(share)s of the kept draws the number missed reached the sampler's ceiling "
        "of %(ceiling)s: the lists overlap too little to bound N; read the upper limit as"
        " 'no upper limit'"
    ),
    "mcmc_low_ess": gettext_noop(
        "only %(ess).0f effective draws of N (fewer than %(minimum).0f): the median and "
        "especially the interval limits carry Monte Carlo error; keep more draws "
        "(--samples, --thin) or run more chains (--chains)"
    ),
    "mcmc_rhat_high": gettext_noop(
        "the chains have not mixed: split R-hat of N is %(rhat).3f (above %(limit)s); the"
        " posterior summaries are not yet reliable: run longer (--burnin, --samples, "
        "--thin) or more chains (--chains)"
    ),
    "trace_lcmcr_only": gettext_noop(
        "--trace saves the draws of --method lcmcr; this method has none"
    ),
    "trace_not_written": gettext_noop("the trace could not be written (%(reason)s)"),
}

#: The app's own wording of messages whose English template names the command line's
#: options: on the run form the analyst sets the form's fields, so these name them (as
#: the Dutch translation of the engine's template does).
APP_TEMPLATES: dict[str, str] = {
    "mcmc_low_ess": gettext_noop(
        "only %(ess).0f effective draws of N (fewer than %(minimum).0f): the median and "
        "especially the interval limits carry Monte Carlo error; keep more draws ('Draws "
        "kept per chain', 'Sweeps per kept draw') or run more chains ('Chains')"
    ),
    "mcmc_rhat_high": gettext_noop(
        "the chains have not mixed: split R-hat of N is %(rhat).3f (above %(limit)s); the"
        " posterior summaries are not yet reliable: run longer ('Burn-in sweeps', 'Draws "
        "kept per chain', 'Sweeps per kept draw') or more chains ('Chains')"
    ),
}


#: A placeholder of a template (``%(name)s``, ``%(name).3g``) or a literal ``%%``.
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?)([sdifgeEGr])")
#: A number the engine formatted itself, the English way: ``10,000``, ``1,234.5``, ``0.25``.
_ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]|\.\d)|"
    r"(?<![\w.,])-?\d+\.\d+(?![\w.,]*\d)"
)


def localise_number(english: str) -> str:
    """A number written the English way (``12,345.6``, ``0.25``, ``1.5e-05``) in the
    active language's format (Django's localisation: ``12.345,6`` in Dutch). Numbers of
    four digits and more are grouped in thousands."""
    plain = english.replace(",", "")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return english
    if "e" in plain.lower():  # scientific notation: only the decimal mark changes
        return plain.replace(".", get_format("DECIMAL_SEPARATOR"))
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return number_format(value, decimal_pos=decimals, force_grouping=abs(value) >= 1_000)


def _localise_text(value: str) -> str:
    """Numbers inside a text parameter (e.g. '1,234 MB') in the active language."""
    return _ENGLISH_NUMBER.sub(lambda m: localise_number(m.group(0)), value)


def _fill(template: str, params: Mapping[str, Any]) -> str:
    """`template` % `params`, with every number in the active language's format."""

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        name, spec, conversion = m.group(1), m.group(2), m.group(3)
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            out = ("%" + spec + conversion) % (value,)
            return _localise_text(out) if conversion == "s" else out
        if conversion in "sr":
            if isinstance(value, float) and not value.is_integer():
                return localise_number(repr(value))
            return localise_number(str(int(value)))
        if isinstance(value, float) and not math.isfinite(value):
            return ("%" + spec + conversion) % (value,)
        return localise_number(("%" + spec + conversion) % (value,))

    return _PLACEHOLDER.sub(one, template)


def text(code: str, params: Mapping[str, Any]) -> str:
    """The message `code` with its parameters, in the active language, numbers formatted
    as that language writes them (Django's localisation).

    An unknown code (a newer engine than this module) or parameters the translation
    cannot take fall back to the English template; never raises.
    """
    template = APP_TEMPLATES.get(code) or TEMPLATES.get(code)
    if template is None:
        return str(code)
    try:
        return _fill(gettext(template), params)
    except (KeyError, TypeError, ValueError):
        try:
            return _fill(template, params)
        except (KeyError, TypeError, ValueError):
            return template % dict(params)

"""The engine's description of an interval (``MseResult.interval_kind``, English text)
in the user's language, for the run and comparison pages.

The estimation library describes its intervals in English words; this module knows
each description it writes (see ``samen.mse._methods``) and gives the translated
text, with the number of bootstrap replicates or posterior draws filled in. An
unknown description is shown as the engine wrote it.
"""

from __future__ import annotations

import re

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .engine_messages import localise_number

FIXED = {
    "profile likelihood (multinomial, Cormack's correction)": gettext_noop(
        "profile likelihood (multinomial, Cormack's correction)"
    ),
    "Wald on the log of the unobserved count": gettext_noop(
        "Wald on the log of the unobserved count"
    ),
    "Wald on the log of the unobserved count (the BCa interval is undefined)": gettext_noop(
        "Wald on the log of the unobserved count (the BCa interval is undefined)"
    ),
    "Wald on the log of the unobserved count (delta method over covariate cells)": gettext_noop(
        "Wald on the log of the unobserved count (delta method over covariate cells)"
    ),
    "posterior quantiles (Bayesian model averaging over decomposable graphs)": gettext_noop(
        "posterior quantiles (Bayesian model averaging over decomposable graphs)"
    ),
    "log-transformed (Chao 1987), as Rcapture for the Normal model": gettext_noop(
        "log-transformed (Chao 1987), as Rcapture for the Normal model"
    ),
    "log-transformed (Chao 1987), variance of Seber (1982)": gettext_noop(
        "log-transformed (Chao 1987), variance of Seber (1982)"
    ),
    "log-transformed (Chao 1987) with the unconditional standard error "
    "(Buckland, Burnham & Augustin 1997)": gettext_noop(
        "log-transformed (Chao 1987) with the unconditional standard error "
        "(Buckland, Burnham & Augustin 1997)"
    ),
    "sum of strata (normal approximation, strata independent)": gettext_noop(
        "sum of strata (normal approximation, strata independent)"
    ),
}
BCA = re.compile(r"^BCa bootstrap \(([\d,]+) replicates, model selection redone in each\)$")
POSTERIOR = re.compile(r"^posterior quantiles \(([\d.]+)% and ([\d.]+)%\) of ([\d,]+) draws$")


def interval_label(text: str) -> str:
    """`text` (the engine's words for an interval) in the active language, its numbers
    as that language writes them."""
    if text in FIXED:
        return _(FIXED[text])
    match = BCA.match(text)
    if match:
        n = int(match.group(1).replace(",", ""))
        return _("BCa bootstrap (%(n)s replicates, model selection redone in each)") % {
            "n": number_format(n, force_grouping=True)
        }
    match = POSTERIOR.match(text)
    if match:
        return _("posterior quantiles (%(low)s %% and %(high)s %%) of %(n)s draws") % {
            "low": localise_number(match.group(1)),
            "high": localise_number(match.group(2)),
            "n": number_format(int(match.group(3).replace(",", "")), force_grouping=True),
        }
    return text

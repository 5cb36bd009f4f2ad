"""Two-list estimators: Lincoln–Petersen and Chapman, with their intervals.

With two lists of ``n1`` and ``n2`` cases of which ``m`` are on both:

* Lincoln–Petersen: ``N = n1 n2 / m`` (the maximum likelihood estimate under
  independence; the same as ``--method independence`` on two lists), variance
  ``n1 n2 (n1 - m)(n2 - m) / m^3``; infinite when ``m = 0``.
* Chapman (1951): ``N = (n1 + 1)(n2 + 1) / (m + 1) - 1``, nearly unbiased,
  finite also when ``m = 0``; variance
  ``(n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2))`` (Seber 1982, p. 60).

The interval reported is Chao's (1987) log-transformed one, which never falls
below the number of cases observed: with ``f0 = N - n`` the estimated unseen
cases and ``C = exp(z sqrt(log(1 + var / f0^2)))`` it is ``(n + f0 / C,
n + f0 C)``. The symmetric normal interval ``N ± z se`` that Seber tabulates is
given too (``details["normalInterval"]``).

References
----------
Chapman, D. G. (1951). Some properties of the hypergeometric distribution with
applications to zoological sample censuses. *Univ. Calif. Publ. Stat.* 1, 131-160.
Seber, G. A. F. (1982). *The Estimation of Animal Abundance and Related
Parameters*, 2nd ed., sections 3.1.1-3.1.2. Griffin, London.
Chao, A. (1987). Estimating the population size for capture-recapture data with
unequal catchability. *Biometrics* 43, 783-791. doi:10.2307/2531532
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from samen.mse.messages import CaptureDataError
from samen.mse.results import chao_interval
from samen.mse.table import CaptureTable


@dataclass(frozen=True)
class TwoListEstimate:
    """A two-list estimate of the population size.

    Attributes
    ----------
    method : {"petersen", "chapman"}
    n1, n2, m : int
        Cases on the first list, on the second, and on both.
    estimate, stderr : float
        ``inf`` for Lincoln–Petersen when ``m = 0``.
    lower, upper : float
        Chao's log-transformed interval (never below the observed count).
    normal_lower, normal_upper : float
        ``estimate ± z stderr``.
    """

    method: str
    n1: int
    n2: int
    m: int
    estimate: float
    stderr: float
    lower: float
    upper: float
    normal_lower: float
    normal_upper: float
    level: float

    @property
    def observed(self) -> int:
        """Cases on at least one list."""
        return self.n1 + self.n2 - self.m


def two_list_estimate(table: CaptureTable, method: str, level: float = 0.95) -> TwoListEstimate:
    """Lincoln–Petersen (``method="petersen"``) or Chapman (``"chapman"``) on a two-list table.

    Raises
    ------
    CaptureDataError
        When the table does not have exactly two lists.
    """
    from scipy.stats import norm

    if table.k != 2:
        raise CaptureDataError("two_lists_only", method=method, k=table.k)
    ov = table.pair_overlaps()
    n1, n2, m = int(ov[0, 0]), int(ov[1, 1]), int(ov[0, 1])
    if method == "chapman":
        est = (n1 + 1) * (n2 + 1) / (m + 1) - 1.0
        var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    elif m > 0:
        est = n1 * n2 / m
        var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    else:
        est = var = math.inf
    z = float(norm.ppf(0.5 + level / 2.0))
    se = math.sqrt(var)
    n = n1 + n2 - m
    lower, upper = chao_interval(n, est, var, z)
    return TwoListEstimate(
        method, n1, n2, m, est, se, lower, upper, est - z * se, est + z * se, level
    )

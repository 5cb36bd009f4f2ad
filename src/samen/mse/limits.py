"""How much time and memory a method needs for a table, checked before any work.

Every log-linear method works on the complete table of ``2^k - 1`` capture
histories of ``k`` lists, so its cost doubles with every list: 16 lists are
65,535 cells, 25 lists 33.5 million. Without a check a large table runs for
minutes, or grows to gigabytes until the operating system stops the process.
:func:`check_feasible` estimates the cost up front from the sizes the method
works with, and refuses with a :class:`~samen.mse.messages.CaptureDataError`
that names a method that does fit (or says to merge lists).

The estimates are rough (a factor of two either way): they count the largest
arrays and the work of the dominant steps, with constants measured on a
2-core machine (``bench/mse_limits.py`` prints estimate beside measurement):

* the complete table: ``8 k c`` bytes per copy, ``c = 2^k - 1`` cells;
* a Poisson fit of ``p`` columns: ``8 c p`` bytes per copy, time ``∝ c p^2``;
* ``independence``/``chao``: one fit and its profile interval (tens of fits);
* ``sparsemse``: about ``k`` steps, each scoring the ``k(k-1)/2`` pairs and
  refitting with a rank check; a bootstrap repeats it per replicate;
* ``loglinear``/``average`` beyond 6 lists: a stepwise search whose batched
  fits hold ``8 c P^2`` bytes, ``P = 1 + k + k(k-1)/2``;
* ``dga`` (3-5 lists), ``petersen`` and ``chapman`` (2 lists) are always cheap.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from samen.mse.messages import CaptureDataError
from samen.mse.table import CaptureTable

#: Default time budget (seconds) of a single estimate.
DEFAULT_SECONDS = 120.0
#: Default memory budget: this fraction of the machine's physical memory.
MEMORY_FRACTION = 0.25
#: Seconds per unit of work (one cell times a squared column count), measured.
_FIT_SECONDS = 7e-6
_CHAO_SECONDS = 5e-5
_SPARSE_SECONDS = 4e-8
_SEARCH_SECONDS = 2e-7
#: The libraries themselves (numpy, scipy) before any table.
_BASE_BYTES = 1e8
#: Copies of the largest arrays held at once.
_COPIES = 4
#: Methods suggested instead, in order of preference.
_ALTERNATIVES = ("independence", "sparsemse", "chao", "loglinear")


@dataclass(frozen=True)
class Cost:
    """Estimated time (seconds) and peak memory (bytes) of a method on a table."""

    seconds: float
    memory_bytes: float


@dataclass(frozen=True)
class Limits:
    """A time and memory budget; :meth:`default` is the one estimates get."""

    seconds: float = DEFAULT_SECONDS
    memory_bytes: float = 2e9

    @classmethod
    def default(cls) -> Limits:
        """:data:`DEFAULT_SECONDS` and a quarter of the physical memory (at least 1 GB)."""
        return cls(DEFAULT_SECONDS, max(1e9, MEMORY_FRACTION * _physical_memory()))

    @classmethod
    def unlimited(cls) -> Limits:
        """No budget (for benchmarks that measure the cost model itself)."""
        return cls(math.inf, math.inf)

    def allows(self, cost: Cost) -> bool:
        """Whether ``cost`` fits within this budget."""
        return cost.seconds <= self.seconds and cost.memory_bytes <= self.memory_bytes


def _physical_memory() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not POSIX
        return 8e9


def estimate_cost(method: str, k: int, *, bootstrap: int = 0, histories: int = 0) -> Cost:
    """The estimated cost of ``method`` on a table of ``k`` lists.

    Parameters
    ----------
    method : str
        A method of :func:`samen.mse.estimate.estimate`.
    k : int
        Number of lists.
    bootstrap : int
        ``sparsemse``: bootstrap replicates (each refits the stepwise model).
    histories : int
        Observed histories (a bootstrap also refits one jackknife table each).
    """
    if method in ("petersen", "chapman", "dga", "lcmcr"):
        # No complete table: cheap whatever the lists (dga has 3 to 5, the others 2;
        # LCMCR's cost grows with the observed histories, not with 2^k).
        return Cost(1.0, _BASE_BYTES)
    cells = 2.0**k - 1.0
    pairs = k * (k - 1) / 2.0
    table_bytes = _BASE_BYTES + 3 * 8.0 * cells * k
    if method in ("independence", "covariates"):
        p = k + 1.0
        return Cost(_FIT_SECONDS * cells * p * p, table_bytes + _COPIES * 8.0 * cells * p)
    if method == "chao":
        p = 2.0 * k - 1.0
        return Cost(_CHAO_SECONDS * cells * p * p, table_bytes + _COPIES * 8.0 * cells * p)
    if method == "sparsemse":
        p = 1.0 + 2.0 * k
        one = _SPARSE_SECONDS * k * cells * (pairs + p * p)
        runs = 1 + (bootstrap + histories if bootstrap else 0)
        return Cost(one * runs, table_bytes + _COPIES * 8.0 * cells * p)
    # loglinear and average: exhaustive up to 6 lists, stepwise beyond.
    if k <= 6:
        return Cost(0.0002 * 2.0**pairs + _FIT_SECONDS * cells * (1 + pairs) ** 2, 2 * _BASE_BYTES)
    big_p = 1.0 + k + pairs
    return Cost(
        _SEARCH_SECONDS * k * cells * big_p * big_p,
        table_bytes + 2 * 8.0 * cells * big_p * big_p,
    )


def check_feasible(
    table: CaptureTable, method: str, *, bootstrap: int = 0, limits: Limits | None = None
) -> Cost:
    """Refuse, before any work, a method whose estimated cost is beyond ``limits``.

    Returns the estimated :class:`Cost` when it fits.

    Raises
    ------
    CaptureDataError
        ``method_too_large``, naming the cost, the limit and a method that fits
        (or, when none does, how many lists would).
    """
    budget = limits or Limits.default()
    histories = int(table.histories.shape[0])
    cost = estimate_cost(method, table.k, bootstrap=bootstrap, histories=histories)
    if budget.allows(cost):
        return cost
    alternative = next(
        (
            f"--method {m}"
            for m in _ALTERNATIVES
            if m != method and budget.allows(estimate_cost(m, table.k))
        ),
        None,
    )
    if alternative is None:
        fits = max(
            (k for k in range(2, table.k) if budget.allows(estimate_cost("independence", k))),
            default=2,
        )
        alternative = f"at most {fits} lists (merge the smallest lists first)"
    if bootstrap and budget.allows(estimate_cost(method, table.k)):
        alternative = "fewer bootstrap replicates, or --jobs with more processes"
    raise CaptureDataError(
        "method_too_large",
        method=method,
        k=table.k,
        memory=_bytes(cost.memory_bytes),
        time=_seconds(cost.seconds),
        limit=f"{_seconds(budget.seconds)} and {_bytes(budget.memory_bytes)}",
        alternative=alternative,
    )


def _bytes(n: float) -> str:
    if n >= 1e9:
        return f"{n / 1e9:,.1f} GB"
    return f"{n / 1e6:,.0f} MB"


def _seconds(s: float) -> str:
    if not math.isfinite(s):
        return "no limit"
    if s >= 3600:
        return f"{s / 3600:,.1f} hours"
    if s >= 120:
        return f"{s / 60:,.0f} minutes"
    return f"{s:,.0f} seconds"

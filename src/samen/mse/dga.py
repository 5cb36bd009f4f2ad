"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

A port of ``bma.cr`` from the R package dga 2.0.2 (Johndrow, Lum & Ball) for 3 to 5 lists.
The posterior of the population size ``N = observed + n_missing`` is computed exactly on a
grid of ``n_missing`` values, averaging over every decomposable graphical log-linear model
of the lists with a hyper-Dirichlet prior. No sampling: the same inputs give the same
numbers as R up to floating-point rounding.

References
----------
Madigan, D. & York, J. C. (1997). Bayesian methods for estimation of the size of a closed
population. *Biometrika* 84(1), 19-31. doi:10.1093/biomet/84.1.19
Johndrow, J., Lum, K. & Ball, P. dga: Capture-Recapture Estimation using Bayesian Model
Averaging. R package version 2.0.2, https://CRAN.R-project.org/package=dga
Dawid, A. P. & Lauritzen, S. L. (1993). Hyper Markov laws in the statistical analysis of
decomposable graphical models. *Ann. Statist.* 21(3), 1272-1317. doi:10.1214/aos/1176349260
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

from samen.mse._chordal import DecomposableGraph, Edge, decomposable_graphs
from samen.mse.messages import CaptureDataError, MseMessage

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MIN_LISTS = 3
MAX_LISTS = 5

#: The grid is "wide enough" when the posterior mass of ``n_missing > TAIL_FRACTION * max``
#: is below ``TAIL_TOLERANCE`` (the rule used for the R reference runs).
TAIL_FRACTION = 0.9
TAIL_TOLERANCE = 1e-3

#: Automatic grid: start at ``n_missing = 1 .. max(AUTO_START_MULTIPLE * observed,
#: AUTO_MIN_NMAX)`` and double. The floor matters for small tables: with the 1/N prior and a
#: small delta the right tail decays slowly (like ``N**(delta - 2)`` under the saturated
#: model), so a short grid can pass the tail rule yet cut off about 1% of the mass.
AUTO_START_MULTIPLE = 20
AUTO_MIN_NMAX = 50_000
#: Beyond this the automatic grid gives up and says so (an unbounded tail, see the docs).
AUTO_MAX_NMAX = 100_000_000
#: Above this many grid points the automatic grid takes steps larger than one.
AUTO_MAX_POINTS = 250_000
#: Points of the coarse grids used only to find how far the grid must reach.
AUTO_SEARCH_POINTS = 2_000

#: Work in blocks of at most this many (graph, grid value) cells: bounded memory for any grid.
_BLOCK_CELLS = 1 << 21


class DgaGridWarning(UserWarning):
    """The grid of ``n_missing`` values does not cover the posterior well."""


@dataclass(frozen=True, eq=False)
class DgaResult:
    """Posterior of the population size from Bayesian model averaging (dga).

    Attributes
    ----------
    median, ci_lower, ci_upper : float
        Posterior quantiles of ``N = observed + n_missing`` at 0.5, ``(1 - level)/2`` and
        ``(1 + level)/2``: the first grid value whose cumulative posterior probability
        exceeds the level (dga's ``posteriorQuantiles``). Their resolution is the grid step.
    mean : float
        Posterior mean of ``N`` over the grid.
    level : float
        Probability of the equal-tailed interval.
    observed : int
        Number of observed cases (sum of ``counts``).
    delta : float
        Hyper-Dirichlet prior count per cell of the full table.
    n_missing : ndarray of int64
        The grid of unobserved counts the posterior is evaluated on.
    posterior : ndarray of float64
        Posterior probability of each grid value; sums to one.
    model_weights : ndarray of float64
        Posterior probability of each graph in ``graphs``; sums to one.
    graphs : tuple of tuple of (int, int)
        Every decomposable graph considered, as edges ``(i, j)`` between list indices
        (columns of ``histories``, from 0). An edge means the two lists interact.
    top_model_weight : float
        Largest entry of ``model_weights``.
    tail_mass : float
        Posterior mass of ``n_missing > 0.9 * max(n_missing)``. Above 1e-3 the grid is
        too short and the upper limit and the mean are understated.
    warnings : tuple of MseMessage
        Problems an analyst should read before using the numbers.
    """

    median: float
    ci_lower: float
    ci_upper: float
    mean: float
    level: float
    observed: int
    delta: float
    n_missing: IntArray
    posterior: FloatArray
    model_weights: FloatArray
    graphs: tuple[tuple[Edge, ...], ...]
    top_model_weight: float
    tail_mass: float
    warnings: tuple[MseMessage, ...]

    @property
    def top_model(self) -> tuple[Edge, ...]:
        """Edges of the graph with the largest posterior probability."""
        return self.graphs[int(np.argmax(self.model_weights))]

    def to_dict(self) -> dict[str, Any]:
        """Summary with camelCase keys, ready for JSON (no arrays)."""
        return {
            "method": "dga",
            "estimate": self.median,
            "ciLower": self.ci_lower,
            "ciUpper": self.ci_upper,
            "level": self.level,
            "observed": self.observed,
            "unobserved": self.median - self.observed,
            "posteriorMean": self.mean,
            "topModelWeight": self.top_model_weight,
            "topModel": [list(edge) for edge in self.top_model],
            "tailMass": self.tail_mass,
            "delta": self.delta,
            "gridMin": int(self.n_missing[0]),
            "gridMax": int(self.n_missing[-1]),
            "gridSize": int(self.n_missing.size),
            "warnings": list(self.warnings),
        }


def bma_cr(
    histories: NDArray[Any],
    counts: NDArray[Any],
    n_missing: NDArray[Any] | None = None,
    delta: float | None = None,
    log_prior_n: Callable[[FloatArray], FloatArray] | None = None,
    level: float = 0.95,
) -> DgaResult:
    """Posterior of the population size, averaged over all decomposable graphical models.

    Port of ``dga::bma.cr`` (version 2.0.2) followed by the summaries one reads off its
    column sums in R.

    Parameters
    ----------
    histories : array_like of 0/1, shape (m, p)
        Observed capture histories, one row each, one column per list, ``3 <= p <= 5``.
        No row may repeat another and none may be all zeros (that cell is never observed).
        Histories that are not listed have count zero.
    counts : array_like of int, shape (m,)
        Number of cases with each history; non-negative whole numbers, not all zero.
    n_missing : array_like of int, optional
        Grid of candidate numbers of unobserved cases: non-negative whole numbers in
        strictly increasing order. The posterior is supported on this grid only, so it
        must reach far enough into the right tail (see ``tail_mass``). Default: chosen
        automatically (Notes).
    delta : float, optional
        Hyper-Dirichlet prior count for each of the ``2**p`` cells of the full table,
        ``> 0``. Default ``2**-p`` (dga's recommendation: one prior case spread over the
        table). Marginal tables get ``delta`` times the number of cells collapsed into
        each marginal cell, so the prior is compatible across cliques.
    log_prior_n : callable, optional
        Log prior of the population size up to a constant. Called with the float array of
        population sizes ``N = observed + n_missing`` and must return an array of the same
        shape (``-inf`` allowed, NaN not). Default ``-log(N)``, the improper prior
        proportional to ``1/N`` that dga uses.
    level : float, default 0.95
        Probability of the equal-tailed credible interval, ``0 < level < 1``.

    Returns
    -------
    DgaResult
        Quantiles, mean, the posterior on the grid, the graph weights and warnings.

    Raises
    ------
    CaptureDataError
        If the table has fewer than 3 or more than 5 lists, a history that is not 0/1,
        repeated or all zeros, a count that is negative or fractional, no observed case;
        or if the grid, ``delta``, ``level`` or the prior are invalid. The message names
        the offending row or argument.

    Notes
    -----
    For a decomposable graph ``G`` with cliques ``C`` and separators ``S`` and a complete
    table with ``m`` cases in the unobserved cell, dga computes on the log scale

    ``w(G, m) = sum_C ML_C(m) - sum_S ML_S(m) + log(N! / (m! prod_c y_c!)) + log p(N)``

    where ``ML_A`` is the Dirichlet-multinomial log marginal likelihood of the marginal
    table of the lists in ``A`` with ``delta * 2**(p - |A|)`` prior counts per cell. The
    posterior over (graph, ``m``) is ``exp(w)`` normalised over every graph and grid value
    (uniform prior over graphs); the posterior of ``N`` is its column sums and the model
    weights its row sums. Here the sums are accumulated block by block with a log-sum-exp,
    so memory stays bounded and the full matrix is never stored.

    Automatic grid (``n_missing=None``): ``n_missing = 1, 2, ..., Nmax`` with
    ``Nmax = max(20 * observed, 50000)``, doubled until the tail mass is below 1e-3 (judged
    first on coarse 2,000-point grids, then confirmed on the final grid). The final grid
    has step one up to 250,000 points and a larger step beyond. Starting at 1 follows dga's
    examples and the R reference runs. If ``Nmax`` would pass 1e8 the widest grid is used
    and a warning says the tail was not brought under control: then the interval depends
    on where the grid stops, a sign that the data say little about the upper tail.

    Assumptions: a closed population, cases identified without error across lists, and
    dependence between lists that a decomposable log-linear model can describe.

    References
    ----------
    Madigan, D. & York, J. C. (1997). Bayesian methods for estimation of the size of a
    closed population. *Biometrika* 84(1), 19-31. doi:10.1093/biomet/84.1.19
    Johndrow, J., Lum, K. & Ball, P. dga, R package version 2.0.2 (function ``bma.cr``).

    Examples
    --------
    >>> import numpy as np
    >>> histories = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1],
    ...                       [0, 1, 1], [1, 1, 1]])
    >>> counts = np.array([60, 49, 247, 4, 112, 142, 12])
    >>> result = bma_cr(histories, counts, n_missing=np.arange(1, 2001))
    >>> result.observed
    626
    >>> result.ci_lower < result.median < result.ci_upper
    True
    """
    masks, table_counts, p = _validate_table(histories, counts)
    observed = int(table_counts.sum())
    delta_value = 2.0**-p if delta is None else _validate_delta(delta)
    if not 0.0 < level < 1.0:
        raise CaptureDataError(
            "option_range", option="level", expected="strictly between 0 and 1", value=level
        )
    prior = _default_log_prior if log_prior_n is None else log_prior_n

    graphs = decomposable_graphs(p)
    model = _Model(masks, table_counts, p, delta_value, graphs)
    notes: list[MseMessage] = []
    if n_missing is None:
        grid, log_columns, log_rows = _auto_grid(model, prior, notes)
    else:
        grid = _validate_grid(n_missing)
        log_columns, log_rows = model.log_sums(grid, prior)

    log_total = float(logsumexp(log_columns))
    posterior = np.exp(log_columns - log_total)
    posterior /= posterior.sum()
    model_weights = np.exp(log_rows - log_total)
    model_weights /= model_weights.sum()

    sizes = grid + observed
    tail = _tail_mass(grid, posterior)
    if n_missing is not None and tail >= TAIL_TOLERANCE:
        notes.append(
            MseMessage(
                "dga_grid_short", grid_max=int(grid[-1]), tail=tail, tolerance=TAIL_TOLERANCE
            )
        )
    if grid[0] > 0 and posterior[0] >= TAIL_TOLERANCE:
        notes.append(MseMessage("dga_grid_start", first=int(grid[0]), mass=float(posterior[0])))
    for note in notes:
        warnings.warn(note, DgaGridWarning, stacklevel=2)

    # The result is frozen; its arrays should not be editable behind its back either.
    for array in (grid, posterior, model_weights):
        array.setflags(write=False)
    lower_q, upper_q = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    cdf = np.cumsum(posterior)
    return DgaResult(
        median=_quantile(cdf, sizes, 0.5),
        ci_lower=_quantile(cdf, sizes, lower_q),
        ci_upper=_quantile(cdf, sizes, upper_q),
        mean=float(np.dot(sizes.astype(np.float64), posterior)),
        level=float(level),
        observed=observed,
        delta=delta_value,
        n_missing=grid,
        posterior=posterior,
        model_weights=model_weights,
        graphs=tuple(graph.edges for graph in graphs),
        top_model_weight=float(model_weights.max()),
        tail_mass=tail,
        warnings=tuple(notes),
    )


class _Model:
    """The data-dependent pieces of ``w(G, m)`` that do not depend on the grid."""

    def __init__(
        self,
        masks: IntArray,
        counts: IntArray,
        p: int,
        delta: float,
        graphs: tuple[DecomposableGraph, ...],
    ) -> None:
        self.observed = int(counts.sum())
        self.total_prior = delta * 2.0**p
        n_subsets = 2**p - 1
        # Marginal table of each non-empty subset s of lists (bit j = list j): the observed
        # count in its all-absent cell, and the constant part of its log marginal likelihood
        # (the cells that do not hold the unobserved cases).
        self.absent_count = np.zeros(n_subsets, dtype=np.float64)
        self.cell_prior = np.zeros(n_subsets, dtype=np.float64)
        self.constant = np.zeros(n_subsets, dtype=np.float64)
        for subset in range(1, n_subsets + 1):
            alpha = delta * 2.0 ** (p - subset.bit_count())
            cells = masks & subset
            present = cells != 0
            self.absent_count[subset - 1] = counts[~present].sum()
            # Cells never observed add lgamma(0 + alpha) - lgamma(alpha) = 0, so only the
            # observed non-absent cells of the marginal table are summed.
            sums = np.bincount(cells[present], weights=counts[present], minlength=subset + 1)
            occupied = sums[1:][sums[1:] > 0]
            self.cell_prior[subset - 1] = alpha
            self.constant[subset - 1] = float(np.sum(gammaln(occupied + alpha) - gammaln(alpha)))
        # Incidence of cliques (+1) and separators (-1) per graph over the subsets.
        self.design = np.zeros((len(graphs), n_subsets), dtype=np.float64)
        for row, graph in enumerate(graphs):
            for clique in graph.cliques:
                self.design[row, _subset_mask(clique) - 1] += 1.0
            for separator in graph.separators:
                self.design[row, _subset_mask(separator) - 1] -= 1.0
        self.log_factorial_counts = float(np.sum(gammaln(counts + 1.0)))

    def log_sums(
        self, grid: IntArray, log_prior_n: Callable[[FloatArray], FloatArray]
    ) -> tuple[FloatArray, FloatArray]:
        """Log of the unnormalised column sums (per grid value) and row sums (per graph)."""
        m = grid.astype(np.float64)
        sizes = m + self.observed
        common = (
            gammaln(sizes + 1.0) - gammaln(m + 1.0) - self.log_factorial_counts
        ) + _checked_log_prior(log_prior_n, sizes)
        n_graphs = self.design.shape[0]
        block = max(1, _BLOCK_CELLS // n_graphs)
        log_columns = np.empty(grid.size, dtype=np.float64)
        log_rows = np.full(n_graphs, -np.inf)
        for start in range(0, grid.size, block):
            stop = min(start + block, grid.size)
            log_w = self.design @ self._component_terms(m[start:stop], sizes[start:stop])
            log_w += common[start:stop]
            # One shift per block: an entry more than ~745 below the block maximum is also
            # that far below the overall maximum, so its underflow to 0 changes nothing.
            shift = float(np.max(log_w))
            if not np.isfinite(shift):
                log_columns[start:stop] = -np.inf
                continue
            np.subtract(log_w, shift, out=log_w)
            np.exp(log_w, out=log_w)
            with np.errstate(divide="ignore"):
                log_columns[start:stop] = np.log(log_w.sum(axis=0)) + shift
                log_rows = np.logaddexp(log_rows, np.log(log_w.sum(axis=1)) + shift)
        return log_columns, log_rows

    def _component_terms(self, m: FloatArray, sizes: FloatArray) -> FloatArray:
        """Log marginal likelihood of each marginal table plus dga's shared denominator.

        Row ``s - 1`` is ``ML_s(m)`` for the subset ``s``: the Dirichlet-multinomial
        normaliser ``lgamma(a) - lgamma(N + a)`` with ``a = delta * 2**p`` (the same for
        every marginal table), the unobserved-cell term and the observed cells. Adding the
        normaliser here, rather than once per graph as dga does, is the same sum but keeps
        the magnitudes small before the graph sums.
        """
        normaliser = gammaln(self.total_prior) - gammaln(sizes + self.total_prior)
        alpha = self.cell_prior[:, None]
        absent = gammaln(m[None, :] + self.absent_count[:, None] + alpha) - gammaln(alpha)
        result: FloatArray = absent + self.constant[:, None] + normaliser[None, :]
        return result


def _subset_mask(vertices: tuple[int, ...]) -> int:
    return sum(1 << v for v in vertices)


def _default_log_prior(sizes: FloatArray) -> FloatArray:
    result: FloatArray = -np.log(sizes)
    return result


def _checked_log_prior(
    log_prior_n: Callable[[FloatArray], FloatArray], sizes: FloatArray
) -> FloatArray:
    values = np.asarray(log_prior_n(sizes.copy()), dtype=np.float64)
    if values.shape != sizes.shape:
        raise CaptureDataError("prior_shape", got=str(values.shape), expected=str(sizes.shape))
    if np.isnan(values).any() or np.isposinf(values).any():
        raise CaptureDataError("prior_invalid")
    if not np.isfinite(values).any():
        raise CaptureDataError("prior_all_zero")
    return values


def _quantile(cdf: FloatArray, sizes: IntArray, q: float) -> float:
    """First N whose cumulative probability exceeds ``q`` (R: ``N[which(cumsum(w) > q)[1]]``)."""
    index = int(np.searchsorted(cdf, q, side="right"))
    return float(sizes[min(index, sizes.size - 1)])


def _tail_mass(grid: IntArray, posterior: FloatArray) -> float:
    return float(posterior[grid > TAIL_FRACTION * grid[-1]].sum())


def _unit_grid(nmax: int, points: int) -> IntArray:
    step = max(1, -(-nmax // points))
    return np.arange(1, nmax + 1, step, dtype=np.int64)


def _auto_grid(
    model: _Model, log_prior_n: Callable[[FloatArray], FloatArray], notes: list[MseMessage]
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Widen ``1..Nmax`` by doubling until the tail mass is below the tolerance."""
    nmax = max(AUTO_START_MULTIPLE * model.observed, AUTO_MIN_NMAX)
    while True:
        # A cheap coarse grid finds the reach; the tail fraction hardly depends on the step.
        while nmax < AUTO_MAX_NMAX:
            coarse = _unit_grid(nmax, AUTO_SEARCH_POINTS)
            columns, _ = model.log_sums(coarse, log_prior_n)
            if _tail_mass(coarse, np.exp(columns - logsumexp(columns))) < TAIL_TOLERANCE:
                break
            nmax *= 2
        nmax = min(nmax, AUTO_MAX_NMAX)
        grid = _unit_grid(nmax, AUTO_MAX_POINTS)
        columns, rows = model.log_sums(grid, log_prior_n)
        tail = _tail_mass(grid, np.exp(columns - logsumexp(columns)))
        if tail < TAIL_TOLERANCE:
            return grid, columns, rows
        if nmax >= AUTO_MAX_NMAX:
            notes.append(
                MseMessage(
                    "dga_tail_unbounded",
                    tolerance=TAIL_TOLERANCE,
                    grid_max=int(grid[-1]),
                    tail=tail,
                )
            )
            return grid, columns, rows
        nmax *= 2


def _validate_delta(delta: float) -> float:
    value = float(delta)
    if not (np.isfinite(value) and value > 0.0):
        raise CaptureDataError("option_range", option="delta", expected="positive", value=delta)
    return value


def _whole_numbers(values: NDArray[Any], name: str) -> IntArray:
    array = np.asarray(values)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
        raise CaptureDataError("array_not_numbers", name=name, dtype=str(array.dtype))
    numeric = array.astype(np.float64)
    bad = ~np.isfinite(numeric) | (numeric < 0) | (numeric != np.round(numeric))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise CaptureDataError(
            "array_not_whole", name=name, index=index, value=str(array[index].item())
        )
    return numeric.astype(np.int64)


def _validate_grid(n_missing: NDArray[Any]) -> IntArray:
    array = np.asarray(n_missing)
    if array.ndim != 1 or array.size == 0:
        raise CaptureDataError("grid_shape", shape=str(array.shape))
    grid = _whole_numbers(array, "n_missing")
    steps = np.diff(grid)
    if (steps <= 0).any():
        index = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise CaptureDataError(
            "grid_not_increasing",
            index=index,
            value=int(grid[index]),
            previous_index=index - 1,
            previous=int(grid[index - 1]),
        )
    return grid


def _validate_table(
    histories: NDArray[Any], counts: NDArray[Any]
) -> tuple[IntArray, IntArray, int]:
    """Check the capture histories and return them as bit masks (bit j = list j)."""
    rows = np.asarray(histories)
    if rows.ndim != 2:
        raise CaptureDataError("histories_not_2d")
    n_rows, p = rows.shape
    if not MIN_LISTS <= p <= MAX_LISTS:
        raise CaptureDataError(
            "lists_out_of_range",
            method="dga",
            minimum=MIN_LISTS,
            maximum=MAX_LISTS,
            k=p,
            lists=", ".join(str(i + 1) for i in range(p)),
            alternative="sparsemse or loglinear",
        )
    if n_rows == 0:
        raise CaptureDataError("array_empty")
    if not np.issubdtype(rows.dtype, np.number) and rows.dtype != np.bool_:
        raise CaptureDataError("array_not_numbers", name="histories", dtype=str(rows.dtype))
    not_binary = (rows != 0) & (rows != 1)
    if not_binary.any():
        i, j = (int(k) for k in np.argwhere(not_binary)[0])
        raise CaptureDataError("array_not_binary", i=i, j=j, value=str(rows[i, j].item()))
    bits = rows.astype(np.int64)
    masks = bits @ (1 << np.arange(p, dtype=np.int64))
    seen: dict[int, int] = {}
    for i, mask in enumerate(masks.tolist()):
        if mask == 0:
            raise CaptureDataError("array_history_all_zero", index=i)
        if mask in seen:
            raise CaptureDataError("array_history_repeated", index=i, first=seen[mask])
        seen[mask] = i
    count_array = np.asarray(counts)
    if count_array.shape != (n_rows,):
        raise CaptureDataError("counts_shape", got=int(count_array.size), expected=n_rows)
    whole = _whole_numbers(count_array, "counts")
    if whole.sum() == 0:
        raise CaptureDataError("counts_all_zero")
    return masks, whole, p

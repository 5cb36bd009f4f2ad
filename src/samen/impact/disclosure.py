"""Statistical disclosure control for published tables of counts: cell suppression.

Every public table of victim counts passes through :func:`protect` before it leaves the
application. It suppresses

* **primary** cells: every count ``value < threshold``, 0 included (totals, and cells
  derived as a total minus its parts, included): a published 0 says "nobody" and tells
  something about everyone in the groups around it, so it is hidden like any small count;
* **secondary** (complementary) cells, chosen so that no primary cell can be worked out,
  exactly or to within the protection interval, from the published cells and the additive
  relations between them (row, column and grand totals, hierarchies, and cells that several
  tables published together share).

The rule a protected set of tables meets: for every primary cell the attacker's interval
(:func:`feasible_ranges`: the smallest and largest value the cell can take over all
non-negative real solutions consistent with everything published) satisfies
``upper - lower >= protection`` (the protection width; by default the threshold).
``docs/disclosure-control.md`` explains the rule for data users and the reasons behind it.

Method: Cox's cell suppression seen as linear programming (Cox 1995; Fischetti & Salazar-
Gonzalez 2000), solved heuristically. A combinatorial pass first makes every relation
that holds a suppressed cell hold at least two, with at least ``protection`` counts between
its suppressed parts. Then every primary cell must be *proven* protected by two witnesses:
consistent versions of the tables (non-negative, every relation holding, every published
value kept) whose values of that cell lie ``protection`` apart. The true table is one; the
attacker's LP solutions supply the rest. A cell no witness proves is raised: an LP finds a
consistent version in which it lies ``protection`` above its lowest witness while changing
as few published (and as small) cells as possible, and the published cells it changes are
suppressed. Suppressing more keeps every witness consistent, so a proven cell stays proven
and the procedure ends. References: Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012),
ch. 4-5, doi:10.1002/9781118348239; L.H. Cox, "Network models for complementary cell
suppression", JASA 90 (1995) 1453-1462, doi:10.1080/01621459.1995.10476651;
M. Fischetti & J.J. Salazar-Gonzalez, "Models and algorithms for optimizing cell suppression
in tabular data with linear constraints", JASA 95 (2000) 916-928,
doi:10.1080/01621459.2000.10474282.

Pure Python, numpy and scipy (HiGHS through :func:`scipy.optimize.linprog`); no Django.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

FloatArray = NDArray[np.float64]

#: The one mark shown for every suppressed cell, primary or secondary (Statistics
#: Netherlands shows "." for "unknown, unreliable or confidential"). Using one mark for both
#: kinds matters: a mark such as "<10" on primary cells only would tell an attacker which
#: suppressed cells are small and which are not, which narrows their intervals again.
SUPPRESSED_MARK = "·"

#: Default threshold: counts below 10 are not published (QUALITY.md, Privacy).
DEFAULT_THRESHOLD = 10

# LP answers are exact up to HiGHS's feasibility tolerance (1e-7); an interval counts as wide
# enough when it falls short of the protection width by less than this.
_TOL = 1e-6


@dataclass(frozen=True)
class Relation:
    """One additive relation between published cells: ``value[total] == sum(value[parts])``.

    Cell ids are any hashables (e.g. ``(2024, "sexual", "total")``). A table with margins is
    a set of relations: one per row total, one per column total, and the grand total as the
    sum of the row totals and as the sum of the column totals. Tables published together
    share cell ids where they share cells.

    Raises
    ------
    ValueError
        When ``parts`` is empty, repeats a cell, or holds ``total``.
    """

    total: Hashable
    parts: tuple[Hashable, ...]

    def __post_init__(self) -> None:
        parts = tuple(self.parts)
        object.__setattr__(self, "parts", parts)
        if not parts:
            raise ValueError(f"relation for {self.total!r} has no parts")
        if len(set(parts)) != len(parts):
            raise ValueError(f"relation for {self.total!r} names a part twice")
        if self.total in parts:
            raise ValueError(f"relation for {self.total!r} holds its total among its parts")


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect`.

    Attributes
    ----------
    published : dict
        Every cell id of the input, in input order, with its value, or ``None`` where the
        cell is suppressed. Show :data:`SUPPRESSED_MARK` for ``None``, never 0.
    primary : frozenset
        Cells suppressed because they are small (``value < threshold``, 0 included).
    secondary : frozenset
        Cells suppressed only so that no primary cell can be worked out from the rest.
    suppressed : frozenset
        ``primary | secondary``.
    threshold : int
        Counts below this are primary.
    protection : float
        The width every primary cell's feasible interval has at least.
    """

    published: dict[Hashable, int | None]
    primary: frozenset[Hashable]
    secondary: frozenset[Hashable]
    suppressed: frozenset[Hashable] = field(init=False)
    threshold: int = DEFAULT_THRESHOLD
    protection: float = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        object.__setattr__(self, "suppressed", self.primary | self.secondary)


def protect(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    protection: float | None = None,
) -> Protection:
    """Suppress cells of one or more tables published together so no small count shows.

    Parameters
    ----------
    values : mapping of cell id to int
        Every cell of every table published together (inner cells, margins, totals), each a
        non-negative whole count. Order matters only for ties: the same input in the same
        order always gives the same suppression.
    relations : sequence of Relation
        Every additive relation that holds between the cells (and so between published
        ones); each must hold exactly on ``values``.
    threshold : int
        Counts ``value < threshold`` (0 included) are primary (default 10).
    protection : float, optional
        Width the attacker's interval of every primary cell must at least have
        (``upper - lower >= protection``, see :func:`feasible_ranges`). Defaults to
        ``threshold``: the published figures then cannot tell a suppressed count of 1 from 0
        or from ``threshold``.

    Returns
    -------
    Protection

    Raises
    ------
    ValueError
        A value that is negative or not a whole number, a relation that names an unknown
        cell or does not hold, a threshold below 1 or a protection width that is not
        positive.

    Notes
    -----
    Heuristic (no optimality guarantee on the number of suppressed cells), deterministic and
    always terminating; see the module docstring and ``docs/disclosure-control.md``.
    Secondary cells are chosen by cost ``(1 + value)``, times 10 for a cell that is a total
    and times 1000 for a cell that is part of no relation (a grand total), so small inner
    cells go first and grand totals last.
    """
    if int(threshold) != threshold or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, not {threshold!r}")
    width = float(threshold if protection is None else protection)
    if not width > 0:
        raise ValueError(f"protection must be positive, not {protection!r}")
    system = _System.build(values, relations)
    v = system.values
    primary = v < threshold
    suppressed = primary.copy()
    if primary.any():
        _complete_relations(system, suppressed, width)
        _audit_and_repair(system, primary, suppressed, width)
    ids = system.ids
    return Protection(
        published={c: (None if suppressed[i] else int(v[i])) for i, c in enumerate(ids)},
        primary=frozenset(ids[i] for i in np.flatnonzero(primary)),
        secondary=frozenset(ids[i] for i in np.flatnonzero(suppressed & ~primary)),
        threshold=int(threshold),
        protection=width,
    )


def feasible_ranges(
    published: Mapping[Hashable, int | None],
    relations: Sequence[Relation],
    cells: Sequence[Hashable] | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """The attacker's view: each suppressed cell's smallest and largest possible value.

    For every suppressed cell (value ``None``) the interval ``(min, max)`` of that cell over
    all non-negative real vectors that equal every published value and satisfy every
    relation; ``max`` is ``math.inf`` when nothing bounds the cell. This is the linear
    programming attack of the cell suppression literature (Hundepool et al. 2012, §4.3;
    Fischetti & Salazar-Gonzalez 2000), solved with HiGHS through
    :func:`scipy.optimize.linprog`. Relations with a single unknown are solved first;
    intervals that bound propagation and an already found solution prove exactly need no LP
    of their own.

    Parameters
    ----------
    published : mapping of cell id to int or None
        Every cell that any relation names, with its published value or ``None``.
    relations : sequence of Relation
    cells : sequence of cell ids, optional
        Only these suppressed cells (default: all of them).

    Returns
    -------
    dict of cell id to (float, float)
        In the order of ``published`` (or of ``cells``).

    Raises
    ------
    ValueError
        A relation that names an unknown cell, a published value that is negative, or
        published values that no non-negative solution fits.
    """
    ids = list(published)
    values = {c: (0 if x is None else x) for c, x in published.items()}
    system = _System.build(values, relations, check=False)
    known = np.array([published[c] is not None for c in ids])
    wanted = np.flatnonzero(~known)
    if cells is not None:
        missing = [c for c in cells if c not in system.index]
        if missing:
            raise ValueError(f"cell {missing[0]!r} is not in the published set")
        order = [system.index[c] for c in cells]
        if any(known[i] for i in order):
            raise ValueError("feasible_ranges answers only for suppressed cells")
        wanted = np.array(order, dtype=np.int64)
    attack = _Attack(system, known)
    lo, hi = attack.ranges(wanted)
    return {ids[i]: (float(lo[k]), float(hi[k])) for k, i in enumerate(wanted)}


# --------------------------------------------------------------------------- internals


@dataclass
class _System:
    """Cells as indices ``0..n-1`` (input order) and relations as a sparse matrix.

    Row ``r`` of ``matrix`` is ``+1`` at the total and ``-1`` at each part, so the
    relations read ``matrix @ x == 0``.
    """

    ids: list[Hashable]
    index: dict[Hashable, int]
    values: FloatArray
    matrix: sp.csr_matrix
    by_cell: sp.csc_matrix
    totals: NDArray[np.int64]
    cost: FloatArray

    @classmethod
    def build(
        cls, values: Mapping[Hashable, int], relations: Sequence[Relation], check: bool = True
    ) -> _System:
        ids = list(values)
        index = {c: i for i, c in enumerate(ids)}
        v = np.empty(len(ids))
        for i, c in enumerate(ids):
            x = values[c]
            if isinstance(x, bool) or int(x) != x or x < 0:
                raise ValueError(f"cell {c!r}: expected a non-negative whole count, got {x!r}")
            v[i] = int(x)
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        totals = np.empty(len(relations), dtype=np.int64)
        for r, rel in enumerate(relations):
            if not isinstance(rel, Relation):
                raise ValueError(f"relation {r}: expected a Relation, got {rel!r}")
            for c in (rel.total, *rel.parts):
                if c not in index:
                    raise ValueError(
                        f"relation for {rel.total!r} names cell {c!r}, which has no value"
                    )
            totals[r] = index[rel.total]
            rows.extend([r] * (1 + len(rel.parts)))
            cols.append(index[rel.total])
            cols.extend(index[p] for p in rel.parts)
            data.append(1.0)
            data.extend([-1.0] * len(rel.parts))
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(relations), len(ids)))
        if check and relations:
            gap = matrix @ v
            bad = np.flatnonzero(gap != 0)
            if bad.size:
                rel = relations[int(bad[0])]
                raise ValueError(
                    f"relation for {rel.total!r} does not hold: total {int(v[totals[bad[0]]])}, "
                    f"parts add up to {int(v[totals[bad[0]]] - gap[bad[0]])}"
                )
        is_total = np.zeros(len(ids), dtype=bool)
        is_total[totals] = True
        is_part = np.asarray((matrix < 0).sum(axis=0)).ravel() > 0
        cost = (1.0 + v) * np.where(is_total, 10.0, 1.0) * np.where(is_part, 1.0, 1000.0)
        return cls(ids, index, v, matrix, matrix.tocsc(), totals, cost)

    def members(self, r: int) -> NDArray[np.int32]:
        """Cells of relation ``r``: the total first, then the parts (ascending index)."""
        start, end = self.matrix.indptr[r], self.matrix.indptr[r + 1]
        cols = self.matrix.indices[start:end]
        t = self.totals[r]
        return np.concatenate(([t], cols[cols != t])).astype(np.int32)

    def relations_of(self, cells: NDArray[np.int64]) -> NDArray[np.int64]:
        """Relations that name any of ``cells``, ascending."""
        sub = self.by_cell[:, cells]
        return np.unique(sub.indices).astype(np.int64)


def _complete_relations(system: _System, suppressed: NDArray[np.bool_], width: float) -> None:
    """Cheap necessary conditions, relation by relation, repeated until none fires.

    A relation holding exactly one suppressed cell gives it away by subtraction; a relation
    whose total is published and whose suppressed parts add up to less than ``width`` pins
    each of them inside an interval narrower than ``width``. In both cases the cheapest
    published part that closes the gap is added (a part rather than the total, small before
    large); the total only when no part is left.
    """
    v, cost = system.values, system.cost
    n_rel = system.matrix.shape[0]
    queue = deque(range(n_rel))
    queued = np.ones(n_rel, dtype=bool)
    while queue:
        r = queue.popleft()
        queued[r] = False
        cells = system.members(r)
        sup = suppressed[cells]
        if not sup.any():
            continue
        total, parts = cells[0], cells[1:]
        added: list[int] = []
        while True:
            sup = suppressed[cells]
            n_sup = int(sup.sum())
            short = (not suppressed[total]) and float(v[parts][suppressed[parts]].sum()) < width
            if n_sup >= 2 and not short:
                break
            if n_sup == len(cells):
                break
            free = parts[~suppressed[parts]]
            if free.size:
                gap = width - float(v[parts][suppressed[parts]].sum())
                enough = free[v[free] >= gap]
                pick = enough[np.argmin(cost[enough])] if enough.size else free[np.argmax(v[free])]
                if n_sup == 1 and not short:
                    pick = free[np.argmin(cost[free])]
            else:
                pick = total
            suppressed[pick] = True
            added.append(int(pick))
        if added:
            for s in system.relations_of(np.array(added, dtype=np.int64)):
                if not queued[s]:
                    queued[s] = True
                    queue.append(int(s))


def _audit_and_repair(
    system: _System,
    primary: NDArray[np.bool_],
    suppressed: NDArray[np.bool_],
    width: float,
) -> None:
    """Prove every primary cell protected, suppressing more cells where that fails.

    Proof is by witnesses: consistent tables (the true one, the attacker's LP solutions)
    in which a primary cell's values lie ``width`` apart. Witnesses stay consistent when
    more cells are suppressed, so a cell once proven stays proven. The cells no witness
    proves are raised: an LP finds a consistent table that lifts each of them ``width``
    above its lowest witnessed value while changing published cells as little as possible
    (cost-weighted); the published cells it changes are suppressed, and the table it found
    is the missing witness. Cells that share a relation are raised in different LPs, so a
    small shared total need not carry all of them at once.
    """
    v = system.values
    attack = _Attack(system, ~suppressed, base=v)
    attack.witness(v)
    cells = np.flatnonzero(primary)
    attack.settle(cells[attack.wmax[cells] - attack.wmin[cells] < width - _TOL])
    todo = cells[attack.wmax[cells] - attack.wmin[cells] < width - _TOL]
    if todo.size == 0:
        return
    _, label = connected_components(sp.csr_matrix(abs(system.matrix).T @ abs(system.matrix)))
    for group in _colour(system, todo):
        floor = attack.wmin[group] + width
        still = group[attack.wmax[group] < floor - _TOL]
        if still.size == 0:
            continue
        point = _raise(system, still, attack.wmin[still] + width, suppressed, label)
        if point is None:  # together impossible: one by one, to name the culprit
            for q in still:
                one = _raise(system, np.array([q]), attack.wmin[[q]] + width, suppressed, label)
                if one is None:
                    raise ValueError(
                        f"cell {system.ids[q]!r} cannot be protected: "
                        "the relations themselves fix its value"
                    )
                attack.witness(one)
        else:
            attack.witness(point)


def _colour(system: _System, cells: NDArray[np.int64], limit: int = 4) -> list[NDArray[np.int64]]:
    """Split ``cells`` into at most ``limit`` groups, sharing relations as little as can be.

    Greedy in order: each cell joins the group it shares the fewest relations with (the
    first such group on a tie), so cells in one row land in different groups while there
    are groups enough.
    """
    by_cell = system.by_cell
    members: dict[int, list[int]] = {}  # relation -> groups of the cells already in it
    groups: list[list[int]] = [[] for _ in range(limit)]
    for q in (int(c) for c in cells):
        rels = by_cell.indices[by_cell.indptr[q] : by_cell.indptr[q + 1]]
        clash = np.zeros(limit)
        for r in rels:
            for g in members.get(int(r), ()):
                clash[g] += 1
        g = int(np.argmin(clash))
        groups[g].append(q)
        for r in rels:
            members.setdefault(int(r), []).append(g)
    return [np.array(g, dtype=np.int64) for g in groups if g]


def _raise(
    system: _System,
    targets: NDArray[np.int64],
    floor: FloatArray,
    suppressed: NDArray[np.bool_],
    label: NDArray[np.int32],
) -> FloatArray | None:
    """A consistent table with ``x[targets] >= floor`` that changes published cells least.

    LP over the perturbation ``y = u - w`` of the true table: ``A y = 0`` (every relation
    still holds), ``0 <= w <= values`` (no count below zero), ``y[targets] >= floor -
    values[targets]``, minimising ``sum(cost * (u + w) / width)`` over published cells
    (suppressed cells move freely). This is the one-sided relaxation of Fischetti &
    Salazar-Gonzalez's protection constraints. Every published cell the solution moves is
    suppressed. Returns the table, or ``None`` when no table can reach the floor.
    """
    a = system.matrix
    v = system.values
    cells = np.flatnonzero(np.isin(label, label[targets]))
    rows = system.relations_of(cells)
    sub = a[rows][:, cells]
    k = cells.size
    local = np.searchsorted(cells, targets)
    weight = np.where(suppressed[cells], 0.0, system.cost[cells])
    need = np.zeros(k)
    need[local] = np.maximum(floor - v[targets], 0.0)
    w_upper = v[cells].copy()
    w_upper[local] = 0.0  # a raised cell only goes up
    res = linprog(
        np.concatenate([weight, weight]),
        A_eq=sp.hstack([sub, -sub], format="csr"),
        b_eq=np.zeros(sub.shape[0]),
        bounds=np.column_stack(
            [np.concatenate([need, np.zeros(k)]), np.concatenate([np.full(k, np.inf), w_upper])]
        ),
        method="highs",
    )
    if res.status != 0:
        return None
    y = res.x[:k] - res.x[k:]
    moved = np.abs(y) > 1e-9
    suppressed[cells[moved]] = True
    point = v.copy()
    point[cells] = np.maximum(v[cells] + y, 0.0)
    return point


class _Attack:
    """The attacker's LP over the suppressed cells of one publication pattern.

    Built once per pattern: relations with one unknown are solved by substitution, bound
    propagation gives every unknown an outer interval, and the remaining unknowns split into
    independent components. An interval end is exact without an LP of its own when a known
    consistent table (a *witness*: the true table, or any earlier LP solution) reaches the
    outer bound; otherwise one LP over the cell's component decides it. Cells are indexed as
    in the system throughout.
    """

    def __init__(
        self, system: _System, known: NDArray[np.bool_], base: FloatArray | None = None
    ) -> None:
        self.system = system
        a = system.matrix
        n = a.shape[1]
        x = np.where(known, system.values, 0.0)
        fixed = known.copy()
        rhs = -(a[:, fixed] @ x[fixed]) if a.shape[0] else np.zeros(0)
        self._solve_singletons(a, fixed, x, rhs)
        unknown = np.flatnonzero(~fixed)
        au = a[:, unknown].tocsr()
        alive = np.diff(au.indptr) > 0
        if np.any(np.abs(rhs[~alive]) > _TOL):
            raise ValueError("no non-negative table fits the published values")
        self.au = au[alive]
        self.rhs = rhs[alive]
        self.unknown = unknown
        self.base = base
        if unknown.size:
            pattern = abs(self.au)
            _, self.label = connected_components(sp.csr_matrix(pattern.T @ pattern), directed=False)
        else:
            self.label = np.zeros(0, dtype=np.int32)
        lo, hi = _propagate(self.au, self.rhs, unknown.size)
        self.lo = x.copy()
        self.hi = x.copy()
        self.lo[unknown] = lo
        self.hi[unknown] = hi
        self.pos = np.full(n, -1)
        self.pos[unknown] = np.arange(unknown.size)
        self.wmin = np.where(fixed, x, np.inf)
        self.wmax = np.where(fixed, x, -np.inf)
        self.lps = 0
        self._components: dict[int, tuple[sp.csr_matrix, FloatArray, NDArray[np.int64]]] = {}

    @staticmethod
    def _solve_singletons(
        a: sp.csr_matrix, fixed: NDArray[np.bool_], x: FloatArray, rhs: FloatArray
    ) -> None:
        """Relations with exactly one unknown cell give it away: substitute, repeat."""
        if a.shape[0] == 0:
            return
        csc = a.tocsc()
        free_count = np.asarray((a[:, ~fixed] != 0).sum(axis=1)).ravel()
        queue = [int(r) for r in np.flatnonzero(free_count == 1)]
        while queue:
            r = queue.pop()
            if free_count[r] != 1:
                continue
            cols = a.indices[a.indptr[r] : a.indptr[r + 1]]
            vals = a.data[a.indptr[r] : a.indptr[r + 1]]
            free = ~fixed[cols]
            j = int(cols[free][0])
            value = rhs[r] / float(vals[free][0])
            if value < -_TOL:
                raise ValueError("no non-negative table fits the published values")
            value = max(value, 0.0)
            fixed[j] = True
            x[j] = value
            rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
            rhs[rows] -= csc.data[csc.indptr[j] : csc.indptr[j + 1]] * value
            free_count[rows] -= 1
            queue.extend(int(s) for s in rows if free_count[s] == 1)

    def witness(self, point: FloatArray) -> None:
        """Record a consistent table (a value for every cell)."""
        np.minimum(self.wmin, point, out=self.wmin)
        np.maximum(self.wmax, point, out=self.wmax)

    def _component(self, j: int) -> tuple[sp.csr_matrix, FloatArray, NDArray[np.int64]]:
        label = int(self.label[j])
        if label not in self._components:
            cols = np.flatnonzero(self.label == label)
            sub = self.au[:, cols].tocsr()
            rows = np.diff(sub.indptr) > 0
            self._components[label] = (sub[rows], self.rhs[rows], cols)
        return self._components[label]

    def _optimise(self, cell: int, sense: float) -> float:
        """Min (sense 1) or max (sense -1) of ``cell`` over its component's LP."""
        j = int(self.pos[cell])
        m, b, cols = self._component(j)
        c = np.zeros(cols.size)
        c[int(np.searchsorted(cols, j))] = sense
        fun = self._solve(c, m, b, cols)
        return np.inf if fun == -np.inf else sense * fun

    def _solve(
        self, c: FloatArray, m: sp.csr_matrix, b: FloatArray, cols: NDArray[np.int64]
    ) -> float:
        """Minimise ``c @ x`` over one component; record the solution as a witness."""
        res = linprog(
            c, A_eq=m, b_eq=b, bounds=(0, None), method="highs-ds", options={"presolve": False}
        )
        self.lps += 1
        if res.status == 3:
            return -np.inf
        if res.status != 0:
            raise ValueError("no non-negative table fits the published values")
        cells = self.unknown[cols]
        np.minimum.at(self.wmin, cells, res.x)
        np.maximum.at(self.wmax, cells, res.x)
        if self.base is not None:
            point = self.base.copy()
            point[cells] = res.x
            self.witness(point)
        return float(res.fun)

    def _aggregate(self, cells: NDArray[np.int64], sense: float) -> None:
        """Witnesses for many cells at once: push all of them down (up) together.

        One LP per component minimises (maximises) the sum of the cells, each scaled by its
        outer interval, so that a single solution reaches many cells' bounds at once.
        """
        cells = cells[np.isfinite(self.hi[cells])] if sense < 0 else cells
        by_label: dict[int, list[int]] = {}
        for cell in cells:
            by_label.setdefault(int(self.label[self.pos[cell]]), []).append(int(cell))
        for group in by_label.values():
            j = int(self.pos[group[0]])
            m, b, cols = self._component(j)
            local = np.searchsorted(cols, self.pos[group])
            c = np.zeros(cols.size)
            span = np.maximum(self.hi[group] - self.lo[group], 1.0)
            c[local] = sense / span
            self._solve(c, m, b, cols)

    def _open(self, cells: NDArray[np.int64], sense: float) -> NDArray[np.int64]:
        """Cells whose lower (sense 1) or upper (sense -1) end no witness has reached."""
        if sense > 0:
            return cells[self.wmin[cells] > self.lo[cells] + _TOL]
        return cells[self.wmax[cells] < self.hi[cells] - _TOL]

    def settle(self, cells: NDArray[np.int64]) -> None:
        """Find witnesses reaching the outer bounds of ``cells`` with few aggregate LPs.

        Rounds repeat while each still settles several open cells (an exact LP per cell
        settles one or two); exact LPs per cell do the rest.
        """
        cells = cells[self.pos[cells] >= 0]
        for sense in (1.0, -1.0):
            open_ = self._open(cells, sense)
            for _ in range(50):
                if open_.size < 2:
                    break
                self._aggregate(open_, sense)
                still = self._open(cells, sense)
                if open_.size - still.size < 3:
                    break
                open_ = still

    def _lower(self, cell: int) -> float:
        if self.wmin[cell] <= self.lo[cell] + _TOL:
            return float(self.lo[cell])
        return self._optimise(cell, 1.0)

    def _upper(self, cell: int) -> float:
        if self.wmax[cell] >= self.hi[cell] - _TOL:
            return float(self.hi[cell])
        return self._optimise(cell, -1.0)

    def wide_enough(self, cell: int, width: float) -> bool:
        """Whether ``cell``'s interval is at least ``width`` wide, with as few LPs as can be."""
        if self.hi[cell] - self.lo[cell] < width - _TOL:
            return False  # even the outer interval is too narrow
        if self.wmax[cell] - self.wmin[cell] >= width - _TOL:
            return True  # two consistent tables prove it
        hi = self._upper(cell)
        if hi - self.wmin[cell] >= width - _TOL:
            return True
        return hi - self._lower(cell) >= width - _TOL

    def ranges(self, wanted: NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        """Exact intervals of the cells ``wanted``."""
        self.settle(wanted)
        lo = np.array([self._lower(int(c)) for c in wanted])
        hi = np.array([self._upper(int(c)) for c in wanted])
        return _clean(lo), _clean(hi)


def _clean(x: FloatArray) -> FloatArray:
    """Snap LP noise (1e-9) to whole numbers where the answer is one."""
    out = x + 0.0  # + 0.0 turns -0.0 into 0.0
    finite = np.isfinite(out)
    r = np.round(out[finite])
    near = np.abs(out[finite] - r) < 1e-7
    out[finite] = np.where(near, r, out[finite]) + 0.0
    return out


def _propagate(
    m: sp.csr_matrix, b: FloatArray, k: int, sweeps: int = 200
) -> tuple[FloatArray, FloatArray]:
    """Outer bounds of ``x >= 0`` with ``m @ x == b`` by interval propagation.

    Each relation bounds each of its unknowns by the bounds of the others (the "shuttle"
    idea of Buzzigoli & Giusti); repeated until nothing tightens by more than 1e-9.
    Every interval contains the true one.
    """
    lo = np.zeros(k)
    hi = np.full(k, np.inf)
    if m.nnz == 0:
        return lo, hi
    coo = m.tocoo()
    r, j, a = coo.row, coo.col, coo.data
    pos = a > 0
    for _ in range(sweeps):
        cmin = np.where(pos, a * lo[j], a * hi[j])  # smallest contribution a*x_j
        cmax = np.where(pos, a * hi[j], a * lo[j])
        inf_min = np.isinf(cmin)
        inf_max = np.isinf(cmax)
        n_inf_min = np.bincount(r, inf_min, m.shape[0])
        n_inf_max = np.bincount(r, inf_max, m.shape[0])
        s_min = np.bincount(r, np.where(inf_min, 0.0, cmin), m.shape[0])
        s_max = np.bincount(r, np.where(inf_max, 0.0, cmax), m.shape[0])
        # the other entries of the row: sum minus own contribution
        o_min = np.where(
            n_inf_min[r] - inf_min > 0, -np.inf, s_min[r] - np.where(inf_min, 0.0, cmin)
        )
        o_max = np.where(
            n_inf_max[r] - inf_max > 0, np.inf, s_max[r] - np.where(inf_max, 0.0, cmax)
        )
        # a*x_j = b - others, so a*x_j lies in [b - o_max, b - o_min]
        ax_lo = b[r] - o_max
        ax_hi = b[r] - o_min
        x_lo = np.where(pos, ax_lo / a, ax_hi / a)
        x_hi = np.where(pos, ax_hi / a, ax_lo / a)
        new_lo = lo.copy()
        new_hi = hi.copy()
        np.maximum.at(new_lo, j, x_lo)
        np.minimum.at(new_hi, j, x_hi)
        if np.any(new_lo > new_hi + _TOL):
            raise ValueError("no non-negative table fits the published values")
        new_hi = np.maximum(new_hi, new_lo)
        finite = np.isfinite(hi)
        change = max(
            float(np.max(new_lo - lo, initial=0.0)),
            float(np.max(hi[finite] - new_hi[finite], initial=0.0)),
            float(np.count_nonzero(~finite & np.isfinite(new_hi))),
        )
        lo, hi = new_lo, new_hi
        if change <= 1e-9:
            break
    return lo, hi

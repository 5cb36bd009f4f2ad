"""Decomposable (chordal) graphs on a few labelled vertices, with their cliques and separators.

The R package dga ships these lists as data (``graphs3``, ``graphs4``, ``graphs5``: 8, 61
and 822 graphs). Here they are generated: every one of the ``2**(p*(p-1)/2)`` edge sets on
``p`` vertices is tested for chordality with a maximum cardinality search, and each chordal
graph is decomposed into its maximal cliques and the separators of a junction tree. For
``p <= 5`` that is at most 1,024 tiny graphs, so generating them on first use (then caching)
is cheaper and easier to review than shipping a data file.

References
----------
Tarjan, R. E. & Yannakakis, M. (1984). Simple linear-time algorithms to test chordality of
graphs, test acyclicity of hypergraphs, and selectively reduce acyclic hypergraphs.
*SIAM J. Comput.* 13(3), 566-579. doi:10.1137/0213035
Lauritzen, S. L. (1996). *Graphical Models*. Oxford University Press, chapter 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

from samen.mse.messages import CaptureDataError

Edge = tuple[int, int]
VertexSet = tuple[int, ...]

#: Largest number of vertices we enumerate. 6 vertices would mean 32,768 edge sets
#: (18,154 chordal graphs); nothing in dga needs it, so it is not offered.
MAX_VERTICES = 5


@dataclass(frozen=True)
class DecomposableGraph:
    """One decomposable graph on the vertices ``0 .. p-1``.

    Attributes
    ----------
    p : int
        Number of vertices (lists).
    edges : tuple of (int, int)
        Edges ``(i, j)`` with ``i < j``, in lexicographic order.
    cliques : tuple of tuple of int
        The maximal cliques (isolated vertices are cliques of size one).
    separators : tuple of tuple of int
        The non-empty separators of a junction tree, as a multiset (a separator may repeat).
        Empty separators, which join the connected components, are left out: their
        marginal table is the grand total and contributes a factor of one to the
        marginal likelihood.
    """

    p: int
    edges: tuple[Edge, ...]
    cliques: tuple[VertexSet, ...]
    separators: tuple[VertexSet, ...]


def all_pairs(p: int) -> tuple[Edge, ...]:
    """All ``p*(p-1)/2`` vertex pairs in lexicographic order: (0,1), (0,2), ..., (p-2,p-1)."""
    return tuple(combinations(range(p), 2))


def _neighbours(p: int, edges: tuple[Edge, ...]) -> list[set[int]]:
    adjacency: list[set[int]] = [set() for _ in range(p)]
    for i, j in edges:
        adjacency[i].add(j)
        adjacency[j].add(i)
    return adjacency


def is_chordal(p: int, edges: tuple[Edge, ...]) -> bool:
    """Whether the graph has no chordless cycle of length four or more.

    Maximum cardinality search numbers the vertices; the graph is chordal exactly when,
    for every vertex, its neighbours numbered earlier form a clique (Tarjan & Yannakakis
    1984). Checking the full clique condition instead of the linear-time "follower" test
    costs nothing at this size and is easier to verify.
    """
    adjacency = _neighbours(p, edges)
    numbered: list[int] = []
    weight = [0] * p
    unnumbered = set(range(p))
    while unnumbered:
        # Ties go to the lowest vertex so the search is deterministic.
        vertex = max(sorted(unnumbered), key=lambda v: weight[v])
        earlier = adjacency[vertex].intersection(numbered)
        if any(b not in adjacency[a] for a, b in combinations(sorted(earlier), 2)):
            return False
        numbered.append(vertex)
        unnumbered.remove(vertex)
        for neighbour in adjacency[vertex] & unnumbered:
            weight[neighbour] += 1
    return True


def maximal_cliques(p: int, edges: tuple[Edge, ...]) -> tuple[VertexSet, ...]:
    """Maximal cliques by brute force over the ``2**p - 1`` vertex subsets (p <= 5)."""
    adjacency = _neighbours(p, edges)
    cliques = [
        subset
        for size in range(1, p + 1)
        for subset in combinations(range(p), size)
        if all(b in adjacency[a] for a, b in combinations(subset, 2))
    ]
    maximal = [c for c in cliques if not any(set(c) < set(d) for d in cliques)]
    return tuple(sorted(maximal))


def junction_tree_separators(cliques: tuple[VertexSet, ...]) -> tuple[VertexSet, ...]:
    """Non-empty separators of a junction tree of a chordal graph's maximal cliques.

    A maximum-weight spanning tree of the clique graph, weighted by the size of the
    intersections, is a junction tree (Jensen & Jensen 1994); its edge labels are the
    separators, a multiset that is the same for every junction tree. Kruskal's algorithm
    with a stable sort keeps the result deterministic.
    """
    candidates = sorted(
        ((len(set(a) & set(b)), i, j) for (i, a), (j, b) in combinations(enumerate(cliques), 2)),
        key=lambda item: -item[0],
    )
    component = list(range(len(cliques)))

    def root(k: int) -> int:
        while component[k] != k:
            k = component[k]
        return k

    separators: list[VertexSet] = []
    for size, i, j in candidates:
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        component[ri] = rj
        if size > 0:
            separators.append(tuple(sorted(set(cliques[i]) & set(cliques[j]))))
    return tuple(sorted(separators))


@cache
def decomposable_graphs(p: int) -> tuple[DecomposableGraph, ...]:
    """All decomposable graphs on ``p`` labelled vertices, ``2 <= p <= 5``.

    The order is that of the edge sets read as binary numbers: edge ``all_pairs(p)[k]``
    is bit ``k``. The empty graph (independence model) comes first and the complete
    graph (saturated model) last. There are 2, 8, 61 and 822 graphs for p = 2, 3, 4, 5.

    Raises
    ------
    CaptureDataError
        If ``p`` is outside 2..5.
    """
    if not 2 <= p <= MAX_VERTICES:
        raise CaptureDataError(
            "lists_out_of_range",
            method="decomposable-graph",
            minimum=2,
            maximum=MAX_VERTICES,
            k=p,
            lists=", ".join(str(i + 1) for i in range(p)),
            alternative="a log-linear method",
        )
    pairs = all_pairs(p)
    graphs: list[DecomposableGraph] = []
    for mask in range(2 ** len(pairs)):
        edges = tuple(pair for k, pair in enumerate(pairs) if mask >> k & 1)
        if not is_chordal(p, edges):
            continue
        cliques = maximal_cliques(p, edges)
        graphs.append(DecomposableGraph(p, edges, cliques, junction_tree_separators(cliques)))
    return tuple(graphs)

"""The decomposable graphs dga averages over: as many as dga ships, and each decomposed right."""

from __future__ import annotations

from itertools import combinations

import pytest

from samen.mse._chordal import all_pairs, decomposable_graphs


def has_chordless_cycle(p: int, edges: set[tuple[int, int]]) -> bool:
    """Brute force: some 4 or 5 vertices induce a cycle (every degree 2, connected)."""
    for size in range(4, p + 1):
        for vertices in combinations(range(p), size):
            inside = [e for e in edges if e[0] in vertices and e[1] in vertices]
            degrees = {v: sum(v in e for e in inside) for v in vertices}
            if len(inside) != size or any(d != 2 for d in degrees.values()):
                continue
            reached, frontier = {vertices[0]}, [vertices[0]]
            while frontier:
                v = frontier.pop()
                for a, b in inside:
                    for u, w in ((a, b), (b, a)):
                        if u == v and w not in reached:
                            reached.add(w)
                            frontier.append(w)
            if len(reached) == size:
                return True
    return False


@pytest.mark.parametrize(("p", "count"), [(2, 2), (3, 8), (4, 61), (5, 822)])
def test_as_many_graphs_as_dga_ships(p: int, count: int) -> None:
    graphs = decomposable_graphs(p)
    assert len(graphs) == count
    assert len({g.edges for g in graphs}) == count
    assert graphs[0].edges == ()
    assert graphs[-1].edges == all_pairs(p)


@pytest.mark.parametrize("p", [4, 5])
def test_exactly_the_graphs_without_chordless_cycles(p: int) -> None:
    pairs = all_pairs(p)
    expected = {
        edges
        for size in range(len(pairs) + 1)
        for edges in combinations(pairs, size)
        if not has_chordless_cycle(p, set(edges))
    }
    assert {g.edges for g in decomposable_graphs(p)} == expected


@pytest.mark.parametrize("p", [3, 4, 5])
def test_cliques_and_separators_form_a_junction_tree(p: int) -> None:
    for graph in decomposable_graphs(p):
        edges = set(graph.edges)
        complete = [
            set(s)
            for size in range(1, p + 1)
            for s in combinations(range(p), size)
            if all(pair in edges for pair in combinations(s, 2))
        ]
        maximal = [s for s in complete if not any(s < t for t in complete)]
        assert sorted(map(sorted, maximal)) == sorted(map(list, graph.cliques))
        # In a junction tree every vertex lies in k cliques and k - 1 separators, and the
        # cliques of each connected component are joined by one separator fewer.
        for v in range(p):
            in_cliques = sum(v in c for c in graph.cliques)
            in_separators = sum(v in s for s in graph.separators)
            assert in_cliques - in_separators == 1, (graph, v)
        assert all(s for s in graph.separators)


def test_more_than_five_lists_is_refused() -> None:
    with pytest.raises(ValueError, match="2 to 5 lists"):
        decomposable_graphs(6)

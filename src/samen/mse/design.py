"""Capture histories and design columns shared by every log-linear method."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from samen.mse.messages import CaptureDataError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Pair = tuple[int, int]


def all_histories(k: int) -> IntArray:
    """Every observable history of ``k`` lists, in Rcapture's order.

    Rcapture's ``histpos.t`` lists the histories as binary numbers from
    ``11...1`` down to ``00...01`` (the first list is the most significant
    digit); the behavioural models (Mb, Mbh) depend on that order.
    """
    codes = np.arange(2**k - 1, 0, -1)
    bits = (codes[:, None] >> np.arange(k - 1, -1, -1)[None, :]) & 1
    return bits.astype(np.int64)


def all_pairs(k: int) -> list[Pair]:
    """Pairs of lists in R's order (1,2),(1,3),...,(1,k),(2,3),...,(k-1,k)."""
    return list(itertools.combinations(range(k), 2))


def loglinear_design(histories: IntArray, pairs: Sequence[Pair]) -> FloatArray:
    """Intercept, one column per list and one product column per pair."""
    cols = [np.ones(histories.shape[0]), *histories.T.astype(float)]
    cols += [(histories[:, i] * histories[:, j]).astype(float) for i, j in pairs]
    return np.column_stack(cols)


def history_codes(histories: IntArray) -> IntArray:
    """An integer per history (first list = most significant bit)."""
    k = histories.shape[1]
    weights = 2 ** np.arange(k - 1, -1, -1)
    codes: IntArray = histories.astype(np.int64) @ weights
    return codes


def parse_terms(terms: str | Sequence[str], lists: Sequence[str]) -> list[Pair]:
    """Turn terms like ``"LA:NG,PF:GP"`` into sorted pairs of list indices.

    Raises
    ------
    CaptureDataError
        If a term is not two distinct known list names joined by ``:``.
    """
    items = [t.strip() for t in terms.split(",")] if isinstance(terms, str) else list(terms)
    index = {name: i for i, name in enumerate(lists)}
    pairs: set[Pair] = set()
    for term in items:
        if not term:
            continue
        parts = term.split(":")
        if len(parts) != 2 or parts[0] == parts[1]:
            raise CaptureDataError("term_format", term=term)
        unknown = [p for p in parts if p not in index]
        if unknown:
            raise CaptureDataError(
                "term_unknown_list", term=term, name=unknown[0], lists=", ".join(lists)
            )
        a, b = sorted((index[parts[0]], index[parts[1]]))
        pairs.add((a, b))
    return sorted(pairs)


def term_names(pairs: Sequence[Pair], lists: Sequence[str]) -> tuple[str, ...]:
    """Names like ``"LA:NG"`` for pairs of list indices."""
    return tuple(f"{lists[i]}:{lists[j]}" for i, j in pairs)


def rcapture_name(pairs: Sequence[Pair], k: int) -> str:
    """Rcapture's model name, e.g. ``[12,13,25]`` or ``[15,2,3,4]``.

    Interactions first, then the lists that are in no interaction; lists are
    numbered from 1 and digits are concatenated as in ``closedpMS.t``.
    """
    inpair = {i for p in pairs for i in p}
    parts = [f"{i + 1}{j + 1}" for i, j in sorted(pairs)]
    parts += [str(i + 1) for i in range(k) if i not in inpair]
    return "[" + ",".join(parts) + "]"

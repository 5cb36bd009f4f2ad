"""Warnings about the data and about a result, shared by every method.

:func:`overlap_warnings` says what in a table limits any estimate (lists that
never overlap, few cases); :func:`flag_problems` adds to a finished result the
warnings its numbers need when they cannot be taken at face value, so that no
method returns a huge, infinite or meaningless number without a word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from samen.mse.design import Pair, all_pairs
from samen.mse.messages import MseMessage
from samen.mse.results import MseResult
from samen.mse.sparse import checkident
from samen.mse.table import CaptureTable


def overlap_warnings(table: CaptureTable) -> list[MseMessage]:
    """Plain-language warnings about lists that never overlap."""
    ov = table.pair_overlaps()
    out = []
    for i in range(table.k):
        others = [j for j in range(table.k) if j != i]
        if ov[i, i] == 0:
            out.append(MseMessage("list_no_cases", list=table.lists[i]))
        elif all(ov[i, j] == 0 for j in others):
            out.append(MseMessage("list_isolated", list=table.lists[i]))
    empty = [f"{table.lists[i]}:{table.lists[j]}" for i, j in all_pairs(table.k) if ov[i, j] == 0]
    if empty:
        out.append(MseMessage("empty_pairs", pairs=", ".join(empty)))
    small = int((table.counts > 0).sum())
    if table.observed < 50:
        out.append(MseMessage("few_cases", observed=table.observed))
    if small < table.k + 1:
        out.append(MseMessage("few_histories"))
    if not (table.histories[table.counts > 0].sum(axis=1) > 1).any():
        out.append(MseMessage("no_overlap_at_all"))
    return out


def model_checks(table: CaptureTable, pairs: Sequence[Pair]) -> tuple[bool, bool]:
    """SparseMSE's ``checkident`` verdicts: (the estimate exists, parameters identifiable)."""
    hist, counts = table.full()
    verdict = checkident(hist, counts, list(pairs))
    return verdict & 1 == 0, verdict & 2 == 0


#: An estimate or upper limit beyond this many times the observed cases is flagged.
ABSURD_FACTOR = 100


def flag_problems(result: MseResult) -> MseResult:
    """Add the warnings every result needs when its numbers cannot be taken at face value.

    A model without a finite estimate or with unidentifiable parameters, an
    infinite estimate or limit, and an estimate or upper limit more than
    :data:`ABSURD_FACTOR` times the observed cases each get a coded warning
    (once), so no method returns such a number silently.
    """
    warn = list(result.warnings)
    codes = {w.code for w in warn}

    def add(message: MseMessage, *same: str) -> None:
        if not codes & {message.code, *same}:
            warn.append(message)
            codes.add(message.code)

    n = max(result.observed, 1)
    if result.existence is False:
        add(MseMessage("no_mle"))
    if result.identifiability is False:
        add(MseMessage("not_identifiable"))
    if not math.isfinite(result.estimate):
        add(MseMessage("estimate_infinite"))
    elif result.estimate > ABSURD_FACTOR * n:
        add(
            MseMessage(
                "estimate_absurd",
                estimate=result.estimate,
                factor=ABSURD_FACTOR,
                observed=result.observed,
            )
        )
    if not math.isfinite(result.ci_upper):
        add(MseMessage("upper_limit_infinite"), "no_upper_bound")
    elif result.ci_upper > ABSURD_FACTOR * n:
        add(MseMessage("interval_absurd", upper=result.ci_upper, factor=ABSURD_FACTOR, observed=n))
    if len(warn) == len(result.warnings):
        return result
    return replace(result, warnings=tuple(warn))

"""Progress toward targets: pure functions, no database (docs/indicators.md).

Values over time (`combine`), per indicator:
* per period: each round's value stands on its own (a round without a value
  has none);
* cumulative: the baseline plus every value reported so far;
* latest value: the last value reported, carried forward until a newer one.

Within one round, the values of several holders of the same action are added
up for numbers, averaged for percentages, and the lowest counts for yes/no and
milestones (reached only when every holder reached it); see
`selectors.holders_rule`.

The current value is the combined value of the last round with a value; it is
"as of" the end of that round's period.

Percentage of the way: (current − baseline) / (target − baseline) × 100, for
the target that is next due on the as-of date (else the last target).

On track (the rule, stated on the page): the expected value on the as-of date
lies on the straight line from the baseline (date, value) to the first target,
and from each target to the next; before the baseline date it is the baseline,
after the last target date the last target. An indicator is on track when its
current value is at least the expected value (at most, when lower is better),
and achieved when it meets the last target. A yes/no or milestone indicator is
on track until its target date and achieved once reached.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PER_PERIOD = "per_period"
CUMULATIVE = "cumulative"
LATEST = "latest"

ACHIEVED = "achieved"
ON_TRACK = "on_track"
BEHIND = "behind"
NO_DATA = "no_data"
NO_TARGET = "no_target"
BINARY = ("yes_no", "milestone")


@dataclass(frozen=True)
class TargetPoint:
    date: dt.date
    value: Decimal


@dataclass(frozen=True)
class Progress:
    combined: tuple[Decimal | None, ...]  # per round, in round order
    current: Decimal | None
    as_of: dt.date | None
    target: TargetPoint | None  # the target the percentage is measured against
    percent: Decimal | None  # of the way from baseline to that target
    expected: Decimal | None  # the straight line's value on the as-of date
    status: str


def combine(
    rule: str, values: Sequence[Decimal | None], baseline: Decimal | None = None
) -> list[Decimal | None]:
    """The value of each round under the rule (see the module's docstring)."""
    out: list[Decimal | None] = []
    if rule == CUMULATIVE:
        total = baseline or Decimal(0)
        seen = False
        for value in values:
            if value is not None:
                total += value
                seen = True
            out.append(total if seen else None)
        return out
    if rule == LATEST:
        last = None
        for value in values:
            if value is not None:
                last = value
            out.append(last)
        return out
    if rule == PER_PERIOD:
        return list(values)
    raise ValueError(f"unknown combination rule '{rule}'")


def reached(value: Decimal, goal: Decimal, up: bool = True) -> bool:
    return value >= goal if up else value <= goal


def percent_of_way(
    baseline: Decimal, target: Decimal, current: Decimal, up: bool = True
) -> Decimal:
    """How far `current` is from the baseline toward the target, in percent
    (one decimal). Not capped: beyond the target is over 100, a move the wrong
    way is negative."""
    if target == baseline:
        return Decimal(100) if reached(current, target, up) else Decimal(0)
    share = (current - baseline) / (target - baseline) * 100
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def expected_on(
    day: dt.date, baseline_date: dt.date, baseline: Decimal, targets: Sequence[TargetPoint]
) -> Decimal:
    """The straight line through the baseline and the targets, on `day`."""
    points = [(baseline_date, baseline), *((t.date, t.value) for t in sorted_targets(targets))]
    if day <= points[0][0]:
        return points[0][1]
    for (start, low), (end, high) in itertools.pairwise(points):
        if day <= end:
            span = (end - start).days
            if span <= 0:
                return high
            return low + (high - low) * Decimal((day - start).days) / Decimal(span)
    return points[-1][1]


def sorted_targets(targets: Sequence[TargetPoint]) -> list[TargetPoint]:
    return sorted(targets, key=lambda t: t.date)


def target_on(day: dt.date, targets: Sequence[TargetPoint]) -> TargetPoint | None:
    """The target next due on `day` (its date on or after it), else the last."""
    ordered = sorted_targets(targets)
    for target in ordered:
        if target.date >= day:
            return target
    return ordered[-1] if ordered else None


def progress(
    *,
    kind: str,
    rule: str,
    up: bool,
    baseline: Decimal | None,
    baseline_date: dt.date | None,
    targets: Sequence[TargetPoint],
    rounds: Sequence[tuple[dt.date, Decimal | None]],
    today: dt.date | None = None,
) -> Progress:
    """Everything the pages show for one indicator. `rounds`: (period end,
    reported value or None) in any order. Without a value, the target shown is
    the one next due on `today`."""
    ordered = sorted(rounds, key=lambda r: r[0])
    binary = kind in BINARY
    if binary and baseline is None:
        baseline = Decimal(0)
    combined = combine(rule, [v for _d, v in ordered], baseline)
    current = as_of = None
    for (day, _reported), value in zip(ordered, combined, strict=True):
        if value is not None:
            current, as_of = value, day
    if current is None or as_of is None:
        target = target_on(today or dt.date.today(), targets) if targets else None
        return Progress(tuple(combined), None, None, target, None, None, NO_DATA)
    target = target_on(as_of, targets)
    if target is None or baseline is None:
        return Progress(tuple(combined), current, as_of, target, None, None, NO_TARGET)
    percent = percent_of_way(baseline, target.value, current, up)
    final = sorted_targets(targets)[-1]
    if reached(current, final.value, up):
        return Progress(tuple(combined), current, as_of, target, percent, None, ACHIEVED)
    if binary:
        status = ON_TRACK if as_of <= target.date else BEHIND
        return Progress(tuple(combined), current, as_of, target, percent, None, status)
    start = baseline_date or as_of
    expected = expected_on(as_of, start, baseline, targets)
    status = ON_TRACK if reached(current, expected, up) else BEHIND
    return Progress(tuple(combined), current, as_of, target, percent, expected, status)

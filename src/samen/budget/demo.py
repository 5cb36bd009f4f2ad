"""Demo allocations and spending, marked as demo data wherever they are shown.

How the real programme divides its money over the actions is not public
(`allocation_found: false` in the reference), so nothing here is a fact: the
amounts are generated, deterministic, and flagged `is_demo`. The funding lines
themselves are facts and come from the bundled data (`samen load-budget`).
One year is deliberately over-allocated, so the warning can be seen.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.plan.models import Action

from . import services
from .models import Allocation, FundingLine
from .selectors import budget_years
from .services import EntryData

STRUCTURAL = "coalitieakkoord"
STRENGTHENING = "versterking-2024"
OVER_ALLOCATED_YEAR = 2027
OVERRUN = Decimal("25000.00")
THOUSAND = Decimal("1000")


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """`total` divided by weights in whole thousands; the last share takes the rest."""
    whole = sum(weights)
    shares = [(total * w / whole / THOUSAND).quantize(Decimal("1")) * THOUSAND for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _active(action: Action, year: int) -> bool:
    start = action.period_start or 2023
    end = action.period_end or 2100
    return start <= year <= end


def create_demo(actor: Any) -> dict[str, int]:
    """Create demo allocations and spending once; a second run changes nothing."""
    if Allocation.objects.filter(is_demo=True).exists():
        return {"allocations": 0, "spending": 0}
    lines = {line.code: line for line in FundingLine.objects.all()}
    if STRUCTURAL not in lines:
        raise LookupError("Load the bundled funding lines first: `samen load-budget`.")
    rng = random.Random(2024)  # the same demo every time
    actions = list(Action.objects.order_by("sort_key"))
    this_year = timezone.localdate().year
    counts = {"allocations": 0, "spending": 0}
    with transaction.atomic():
        for year in budget_years():
            for code, line in lines.items():
                if not line.covers(year):
                    continue
                # The strengthening money goes to the themes added in 2024 (S.*).
                chosen = [
                    a
                    for a in actions
                    if _active(a, year) and (a.code.startswith("S.") or code == STRUCTURAL)
                ]
                if not chosen:
                    continue
                share = Decimal("0.95") if code == STRUCTURAL else Decimal("1")
                total = (line.envelope(year) * share).quantize(THOUSAND)
                if code == STRENGTHENING and year == OVER_ALLOCATED_YEAR:
                    total += OVERRUN
                weights = [rng.randint(2, 9) for _a in chosen]
                for action, amount in zip(chosen, _split(total, weights), strict=True):
                    _allocate(actor, line.code, action.code, year, amount)
                    counts["allocations"] += 1
                    counts["spending"] += _spend(
                        actor, line.code, action.code, year, amount, this_year, rng
                    )
    return counts


def _allocate(actor: Any, line: str, action: str, year: int, amount: Decimal) -> None:
    services.create_allocation(
        actor,
        EntryData(
            line, action, year, amount, note="Demogegevens, geen echte toewijzing.", is_demo=True
        ),
    )


def _spend(
    actor: Any,
    line: str,
    action: str,
    year: int,
    allocated: Decimal,
    this_year: int,
    rng: random.Random,
) -> int:
    """Past years: most of it spent (no round); this year: half-year rounds, if any."""
    from samen.reporting.models import ReportingRound

    if year < this_year:
        fraction = Decimal(rng.randint(80, 100)) / 100
        entries: list[tuple[int | None, Decimal]] = [(None, fraction)]
    elif year == this_year:
        rounds = ReportingRound.objects.filter(
            is_demo=True, period_start__year__lte=year, period_end__year__gte=year
        ).order_by("period_start")
        entries = [(r.pk, Decimal(rng.randint(30, 50)) / 100) for r in rounds]
    else:
        return 0
    for round_id, fraction in entries:
        services.create_spending(
            actor,
            EntryData(
                line,
                action,
                year,
                (allocated * fraction).quantize(Decimal("0.01")),
                note="Demogegevens.",
                is_demo=True,
                round_id=round_id,
            ),
        )
    return len(entries)

"""Closed rounds with approved results, built through the real services.

`reported` has two closed rounds on the small reporting world: an earlier one
(second half of 2025) and "Ronde 1" (first half of 2026). Every text layer
carries a marker word, so a test can tell which layer shows up where:
PARTNERWORD only in the partners' own text, REPORTWORD in the programme team's
text, UNAPPROVEDWORD in an update that was never approved.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from samen.reporting import services
from tests.reporting.world import fill


def approve_with(w, update, status, report_text, approve=True, **extra):
    user = w.users.police if update.organisation.code == "police" else w.users.ngo
    fill(
        user,
        update,
        progress_status=status,
        percent_complete=extra.pop("percent", 40),
        achievements=f"PARTNERWORD achievements of {update.action.code}",
        obstacles=f"PARTNERWORD obstacles of {update.action.code}",
        help_needed="PARTNERWORD help",
        **extra,
    )
    services.submit(user, update.pk)
    if not approve:
        return
    services.approve(w.users.programme, update.pk)
    update.refresh_from_db()
    services.edit_report_text(
        w.users.programme,
        update.pk,
        {
            "achievements": report_text,
            "obstacles": f"REPORTWORD obstacle {update.action.code}",
            "help_needed": "REPORTWORD help",
        },
        update.version,
    )


@pytest.fixture
def reported(world):
    programme = world.users.programme
    earlier = services.create_round(
        programme,
        services.RoundData(
            title="Ronde 0",
            period_start=dt.date(2025, 7, 1),
            period_end=dt.date(2025, 12, 31),
            opens_on=dt.date(2026, 1, 1),
            deadline=timezone.now() + dt.timedelta(days=14),
        ),
    )
    services.open_round(programme, earlier)
    for update in earlier.updates.select_related("action", "organisation"):
        approve_with(world, update, "on_track", f"REPORTWORD earlier {update.action.code}")
    earlier = services.close_round(programme, earlier)

    u = world.updates
    approve_with(world, u[("A.1", "police")], "at_risk", "REPORTWORD **Forty** people trained.")
    approve_with(world, u[("A.2", "ngo")], "delayed", "UNAPPROVEDWORD", approve=False)
    approve_with(world, u[("A.3", "police")], "on_track", "REPORTWORD police on A.3")
    approve_with(world, u[("A.3", "ngo")], "completed", "REPORTWORD ngo on A.3")
    current = services.close_round(programme, world.round)
    return SimpleNamespace(world=world, earlier=earlier, round=current, users=world.users)

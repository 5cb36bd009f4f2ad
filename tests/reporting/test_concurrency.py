"""Two people save the same update at the same moment: one wins, the other is
told, nothing is silently overwritten. Real threads, real database
connections (PostgreSQL in CI; SQLite with its file lock locally)."""

import threading

import pytest
from django.db import connection

from samen.reporting import services
from samen.reporting.models import ProgressUpdate

from .world import build_world


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_never_lose_an_update():
    world = build_world()
    update = world.updates[("A.1", "police")]
    loaded = update.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def write(name):
        try:
            barrier.wait(timeout=10)
            services.save_draft(
                world.users.police,
                update.pk,
                services.UpdateData(achievements=f"Tekst van {name}"),
                loaded,
            )
            outcomes[name] = "saved"
        except services.Conflict as exc:
            outcomes[name] = ("conflict", exc.current.achievements)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Anna", "Bram")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, outcome in outcomes.items() if outcome == "saved"]
    losers = {name: outcome for name, outcome in outcomes.items() if outcome != "saved"}
    assert len(winners) == 1 and len(losers) == 1, outcomes
    final = ProgressUpdate.objects.get(pk=update.pk)
    assert final.achievements == f"Tekst van {winners[0]}"
    assert final.version == loaded + 1
    # The loser saw the winner's text, to merge with its own.
    ((_kind, seen),) = losers.values()
    assert seen == f"Tekst van {winners[0]}"


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_submits_keep_one_consistent_state():
    world = build_world()
    update = world.updates[("A.2", "ngo")]
    services.save_draft(
        world.users.ngo,
        update.pk,
        services.UpdateData(progress_status="on_track", percent_complete=10),
        update.version,
    )
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.submit(world.users.ngo, update.pk)
            results.append("ok")
        except Exception as exc:
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("ok") == 1, results
    assert ProgressUpdate.objects.get(pk=update.pk).review_state == "submitted"

"""Round dashboard, review queue and /api/v1/progress-updates at 1x and 10x the
bundled plan, each with 20 past rounds: SQL queries (must not grow) and median
server time against a trivial view measured in the same run.

    .venv/bin/python -m bench reporting
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from bench import _django

PAST_ROUNDS = 20
REPEATS = 15


def build(scale: int) -> tuple[int, str, str]:
    """Plan at `scale`, 20 closed past rounds and one open round. Returns the
    open round's id, a holder's API token and the programme team's token."""
    from django.utils import timezone

    from bench.plan_pages import synthesise
    from samen.accounts.models import ApiToken, User
    from samen.plan.models import ActionOrganisation
    from samen.reporting.models import ProgressUpdate, ReportingRound

    ProgressUpdate.objects.all().delete()
    ReportingRound.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()
    synthesise(scale)
    rng = random.Random(scale)
    pairs = list(
        ActionOrganisation.objects.filter(role="holder").values_list("action_id", "organisation_id")
    )
    programme = User.objects.create_user("bench-programma", role="programme")
    holder_org = pairs[0][1]
    holder = User.objects.create_user("bench-houder", role="holder", organisation_id=holder_org)
    today = dt.date(2026, 1, 1)
    rounds = []
    for i in range(PAST_ROUNDS + 1):
        start = today - dt.timedelta(days=183 * (PAST_ROUNDS - i))
        status = "open" if i == PAST_ROUNDS else "closed"
        rounds.append(
            ReportingRound.objects.create(
                title=f"Benchmarkronde {i}",
                period_start=start,
                period_end=start + dt.timedelta(days=180),
                opens_on=start,
                deadline=timezone.now() + dt.timedelta(days=10 if status == "open" else -10),
                status=status,
                is_demo=True,
            )
        )
    states = ["not_started", "draft", "submitted", "returned", "resubmitted", "approved"]
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                round=r,
                action_id=a,
                organisation_id=o,
                review_state="approved" if r.status == "closed" else rng.choice(states),
                progress_status=rng.choice(["on_track", "at_risk", "delayed"]),
                percent_complete=50,
                achievements="Benchmarktekst " * 20,
            )
            for r in rounds
            for a, o in pairs
        ],
        batch_size=2000,
    )
    for r in rounds:
        r.actions.set({a for a, _o in pairs})
    _t, holder_key = ApiToken.issue(holder)
    _t, programme_key = ApiToken.issue(programme)
    return rounds[-1].pk, holder_key, programme_key


def main(argv: list[str]) -> None:
    _django.setup()
    from django.test import Client

    from samen.accounts.models import User
    from samen.reporting.models import ProgressUpdate

    rows = []
    for scale in (1, 10):
        round_id, holder_key, programme_key = build(scale)
        client = Client()
        client.force_login(User.objects.get(username="bench-programma"))
        holder_client = Client()
        holder_client.force_login(User.objects.get(username="bench-houder"))
        updates = ProgressUpdate.objects.count()
        programme = {"HTTP_AUTHORIZATION": f"Bearer {programme_key}"}
        pages = [
            ("trivial view (/health)", client, "/health", None),
            ("round dashboard", client, f"/rapportage/rondes/{round_id}", None),
            ("review queue", client, f"/rapportage/rondes/{round_id}/beoordelen", None),
            ("my tasks (holder)", holder_client, "/mijn-taken", None),
            (
                "API progress-updates (programme, 50)",
                Client(),
                "/api/v1/progress-updates",
                programme,
            ),
            (
                "API progress-updates, this round",
                Client(),
                f"/api/v1/progress-updates?round={round_id}",
                programme,
            ),
            (
                "API progress-updates (holder)",
                Client(),
                "/api/v1/progress-updates",
                {"HTTP_AUTHORIZATION": f"Bearer {holder_key}"},
            ),
        ]
        baseline = None
        for name, c, url, headers in pages:
            ms, queries = _django.measure(c, url, REPEATS, headers)
            baseline = baseline or ms
            rows.append((scale, updates, name, queries, ms, ms / baseline))
        print(f"scale {scale}x done", file=sys.stderr, flush=True)

    print(
        f"| scale | progress updates ({PAST_ROUNDS} past rounds + 1 open) | page | SQL queries | median ms | × trivial |"
    )
    print("|---|---|---|---|---|---|")
    for scale, updates, name, queries, ms, ratio in rows:
        print(f"| {scale}× | {updates} | {name} | {queries} | {ms:.1f} | {ratio:.1f} |")
    counts: dict[str, set[int]] = {}
    for _s, _u, name, queries, _ms, _r in rows:
        counts.setdefault(name, set()).add(queries)
    growing = [name for name, c in counts.items() if len(c) > 1]
    print()
    print(
        "Query counts constant across scales:",
        "yes" if not growing else f"NO: {', '.join(growing)}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

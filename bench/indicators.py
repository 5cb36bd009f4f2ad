"""Server time and SQL queries of the pages with indicators (issue 14) at 1x, 10x
and 100x (actions × indicators × rounds), beside a trivial view (/health).

    $PY -m bench indicators

1×: 10 actions with 2 indicators each and 1 published round (20 values);
10×: 25 actions × 4 indicators × 2 rounds (200 values);
100×: 50 actions × 8 indicators × 5 rounds (2,000 values), each value also
broken down over the action's exploitation forms. Query counts must not grow;
times are medians of REPEATS requests by a visitor who is not signed in.
"""

from __future__ import annotations

import sys

from bench import _django

SCALES = {1: (10, 2, 1), 10: (25, 4, 2), 100: (50, 8, 5)}
REPEATS = 15


def synthesise(actions: int, per_action: int, rounds: int) -> str:
    """Demo actions with indicators and published rounds full of approved values;
    returns the code of an action with indicators."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from samen.indicators.models import Indicator, IndicatorValue, Target
    from samen.plan.models import (
        Action,
        ActionLine,
        ActionOrganisation,
        ExploitationForm,
        Organisation,
        OrganisationType,
    )
    from samen.reporting.models import ProgressUpdate, ReportingRound

    org_type = OrganisationType.objects.get_or_create(code="bench", defaults={"name_nl": "Bench"})[
        0
    ]
    holder = Organisation.objects.create(
        code="bench-holder", short_name="BH", name="Benchmarkhouder", type=org_type
    )
    forms = [
        ExploitationForm.objects.get_or_create(code=code, defaults={"name_nl": name, "order": i})[0]
        for i, (code, name) in enumerate(
            [
                ("sexual", "Seksuele uitbuiting"),
                ("labour", "Arbeidsuitbuiting"),
                ("criminal", "Criminele uitbuiting"),
            ]
        )
    ]
    lines = [
        ActionLine.objects.get_or_create(
            code=f"bl{n}", defaults={"number": n, "name_nl": f"Lijn {n}"}
        )[0]
        for n in (1, 2, 3)
    ]
    new = Action.objects.bulk_create(
        [
            Action(
                code=f"B.{i}",
                title_nl=f"Benchmarkactie {i}",
                action_line=lines[i % 3],
                is_demo=True,
                sort_key=f"B.{i:06d}",
            )
            for i in range(actions)
        ]
    )
    Action.exploitation_forms.through.objects.bulk_create(
        [
            Action.exploitation_forms.through(action=a, exploitationform=f)
            for i, a in enumerate(new)
            for f in forms[: 1 + i % 3]
        ]
    )
    ActionOrganisation.objects.bulk_create(
        [ActionOrganisation(action=a, organisation=holder, role="holder") for a in new]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                action=a,
                code=f"I{k}",
                order=k,
                name_nl=f"Benchmarkindicator {k}",
                unit="deelnemers",
                kind="number",
                combination=("per_period", "cumulative", "latest")[k % 3],
                baseline_value=Decimal(10),
                baseline_date=dt.date(2024, 12, 31),
                disaggregation="exploitation_form",
                is_demo=True,
            )
            for a in new
            for k in range(per_action)
        ]
    )
    Target.objects.bulk_create(
        [Target(indicator=i, value=Decimal(500), date=dt.date(2027, 12, 31)) for i in indicators]
    )
    by_action: dict[int, list] = {}
    for indicator in indicators:
        by_action.setdefault(indicator.action_id, []).append(indicator)
    action_forms = {a.pk: forms[: 1 + i % 3] for i, a in enumerate(new)}
    for n in range(rounds):
        end = dt.date(2025 + n // 2, 6 if n % 2 == 0 else 12, 30 if n % 2 == 0 else 31)
        r = ReportingRound.objects.create(
            title=f"Benchmarkronde {n + 1}",
            period_start=end.replace(day=1),
            period_end=end,
            opens_on=end,
            deadline=timezone.now(),
            status=ReportingRound.Status.CLOSED,
            published_at=timezone.now(),
            is_demo=True,
        )
        updates = ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    round=r,
                    action=a,
                    organisation=holder,
                    review_state="approved",
                    progress_status="on_track",
                    percent_complete=50,
                )
                for a in new
            ]
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(update=u, indicator=i, exploitation_form=f, value=Decimal(value))
                for u in updates
                for i in by_action[u.action_id]
                for f, value in [(None, 30 + n), *((f, 10) for f in action_forms[u.action_id])]
            ],
            batch_size=2000,
        )
    return new[-1].code


def main(argv: list[str]) -> None:
    import statistics
    from collections import defaultdict

    _django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samen.indicators.models import IndicatorValue

    databases = _django.scale_databases([f"x{scale}" for scale in SCALES])
    pages: dict[int, dict[str, str]] = {}
    sizes: dict[int, int] = {}
    for scale, (actions, per_action, rounds) in SCALES.items():
        _django.use_database(databases[f"x{scale}"])
        code = synthesise(actions, per_action, rounds)
        sizes[scale] = IndicatorValue.objects.count()
        pages[scale] = {
            "trivial view (/health)": "/health",
            "action page": f"/acties/{code}",
            "indicators per action line": "/indicatoren",
            "indicators per exploitation form": "/indicatoren/uitbuitingsvormen",
            "coverage matrix": "/dekking",
            "API /api/v1/indicators": "/api/v1/indicators",
        }
        print(f"scale {scale}x built", file=sys.stderr, flush=True)

    client = Client()
    queries: dict[tuple[int, str], int] = {}
    for scale in SCALES:
        _django.use_database(databases[f"x{scale}"])
        for name, url in pages[scale].items():
            client.get(url)  # warm caches, templates and the chart engine
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            queries[scale, name] = len(ctx.captured_queries)
    times: dict[tuple[int, str], list[float]] = defaultdict(list)
    for _repeat in range(REPEATS):
        for scale in SCALES:
            _django.use_database(databases[f"x{scale}"])
            for name, url in pages[scale].items():
                times[scale, name].append(_django.time_get(client, url))

    print("| scale | actions × indicators × rounds | values | page | SQL queries | median ms |")
    print("|---|---|---|---|---|---|")
    medians = {key: statistics.median(values) for key, values in times.items()}
    for scale, (actions, per_action, rounds) in SCALES.items():
        for name in pages[scale]:
            print(
                f"| {scale}× | {actions} × {per_action} × {rounds} | {sizes[scale]} | {name} "
                f"| {queries[scale, name]} | {medians[scale, name]:.1f} |"
            )
    growing = [name for name in pages[1] if len({queries[s, name] for s in SCALES}) > 1]
    print()
    print(
        "Query counts constant across scales:",
        "yes" if not growing else f"NO: {', '.join(growing)}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""Server time and SQL queries of the main plan pages at 1x, 10x and 100x
the bundled plan, beside a trivial view (/health) measured in the same run.

    .venv/bin/python -m bench plan_pages       (or: make bench)

Query counts must not grow with the size of the plan; times are medians, reported
as a ratio to the trivial view and, per page, as the ratio of the larger plans to
the bundled one. Each size has its own database and the sizes are measured in turn,
request by request, because the machine is shared.
"""

from __future__ import annotations

import random
import sys

from bench import _django

SCALES = (1, 10, 100)
REPEATS = 25


def synthesise(scale: int) -> str:
    """A plan `scale` times the bundled one: the bundled plan plus synthetic
    actions and organisations, labelled as demo data, and one closed round in
    which every holder's update is approved. Returns an action code."""
    from django.core.management import call_command

    from samen.plan.models import (
        Action,
        ActionLine,
        ActionOrganisation,
        AgeGroup,
        ExploitationForm,
        Organisation,
        OrganisationType,
        StrategicGoal,
    )
    from samen.reporting.models import ReportingRound

    ReportingRound.objects.all().delete()  # its updates hold on to the actions
    Action.objects.all().delete()
    Organisation.objects.filter(code__startswith="bench-").delete()
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    rng = random.Random(scale)
    base_actions, base_orgs = Action.objects.count(), Organisation.objects.count()
    org_type = OrganisationType.objects.first()
    Organisation.objects.bulk_create(
        [
            Organisation(
                code=f"bench-{i}",
                short_name=f"B{i}",
                name=f"Benchmarkorganisatie {i}",
                type=org_type,
                note="benchmark data",
            )
            for i in range(base_orgs * (scale - 1))
        ]
    )
    orgs = list(Organisation.objects.all())
    lines = list(ActionLine.objects.all())
    goals, forms, ages = (
        list(StrategicGoal.objects.all()),
        list(ExploitationForm.objects.all()),
        list(AgeGroup.objects.all()),
    )
    new = Action.objects.bulk_create(
        [
            Action(
                code=f"B.{i}",
                title_nl=f"Benchmarkactie {i}",
                action_line=rng.choice([*lines, None]),
                status=rng.choice(Action.Status.values),
                is_demo=True,
                sort_key=f"B.{i:06d}",
            )
            for i in range(base_actions * (scale - 1))
        ]
    )
    through = (
        Action.exploitation_forms.through,
        Action.age_groups.through,
        Action.strategic_goals.through,
    )
    through[0].objects.bulk_create(
        [
            through[0](action=a, exploitationform=f)
            for a in new
            for f in rng.sample(forms, rng.randint(1, len(forms)))
        ]
    )
    through[1].objects.bulk_create(
        [
            through[1](action=a, agegroup=g)
            for a in new
            for g in rng.sample(ages, rng.randint(1, len(ages)))
        ]
    )
    through[2].objects.bulk_create(
        [
            through[2](action=a, strategicgoal=g)
            for a in new
            for g in rng.sample(goals, rng.randint(1, len(goals)))
        ]
    )
    ActionOrganisation.objects.bulk_create(
        [
            ActionOrganisation(action=a, organisation=o, role=role, order=i)
            for a in new
            for role, count in (("holder", rng.randint(1, 2)), ("involved", rng.randint(0, 4)))
            for i, o in enumerate(rng.sample(orgs, count))
        ]
    )
    _approved_round(rng)
    return new[-1].code if new else "U.7"


def _approved_round(rng: random.Random) -> None:
    """A closed, published round in which every holder of every action has an
    approved update, so the pages read each action's reported progress at scale."""
    import datetime as dt

    from django.utils import timezone

    from samen.plan.models import ActionOrganisation
    from samen.reporting.models import ProgressStatus, ProgressUpdate, ReportingRound

    r = ReportingRound.objects.create(
        title="Benchmarkronde",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        opens_on=dt.date(2025, 7, 1),
        deadline=timezone.now(),
        status=ReportingRound.Status.CLOSED,
        published_at=timezone.now(),  # the benchmark's visitor is not signed in
        is_demo=True,
    )
    pairs = ActionOrganisation.objects.filter(role="holder").values_list(
        "action_id", "organisation_id"
    )
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                round=r,
                action_id=a,
                organisation_id=o,
                review_state="approved",
                progress_status=rng.choice(ProgressStatus.values),
                percent_complete=rng.randint(0, 100),
                reviewed_at=timezone.now(),
            )
            for a, o in pairs
        ],
        batch_size=2000,
    )


def main(argv: list[str]) -> None:
    import statistics
    from collections import defaultdict

    _django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samen.plan.models import Action, Organisation

    # Every size gets its own database, and the sizes are measured in turn, request by
    # request: a shared machine's load then weighs on all of them alike, so the ratio
    # between 1x and 100x is the page's own.
    databases = _django.scale_databases([f"x{scale}" for scale in SCALES])
    pages: dict[int, dict[str, str]] = {}
    sizes: dict[int, tuple[int, int]] = {}
    for scale in SCALES:
        _django.use_database(databases[f"x{scale}"])
        code = synthesise(scale)
        sizes[scale] = (Action.objects.count(), Organisation.objects.count())
        pages[scale] = {
            "trivial view (/health)": "/health",
            "home": "/",
            "explorer (first 50)": "/acties",
            "explorer, filtered": "/acties?exploitationForm=criminal&ageGroup=minors",
            "explorer, by reported progress": "/acties?reportedStatus=delayed",
            "explorer, by organisation": "/acties?organisation=politie",
            "coverage matrix": "/dekking",
            "action page": f"/acties/{code}",
            "API /api/v1/actions": "/api/v1/actions",
        }
        print(f"scale {scale}x built", file=sys.stderr, flush=True)

    client = Client()
    queries: dict[tuple[int, str], int] = {}
    for scale in SCALES:
        _django.use_database(databases[f"x{scale}"])
        for name, url in pages[scale].items():
            client.get(url)  # warm caches and templates
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries[scale, name] = len(ctx.captured_queries)
    times: dict[tuple[int, str], list[float]] = defaultdict(list)
    for _repeat in range(REPEATS):
        for scale in SCALES:
            _django.use_database(databases[f"x{scale}"])
            for name, url in pages[scale].items():
                times[scale, name].append(_django.time_get(client, url))

    print("| scale | actions | organisations | page | SQL queries | median ms | × trivial |")
    print("|---|---|---|---|---|---|---|")
    medians = {key: statistics.median(values) for key, values in times.items()}
    for scale in SCALES:
        baseline = medians[scale, "trivial view (/health)"]
        for name in pages[scale]:
            ms = medians[scale, name]
            actions, orgs = sizes[scale]
            print(
                f"| {scale}× | {actions} | {orgs} | {name} | {queries[scale, name]} "
                f"| {ms:.1f} | {ms / baseline:.1f} |"
            )
    print()
    print("| page | 10× ÷ 1× | 100× ÷ 1× |")
    print("|---|---|---|")
    for name in pages[SCALES[0]]:
        one = medians[SCALES[0], name]
        print(f"| {name} | {medians[10, name] / one:.2f} | {medians[100, name] / one:.2f} |")
    growing = [name for name in pages[SCALES[0]] if len({queries[s, name] for s in SCALES}) > 1]
    print()
    print(
        "Query counts constant across scales:",
        "yes" if not growing else f"NO: {', '.join(growing)}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

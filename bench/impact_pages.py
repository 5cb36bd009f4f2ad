"""Server time and SQL queries of the impact pages at 1x, 10x and 100x the bundled victim
statistics, beside a trivial view (/health) measured in the same run.

    .venv/bin/python -m bench impact_pages       (or: make bench)

1x is the bundled data (`samen load-impact`: 2 registers, 2007-2024). Scale s adds
2(s-1) synthetic registers (benchmark data), each with every year 2007-2024 x (total,
each form of exploitation, each age group), published, some small counts among them (so
disclosure control has work to do), and linked to both published estimates: registers x
years x forms x ages grow s-fold. Query counts must not grow; times are medians, as a
ratio to the trivial view and, per page, of the larger data to the bundled. The public
tables and the Effect page's charts are computed once per set of figures and stored, so
the first request after a change pays for disclosure control and drawing (measured
separately, for the public pages, after `forget()`).
"""

from __future__ import annotations

import random
import sys
import time

from bench import _django

SCALES = (1, 10, 100)
REPEATS = 10
YEARS = range(2007, 2025)


def synthesise(scale: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from samen.impact.models import (
        DetectionLink,
        ExternalEstimate,
        PublicationProposal,
        Register,
        Registration,
    )
    from samen.plan.models import AgeGroup, ExploitationForm

    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rng = random.Random(scale)
    forms, ages = list(ExploitationForm.objects.all()), list(AgeGroup.objects.all())
    estimates = list(ExternalEstimate.objects.all())
    registers = Register.objects.bulk_create(
        [
            Register(code=f"bench-{i}", name_nl=f"Benchmarkregister {i}", definition="benchmark")
            for i in range(2 * (scale - 1))
        ]
    )
    DetectionLink.objects.bulk_create(
        [DetectionLink(register=r, external_estimate=e) for r in registers for e in estimates]
    )
    rows = []
    for r in registers:
        for year in YEARS:
            parts = [rng.randint(0, 12) if f.code == "organ-removal" else rng.randint(20, 600)
                     for f in forms]  # fmt: skip
            total = sum(parts) + rng.randint(0, 40)
            rows.append(Registration(register=r, year=year, count=total, status="demo"))
            rows += [
                Registration(register=r, year=year, exploitation_form=f, count=n, status="demo")
                for f, n in zip(forms, parts, strict=True)
            ]
            left = total
            for a in ages[:-1]:
                n = rng.randint(0, left // 2)
                left -= n
                rows.append(
                    Registration(register=r, year=year, age_group=a, count=n, status="demo")
                )
            rows.append(
                Registration(register=r, year=year, age_group=ages[-1], count=left, status="demo")
            )
    Registration.objects.bulk_create(rows, batch_size=2000)
    # Approved after the figures were written (visibility.published_registrations): public.
    PublicationProposal.objects.bulk_create(
        [
            PublicationProposal(
                register=r, state="approved", note="benchmark", decided_at=timezone.now()
            )
            for r in registers
        ]
    )


def change_and_approve() -> float:
    """A published figure changes and the programme team approves it: ms of the approval."""
    from samen.accounts.models import User
    from samen.impact import publication
    from samen.impact.models import Registration

    total = (
        Registration.objects.filter(
            register__code="comensha", exploitation_form=None, age_group=None, gender=""
        )
        .order_by("-year")
        .first()
    )
    total.count += 1
    total.save()
    analyst = User.objects.get(username="bench-analyst")
    programme, _created = User.objects.get_or_create(
        username="bench-programme", defaults={"role": "programme"}
    )
    proposal = publication.propose_registrations(analyst, total.register, total.year, total.year)
    start = time.perf_counter()
    publication.approve(programme, proposal)
    return (time.perf_counter() - start) * 1000


def forget() -> None:
    """What a change of the figures does to the pages: nothing computed for the old
    figures is reused (the stored public tables and charts, and, in this process, the
    rendered charts and protected tables)."""
    from samen.documents import charts
    from samen.impact import models, public_tables

    charts._CACHE.clear()
    if hasattr(public_tables, "_CACHE"):  # the per-process cache before stored tables
        public_tables._CACHE.clear()
    if hasattr(models, "PublicSnapshot"):
        models.PublicSnapshot.objects.all().delete()


def main(argv: list[str]) -> None:
    """Options: ``--repeats N`` (default 10), ``--changes N`` (changes measured, default 1)."""
    import statistics

    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else REPEATS
    # Each change at 100× means disclosure control of 200 registers (minutes): few by default.
    changes = int(argv[argv.index("--changes") + 1]) if "--changes" in argv else 1
    from collections import defaultdict

    _django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samen.accounts.models import User
    from samen.core import taskworker
    from samen.impact.models import Register, Registration

    databases = _django.scale_databases([f"x{scale}" for scale in SCALES])
    sizes: dict[int, tuple[int, int]] = {}
    for scale in SCALES:
        _django.use_database(databases[f"x{scale}"])
        synthesise(scale)
        User.objects.create_user("bench-analyst", password="x" * 16, role="analyst")
        sizes[scale] = (Register.objects.count(), Registration.objects.count())
        print(f"scale {scale}x built", file=sys.stderr, flush=True)
    pages = {
        "trivial view (/health)": ("/health", False),
        "Effect page": ("/effect/", False),
        "form page (sexual exploitation)": ("/uitbuitingsvormen/sexual", False),
        "workspace: registers": ("/effect/registraties", True),
        "workspace: one register": ("/effect/registraties/comensha", True),
        "workspace: detection rates": ("/effect/opsporingsgraad", True),
    }
    # Sessions live in each scale's own database: one signed-in client per scale.
    anonymous, analysts = Client(), {scale: Client() for scale in SCALES}
    queries: dict[tuple[int, str], int] = {}
    cold: dict[tuple[int, str], list[float]] = defaultdict(list)
    cold_queries: dict[tuple[int, str], int] = {}
    approve: dict[int, list[float]] = defaultdict(list)
    background: dict[int, list[float]] = defaultdict(list)
    unstored: dict[tuple[int, str], float] = {}
    public = [
        name for name, (url, signed_in) in pages.items() if not signed_in and url != "/health"
    ]
    for scale in SCALES:
        _django.use_database(databases[f"x{scale}"])
        analyst = analysts[scale]
        analyst.force_login(User.objects.get(username="bench-analyst"))
        for url, signed_in in pages.values():
            (analyst if signed_in else anonymous).get(url)  # start-up: templates, renderer
        for _change in range(changes):
            approve[scale].append(change_and_approve())
            start = time.perf_counter()
            taskworker.run_pending()  # the background task: tables and charts, nl and en
            background[scale].append((time.perf_counter() - start) * 1000)
            for name in public:
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    anonymous.get(pages[name][0])
                cold[scale, name].append((time.perf_counter() - start) * 1000)
                cold_queries[scale, name] = len(ctx.captured_queries)
        # Worst case: a reader before the background task has stored anything.
        change_and_approve()
        for name in public:
            forget()
            start = time.perf_counter()
            anonymous.get(pages[name][0])
            unstored[scale, name] = (time.perf_counter() - start) * 1000
        for name, (url, signed_in) in pages.items():
            client = analyst if signed_in else anonymous
            client.get(url)  # warm caches and templates
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries[scale, name] = len(ctx.captured_queries)
    times: dict[tuple[int, str], list[float]] = defaultdict(list)
    for _repeat in range(repeats):
        for scale in SCALES:
            _django.use_database(databases[f"x{scale}"])
            for name, (url, signed_in) in pages.items():
                client = analysts[scale] if signed_in else anonymous
                times[scale, name].append(_django.time_get(client, url))

    print("| scale | registers | registrations | page | SQL queries | median ms | × trivial |")
    print("|---|---|---|---|---|---|---|")
    medians = {key: statistics.median(values) for key, values in times.items()}
    for scale in SCALES:
        baseline = medians[scale, "trivial view (/health)"]
        registers, rows = sizes[scale]
        for name in pages:
            ms = medians[scale, name]
            print(
                f"| {scale}× | {registers} | {rows} | {name} | {queries[scale, name]} "
                f"| {ms:.1f} | {ms / baseline:.1f} |"
            )
    print()
    print("| page | 10× ÷ 1× | 100× ÷ 1× |")
    print("|---|---|---|")
    for name in pages:
        one = medians[SCALES[0], name]
        print(f"| {name} | {medians[10, name] / one:.2f} | {medians[100, name] / one:.2f} |")
    print()
    n = changes
    print(f"After a change (a CoMensha count + 1, approved; median of {n}): the approval, the")
    print("background task that builds and stores the tables and charts (both languages), and")
    print("the first request after it; last, a first request when nothing is stored yet.")
    print()
    print("| step | " + " | ".join(f"{s}× ms (queries)" for s in SCALES) + " |")
    print("|---|" + "---|" * len(SCALES))
    print(
        "| approval | " + " | ".join(f"{statistics.median(approve[s]):.0f}" for s in SCALES) + " |"
    )
    print(
        "| background task | "
        + " | ".join(f"{statistics.median(background[s]):.0f}" for s in SCALES)
        + " |"
    )
    for name in public:
        cells = [
            f"{statistics.median(cold[s, name]):.0f} ({cold_queries[s, name]})" for s in SCALES
        ]
        print(f"| first request: {name} | " + " | ".join(cells) + " |")
    for name in public:
        cells = [f"{unstored[s, name]:.0f}" for s in SCALES]
        print(f"| nothing stored yet: {name} | " + " | ".join(cells) + " |")
    print()
    growing = [name for name in pages if len({queries[s, name] for s in SCALES}) > 1]
    growing += [
        f"{name} (first request)"
        for name in public
        if len({cold_queries[s, name] for s in SCALES}) > 1
    ]
    print(
        "Query counts constant across scales:",
        "yes" if not growing else f"NO: {', '.join(growing)}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

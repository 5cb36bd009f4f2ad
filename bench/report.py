"""Time and peak memory to make the progress report in each format, for the
bundled plan and for 10x the plan, with the PDF's page count.

    .venv/bin/python -m bench report        (or: make bench)

Each file is made in a forked child process, so its time and peak resident
memory (ru_maxrss) are its own; the chart cache starts empty every time. The
peak includes what the child inherits from the parent (Django, the data),
shown as "base RSS" beside it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import resource
import time

from bench import _django

SCALES = (1, 10)
FORMATS = ("html", "pdf", "docx")


def closed_round(scale: int) -> int:
    """A closed round over every action of a plan `scale` times the bundled one,
    every update approved with text, and a closed round before it. Returns its id."""
    from django.utils import timezone

    from bench.plan_pages import synthesise
    from samen.accounts.models import User
    from samen.budget.models import Allocation, Spending
    from samen.plan.models import Action
    from samen.reporting import services
    from samen.reporting.models import ProgressUpdate, ReportingRound

    Spending.objects.all().delete()  # budget entries hold on to rounds and actions
    Allocation.objects.all().delete()
    ReportingRound.objects.all().delete()  # rounds hold on to the actions
    synthesise(scale)
    programme, _ = User.objects.get_or_create(username="bench-programme", role="programme")
    statuses = ["on_track", "at_risk", "delayed", "completed", "on_track", "not_started"]
    rid = None
    for year, shift in ((2025, 1), (2026, 0)):
        r = services.create_round(
            programme,
            services.RoundData(
                f"Bench {year}",
                dt.date(year, 1, 1),
                dt.date(year, 6, 30),
                dt.date(year, 7, 1),
                timezone.now() + dt.timedelta(days=30),
                action_codes=list(Action.objects.values_list("code", flat=True)),
            ),
        )
        services.open_round(programme, r)
        updates = list(r.updates.all())
        for i, u in enumerate(updates):
            u.review_state = "approved"
            u.progress_status = statuses[(i + shift) % len(statuses)]
            u.percent_complete = (i * 7) % 100
            u.report_achievements = (
                f"Voortgang op actie {u.action_id}: **{i} bijeenkomsten** gehouden en "
                "professionals getraind in het herkennen van signalen van mensenhandel."
            )
            u.report_obstacles = "Capaciteit in de regio's blijft een knelpunt." if i % 3 else ""
        ProgressUpdate.objects.bulk_update(
            updates,
            [
                "review_state",
                "progress_status",
                "percent_complete",
                "report_achievements",
                "report_obstacles",
            ],
        )
        services.close_round(programme, r)
        rid = r.pk
    budget_and_motions(rid)
    return rid


def budget_and_motions(round_id: int) -> None:
    """The bundled funding lines and motions, an allocation and a spending entry for
    every action in 2026, and every action carrying out one of the motions: the
    report's budget and motions sections at the scale of the plan."""
    from decimal import Decimal

    from django.core.management import call_command

    from samen.budget.models import Allocation, FundingLine, Spending
    from samen.parliament.models import Motion
    from samen.plan.models import Action

    call_command("load_budget", stdout=io.StringIO())
    call_command("load_motions", stdout=io.StringIO())
    line = FundingLine.objects.order_by("order", "start_year", "code").first()
    actions = list(Action.objects.order_by("pk"))
    Allocation.objects.bulk_create(
        Allocation(funding_line=line, action=a, year=2026, amount=Decimal(1000 + i))
        for i, a in enumerate(actions)
    )
    Spending.objects.bulk_create(
        Spending(round_id=round_id, funding_line=line, action=a, year=2026, amount=Decimal(500 + i))
        for i, a in enumerate(actions)
    )
    motions = list(Motion.objects.all())
    for i, action in enumerate(actions):
        motions[i % len(motions)].actions.add(action)


def _child(round_id: int, fmt: str) -> dict:
    from samen.documents import charts, context, render
    from samen.reporting.models import ReportingRound

    charts._CACHE.clear()
    start = time.perf_counter()
    ctx = context.build(ReportingRound.objects.get(pk=round_id))
    out = render.render(ctx, fmt)
    seconds = time.perf_counter() - start
    pages = None
    if fmt == "pdf":
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(out.content)).pages)
    return {
        "seconds": seconds,
        "bytes": len(out.content),
        "pages": pages,
        "actions": len(ctx.actions),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_child(round_id: int, fmt: str) -> dict:
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            result = _child(round_id, fmt)
        except BaseException as exc:  # report, never fall back into the parent's loop
            result = {"error": repr(exc)}
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = pickle.load(pipe)  # our own child wrote it
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def main() -> None:
    _django.setup()
    # Libraries loaded once in the parent, as in a running server.
    import altair  # noqa: F401
    import docx  # noqa: F401
    import vl_convert  # noqa: F401
    import weasyprint  # noqa: F401

    rows = []
    for scale in SCALES:
        round_id = closed_round(scale)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for fmt in FORMATS:
            r = in_child(round_id, fmt)
            rows.append(
                (
                    scale,
                    r["actions"],
                    fmt,
                    r["seconds"],
                    r["pages"],
                    r["bytes"],
                    base,
                    r["peak_mib"],
                )
            )
    print(
        f"{'plan':>5} {'actions':>7} {'format':>6} {'seconds':>8} {'pages':>6} "
        f"{'KiB':>7} {'base RSS MiB':>13} {'peak RSS MiB':>13}"
    )
    for scale, actions, fmt, seconds, pages, size, base, peak in rows:
        print(
            f"{scale:>4}x {actions:>7} {fmt:>6} {seconds:>8.2f} {pages if pages else '-':>6} "
            f"{size / 1024:>7.0f} {base:>13.0f} {peak:>13.0f}"
        )
    print(
        "\npages: the PDF's page count; Word paginates a DOCX itself when it opens it "
        "(its layout follows the same sections and tables)."
    )


if __name__ == "__main__":
    main()

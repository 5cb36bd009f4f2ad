"""`samen report`: list the rounds, or write a round's progress report to a file.

samen report --list
samen report ROUND --format docx|pdf|html [--lang nl|en] [--public] -o FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.core.text import terminal_safe
from samen.documents import context, render
from samen.reporting.models import ReportingRound


class Command(BaseCommand):
    help = "List reporting rounds, or write the progress report of a closed round."

    def add_arguments(self, parser):
        parser.add_argument("round", nargs="?", type=int, help="the round's number (see --list)")
        parser.add_argument("--list", action="store_true", help="list the rounds, one a line")
        parser.add_argument("--format", choices=render.FORMATS, default="docx")
        parser.add_argument("--lang", choices=("nl", "en"), default="nl")
        parser.add_argument(
            "--public", action="store_true", help="the published text (published rounds only)"
        )
        parser.add_argument("-o", "--output", help="file to write (default: its own name)")

    def handle(self, *args, **options):
        if options["list"]:
            for r in ReportingRound.objects.order_by("period_end", "id"):
                published = r.published_at.date().isoformat() if r.published_at else "-"
                self.stdout.write(
                    f"{r.pk}\t{r.status}\t{r.period_start}..{r.period_end}\t"
                    f"published:{published}\t{terminal_safe(r.title)}"
                )
            return
        if options["round"] is None:
            raise CommandError(
                "Name a round (its number from `samen report --list`) or use --list."
            )
        r = ReportingRound.objects.filter(pk=options["round"]).first()
        if r is None:
            raise CommandError(f"No round {options['round']}; see `samen report --list`.")
        layer = "public" if options["public"] else "report"
        try:
            ctx = context.build(r, layer, options["lang"])
        except context.NotAvailable as exc:
            raise CommandError(f"Round {r.pk} ({r.status}): {exc}") from exc

        def progress(percent: int, step: str) -> None:
            sys.stderr.write(f"  {percent:3d}%  {step}\n")

        out = render.render(ctx, options["format"], progress)
        path = Path(options["output"] or out.filename)
        path.write_bytes(out.content)
        self.stdout.write(f"{path}\t{len(out.content)} bytes\t{len(ctx.actions)} actions")

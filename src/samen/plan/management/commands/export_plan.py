import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from samen.plan.export import FORMATS, export_bytes


class Command(BaseCommand):
    help = "Export the whole plan as YAML, JSON or XLSX (to standard output, or -o FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="yaml")
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (default: standard output)"
        )

    def handle(self, *args, format: str, output: Path | None, **options):
        content = export_bytes(format)
        if output is None:
            if format == "xlsx" and sys.stdout.isatty():
                self.stderr.write(
                    "Refusing to write a binary workbook to the terminal; use -o FILE."
                )
                raise SystemExit(2)
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        output.write_bytes(content)
        self.stderr.write(f"Wrote {output} ({len(content):,} bytes).")

from pathlib import Path

from django.core.management.base import BaseCommand

from samen.plan.export import BUNDLED_PLAN

from ._plan_files import import_file


class Command(BaseCommand):
    help = "Load the bundled action plan, or FILE. Safe to run again: it changes only what differs."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=BUNDLED_PLAN,
            help="YAML, JSON or XLSX plan file (default: the bundled plan)",
        )

    def handle(self, *args, file: Path, **options):
        report = import_file(self, file, dry_run=False, detail=False)
        self.stdout.write(
            self.style.SUCCESS(f"Plan loaded from {file.name} ({report.changes} changes).")
        )

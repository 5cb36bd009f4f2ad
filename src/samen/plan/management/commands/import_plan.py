from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ._plan_files import import_file


class Command(BaseCommand):
    help = (
        "Import a plan from YAML, JSON, XLSX or CSV (the explorer's export). A file with any error is rejected as a whole "
        "and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--sheet",
            help="the sheet to read the actions from, when several visible sheets hold actions",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without writing",
        )

    def handle(self, *args, file: Path, dry_run: bool, sheet: str | None = None, **options):
        report = import_file(self, file, dry_run=dry_run, sheet=sheet)
        if not dry_run:
            message = ngettext(
                "Imported %(file)s: %(count)s change.",
                "Imported %(file)s: %(count)s changes.",
                report.changes,
            ) % {"file": file.name, "count": report.changes}
            self.stdout.write(self.style.SUCCESS(message))

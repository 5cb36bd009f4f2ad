from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.accounts.models import User
from samen.impact import import_registrations as importer
from samen.impact.models import Register


class Command(BaseCommand):
    help = (
        "Import registrations of presumed victims (aggregated counts) from CSV or XLSX, in "
        "the long layout (one row per count) or as a cross-table (years down, forms of "
        "exploitation or age groups across); Dutch or English headers. One transaction: a "
        "file with any error writes nothing. Files with person-level data are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--register", help="code of the register the counts belong to (e.g. comensha)"
        )
        parser.add_argument(
            "--as", dest="username", help="the analyst's account (default: the first analyst)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report only")

    def handle(self, *args, file: Path, register, username, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        chosen = None
        if register:
            chosen = Register.objects.filter(code=register).first()
            if chosen is None:
                known = ", ".join(Register.objects.values_list("code", flat=True))
                raise CommandError(f"unknown register '{register}'; known: {known}")
        analysts = User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("pk")
        user = analysts.filter(username=username).first() if username else analysts.first()
        if user is None:
            raise CommandError(
                "No analyst account found; registrations are imported by an analyst."
            )
        try:
            reading, report = importer.import_file(
                user, file.read_bytes(), file.name, chosen, dry_run=dry_run
            )
        except importer.RegistrationFileInvalid as exc:
            raise CommandError(exc.summary()) from exc
        for line in reading.understood:
            self.stdout.write(line)
        head = "Would write" if dry_run else "Written"
        self.stdout.write(
            self.style.SUCCESS(
                f"{head}: {report.created} new, {report.updated} changed, "
                f"{report.unchanged} unchanged ({importer.summary(reading)})."
            )
        )
        for line in report.changes:
            self.stdout.write(f"  {line}")

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samen.accounts.access import Denied
from samen.accounts.models import User
from samen.budget import services, spreadsheet
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Import allocations from an XLSX workbook (sheet 'Toewijzingen': Actie, "
        "Financieringsbron, Jaar, Bedrag). A file with any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username of the programme-team member")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user '{user}'")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if file.stat().st_size > settings.SAMEN_MAX_UPLOAD_BYTES:
            raise CommandError(f"{file}: at most {settings.SAMEN_MAX_UPLOAD_BYTES:,} bytes allowed")
        try:
            understood: list[str] = []
            rows = spreadsheet.read_allocations(file.read_bytes(), file.name, understood)
            report = services.import_allocations(actor, rows, dry_run=dry_run)
            report.understood = understood
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        except Denied as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.accounts.access import Denied
from samen.accounts.models import User
from samen.parliament import opendata, services
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Import motions from a Tweede Kamer open-data file (OData JSON of Zaak records). "
        "A file with any error writes nothing."
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
        try:
            result = opendata.read_zaken(file.read_bytes(), file.name)
            report = services.import_motions(
                actor, result.records, skipped=result.skipped, dry_run=dry_run
            )
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        except Denied as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)

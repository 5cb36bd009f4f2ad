from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.accounts.access import Denied
from samen.accounts.models import User
from samen.parliament import opendata, services
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Import motions and commitments from Tweede Kamer open data (OData JSON of Zaak or "
        "Toezegging records: files, or an OData URL). "
        "A file with any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", type=Path, nargs="*", help="one file, or every page file of one answer"
        )
        parser.add_argument(
            "--url", help="an OData URL: fetch every page (following @odata.nextLink) and import"
        )
        parser.add_argument("--user", required=True, help="username of the programme-team member")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(
        self, *args, files: list[Path], url: str | None, user: str, dry_run: bool, **options
    ):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user '{user}'")
        if not files and not url:
            raise CommandError("give one or more files, or --url")
        pages = []
        for file in files:
            if not file.is_file():
                raise CommandError(f"{file}: no such file")
            pages.append((file.read_bytes(), file.name))
        if url:
            try:
                pages += opendata.fetch_pages(url)
            except OSError as exc:
                raise CommandError(f"{url}: {exc}") from exc
        try:
            result = opendata.read_files(pages)
            report = services.import_motions(
                actor,
                result.records,
                skipped=result.skipped,
                dry_run=dry_run,
                warnings=result.warnings,
            )
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        except Denied as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)

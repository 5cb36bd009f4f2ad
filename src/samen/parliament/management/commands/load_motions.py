from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.parliament import bundled, services
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Load the bundled motions and commitments (or FILE). Needs the plan (it names actions). "
        "Safe to run again: it changes only what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=bundled.BUNDLED_MOTIONS)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            items = bundled.read_file(file)
            counts = services.load_motions(None, items)
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Motions loaded from {file.name}: {counts['created']} created, "
                f"{counts['changed']} changed, {counts['unchanged']} unchanged."
            )
        )

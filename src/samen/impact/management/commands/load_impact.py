from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.impact import registrations_bundle as bundled
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Load the bundled victim statistics (or FILE): registers, registrations per year, "
        "the published national estimates and their links. Safe to run again: it changes "
        "only what differs. Needs the plan (`samen load-plan`) for forms and age groups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=bundled.BUNDLED_IMPACT,
            help="impact YAML (default: the bundled statistics)",
        )

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            bundle = bundled.read_file(file)
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        counts = bundled.load(bundle)
        self.stdout.write(
            self.style.SUCCESS(
                f"Victim statistics loaded from {file.name}: {len(bundle.registers)} registers, "
                f"{len(bundle.cells)} registrations, {len(bundle.estimates)} published "
                f"estimates; written now: {counts['registers']} registers, "
                f"{counts['registrations']} registrations, {counts['estimates']} estimates, "
                f"{counts['links']} links, {counts['proposals']} publications."
            )
        )

"""`samen restore FILE`: a backup into an empty, migrated database (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `samen backup` into an empty, migrated database. Checks "
        "the row counts and verifies the audit trail before it commits; writes nothing "
        "otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            result = restore(Path(file))
        except BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows in {len(result.counts)} tables; row counts match the "
                f"backup; audit trail intact: {result.events} events, "
                f"{result.checkpoints} checkpoint(s) matched."
            )
        )

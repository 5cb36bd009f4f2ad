"""`samen backup FILE`: the whole database as one portable file (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database, audit trail included, to FILE (.json or .json.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            summary = backup(Path(file))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(summary["counts"].values())
        self.stdout.write(
            f"Backup written to {file}: {rows} rows in {len(summary['counts'])} tables, "
            f"{summary['audit']['count']} audit events, "
            f"{len(summary['checkpoints'])} checkpoint(s)."
        )

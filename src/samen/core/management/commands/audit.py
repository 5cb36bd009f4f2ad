from django.core.management.base import BaseCommand, CommandError

from samen.core import audit


class Command(BaseCommand):
    help = (
        "Work with the audit trail. `samen audit verify` checks the hash chain, every "
        "event's signature and the checkpoints outside the database; `samen audit "
        "checkpoint` writes a checkpoint of the chain head now."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action: str, **options):
        if action == "checkpoint":
            point = audit.write_checkpoint()
            self.stdout.write(
                f"Checkpoint written to {audit.checkpoint_path()}: {point.count} events, "
                f"newest {point.hash[:12] or '-'}."
            )
            return
        report = audit.check()
        for note in report.notes or []:
            self.stdout.write(f"note: {note}")
        if report.superseded:
            self.stdout.write(
                f"note: {report.superseded} checkpoint(s) from before the last restore "
                "describe events the restore did not bring back"
            )
        if report.problems:
            for problem in report.problems:
                where = f"event {problem.event_id}" if problem.event_id else "checkpoints"
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError(
                f"The audit trail has {len(report.problems)} problem(s) in {report.events} events."
            )
        legacy = f", {report.legacy} from before signatures (sealed)" if report.legacy else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {report.events} events, hash chain verified, "
                f"{report.signed} signatures valid{legacy}, "
                f"{report.checkpoints} checkpoint(s) matched."
            )
        )

from django.core.management.base import BaseCommand, CommandError

from samen.core import audit
from samen.core.models import AuditEvent


class Command(BaseCommand):
    help = "Work with the audit trail. `samen audit verify` checks the hash chain for tampering."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options):
        problems = list(audit.verify())
        total = AuditEvent.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"event {problem.event_id}: {problem.message}")
            raise CommandError(f"The audit trail has {len(problems)} problem(s) in {total} events.")
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {total} events, hash chain verified.")
        )

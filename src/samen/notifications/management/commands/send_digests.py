from django.core.management.base import BaseCommand

from samen.notifications.services import digest_hour, send_digests


class Command(BaseCommand):
    help = (
        "Send the daily notification digests (once a day per person, from the digest hour on) "
        "and retry e-mails that failed. Safe to run every hour."
    )

    def handle(self, *args: object, **options: object) -> None:
        run = send_digests()
        if run.retried:
            self.stdout.write(f"sent {run.retried} notification e-mails that were waiting")
        for username, count in run.digests:
            self.stdout.write(f"sent a digest of {count} notifications to {username}")
        if not run.digests:
            self.stdout.write(
                f"No digests due (they go out once a day, from {digest_hour()}:00 local time)."
            )

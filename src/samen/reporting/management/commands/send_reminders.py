from django.core.management.base import BaseCommand

from samen.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send reminder e-mails for open reporting rounds: before the deadline and when overdue, "
        "only to organisations that have not submitted. Safe to run every hour."
    )

    def handle(self, *args, **options):
        run = send_reminders()
        for title, org, kind, count in run.sent:
            self.stdout.write(f"sent {kind} reminder for '{title}' to {org} ({count} recipients)")
        for title, org in run.without_recipients:
            self.stderr.write(
                f"no e-mail address for {org} in '{title}': reminder recorded, nothing sent"
            )
        if not run.sent and not run.without_recipients:
            self.stdout.write("No reminders due.")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samen.accounts.models import User
from samen.budget import bundled, demo, services
from samen.plan import document as doc


class Command(BaseCommand):
    help = (
        "Load the bundled funding lines (or FILE). Safe to run again: it changes only what "
        "differs. With --demo, also create demo allocations and spending (marked as demo data)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=bundled.BUNDLED_BUDGET,
            help="budget YAML (default: the bundled funding lines)",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="add demo allocations and spending (needs a programme-team account, see `samen demo`)",
        )

    def handle(self, *args, file: Path, demo: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            lines = bundled.read_file(file)
        except doc.PlanDocumentInvalid as exc:
            raise CommandError(exc.summary()) from exc
        counts = services.load_funding_lines(None, lines)
        self.stdout.write(
            self.style.SUCCESS(
                f"Funding lines loaded from {file.name}: {counts['created']} created, "
                f"{counts['changed']} changed, {counts['unchanged']} unchanged."
            )
        )
        if demo:
            self.load_demo()

    def load_demo(self) -> None:
        actor = (
            User.objects.filter(role=User.Role.PROGRAMME, is_active=True)
            .order_by("-is_demo", "pk")
            .first()
        )
        if actor is None:
            raise CommandError(
                "Demo allocations need a programme-team account; run `samen demo` first."
            )
        try:
            counts = demo.create_demo(actor)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if counts["allocations"]:
            self.stdout.write(
                f"Demo budget (demo data): {counts['allocations']} allocations and "
                f"{counts['spending']} spending entries."
            )
        else:
            self.stdout.write("Demo budget already present; left as it is.")

from django.core.management.base import BaseCommand

from samen.learning.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search documents of the learning space (after a restore or an import)."

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_all()} search documents rebuilt.")

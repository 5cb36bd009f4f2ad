import json
from pathlib import Path

from django.core.management.base import BaseCommand

from samen.api.urls import api


class Command(BaseCommand):
    help = "Write the OpenAPI document (as served at /api/v1/openapi.json)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, output: Path | None, **options):
        text = (
            json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, default=str) + "\n"
        )
        if output:
            output.write_text(text)
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)

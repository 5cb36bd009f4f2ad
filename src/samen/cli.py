"""The `samen` console command.

`samen mse ...` runs the estimation library without Django. Every other
subcommand is a Django management command; hyphens may be used for
underscores, so `samen load-plan` runs the `load_plan` command and
`samen migrate` runs Django's own `migrate`.
"""

from __future__ import annotations

import os
import sys

USAGE = """\
usage: samen <command> [options]

Commands:
  migrate                 create or update the database tables
  serve [--host H] [--port P]
                          serve the application (gunicorn, static files included)
  load-plan [FILE]        load the bundled action plan or FILE (idempotent)
  load-impact [FILE]      load the bundled victim registrations and estimates (idempotent)
  import-registrations FILE --register CODE [--dry-run]
                          import registrations from CSV or XLSX (long or cross-table)
  import-plan FILE [--dry-run] [--sheet NAME]
                          import a plan from YAML, JSON, XLSX or the explorer's CSV
  export-plan --format yaml|xlsx|json [-o FILE]
                          export the whole plan
  report --list | report ROUND --format docx|pdf|html [--lang nl|en] [-o FILE]
                          the progress report of a closed reporting round
  mse estimate|models ... estimate the hidden number of victims (no database needed)

Any other Django management command works too, e.g. `samen check --deploy`.
Run `samen <command> --help` for the options of one command.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "mse":
        from samen.mse.cli import main as mse_main

        return mse_main(rest)
    # Production settings unless told otherwise: a plain `samen serve` never shows a
    # debug page or uses a public key (`make run` chooses samen.settings.dev).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings.production")
    from django.core.management import execute_from_command_line

    if not command.startswith("-"):
        command = command.replace("-", "_")
    execute_from_command_line(["samen", command, *rest])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

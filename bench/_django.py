"""Set up Django on a throw-away database for a benchmark run."""

import os
import tempfile


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings.test")
    if not os.environ.get("DATABASE_URL"):
        # A file, not memory: closer to the real embedded default.
        os.environ["DATABASE_URL"] = (
            f"sqlite:///{tempfile.mkdtemp(prefix='samen-bench-')}/bench.sqlite3"
        )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # No setup_test_environment(): its template instrumentation would inflate timings.
    settings.ALLOWED_HOSTS = ["*"]
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        from django.db import connection

        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)


def measure(client, url, repeats: int, headers: dict | None = None) -> tuple[float, int]:
    """Median server time (ms) and SQL queries of one GET."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **(headers or {}))  # warm caches and templates
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **(headers or {}))
    # Read the count now: every request start empties the query log.
    queries = len(ctx.captured_queries)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.get(url, **(headers or {}))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), queries

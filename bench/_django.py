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


def scale_databases(names: list[str]) -> dict[str, dict]:
    """One copy of the migrated, empty benchmark database per name (SQLite file or
    PostgreSQL database), so that several plan sizes can be measured side by side."""
    from django.db import connection

    connection.close()
    for name in names:
        connection.creation.clone_test_db(suffix=name, verbosity=0, autoclobber=True)
    return {name: connection.creation.get_test_db_clone_settings(name) for name in names}


def use_database(settings_dict: dict) -> None:
    """Point the default connection at another database (one of scale_databases())."""
    from django.db import connection

    connection.close()
    connection.settings_dict.update(settings_dict)
    connection.ensure_connection()  # not inside the next request's time


def time_get(client, url, headers: dict | None = None) -> float:
    """Server time (ms) of one GET."""
    import time

    start = time.perf_counter()
    response = client.get(url, **(headers or {}))
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed

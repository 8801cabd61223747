"""What every benchmark shares: the Django bootstrap and the throwaway database it measures in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps


def django_setup() -> None:
    """Set Django up with the project settings, as `manage.py` does, unless it is already (pytest)."""
    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runbase_site.settings")
        django.setup()


def say(line: str) -> None:
    """A progress or result line, shown at once even when the output is piped."""
    print(line, flush=True)


@contextmanager
def throwaway_database(directory: Path, **settings: object) -> Iterator[None]:
    """A fresh migrated database for the block, dropped afterwards, with the data directory, the raw
    store and the Strava and Garmin tokens under `directory` (plus any other `settings`): a benchmark never
    touches the runner's data.

    Django's test-database machinery makes it: on SQLite a file in `directory` (a file, as in
    production, not the test suite's in-memory database); on PostgreSQL a database of its own, never the
    test suite's `test_…`, which it would drop.
    """
    from django.db import connection
    from django.test.utils import override_settings

    test = connection.settings_dict.setdefault("TEST", {})
    saved = test.get("NAME")
    if connection.vendor == "sqlite":
        test["NAME"] = str(directory / "bench.sqlite3")
    else:
        test["NAME"] = f"runbase_bench_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(
            DATA_DIR=directory,
            RAW_STORE_DIR=directory / "raw",
            STRAVA_TOKEN_FILE=directory / "strava_tokens.json",
            GARMIN_TOKEN_DIR=directory / "garmin",
            **settings,
        ):
            yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        test["NAME"] = saved

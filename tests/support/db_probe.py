"""Probe the database from a second connection while the code under test waits on a fake server."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Group
from django.db import OperationalError, connection

PROBE_GROUP = "written while the model thinks"


def write_from_another_connection(*, wait_s: float = 0.5) -> str:
    """Insert a row through a connection of its own (a new thread gets one), waiting at most `wait_s`
    for SQLite's write lock: "written", or why not. Needs a test with `transaction=True`."""
    outcome: dict[str, str] = {}

    def write() -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
            Group.objects.create(name=PROBE_GROUP)
            outcome["write"] = "written"
        except OperationalError as exc:
            outcome["write"] = f"blocked: {exc}"
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=10)
    return outcome.get("write", "still waiting after 10 s")

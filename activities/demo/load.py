"""Load the demo: a login, the shipped FIT files and training log, reconcile, the schedules.

Every step is idempotent (files by hash, spreadsheet rows by key, reconcile incremental, schedules
by name), so `manage.py demo` may be run any number of times and changes nothing the second time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model

from ingest.files import files_import_paths
from ingest.schedules import schedules_install
from ingest.xlsx.importer import xlsx_import
from reconcile.services import reconcile_run

DEMO_DIR = Path(__file__).resolve().parent
DEMO_USER = "runner"


@dataclass(slots=True)
class DemoResult:
    password: str | None = None  # set only when the user was created by this run
    steps: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return " | ".join(f"{name}: {summary}" for name, summary in self.steps)


def demo_user_ensure() -> str | None:
    """Create the superuser `runner` with a random password, returned once; None if it exists."""
    users = get_user_model().objects
    if users.filter(username=DEMO_USER).exists():
        return None
    password = secrets.token_urlsafe(9)
    users.create_superuser(username=DEMO_USER, email="", password=password)
    return password


def demo_load(*, log: Callable[[str], None] | None = None) -> DemoResult:
    """Import `activities/demo/` into the configured database and reconcile it."""
    result = DemoResult(password=demo_user_ensure())
    say = log or (lambda _line: None)
    steps = (
        ("files", lambda: files_import_paths(paths=[DEMO_DIR / "fit"], route="demo", log=say)),
        ("training log", lambda: xlsx_import(path=DEMO_DIR / "training_log.xlsx", log=say)),
        ("reconcile", lambda: reconcile_run(log=say)),
        ("schedules", lambda: schedules_install()),
    )
    for name, step in steps:
        result.steps.append((name, step().summary()))
    return result

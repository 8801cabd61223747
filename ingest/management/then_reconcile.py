"""The one "then reconcile" step of every sync entry point.

Each sync and import command takes `--reconcile`, each django-q2 sync task `reconcile: bool` (the
schedules pass `reconcile=True`); both call their service through `sync_then_reconcile`, which runs an
incremental reconcile after it when asked. It lives with the entry points because ingest's services
never import reconcile (ARCHITECTURE.md, "Layers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.management.base import CommandError

from ingest.records import SourceError
from ingest.sync import sync_failed_log
from ingest.sync_state import run_error_text
from reconcile.errors import ReconcileError
from reconcile.services import ReconcileResult, reconcile_run

R = TypeVar("R")
Log = Callable[[str], Any] | None

RECONCILE_HELP = (
    "Then reconcile the new and changed records into activities, as the scheduled syncs do "
    "(the same as running `manage.py reconcile` afterwards)."
)


@dataclass(slots=True)
class Synced(Generic[R]):
    """A sync's result, and reconcile's when it ran after it."""

    name: str
    result: R
    reconciled: ReconcileResult | None = None

    def lines(self, *, label: str = "") -> list[str]:
        """A command's closing lines: the sync's summary (after `label: ` if given), then reconcile's."""
        lines = [f"{label}: {self.result.summary()}" if label else self.result.summary()]
        if self.reconciled is not None:
            lines.append(f"reconcile: {self.reconciled.summary()}")
        return lines

    def summary(self) -> str:
        """A task's one line, stored on its q2 task row: `icloud: … | reconcile: …`."""
        return " | ".join([f"{self.name}: {self.result.summary()}", *self.lines()[1:]])

    def write(self, stdout: Any, *, label: str = "") -> None:
        """Print `lines()`; activities reconcile could not resolve fail the command, as `reconcile` does."""
        for line in self.lines(label=label):
            stdout.write(line)
        failed = self.reconciled.failed if self.reconciled is not None else 0
        if failed:
            raise CommandError(
                f"{failed} activit{'y' if failed == 1 else 'ies'} failed to reconcile: see above"
            )


def sync_then_reconcile(name: str, sync: Callable[[], R], *, reconcile: bool, log: Log = None) -> Synced[R]:
    """Run `sync`; then, when `reconcile`, reconcile what is new or changed. A sync that raises stops
    before reconcile (as `sync && reconcile` would); a reconcile already running raises ReconcileError.
    Why a sync failed is logged (`runbase.log`) even when it failed before its run began (no such zip,
    no credentials)."""
    try:
        result = sync()
    except BaseException as exc:
        sync_failed_log(name, exc)
        raise
    return Synced(name=name, result=result, reconciled=reconcile_run(log=log) if reconcile else None)


def command_sync(name: str, sync: Callable[[], R], *, reconcile: bool, log: Log = None) -> Synced[R]:
    """`sync_then_reconcile` for a command: what the user must act on becomes a CommandError."""
    try:
        return sync_then_reconcile(name, sync, reconcile=reconcile, log=log)
    except (SourceError, ReconcileError) as exc:
        raise CommandError(str(exc)) from exc
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during the run: recorded as interrupted
        raise CommandError(
            f"{name}: {run_error_text(exc)}; what was done is kept, run it again to go on"
        ) from exc


def add_reconcile_argument(parser: Any) -> None:
    parser.add_argument("--reconcile", action="store_true", help=RECONCILE_HELP)

"""What the last run of each sync did, kept on its `SyncState` row for `runbase_status` and the admin.

`last_sync_at` is when the last run started, `last_success_at` when a run last finished without an
error, `last_summary` its one-line summary, `last_error` why it failed (or which files failed),
`cursor` source-specific state (HealthFit: the files still waiting for iCloud).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ingest.models import SyncState


def _state(name: str) -> SyncState:
    try:
        with transaction.atomic():
            state, _ = SyncState.objects.get_or_create(source=name)
    except IntegrityError:
        state = SyncState.objects.get(source=name)
    return state


def sync_run_started(*, name: str) -> dt.datetime:
    """Note the start of a run; returns the start time to hand to `sync_run_finished`."""
    started = timezone.now()
    _state(name)
    SyncState.objects.filter(source=name).update(last_sync_at=started)
    return started


def sync_run_finished(
    *,
    name: str,
    summary: str,
    error: str = "",
    last_activity_at: dt.datetime | None = None,
    cursor: dict[str, Any] | None = None,
) -> SyncState:
    """Record how a run ended. Only the columns a run owns are written (never the lock columns)."""
    state = _state(name)
    values: dict[str, Any] = {"last_summary": summary[:500], "last_error": error}
    if not error:
        values["last_success_at"] = timezone.now()
    if last_activity_at is not None and (
        state.last_activity_at is None or last_activity_at > state.last_activity_at
    ):
        values["last_activity_at"] = last_activity_at
    if cursor is not None:
        values["cursor"] = cursor
    SyncState.objects.filter(source=name).update(**values)
    state.refresh_from_db()
    return state


@dataclass(slots=True)
class SyncRun:
    """A run in progress; the caller hands it the result before the block ends."""

    name: str
    started_at: dt.datetime
    summary: str = ""
    last_activity_at: dt.datetime | None = None
    cursor: dict[str, Any] | None = None

    def finish(self, result: Any, *, cursor: dict[str, Any] | None = None) -> None:
        self.summary = result.summary()
        self.last_activity_at = getattr(result, "last_activity_at", None)
        if cursor is not None:
            self.cursor = cursor


@contextmanager
def sync_run(*, name: str) -> Iterator[SyncRun]:
    """Record a run's start, then its summary — or the error that ended it — on its SyncState row."""
    run = SyncRun(name=name, started_at=sync_run_started(name=name))
    try:
        yield run
    except Exception as exc:
        sync_run_finished(name=name, summary=run.summary or "aborted", error=f"{type(exc).__name__}: {exc}")
        raise
    sync_run_finished(
        name=name, summary=run.summary, last_activity_at=run.last_activity_at, cursor=run.cursor
    )

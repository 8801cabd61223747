"""What the last run of each sync did, kept on its `SyncState` row for `runbase_status` and the admin.

`last_sync_at` is when the last run started, `last_success_at` when a run last finished without an
error, `last_summary` its one-line summary, `last_error` why it failed (or which items failed),
`cursor` sync-specific state (HealthFit: the files still waiting for iCloud; Strava: the position).

A run stopped by Ctrl-C or SIGTERM (`RunInterrupted`) is recorded as `interrupted: <summary so far>`;
one killed outright records nothing more, and leaves its lock behind for `runbase_status` to report.

`sync_run` is the recorder; every ingest route runs inside `ingest.sync.sync_running`, which holds the
sync's lock around it. Reconcile, not a sync, takes its lock and uses the recorder directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ingest.models import SyncState, clip_to_field
from ingest.records import SourceError


def _state(name: str) -> SyncState:
    try:
        with transaction.atomic():
            state, _ = SyncState.objects.get_or_create(name=name)
    except IntegrityError:
        state = SyncState.objects.get(name=name)
    return state


def sync_cursor(*, name: str) -> dict[str, Any]:
    """A copy of the cursor the last run of `name` left (empty before the first run)."""
    return dict(_state(name).cursor or {})


def sync_cursor_save(*, name: str, cursor: dict[str, Any]) -> None:
    """Write the cursor now, mid-run (Strava: after each committed page)."""
    SyncState.objects.filter(name=name).update(cursor=cursor)


def _run_started(name: str) -> dt.datetime:
    started = timezone.now()
    _state(name)
    SyncState.objects.filter(name=name).update(last_sync_at=started)
    return started


def _run_finished(
    name: str,
    *,
    summary: str,
    error: str = "",
    last_activity_at: dt.datetime | None = None,
    cursor: dict[str, Any] | None = None,
) -> None:
    """Record how a run ended. Only the columns a run owns are written (never the lock columns)."""
    state = _state(name)
    values: dict[str, Any] = {
        "last_summary": clip_to_field(SyncState, "last_summary", summary),
        "last_error": error,
    }
    if not error:
        values["last_success_at"] = timezone.now()
    if last_activity_at is not None and (
        state.last_activity_at is None or last_activity_at > state.last_activity_at
    ):
        values["last_activity_at"] = last_activity_at
    if cursor is not None:
        values["cursor"] = cursor
    SyncState.objects.filter(name=name).update(**values)


class RunInterrupted(KeyboardInterrupt):
    """A run stopped from outside: SIGTERM (raised by the sync skeleton's handler) or Ctrl-C."""


def run_error_text(exc: BaseException) -> str:
    """A SourceError's message is written for the user; anything else keeps its type. Notes added on
    the way up (`while importing <file>`) follow in brackets."""
    if isinstance(exc, KeyboardInterrupt):
        text = str(exc) or "interrupted (Ctrl-C)"
    elif isinstance(exc, SourceError):
        text = str(exc) or type(exc).__name__
    else:
        text = f"{type(exc).__name__}: {exc}"
    notes = [note for note in getattr(exc, "__notes__", ()) if isinstance(note, str)]
    return f"{text} ({'; '.join(notes)})" if notes else text


@dataclass(slots=True)
class SyncRun:
    """A run in progress. `result` (anything with `.summary()`) is what gets recorded when it ends;
    hand it over at the start or with `finish`."""

    name: str
    started_at: dt.datetime
    result: Any = None
    cursor: dict[str, Any] | None = None

    def finish(self, result: Any, *, cursor: dict[str, Any] | None = None) -> None:
        self.result = result
        if cursor is not None:
            self.cursor = cursor

    def summary(self) -> str:
        return self.result.summary() if self.result is not None else ""


@contextmanager
def sync_run(*, name: str, result: Any = None) -> Iterator[SyncRun]:
    """Record a run's start, then its summary — or the error that ended it — on its SyncState row.

    On success the result's own `run_error()` (items that failed), if it has one, is the run's error;
    `last_activity_at` and the cursor are recorded too. A run that raises keeps the cursor as it was.
    """
    run = SyncRun(name=name, started_at=_run_started(name), result=result)
    try:
        yield run
    except (Exception, KeyboardInterrupt, SystemExit) as exc:
        how = "failed" if isinstance(exc, Exception) else "interrupted"
        done = run.summary()
        _run_finished(name, summary=f"{how}: {done}" if done else how, error=run_error_text(exc))
        raise
    run_error = getattr(run.result, "run_error", None)
    _run_finished(
        name,
        summary=run.summary(),
        error=run_error() if run_error is not None else "",
        last_activity_at=getattr(run.result, "last_activity_at", None),
        cursor=run.cursor,
    )

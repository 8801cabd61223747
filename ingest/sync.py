"""The one skeleton every ingest route runs in, and the result type every route extends.

    with sync_running(name="strava", result=StravaSyncResult()) as run:
        ...                       # run.result.count("created", ...), run.result.add_error(...)
        run.refresh()             # keep the lock alive on long work
        run.cursor["after"] = n   # recorded when the run ends (run.save_cursor() writes it at once)
    return run.result

`sync_running` holds the sync's lock (`ingest.locks`: SyncBusy when another run holds it), records
the run on its `SyncState` row (start; then summary, error, last activity, cursor — or the exception
that ended it) and logs its start and summary — or the fatal error, naming the file it was on — once
to the `runbase.ingest` logger (`runbase.log`), with the run's fields (`RunLog`: event, sync, run id,
counts, duration, file) for the JSON log format. While it runs, SIGTERM stops it as Ctrl-C does: the
worker pool is shut down and the run recorded as interrupted (`RunInterrupted`). A failure is also
notified once per failure streak, and the first success after it (`ingest.notify.syncs`). It starts
by removing the temporary files of archive writes a killed run left (`raw_store_sweep`). Routes: files
(`import_files`), icloud (HealthFit), garmin_export, garmin_connect (the pull), strava (API), strava_export,
runalyze, xlsx.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings

from ingest.locks import SyncBusy, SyncLock, sync_lock
from ingest.notify.syncs import sync_failed_notify, sync_recovered_notify
from ingest.rawstore import raw_store_sweep
from ingest.records import SourceError
from ingest.sync_state import RunInterrupted, run_error_text, sync_cursor, sync_cursor_save, sync_run

logger = logging.getLogger("runbase.ingest")

Log = Callable[[str], Any] | None
ERRORS_RECORDED = 20  # on the SyncState row; the command prints them all


@dataclass(slots=True)
class SyncResult:
    """What a run did: counts per outcome, the items that failed, the newest activity it saw.

    A route's result adds its own counters and lists them in `COUNTERS` (the summary's keys, in
    order); `LABELS` renames a counter in the summary (files say `imported` for `created`).
    """

    COUNTERS: ClassVar[tuple[str, ...]] = ("created", "updated", "unchanged", "failed")
    LABELS: ClassVar[dict[str, str]] = {}

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    last_activity_at: dt.datetime | None = None

    def count(
        self, outcome: str, *, log: Log = None, line: str = "", start_time: dt.datetime | None = None
    ) -> None:
        """One more item with `outcome` (a counter, or its label); print `line`, note its start."""
        labels = {label: name for name, label in self.LABELS.items()}
        name = labels.get(outcome, outcome)
        setattr(self, name, getattr(self, name) + 1)
        if log is not None and line:
            log(line)
        self.saw(start_time)

    def saw(self, start_time: dt.datetime | None) -> None:
        if start_time is not None and (self.last_activity_at is None or start_time > self.last_activity_at):
            self.last_activity_at = start_time

    def add_error(self, message: str, *, log: Log = None, line: str = "", counter: str = "failed") -> None:
        """An item that failed: counted in `counter`, kept for the run's error, printed as `line`
        (default `failed <message>`) and logged — as a warning when nobody prints it (a q2 task),
        else only to the log file."""
        setattr(self, counter, getattr(self, counter) + 1)
        self.errors.append(message)
        if log is not None:
            log(line or f"failed {message}")
            logger.info("%s", message)
        else:
            logger.warning("%s", message)

    def counts(self) -> dict[str, int]:
        return {self.LABELS.get(name, name): getattr(self, name) for name in self.COUNTERS}

    def summary(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.counts().items())

    def run_error(self) -> str:
        """What the SyncState row keeps as the run's error: the failed items (the first few)."""
        shown = self.errors[:ERRORS_RECORDED]
        more = len(self.errors) - len(shown)
        return "\n".join(shown + ([f"… and {more} more"] if more else []))


R = TypeVar("R", bound=SyncResult)


@dataclass(slots=True)
class RunLog:
    """The fields every log line of one run carries (RUNBASE_LOG_FORMAT=json shows them): the same event
    names for every route — `sync.start`, `sync.summary`, `sync.failed`, `sync.interrupted`."""

    sync: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started: float = field(default_factory=time.monotonic)
    result: SyncResult | None = None

    def fields(self, event: str) -> dict[str, Any]:
        out: dict[str, Any] = {"event": event, "sync": self.sync, "run_id": self.run_id}
        if event != "sync.start":
            out["duration_s"] = round(time.monotonic() - self.started, 3)
        if self.result is not None:
            out["counts"] = self.result.counts()
        return out


@dataclass(slots=True)
class RunningSync(Generic[R]):
    """The run handed to a route: its result, its lock and its cursor (as the last run left it)."""

    name: str
    result: R
    lock: SyncLock
    cursor: dict[str, Any]

    def refresh(self) -> None:
        """Keep the lock alive; cheap enough to call per item."""
        self.lock.refresh()

    def save_cursor(self) -> None:
        """Write `cursor` now, not only at the end (after a committed page)."""
        sync_cursor_save(name=self.name, cursor=self.cursor)

    def progress(self, progress: Callable[[Any], Any] | None = None) -> Callable[[Any], None]:
        """A progress callback that also keeps the lock alive while the run makes progress."""

        def step(item: Any) -> None:
            self.lock.refresh()
            if progress is not None:
                progress(item)

        return step


def _file_of(exc: BaseException) -> str:
    """The file a run was on when it failed, from the note the file path adds (`while importing …`)."""
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, str) and note.startswith("while importing "):
            return note.removeprefix("while importing ")
    return ""


def sync_failed_log(name: str, exc: BaseException, *, summary: str = "", run: RunLog | None = None) -> None:
    """Log why a run of `name` ended, once per exception (the skeleton logs it, and the entry point
    logs what failed before a run began). A user's problem (SourceError) is a line; an interruption a
    warning; anything else an error with its traceback. Event `sync.failed` (`sync.interrupted`) with
    the run's fields. A failure (not an interruption, not a busy lock) is notified, once per streak."""
    if getattr(exc, "_runbase_logged", False):
        return
    stopped = isinstance(exc, KeyboardInterrupt)
    text = f"{name} sync {'stopped' if stopped else 'failed'}: {run_error_text(exc)}"
    text += f" ({summary})" if summary else ""
    fields = (run or RunLog(name)).fields("sync.interrupted" if stopped else "sync.failed")
    fields |= {"error": run_error_text(exc), "file": _file_of(exc)}
    if isinstance(exc, SourceError):
        logger.info("%s", text, extra=fields)
    elif isinstance(exc, KeyboardInterrupt | SystemExit):
        logger.warning("%s", text, extra=fields)
    else:
        logger.error("%s", text, exc_info=exc, extra=fields)
    with suppress(AttributeError):
        exc._runbase_logged = True  # type: ignore[attr-defined]
    if isinstance(exc, Exception) and not isinstance(exc, SyncBusy):  # not an interruption, not a busy lock
        sync_failed_notify(name, run_error_text(exc), credentials=getattr(exc, "credentials", False))


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises RunInterrupted (as Ctrl-C raises KeyboardInterrupt), so the
    run ends through its normal path: pool shut down, transaction rolled back, run recorded. Only in
    the main thread, and only when nobody else handles SIGTERM (a django-q2 cluster does)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        raise RunInterrupted(f"interrupted by {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sweep_raw_store() -> None:
    try:
        raw_store_sweep(older_than_s=settings.INGEST_SETTLE_SECONDS)
    except OSError as exc:  # a tidy-up: never the reason a sync fails
        logger.warning("raw store: could not remove leftover temporary files (%s)", exc)


@contextmanager
def sync_running(*, name: str, result: R, lock: str | None = None) -> Iterator[RunningSync[R]]:
    """Run a sync: hold the `lock` sync lock (default `name`), record the run on `name`'s SyncState
    row, log its summary once. Raises SyncBusy when another run holds the lock (nothing recorded).

    Two routes writing the same records share a lock (the Strava export takes `strava`) but record
    their runs apart. The cursor is recorded only when the block ends without an exception.
    """
    with _stopped_by_sigterm(), sync_lock(name=lock or name) as held:
        _sweep_raw_store()
        with sync_run(name=name, result=result) as recorded:
            run = RunningSync(name=name, result=result, lock=held, cursor=sync_cursor(name=name))
            log = RunLog(name, result=result)
            logger.info("%s sync started", name, extra=log.fields("sync.start"))
            try:
                yield run
            except (Exception, KeyboardInterrupt, SystemExit) as exc:
                sync_failed_log(name, exc, summary=result.summary(), run=log)
                raise
            recorded.cursor = run.cursor
            logger.info("%s sync: %s", name, result.summary(), extra=log.fields("sync.summary"))
    sync_recovered_notify(name)  # after the lock is released: a slow channel never holds it

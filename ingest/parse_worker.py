"""Parse recording files in worker processes, a bounded window at a time. Pure: no ORM, no settings.

Bulk imports are bound by FIT decoding, so parsing runs in a process pool while the parent only
hashes, archives and writes. Workers get the archived copy's PATH (not the bytes), the route's hints
and the home time zone's name, run the whole file path (`parsers.file_records`: parse, place,
validate) and send back `ParsedActivity` lists ready to store; at most `window` files are in flight,
so memory stays flat on a 10-year folder. Nothing here imports Django models or reads settings, so
spawned workers (macOS) start without `django.setup()`.

Workers die with their parent: on Linux the kernel kills them when it goes (prctl PR_SET_PDEATHSIG),
and everywhere a watchdog thread in each worker exits once its parent is gone — a killed import never
leaves its pool behind, blocked on a pipe. They ignore Ctrl-C (it reaches the whole process group):
the parent decides, and on an interruption stops the pool at once.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from ingest.parsers import DEFAULT_MAX_FILE_BYTES, file_records
from ingest.records import FileHints, NotAnActivity, ParsedActivity, SourceError


@dataclass(frozen=True, slots=True)
class ParseJob:
    key: int  # the caller's handle on the file
    name: str
    path: str  # the archived copy
    home_tz: str  # settings.RUNBASE_HOME_TZ, by name: workers read no settings
    hints: FileHints | None = None  # what the route knows (a HealthFit name's local start …)
    max_bytes: int = DEFAULT_MAX_FILE_BYTES  # RUNBASE_ARCHIVE_MAX_FILE_MB in bytes: the per-file budget


@dataclass(slots=True)
class ParseOutcome:
    records: list[ParsedActivity] = field(default_factory=list)
    skipped: str = ""  # NotAnActivity: why
    error: str = ""  # SourceError or a parser bug: what, naming the file


def _named(name: str, message: str) -> str:
    return message if name in message else f"{name}: {message}"


def parse_job(job: ParseJob) -> ParseOutcome:
    """Parse one archived file; never raises, so one bad file cannot break the pool or the batch."""
    try:
        data = Path(job.path).read_bytes()
        records = file_records(
            name=job.name, data=data, hints=job.hints, home_tz=job.home_tz, max_bytes=job.max_bytes
        )
        return ParseOutcome(records=records)
    except NotAnActivity as exc:
        return ParseOutcome(skipped=_named(job.name, str(exc)))
    except SourceError as exc:
        return ParseOutcome(error=_named(job.name, str(exc)))
    except Exception as exc:  # a parser bug on odd input: the file fails, the batch goes on
        return ParseOutcome(error=f"{job.name}: the parser failed ({type(exc).__name__}: {exc})")


def default_workers() -> int:
    return os.cpu_count() or 1


def parse_many(
    jobs: Iterable[ParseJob], *, workers: int, window: int | None = None
) -> Iterator[tuple[ParseJob, ParseOutcome]]:
    """`(job, outcome)` in job order.

    Jobs are drawn from `jobs` only as room frees up in the window, so the caller's own work per file
    (hashing, archiving) overlaps the parsing, and memory stays bounded. One worker, a single job, or a
    daemonic process (a django-q2 worker may not start children) parses in this process.
    """
    remaining = iter(jobs)
    head = list(islice(remaining, max(workers, 1)))
    if workers <= 1 or len(head) <= 1 or multiprocessing.current_process().daemon:
        for job in chain(head, remaining):
            yield job, parse_job(job)
        return
    workers = len(head)  # never more processes than files
    window = max(window or workers * 4, workers)
    pending: deque[tuple[ParseJob, Future]] = deque()
    executor = _fresh(None, workers)
    try:
        for job in chain(head, islice(remaining, window - len(head))):
            pending.append((job, executor.submit(parse_job, job)))
        while pending:
            job, future = pending.popleft()
            try:
                outcome = future.result()
            except BrokenProcessPool:
                # A worker died (killed for memory, say): retry this file alone in a fresh pool,
                # then resubmit the rest, so only a file that kills its worker twice fails.
                executor = _fresh(executor, workers)
                try:
                    outcome = executor.submit(parse_job, job).result()
                except BrokenProcessPool:
                    outcome = ParseOutcome(error=f"{job.name}: the parser process died reading this file")
                    executor = _fresh(executor, workers)
                pending = deque((j, executor.submit(parse_job, j)) for j, _ in pending)
            next_job = next(remaining, None)
            if next_job is not None:
                pending.append((next_job, executor.submit(parse_job, next_job)))
            yield job, outcome
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (the sync skeleton's RunInterrupted): stop now
        _stop_workers(executor)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _fresh(executor: ProcessPoolExecutor | None, workers: int) -> ProcessPoolExecutor:
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
    context = multiprocessing.get_context()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=worker_start,
        initargs=(os.getpid(), context.get_start_method()),
    )


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Kill the pool's processes instead of waiting for the files they are on."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_S = 1.0


def worker_start(parent: int, start_method: str) -> None:
    """Pool initializer: ignore Ctrl-C, and die with the parent process (`parent`, its pid)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    if sys.platform.startswith("linux"):
        _kill_me_with_my_parent()
    ppid = os.getppid()
    if start_method != "forkserver" and ppid != parent:
        os._exit(1)  # the parent died before the kernel was told: nobody will collect our results
    threading.Thread(target=parent_watchdog, args=(ppid,), name="parent-watchdog", daemon=True).start()


def _kill_me_with_my_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: the watchdog thread is enough


def parent_watchdog(ppid: int, *, interval_s: float = PARENT_CHECK_S) -> None:
    """Exit this process as soon as its parent `ppid` is gone (its pid's child is reparented)."""
    while os.getppid() == ppid:
        time.sleep(interval_s)
    os._exit(1)

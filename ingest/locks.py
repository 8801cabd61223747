"""One sync of a kind at a time, across processes and machines sharing the database.

The lock is the `SyncState` row of the sync (`icloud`, `files`, `strava` …): a run claims it with a
conditional UPDATE that only succeeds when nobody holds it or the holder's claim has expired, so two
overlapping cron/q2 runs cannot both get it — the database decides, atomically. A claim expires after
`ttl_s` (a killed run cannot block syncing forever) and long runs extend it with `refresh()`. A claim
left by a dead process on this machine is taken over at once.

A holder is named by pid AND the process's start time (Linux: field 22 of /proc/<pid>/stat), plus a
random token per process: after a restart pids start again, and a new process that got the old holder's
pid — even this very process — is not mistaken for it. Where the start time cannot be read (macOS), a
reused pid of another process looks alive and the claim's heartbeat lease (`ttl_s`) decides.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ingest.models import SyncState
from ingest.records import SourceError

logger = logging.getLogger("runbase.ingest")


class SyncBusy(SourceError):
    """Another run of the same sync holds the lock."""


@dataclass(slots=True)
class SyncLock:
    name: str
    owner: str
    ttl_s: int
    refreshed: float = field(default_factory=time.monotonic)

    def refresh(self, *, force: bool = False) -> None:
        """Push the expiry out again; cheap to call per file (writes at most every ttl/10 seconds)."""
        if not force and time.monotonic() - self.refreshed < self.ttl_s / 10:
            return
        SyncState.objects.filter(name=self.name, locked_by=self.owner).update(
            locked_until=timezone.now() + dt.timedelta(seconds=self.ttl_s)
        )
        self.refreshed = time.monotonic()


_TOKEN = secrets.token_hex(4)  # this process: a holder with our pid but another token was before us
_OWNER = re.compile(
    r"^pid (?P<pid>\d+) on (?P<host>\S+) since (?P<since>\S+)"
    r"(?: \(process start (?P<start>\S+), run (?P<token>\w+)\))?$"
)


def process_start(pid: int) -> str:
    """When process `pid` started, in clock ticks since boot (Linux /proc), or "?" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "?"
    fields = stat[stat.rfind(")") + 2 :].split()  # after the command name, which may hold spaces
    return fields[19] if len(fields) > 19 else "?"  # field 22 of the whole line: starttime


def _owner() -> str:
    # "pid 4242 on mac-mini since 2026-11-25T21:30:00.123456+00:00 (process start 81234, run 9f3a0c1e)":
    # unique, readable in messages, and a reused pid is told apart by its start time and token.
    pid = os.getpid()
    since = timezone.now().isoformat()
    started = process_start(pid)
    return f"pid {pid} on {socket.gethostname()} since {since} (process start {started}, run {_TOKEN})"


@dataclass(frozen=True, slots=True)
class Holder:
    """A lock holder as `locked_by` names it."""

    pid: int
    host: str
    since: dt.datetime | None
    start: str  # process start ticks, "?" unknown, "" an older claim that did not say
    token: str

    @classmethod
    def parse(cls, locked_by: str) -> Holder | None:
        match = _OWNER.match(locked_by or "")
        if match is None:
            return None
        try:
            since = dt.datetime.fromisoformat(match["since"])
        except ValueError:
            since = None
        return cls(int(match["pid"]), match["host"], since, match["start"] or "", match["token"] or "")

    def is_gone(self) -> bool:
        """True only when this holder is known to run no more: a process of THIS machine whose pid is
        free, or taken by a process that started at another time (or is this one, after a restart)."""
        if self.host != socket.gethostname():
            return False
        if self.pid == os.getpid():
            return self.token != _TOKEN
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, another user's
        if self.start in ("", "?"):
            return False
        now = process_start(self.pid)
        return now != "?" and now != self.start


def holder_is_gone(locked_by: str) -> bool:
    """True when the process named by `locked_by` is known to be dead (see `Holder.is_gone`)."""
    holder = Holder.parse(locked_by)
    return holder is not None and holder.is_gone()


def _ensure_row(name: str) -> None:
    if SyncState.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            SyncState.objects.create(name=name)
    except IntegrityError:
        pass  # another process created it between our check and insert


def _try_claim(name: str, owner: str, ttl_s: int) -> SyncState | None:
    """Claim the row with one conditional UPDATE; return the current row when someone else holds it."""
    for _attempt in range(3):
        state = _claim_once(name, owner, ttl_s)
        if state is None or (state.locked_by and state.locked_until and state.locked_until > timezone.now()):
            return state
        # The holder let go between our UPDATE and our read: try again.
    return state


def _claim_once(name: str, owner: str, ttl_s: int) -> SyncState | None:
    now = timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now) | Q(locked_by="")
    claimed = (
        SyncState.objects.filter(name=name)
        .filter(free)
        .update(locked_by=owner, locked_until=now + dt.timedelta(seconds=ttl_s))
    )
    if claimed:
        return None
    state = SyncState.objects.get(name=name)
    if holder_is_gone(state.locked_by):
        # Compare-and-swap on the dead holder's exact claim: only one taker wins.
        taken = SyncState.objects.filter(name=name, locked_by=state.locked_by).update(
            locked_by=owner, locked_until=now + dt.timedelta(seconds=ttl_s)
        )
        if taken:
            logger.warning("%s sync: took over the lock of a dead run (%s)", name, state.locked_by)
            return None
        state = SyncState.objects.get(name=name)
    return state


@contextmanager
def sync_lock(*, name: str, wait_s: float = 0, ttl_s: int = 3600) -> Iterator[SyncLock]:
    """Hold the `name` sync lock for the block; raise SyncBusy if another run holds it after `wait_s`."""
    _ensure_row(name)
    owner = _owner()
    deadline = time.monotonic() + wait_s
    while (holder := _try_claim(name, owner, ttl_s)) is not None:
        if time.monotonic() >= deadline:
            raise SyncBusy(
                f"The {name} sync is already running ({holder.locked_by or 'unknown holder'}, "
                f"lock expires {holder.locked_until:%Y-%m-%d %H:%M:%S} UTC); try again later"
            )
        time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
    lock = SyncLock(name=name, owner=owner, ttl_s=ttl_s)
    try:
        yield lock
    finally:
        SyncState.objects.filter(name=name, locked_by=owner).update(locked_by="", locked_until=None)

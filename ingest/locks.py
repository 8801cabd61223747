"""One sync of a kind at a time, across processes and machines sharing the database.

The lock is the `SyncState` row of the sync (`icloud`, `files`, `strava` …): a run claims it with a
conditional UPDATE that only succeeds when nobody holds it or the holder's claim has expired, so two
overlapping cron/q2 runs cannot both get it — the database decides, atomically. A claim expires after
`ttl_s` (a killed run cannot block syncing forever) and long runs extend it with `refresh()`. A claim
left by a dead process on this machine is taken over at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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


def _owner() -> str:
    # "pid 4242 on mac-mini since 2026-11-25T21:30:00.123456+00:00": unique, and readable in messages.
    return f"pid {os.getpid()} on {socket.gethostname()} since {timezone.now().isoformat()}"


def _holder_is_dead(locked_by: str) -> bool:
    """True when the holder is a process of THIS machine that no longer runs."""
    parts = locked_by.split(" ")
    if len(parts) < 4 or parts[0] != "pid" or parts[2] != "on" or parts[3] != socket.gethostname():
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
    if _holder_is_dead(state.locked_by):
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

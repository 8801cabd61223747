"""What RunBase holds and how its syncs went: one read-only report for `runbase_status`.

Per sync (SyncState row): when it last ran, last succeeded, its summary or error (naming the file an
aborted run was on), a held lock — RUNNING while its holder lives, DIED with the run's start time when
the holder is gone or stopped renewing its lease — and files waiting for iCloud. Per source: record
counts; per route: files by manifest status; the failed files with their errors; records waiting for
reconcile; the database and raw-store size. Over it all, one verdict for scripts (`--json`): ok,
warning or error, with the reasons (`status_level`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from activities.models import ActivitySource
from ingest.locks import Holder, holder_is_gone
from ingest.models import ProcessedFile, SyncState
from ingest.rawstore import raw_store_dir
from reconcile.selectors import pending_conflicts
from review.health import Health, health_check

FAILED_LIMIT = 50


@dataclass(slots=True)
class SyncLine:
    name: str
    last_sync_at: dt.datetime | None
    last_success_at: dt.datetime | None
    summary: str
    error: str
    running: str  # holder of an unexpired lock, else ""
    waiting: int  # files iCloud has not delivered yet (HealthFit)
    died: str = ""  # a run that never finished: its lock is left, its holder gone or silent


@dataclass(slots=True)
class FailedFile:
    name: str
    path: str
    route: str
    error: str
    when: dt.datetime


@dataclass(slots=True)
class StatusReport:
    syncs: list[SyncLine] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)  # source -> live records
    deleted_records: int = 0
    files: dict[str, dict[str, int]] = field(default_factory=dict)  # route -> status -> count
    failed_files: list[FailedFile] = field(default_factory=list)
    failed_total: int = 0
    unreconciled: int = 0
    conflicts_pending: int | None = None
    database_vendor: str = ""
    database_bytes: int = 0
    raw_files: int = 0
    raw_bytes: int = 0
    home_tz: str = ""
    health: Health | None = None
    level: str = "ok"  # ok, warning or error: see status_level
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Every fact of `lines()`, machine-readable (times as ISO 8601 through DjangoJSONEncoder)."""
        facts = asdict(self)
        facts["health"] = self.health.as_dict() if self.health is not None else None
        return facts

    def lines(self) -> list[str]:
        out = ["Syncs:"]
        out += [_sync_line(s) for s in self.syncs] or ["  none has run yet"]
        out.append("Source records: " + (_pairs(self.records) or "none"))
        if self.deleted_records:
            out.append(f"  marked deleted at their source: {self.deleted_records}")
        out.append("Files:")
        out += [f"  {route}: {_pairs(counts)}" for route, counts in sorted(self.files.items())] or ["  none"]
        pending = f"Pending: {self.unreconciled} record(s) to reconcile"
        out.append(pending + _conflicts(self.conflicts_pending))
        if self.failed_total:
            out.append(f"Failed files ({self.failed_total}, retried when they change):")
            out += [f"  {f.name} [{f.route}, {f.when:%Y-%m-%d %H:%M}]: {f.error}" for f in self.failed_files]
            if self.failed_total > len(self.failed_files):
                out.append(f"  … and {self.failed_total - len(self.failed_files)} more (see the admin)")
        out.append(f"Database ({self.database_vendor}): {_size(self.database_bytes)}")
        out.append(f"Raw store: {self.raw_files} file(s), {_size(self.raw_bytes)}")
        out.append(
            f"Home time zone: {self.home_tz} (RUNBASE_HOME_TZ: dates a record with no offset of its own)"
        )
        out.append(f"Overall: {self.level}" + (f" — {'; '.join(self.reasons)}" if self.reasons else ""))
        return out


def _sync_line(s: SyncLine) -> str:
    text = f"  {s.name}: last run {_when(s.last_sync_at)}, last success {_when(s.last_success_at)}"
    if s.summary:
        text += f" — {s.summary}"
    if s.waiting:
        text += f" — {s.waiting} file(s) waiting for iCloud"
    if s.running:
        text += f" — RUNNING ({s.running})"
    if s.died:
        text += f" — DIED: {s.died}"
    if s.error:
        text += f" — ERROR: {s.error}"
    return text


def _when(value: dt.datetime | None) -> str:
    return "never" if value is None else f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S %Z}"


def _pairs(counts: dict[str, int]) -> str:
    return " ".join(f"{key}={value}" for key, value in sorted(counts.items()))


def _conflicts(count: int | None) -> str:
    return "" if count is None else f", {count} conflict(s) to review"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def status_report() -> StatusReport:
    """Read everything `runbase_status` shows; writes nothing."""
    report = StatusReport()
    now = timezone.now()
    for state in SyncState.objects.order_by("name"):
        leased = bool(state.locked_until and state.locked_until > now)
        gone = bool(state.locked_by) and (not leased or holder_is_gone(state.locked_by))
        waiting = len((state.cursor or {}).get("pending", []) or [])
        report.syncs.append(
            SyncLine(
                state.name,
                state.last_sync_at,
                state.last_success_at,
                state.last_summary,
                state.last_error,
                state.locked_by if state.locked_by and not gone else "",
                waiting,
                died=_died(state) if gone else "",
            )
        )
    live = ActivitySource.objects.filter(deleted_at__isnull=True)
    report.records = dict(live.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    report.deleted_records = ActivitySource.objects.filter(deleted_at__isnull=False).count()
    for route, status, n in ProcessedFile.objects.values_list("route", "status").annotate(n=Count("pk")):
        report.files.setdefault(route, {})[status] = n
    failed = ProcessedFile.objects.filter(status=ProcessedFile.Status.FAILED).order_by("-updated_at")
    report.failed_total = failed.count()
    report.failed_files = [
        FailedFile(f.name, f.path, f.route, f.error, f.updated_at) for f in failed[:FAILED_LIMIT]
    ]
    report.unreconciled = live.filter(
        Q(activity__isnull=True) | Q(reconciled_at__isnull=True) | Q(changed_at__gt=F("reconciled_at"))
    ).count()
    report.conflicts_pending = pending_conflicts().count()
    report.database_vendor, report.database_bytes = database_size()
    report.raw_files, report.raw_bytes = _raw_store_size(raw_store_dir())
    report.home_tz = settings.RUNBASE_HOME_TZ
    report.health = health_check()
    report.level, report.reasons = status_level(report, report.health)
    return report


def status_level(report: StatusReport, health: Health) -> tuple[str, list[str]]:
    """error: a set-up scheduled source whose last run failed or that has not succeeded within its
    limit, or a django-q2 cluster that is not running its schedules; warning: any other failed run or
    failed items, a run that died, a set-up source that has never run; else ok."""
    errors: list[str] = []
    warnings: list[str] = []
    watched = {s.name for s in health.sources}
    ran = {s.name for s in report.syncs}
    for source in health.sources:
        if source.age_s is None:
            (errors if source.name in ran else warnings).append(f"{source.name}: no successful run yet")
        elif not source.ok:
            errors.append(f"{source.name}: no successful run for {source.age_s // 3600} h")
    for sync in report.syncs:
        if sync.error and sync.summary.startswith("failed"):
            (errors if sync.name in watched else warnings).append(f"{sync.name}: the last run failed")
        elif sync.error:
            warnings.append(f"{sync.name}: the last run had failures")
        if sync.died:
            warnings.append(f"{sync.name}: a run died without finishing")
    if health.cluster is not None and not health.cluster.ok:
        errors.append(
            f"django-q2 cluster: {health.cluster.overdue} schedule(s) overdue (is qcluster running?)"
        )
    if errors:
        return "error", errors + warnings
    return ("warning" if warnings else "ok"), warnings


def _died(state: SyncState) -> str:
    """A run whose lock is still held by a process that is gone (or silent past its lease)."""
    holder = Holder.parse(state.locked_by)
    started = holder.since if holder is not None and holder.since else state.last_sync_at
    who = f"pid {holder.pid} on {holder.host}" if holder is not None else state.locked_by
    return f"the run started {_when(started)} ({who}) ended without finishing; the next run takes over"


def database_size() -> tuple[str, int]:
    """(vendor, bytes): the SQLite file's pages (free ones included), PostgreSQL's pg_database_size."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return "PostgreSQL", int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return "SQLite", int(pages) * int(cursor.fetchone()[0])
    return connection.vendor, 0


def _raw_store_size(root: Path) -> tuple[int, int]:
    count = total = 0
    for directory, _subdirs, names in os.walk(root):
        for name in names:
            if name.startswith(".incoming-"):
                continue
            try:
                total += (Path(directory) / name).stat().st_size
            except OSError:
                continue
            count += 1
    return count, total

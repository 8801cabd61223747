"""Sync the HealthFit iCloud Drive folder: every workout file that has fully arrived, once.

HealthFit (iOS) writes one file per Apple Watch workout into iCloud Drive; on the Mac the folder holds
downloaded files, hidden `.…fit.icloud` stubs for files not downloaded yet, files still being written,
and `.gpx` twins of some `.fit` files. The scan sorts them out; `files_ingest` does the rest.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ingest.files import FileInput, FileOutcome, FilesResult, Log, files_ingest, report_outcome
from ingest.healthfit.parser import (
    healthfit_name_hints,
    healthfit_name_parse,
    icloud_stub_target,
    is_activity_name,
    sidecar_of,
)
from ingest.records import SourceError
from ingest.sync import sync_running

SYNC_NAME = "icloud"
ROUTE = "healthfit"


@dataclass(slots=True)
class FolderScan:
    inputs: list[FileInput] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)  # stubs, unsettled files, sidecars


def healthfit_folder(path: Path | None = None) -> Path:
    folder = Path(path if path is not None else settings.HEALTHFIT_DIR).expanduser()
    if not folder.is_dir():
        raise SourceError(f"HealthFit folder not found: {folder} — set HEALTHFIT_DIR or pass --path")
    return folder


def healthfit_scan(*, folder: Path, settle_s: float, now: float | None = None) -> FolderScan:
    """List what is ready to import; report what is not (yet). Reads directory entries only."""
    now = time.time() if now is None else now
    scan = FolderScan()
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        siblings = set(names) | {t for n in names if (t := icloud_stub_target(n))}
        for name in sorted(names):
            _scan_entry(scan, Path(directory) / name, siblings=siblings, settle_s=settle_s, now=now)
    return scan


def _scan_entry(scan: FolderScan, path: Path, *, siblings: set[str], settle_s: float, now: float) -> None:
    name = path.name
    target = icloud_stub_target(name)
    if target is not None:
        if is_activity_name(target):
            scan.outcomes.append(_note(path.with_name(target), "pending", "in iCloud, not downloaded yet"))
        return
    if not is_activity_name(name):
        return  # .DS_Store, manifest files, anything that is not a recording
    twin = sidecar_of(name, siblings)
    if twin is not None:
        scan.outcomes.append(_note(path, "ignored", f"sidecar of {twin}: the .fit is the activity"))
        return
    try:
        stat = path.stat()
    except OSError:
        return  # vanished between listing and stat (iCloud evicted it): next sync
    if is_dataless(stat):
        scan.outcomes.append(_note(path, "pending", "in iCloud, not downloaded yet (dataless file)"))
        return
    if stat.st_size == 0:
        scan.outcomes.append(_note(path, "pending", "empty: iCloud has not downloaded it yet"))
        return
    if now - stat.st_mtime < settle_s:
        scan.outcomes.append(
            _note(path, "pending", f"modified in the last {settle_s:g} s: still being written")
        )
        return
    info = healthfit_name_parse(name)
    scan.inputs.append(
        FileInput(
            name=name,
            origin=str(path),
            path=path,
            mtime=stat.st_mtime,
            size=stat.st_size,
            hints=healthfit_name_hints(name),  # the local start: placement's source of an offset
            raw={"healthfit": {"workout_type": info.workout_type, "device": info.device}} if info else None,
        )
    )


# macOS 14+ shows a not-downloaded iCloud file at full size with this flag instead of a `.icloud` stub;
# reading it would block on the download.
SF_DATALESS = 0x40000000


def is_dataless(stat: os.stat_result) -> bool:
    return bool(getattr(stat, "st_flags", 0) & SF_DATALESS)


def _note(path: Path, status: str, reason: str) -> FileOutcome:
    return FileOutcome(name=path.name, origin=str(path), status=status, error=reason)


def healthfit_sync(
    *, path: Path | None = None, workers: int | None = None, log: Log = None, progress=None
) -> FilesResult:
    """Import every settled workout file of the HealthFit folder (default settings.HEALTHFIT_DIR).

    The `icloud` sync (SyncBusy if another run holds it); the files still waiting for iCloud are
    kept in its cursor.
    """
    folder = healthfit_folder(path)
    with sync_running(name=SYNC_NAME, result=FilesResult()) as run:
        scan = healthfit_scan(folder=folder, settle_s=settings.INGEST_SETTLE_SECONDS)
        for outcome in scan.outcomes:
            report_outcome(run.result.add(outcome), log=log)
        files_ingest(
            inputs=scan.inputs,
            route=ROUTE,
            workers=workers,
            log=log,
            progress=run.progress(progress),
            result=run.result,
        )
        waiting = [o.name for o in run.result.by_status("pending")]
        # Since when each file waits: a file iCloud never delivers is notified (reconcile.notices).
        since = run.cursor.get("pending_since") or {}
        now = timezone.now().isoformat()
        pending_since = {name: since.get(name, now) for name in waiting}
        run.cursor = {"folder": str(folder), "pending": waiting, "pending_since": pending_since}
    return run.result

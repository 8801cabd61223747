"""`backup_create` and `backup_restore`, for the commands and the weekly django-q2 task.

A backup is a folder `runbase-YYYYMMDD-HHMMSS` in the backup directory holding the database copy,
`raw-manifest.tsv` (every archived file: path in the raw store, size) and `backup.json` (when, which
database, what it holds). It is written under a temporary name and renamed when complete, so a folder
with the final name is always whole; only those count toward the backups kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ingest.backup.database import BackupError, database_dump, database_load
from ingest.rawstore import raw_store_dir

logger = logging.getLogger("runbase.backup")
PREFIX = "runbase-"
MANIFEST = "raw-manifest.tsv"
META = "backup.json"


@dataclass(slots=True)
class BackupResult:
    path: Path
    database_bytes: int = 0
    raw_files: int = 0
    removed: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"backup {self.path} database_bytes={self.database_bytes} raw_files={self.raw_files} "
            f"removed={len(self.removed)}"
        )


@dataclass(slots=True)
class RestoreResult:
    path: Path
    raw_files: int = 0
    raw_missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"restored {self.path} raw_files={self.raw_files} raw_missing={len(self.raw_missing)}"


def backup_directory(directory: Path | None = None) -> Path:
    return Path(directory or settings.RUNBASE_BACKUP_DIR).expanduser()


def _raw_manifest(target: Path) -> int:
    """`path<TAB>size` of every archived file, sorted (temporary `.incoming-` files left out)."""
    root = raw_store_dir()
    rows = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.startswith(".incoming-"):
                continue
            path = Path(folder) / name
            rows.append(f"{path.relative_to(root).as_posix()}\t{path.stat().st_size}\n")
    target.write_text("".join(sorted(rows)), encoding="utf-8")
    return len(rows)


def backup_create(
    *, directory: Path | None = None, keep: int | None = None, now: dt.datetime | None = None
) -> BackupResult:
    """Write a backup into `directory` (default RUNBASE_BACKUP_DIR) and keep the newest `keep`
    (default RUNBASE_BACKUP_KEEP). Raises BackupError; a failed backup leaves nothing behind."""
    root = backup_directory(directory)
    root.mkdir(parents=True, exist_ok=True)
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    final = root / f"{PREFIX}{stamp}"
    if final.exists():
        raise BackupError(f"{final} exists already: one backup a second at most")
    incoming = root / f".incoming-{PREFIX}{stamp}"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    try:
        name = database_dump(incoming)
        result = BackupResult(path=final, database_bytes=(incoming / name).stat().st_size)
        result.raw_files = _raw_manifest(incoming / MANIFEST)
        meta = {
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": name,
            "raw_files": result.raw_files,
            "raw_store": str(raw_store_dir()),
        }
        (incoming / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        incoming.rename(final)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    result.removed = _prune(root, keep if keep is not None else settings.RUNBASE_BACKUP_KEEP)
    logger.info("%s", result.summary())
    return result


def _prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups (names sort by time)."""
    backups = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
    old = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in old:
        shutil.rmtree(path)
    return old


def backup_restore(*, path: Path) -> RestoreResult:
    """Replace the database with the backup at `path` and check the raw store against its manifest.
    Raises BackupError for something that is not a whole backup of this kind of database."""
    path = Path(path).expanduser()
    meta_file = path / META
    if not meta_file.is_file():
        raise BackupError(f"{path} is not a RunBase backup (no {META})")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("vendor") != connection.vendor:
        raise BackupError(f"{path} is a {meta.get('vendor')} backup; this RunBase uses {connection.vendor}")
    database_load(path)
    result = RestoreResult(path=path)
    root = raw_store_dir()
    for line in (path / MANIFEST).read_text(encoding="utf-8").splitlines():
        relative, size = line.rsplit("\t", 1)
        result.raw_files += 1
        target = root / relative
        if not target.is_file() or target.stat().st_size != int(size):
            result.raw_missing.append(relative)
    logger.info("%s", result.summary())
    return result

"""The raw store: every original file, archived by content before it is parsed (nothing is lost).

Layout: `RAW_STORE_DIR/ab/abcdef….fit` — the SHA-256 of the bytes, sharded by its first two hex
digits, keeping the extension so a person can open the copy. A copy is written under a temporary
name and renamed into place, so a crash never leaves a half-written archive file; an existing copy
(same hash, same bytes) is never rewritten. A process killed while writing leaves its temporary
`.incoming-<pid>-….part` file behind: `raw_store_sweep`, run at the start of every sync, removes those
whose writer is gone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Extensions kept on the archived copy; anything else is archived as `.bin`.
_KNOWN_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".json", ".csv", ".zip", ".xlsx")
_PART_WRITER = re.compile(r"^\.incoming-(\d+)-")
_PART_MAX_AGE_S = 3600  # a .part file this old is left over whatever its name says

logger = logging.getLogger("runbase.ingest")


@dataclass(frozen=True, slots=True)
class RawFile:
    sha256: str
    size: int
    raw_path: str  # relative to RAW_STORE_DIR, e.g. "ab/abcdef….fit"

    @property
    def absolute(self) -> Path:
        return raw_store_dir() / self.raw_path


def raw_store_dir() -> Path:
    return Path(settings.RAW_STORE_DIR)


def raw_suffix(name: str) -> str:
    """The extension an archived copy keeps: `.fit`, `.gpx`, `.fit.gz` … (lower-cased)."""
    lowered = name.lower()
    for suffix in sorted(_KNOWN_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix):
            return suffix
    return ".bin"


def raw_relative_path(*, sha256: str, name: str) -> str:
    return f"{sha256[:2]}/{sha256}{raw_suffix(name)}"


def raw_store_put(*, data: bytes, name: str) -> RawFile:
    """Archive `data` (the bytes of a file called `name`); return where it lives. Idempotent."""
    sha256 = hashlib.sha256(data).hexdigest()
    raw = RawFile(sha256=sha256, size=len(data), raw_path=raw_relative_path(sha256=sha256, name=name))
    target = raw.absolute
    if target.exists() and target.stat().st_size == len(data):
        return raw
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".incoming-{os.getpid()}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return raw


def raw_store_sweep(*, older_than_s: float, now: float | None = None) -> list[Path]:
    """Remove the temporary files of archive writers that were killed mid-write; return them.

    A `.part` file goes when it is older than `older_than_s` (the settle time) and its writer — the pid
    in its name — runs no more, or when it is older than an hour. A live writer's file is never touched.
    """
    now = time.time() if now is None else now
    removed = []
    for part in raw_store_dir().glob("*/.incoming-*.part"):
        try:
            age = now - part.stat().st_mtime
        except OSError:
            continue  # renamed into place meanwhile
        if age < older_than_s or (age < _PART_MAX_AGE_S and _writer_alive(part.name)):
            continue
        part.unlink(missing_ok=True)
        removed.append(part)
    if removed:
        logger.warning("raw store: removed %d file(s) left by interrupted writes", len(removed))
    return removed


def _writer_alive(name: str) -> bool:
    match = _PART_WRITER.match(name)
    if match is None:
        return False  # an older name without its writer's pid
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

"""Hostile archives for the archive-budget tests: zips built in the test, and the check that a refused
archive left nothing behind."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

from django.conf import settings

from activities.models import ActivitySource
from ingest.models import ProcessedFile


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `members` (name -> bytes), in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def noise(size: int, seed: int) -> bytes:
    """`size` incompressible bytes, distinct per seed (nothing deduplicates them)."""
    return random.Random(seed).randbytes(size)


def copy_with(source: Path, target: Path, members: dict[str, bytes]) -> Path:
    """A copy of the zip `source` at `target` with `members` appended after everything it holds."""
    shutil.copyfile(source, target)
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def assert_nothing_imported() -> None:
    """No source record, no manifest row, and not one file in the raw store."""
    assert not ActivitySource.objects.exists()
    assert not ProcessedFile.objects.exists()
    raw = Path(settings.RAW_STORE_DIR)
    assert not [p for p in raw.rglob("*") if p.is_file()], "a refused archive left files in the raw store"

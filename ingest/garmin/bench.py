"""The Garmin export benchmark: end-to-end import rate against the bare FIT decode of the same files.

Runs against a throwaway database (Django's test-database machinery: a fresh, migrated database that
is dropped afterwards) and a throwaway raw store, so it never touches the runner's data.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import fitparse
from django.db import connection
from django.test.utils import override_settings

from ingest.garmin.export import export_uploads
from ingest.garmin.importer import GarminImportResult, garmin_import
from ingest.garmin.synthetic import synthetic_export_build


@dataclass(slots=True)
class GarminBenchResult:
    activities: int
    workers: int
    build_s: float
    zip_bytes: int
    decode_s: float
    import_s: float
    imported: GarminImportResult

    def lines(self) -> list[str]:
        n = self.activities
        mb = self.zip_bytes / 1e6
        decode_ms = self.decode_s / n * 1000
        import_ms = self.import_s / n * 1000
        return [
            f"export: {n} one-hour 1 Hz activities, {mb:.1f} MB zip, built in {self.build_s:.0f} s",
            f"bare decode (fitparse, 1 process): {self.decode_s:.1f} s = {decode_ms:.0f} ms/file, "
            f"{n / self.decode_s:.2f} files/s",
            f"import_garmin ({self.workers} workers): {self.import_s:.1f} s = {import_ms:.0f} ms/activity, "
            f"{n / self.import_s:.2f} activities/s (file + summary each)",
            f"import / bare decode: {self.import_s / self.decode_s:.2f}x "
            f"(ideal with {self.workers} workers: {1 / self.workers:.2f}x)",
            f"result: {self.imported.summary()}",
        ]


@contextmanager
def _throwaway_database(directory: Path) -> Iterator[None]:
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict.setdefault("TEST", {})["NAME"] = str(directory / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _decode_all(path: Path) -> float:
    """Seconds fitparse alone needs to decode every uploaded file (bytes already in memory)."""
    total = 0.0
    for entry in export_uploads(path):
        started = time.perf_counter()
        list(fitparse.FitFile(entry.data).get_messages())
        total += time.perf_counter() - started
    return total


def garmin_bench(
    *, activities: int, workers: int | None = None, log: Callable[[str], None] | None = None
) -> GarminBenchResult:
    """Build a synthetic export of `activities` runs, decode it bare, then import it end to end."""
    log = log or (lambda _line: None)
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="runbase-bench-garmin-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        path = synthetic_export_build(directory=directory, activities=activities, workers=workers)
        build_s = time.perf_counter() - started
        log(f"built {path.name}: {activities} activities in {build_s:.0f} s")
        decode_s = _decode_all(path)
        log(f"bare decode: {decode_s:.1f} s")
        with _throwaway_database(directory), override_settings(RAW_STORE_DIR=directory / "raw"):
            started = time.perf_counter()
            imported = garmin_import(path=path, workers=workers)
            import_s = time.perf_counter() - started
        return GarminBenchResult(
            activities=activities,
            workers=workers,
            build_s=build_s,
            zip_bytes=path.stat().st_size,
            decode_s=decode_s,
            import_s=import_s,
            imported=imported,
        )

"""The Garmin export benchmark: end-to-end import rate against the bare FIT decode of the same files.

    python -m tests.benchmarks.garmin [--activities 1000] [--workers N] [--quiet]

Builds an export of N one-hour activities (FIT uploads + summaries) in a temporary directory, decodes
the uploads with fitparse alone, then imports the export into a throwaway database with a throwaway raw
store (`support.throwaway_database`): the runner's data is never touched.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fitparse

from ingest.garmin.export import export_uploads
from ingest.garmin.importer import GarminImportResult, garmin_import
from ingest.records import SourceError
from tests.benchmarks.garmin_export import synthetic_export_build
from tests.benchmarks.support import say, throwaway_database


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
    """Build a generated export of `activities` runs, decode it bare, then import it end to end."""
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
        with throwaway_database(directory):
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.garmin",
        description=(
            "Generate a Garmin export of N one-hour activities (FIT uploads + summaries) in a temporary "
            "directory, import it into a throwaway database and print the import rate against the bare "
            "fitparse decode time of the same files. Never touches your data."
        ),
    )
    parser.add_argument("--activities", type=int, default=1000, help="Activities to generate (default 1000).")
    parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
    parser.add_argument("--quiet", action="store_true", help="Only the figures.")
    args = parser.parse_args(argv)
    if args.activities < 1:
        parser.error("--activities must be at least 1")
    try:
        result = garmin_bench(
            activities=args.activities, workers=args.workers, log=None if args.quiet else say
        )
    except SourceError as exc:
        raise SystemExit(str(exc)) from exc
    for line in result.lines():
        say(line)


if __name__ == "__main__":
    main()

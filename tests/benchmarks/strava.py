"""The Strava benchmark: API calls and rate-limited wall time of a backfill, and the export import rate.

    python -m tests.benchmarks.strava [--activities 4000] [--files 200] [--streams] [--skip-api]
        [--skip-export] [--workers N] [--quiet]

API part: `strava_sync` runs through the fake Strava of the test suite (real HTTP on 127.0.0.1,
stravalib unpatched) with Strava's real read limits (100 per 15 minutes, 1,000 per day) sent as
headers on a simulated clock: every rate-limit stop jumps the clock to `resume_at`, as the scheduled
task would, so the wall time the limits impose is measured without sleeping.

Export part: a generated export zip (activities.csv + fit-tool FIT uploads, gzip-compressed like
Strava's) imported end to end. Writing FIT files with fit-tool takes ~1.6 s each, so only `files`
activities carry an upload; the other rows are manual entries. The 4,000-upload time is extrapolated
from the measured per-file rate and said to be.

Both parts run against a throwaway database and temporary directories (`support.throwaway_database`):
the runner's data is untouched. The fake server is the test suite's, serving `../shared/samples`: run
the benchmark from a checkout.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings

from ingest.records import SourceError
from ingest.strava.export import StravaExportResult, strava_export_import
from ingest.strava.sync import strava_sync
from ingest.strava.tokens import Tokens, tokens_save
from tests.benchmarks.garmin_export import activity_fit
from tests.benchmarks.support import say, throwaway_database
from tests.support.fake_strava import FakeStrava

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples" / "strava" / "api"
SIM_START = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
FIRST_ACTIVITY = dt.datetime(2015, 1, 1, 6, 0, tzinfo=dt.UTC)


@dataclass(slots=True)
class _SimClock:
    now: float

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass(slots=True)
class ApiBench:
    activities: int
    streams: bool
    calls: int
    runs: int
    simulated_s: float
    real_s: float
    created: int

    def lines(self) -> list[str]:
        days = self.simulated_s / 86400
        return [
            f"API backfill of {self.activities} activities{' with streams' if self.streams else ''}: "
            f"{self.calls} API calls = {self.calls / self.activities:.3f} per activity, "
            f"{self.created} records created",
            f"read limits 100/15 min and 1,000/day: {self.runs} sync runs (each stops at the limit and "
            f"resumes when the window reopens), wall time imposed {days:.2f} days "
            f"({dt.timedelta(seconds=int(self.simulated_s))})",
            f"real time spent on the fake server: {self.real_s:.1f} s",
        ]


@dataclass(slots=True)
class ExportBench:
    rows: int
    files: int
    build_s: float
    import_s: float
    files_s: float
    rows_s: float
    workers: int
    decode_s: float
    result: StravaExportResult

    def lines(self) -> list[str]:
        per_file = self.files_s / max(self.files, 1)
        projected = per_file * self.rows + self.rows_s
        lines = [
            f"export: {self.rows} activities.csv rows, {self.files} with a one-hour 1 Hz FIT upload "
            f"(built in {self.build_s:.0f} s), {self.workers} parser processes",
            f"import_strava_export: {self.import_s:.1f} s measured = uploads {self.files_s:.1f} s "
            f"({per_file * 1000:.0f} ms/file) + rows {self.rows_s:.1f} s "
            f"({self.rows_s / self.rows * 1000:.1f} ms/row)",
            f"bare decode of the same uploads (gunzip + fitparse, 1 process): {self.decode_s:.1f} s "
            f"({self.decode_s / max(self.files, 1) * 1000:.0f} ms/file); import per file x workers / bare "
            f"decode per file: {per_file * self.workers / max(self.decode_s / max(self.files, 1), 1e-9):.2f}",
        ]
        if self.files < self.rows:
            lines.append(
                f"extrapolated to {self.rows} uploads: {projected:.0f} s = {projected / 60:.1f} min "
                f"(target < 5 min; {self.files} files measured, not {self.rows})"
            )
        lines.append(f"result: {self.result.summary()}")
        return lines


def _start(index: int) -> dt.datetime:
    return FIRST_ACTIVITY + dt.timedelta(days=index, hours=index % 5)


def _summaries(fake, activities: int) -> None:
    template = fake.fixture("athlete_activities_page1.json")[1]  # a Morning Run
    for index in range(activities):
        start = _start(index)
        summary = dict(template, id=10_000_000_000 + index, name=f"Run {index + 1}")
        summary["start_date"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        summary["start_date_local"] = (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        fake.add(summary)
    fake.streams = {}
    fake.stats = {"all_run_totals": {"count": activities}}


def strava_api_bench(
    *, activities: int, streams: bool = False, log: Callable[[str], None] | None = None
) -> ApiBench:
    """Backfill `activities` through the fake Strava under real-sized limits on a simulated clock."""
    log = log or (lambda _line: None)
    clock = _SimClock(SIM_START.timestamp())
    with tempfile.TemporaryDirectory(prefix="runbase-bench-strava-") as tmp, throwaway_database(Path(tmp)):
        fake = FakeStrava(SAMPLES, clock=clock, read_limits=(100, 1000), overall_limits=(200, 2000))
        _summaries(fake, activities)
        if streams:
            sample = fake.fixture("activity_16188899900_streams.json")
            fake.streams = dict.fromkeys(fake.summaries, sample)
        with (
            fake,
            override_settings(STRAVA_BASE_URL=fake.url, STRAVA_CLIENT_ID="1", STRAVA_CLIENT_SECRET="bench"),
        ):
            tokens_save(
                Tokens(fake.access_token, fake.refresh_token, int(clock()) + 21600, ["read"], 48213576)
            )
            calls = runs = created = 0
            started = time.perf_counter()
            while True:
                result = strava_sync(streams=streams, clock=clock, sleep=clock.sleep, log=_progress(log))
                runs += 1
                calls += result.calls
                created += result.created
                if result.resume_at is None:
                    break
                clock.now = max(clock.now, result.resume_at.timestamp())
            real_s = time.perf_counter() - started
    return ApiBench(
        activities=activities,
        streams=streams,
        calls=calls,
        runs=runs,
        simulated_s=clock.now - SIM_START.timestamp(),
        real_s=real_s,
        created=created,
    )


def _progress(log: Callable[[str], None]) -> Callable[[str], None]:
    """Pass on progress lines (pages, ETA, stops), not one line per activity."""

    def keep(line: str) -> None:
        if line.startswith(("page ", "stopped")):
            log(line)

    return keep


# --- export -----------------------------------------------------------------------------------------

HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
    "Activity Private Note",
    "Activity Gear",
    "Filename",
    "Athlete Weight",
    "Bike Weight",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
    "Average Speed",
    "Elevation Gain",
    "Elevation Loss",
    "Elevation Low",
    "Elevation High",
    "Max Grade",
    "Average Grade",
    "Average Positive Grade",
    "Average Negative Grade",
    "Max Cadence",
    "Average Cadence",
    "Max Heart Rate",
    "Average Heart Rate",
    "Max Watts",
    "Average Watts",
    "Calories",
]


SHOES_CSV = "Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types\nPeg 40,Nike,Pegasus 40,Run\n"


def _fit_gz(index: int) -> bytes:
    return gzip.compress(activity_fit(index), compresslevel=6)


def _row(index: int, filename: str) -> list[str]:
    start = _start(index)
    date = f"{start:%b} {start.day}, {start.year}, {start:%I:%M:%S %p}".replace(", 0", ", ")
    values = dict.fromkeys(HEADER, "")
    row = [""] * len(HEADER)
    values.update({"Activity ID": str(9_000_000_000 + index), "Activity Date": date})
    values.update({"Activity Name": f"Run {index + 1}", "Activity Type": "Run", "Activity Gear": "Peg 40"})
    values.update({"Filename": filename, "Commute": "false", "Moving Time": "3600.0"})
    for i, name in enumerate(HEADER):
        row[i] = values[name]
    row[5], row[15], row[6], row[17] = "3600", "3600.0", "10.80", "10800.0"
    row[31], row[29], row[34] = "152", "86", "700"
    return row


def strava_export_build(*, directory: Path, rows: int, files: int, workers: int) -> Path:
    """`directory/export_1.zip`: `rows` activities.csv rows, the first `files` with a FIT upload."""
    path = directory / "export_1.zip"
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for index in range(rows):
        writer.writerow(_row(index, f"activities/{9_000_000_000 + index}.fit.gz" if index < files else ""))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", text.getvalue())
        archive.writestr("shoes.csv", SHOES_CSV)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for index, data in enumerate(pool.map(_fit_gz, range(files), chunksize=4)):
                archive.writestr(f"activities/{9_000_000_000 + index}.fit.gz", data, zipfile.ZIP_STORED)
    return path


def strava_export_bench(
    *, rows: int, files: int, workers: int | None = None, log: Callable[[str], None] | None = None
) -> ExportBench:
    """Build an export of `rows` activities (`files` with uploads) and import it into a throwaway DB."""
    log = log or (lambda _line: None)
    workers = workers or os.cpu_count() or 1
    files = min(files, rows)
    with tempfile.TemporaryDirectory(prefix="runbase-bench-strava-export-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        path = strava_export_build(directory=directory, rows=rows, files=files, workers=workers)
        build_s = time.perf_counter() - started
        log(f"built {path.name}: {rows} rows, {files} FIT uploads in {build_s:.0f} s")
        decode_s = _decode_all(path)
        log(f"bare decode: {decode_s:.1f} s")
        marks: dict[str, float] = {}

        def done(_outcome) -> None:
            marks["files_done"] = time.perf_counter()

        with throwaway_database(directory):
            started = time.perf_counter()
            result = strava_export_import(path=path, workers=workers, progress=done)
            import_s = time.perf_counter() - started
    files_s = marks.get("files_done", started) - started
    return ExportBench(
        rows=rows,
        files=files,
        build_s=build_s,
        import_s=import_s,
        files_s=files_s,
        rows_s=import_s - files_s,
        workers=workers,
        decode_s=decode_s,
        result=result,
    )


def _decode_all(path: Path) -> float:
    """Seconds gunzip + fitparse alone need for every upload (bytes already in memory)."""
    import fitparse

    total = 0.0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".fit.gz"):
                data = archive.read(name)
                started = time.perf_counter()
                list(fitparse.FitFile(gzip.decompress(data)).get_messages())
                total += time.perf_counter() - started
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.strava",
        description=(
            "Benchmark Strava: (1) a backfill of N activities through the fake Strava server with "
            "real-sized read limits (100/15 min, 1,000/day) on a simulated clock: API calls per activity "
            "and the wall time the limits impose; (2) import of a generated export of N activities, FIT "
            "uploads built with fit-tool for --files of them (extrapolated to N). Throwaway database; "
            "run from a checkout."
        ),
    )
    parser.add_argument("--activities", type=int, default=4000, help="Activities (default 4000).")
    parser.add_argument("--files", type=int, default=200, help="Export rows with a FIT upload.")
    parser.add_argument("--streams", action="store_true", help="Backfill with streams too.")
    parser.add_argument("--skip-api", action="store_true", help="Only the export import.")
    parser.add_argument("--skip-export", action="store_true", help="Only the API backfill.")
    parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
    parser.add_argument("--quiet", action="store_true", help="Only the figures.")
    args = parser.parse_args(argv)
    if args.activities < 1:
        parser.error("--activities must be at least 1")
    log = None if args.quiet else say
    lines: list[str] = []
    try:
        if not args.skip_api:
            lines += strava_api_bench(activities=args.activities, streams=args.streams, log=log).lines()
        if not args.skip_export:
            export = strava_export_bench(
                rows=args.activities, files=args.files, workers=args.workers, log=log
            )
            lines += export.lines()
    except SourceError as error:
        raise SystemExit(str(error)) from error
    for line in lines:
        say(line)


if __name__ == "__main__":
    main()

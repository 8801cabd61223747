"""The memory benchmark: peak RSS of the export imports and of one big file, against the input size.

    python -m tests.benchmarks.memory [--strava-mb 1000] [--garmin-mb 1000] [--tcx-mb 200]
        [--file-kb 1000] [--workers N] [--skip-strava] [--skip-garmin] [--skip-tcx]

Builds, in a temporary directory, a Strava export and a Garmin export of about the given size of
uploads (uncompressed), and a TCX file of `--tcx-mb`. The uploads are GPX tracks of `--file-kb` each,
every one a distinct recording (its own start, its own random walk), so nothing is deduplicated;
GPX rather than FIT because fit-tool needs about a second per file, and the bytes travel the same path
(zip member -> hash -> raw store -> parser). Each import runs in a child process of its own, in a
throwaway database (`support.throwaway_database`) with DEBUG off, and reports its own peak RSS
(`VmHWM`) and its parse workers' (`getrusage`); a first child that only sets up Django and the
database gives the baseline. Memory bounded by the largest file shows as a peak that does not grow
with `--strava-mb` / `--garmin-mb`: run it at two sizes to see it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tests.benchmarks.garmin_export import USER, _start, _write_summaries
from tests.benchmarks.strava import HEADER, SHOES_CSV, _row
from tests.benchmarks.support import say, throwaway_database

_GPX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx version="1.1" creator="runbase-bench" xmlns="http://www.topografix.com/GPX/1/1">\n'
    "<trk><name>Run {index}</name><type>running</type><trkseg>\n"
)
_GPX_TAIL = "</trkseg></trk></gpx>\n"
_TCX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
    '<Activities><Activity Sport="Running"><Id>{start}</Id><Lap StartTime="{start}">\n'
    "<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{metres:.1f}</DistanceMeters>"
    "<Calories>0</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>\n"
)
_TCX_TAIL = "</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n"
_MB = 1 << 20


def gpx_bytes(index: int, size: int) -> bytes:
    """A distinct GPX track of about `size` bytes: one point a second from `_start(index)`."""
    rnd = random.Random(index)
    start = _start(index)
    day = start.strftime("%Y-%m-%d")
    base = start.hour * 3600 + start.minute * 60 + start.second
    lat, lon = 50.0 + rnd.random(), 4.0 + rnd.random()
    parts = [_GPX_HEAD.format(index=index)]
    written = len(parts[0])
    second = 0
    while written < size and base + second < 86_400:
        lat += (rnd.random() - 0.3) * 2e-5
        lon += (rnd.random() - 0.3) * 2e-5
        clock = base + second
        point = (
            f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{20 + rnd.random() * 5:.2f}</ele>'
            f"<time>{day}T{clock // 3600:02d}:{clock // 60 % 60:02d}:{clock % 60:02d}Z</time></trkpt>\n"
        )
        parts.append(point)
        written += len(point)
        second += 1
    parts.append(_GPX_TAIL)
    return "".join(parts).encode()


def _uploads(total_mb: float, file_kb: int) -> Iterator[tuple[int, bytes]]:
    count = max(1, int(total_mb * _MB / (file_kb * 1024)))
    for index in range(count):
        yield index, gpx_bytes(index, file_kb * 1024)


def strava_export_write(path: Path, *, total_mb: float, file_kb: int) -> tuple[int, int]:
    """A Strava export of GPX uploads (and their activities.csv rows); returns (files, bytes)."""
    import csv

    files = size = 0
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(HEADER)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index, data in _uploads(total_mb, file_kb):
            name = f"activities/{9_000_000_000 + index}.gpx"
            archive.writestr(name, data)
            writer.writerow(_row(index, name))
            files, size = files + 1, size + len(data)
        archive.writestr("activities.csv", rows.getvalue())
        archive.writestr("shoes.csv", SHOES_CSV)
    return files, size


def garmin_export_write(path: Path, *, total_mb: float, file_kb: int, per_part: int = 250) -> tuple[int, int]:
    """A Garmin export: summaries, and GPX uploads in nested `UploadedFiles_*_Part*.zip`s."""
    files = size = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as outer:
        part: list[tuple[str, bytes]] = []
        number = 1

        def flush() -> None:
            nonlocal part, number
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as inner:
                for name, data in part:
                    inner.writestr(name, data)
            member = f"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part{number}.zip"
            outer.writestr(member, buffer.getvalue(), compress_type=zipfile.ZIP_STORED)
            part, number = [], number + 1

        for index, data in _uploads(total_mb, file_kb):
            part.append((f"{USER}_{1_700_000_000 + index}.gpx", data))
            files, size = files + 1, size + len(data)
            if len(part) == per_part:
                flush()
        if part:
            flush()
        _write_summaries(outer, files)
    return files, size


def tcx_write(path: Path, *, total_mb: float) -> int:
    """One TCX of about `total_mb` MB: a single lap of one point a second (days long if need be)."""
    rnd = random.Random(7)
    points = int(total_mb * _MB / 212)  # a Trackpoint line is about 212 bytes
    start = _start(0)
    with path.open("w") as handle:
        handle.write(
            _TCX_HEAD.format(start=start.strftime("%Y-%m-%dT%H:%M:%SZ"), seconds=points, metres=points * 3.0)
        )
        lat, lon = 50.5, 4.5
        epoch = int(start.timestamp())
        for second in range(points):
            lat += (rnd.random() - 0.3) * 2e-5
            lon += (rnd.random() - 0.3) * 2e-5
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch + second))
            handle.write(
                f"<Trackpoint><Time>{stamp}</Time><Position><LatitudeDegrees>{lat:.7f}</LatitudeDegrees>"
                f"<LongitudeDegrees>{lon:.7f}</LongitudeDegrees></Position>"
                f"<DistanceMeters>{second * 3.0:.1f}</DistanceMeters></Trackpoint>\n"
            )
        handle.write(_TCX_TAIL)
    return path.stat().st_size


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def _own_peak_mb() -> float:
    """This process's own peak RSS. On Linux `VmHWM`: `ru_maxrss` survives exec, so a child started by
    a parent that had just built a big zip in memory would report the parent's peak as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_mb(resource.RUSAGE_SELF)


def child(kind: str, path: str, workers: int) -> None:
    """Run one import in this (child) process and print its figures as one JSON line."""
    from ingest.files import files_import_paths
    from ingest.garmin.importer import garmin_import
    from ingest.records import SourceError
    from ingest.strava.export import strava_export_import

    imports = {
        "baseline": lambda: None,
        "strava": lambda: strava_export_import(path=path, workers=workers),
        "garmin": lambda: garmin_import(path=path, workers=workers),
        "tcx": lambda: files_import_paths(paths=[Path(path)], workers=workers),
    }
    # DEBUG off, as in production: with it on, Django keeps the last 9,000 queries (their parameters,
    # stream blobs included) and that log, not the import, would grow with the export.
    database = throwaway_database
    with tempfile.TemporaryDirectory(prefix="runbase-bench-memory-") as tmp, database(Path(tmp), DEBUG=False):
        started = time.perf_counter()
        try:
            result = imports[kind]()
            summary = result.summary() if result is not None else ""
            errors = [o.error for o in getattr(result, "by_status", lambda _s: [])("failed")][:1]
        except SourceError as exc:
            summary, errors = "refused", [str(exc)]
        seconds = time.perf_counter() - started
    figures = {
        "peak_mb": _own_peak_mb(),
        "workers_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "seconds": seconds,
        "summary": summary,
        "errors": errors,
    }
    print("RESULT " + json.dumps(figures), flush=True)


def _run_child(kind: str, path: Path | str, workers: int) -> dict:
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.memory",
        "--child",
        kind,
        str(path),
        "--workers",
        str(workers),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"the {kind} child failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def _report(label: str, figures: dict, baseline: float) -> None:
    say(
        f"{label}: peak RSS {figures['peak_mb']:.0f} MB ({figures['peak_mb'] - baseline:+.0f} MB over the "
        f"baseline), parse workers' peak {figures['workers_peak_mb']:.0f} MB, {figures['seconds']:.0f} s"
    )
    say(f"    {figures['summary']}")
    for error in figures["errors"]:
        say(f"    {error[:300]}")


def memory_bench(args: argparse.Namespace) -> None:
    workers = args.workers or os.cpu_count() or 1
    baseline = _run_child("baseline", "-", workers)["peak_mb"]
    say(f"baseline (Django and a throwaway database, no import): peak RSS {baseline:.0f} MB")
    with tempfile.TemporaryDirectory(prefix="runbase-bench-memory-data-") as tmp:
        directory = Path(tmp)
        if not args.skip_strava:
            path = directory / "export_strava.zip"
            files, size = strava_export_write(path, total_mb=args.strava_mb, file_kb=args.file_kb)
            say(f"Strava export: {files} GPX uploads, {size / _MB:.0f} MB of uploads, zip {_mb(path)} MB")
            _report("  import_strava_export", _run_child("strava", path, workers), baseline)
            path.unlink()
        if not args.skip_garmin:
            path = directory / "export_garmin.zip"
            files, size = garmin_export_write(path, total_mb=args.garmin_mb, file_kb=args.file_kb)
            say(f"Garmin export: {files} GPX uploads, {size / _MB:.0f} MB of uploads, zip {_mb(path)} MB")
            _report("  import_garmin", _run_child("garmin", path, workers), baseline)
            path.unlink()
        if not args.skip_tcx:
            path = directory / "big.tcx"
            size = tcx_write(path, total_mb=args.tcx_mb)
            say(f"TCX: one file of {size / _MB:.0f} MB")
            _report("  import_files", _run_child("tcx", path, workers), baseline)


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / _MB:.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.memory",
        description=(
            "Peak RSS of import_strava_export and import_garmin on generated exports of distinct GPX "
            "uploads, and of import_files on one big TCX, each in a child process with a throwaway "
            "database. Never touches your data."
        ),
    )
    parser.add_argument("--strava-mb", type=float, default=1000, help="MB of Strava uploads (default 1000).")
    parser.add_argument("--garmin-mb", type=float, default=1000, help="MB of Garmin uploads (default 1000).")
    parser.add_argument("--tcx-mb", type=float, default=200, help="MB of the one TCX file (default 200).")
    parser.add_argument("--file-kb", type=int, default=1000, help="KB per generated upload (default 1000).")
    parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
    parser.add_argument("--skip-strava", action="store_true")
    parser.add_argument("--skip-garmin", action="store_true")
    parser.add_argument("--skip-tcx", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.workers or 1)
        return
    memory_bench(args)


if __name__ == "__main__":
    main()

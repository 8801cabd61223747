"""Duplicate file records on a three-route history: the same recordings through `import_files` (plain),
a Strava export (each one `.fit.gz`, as Strava keeps uploads) and a Garmin export (plain, in its nested
upload zips).

    python -m tests.benchmarks.file_identity [--migration PAIRS]

The recordings are the sample FIT files of `fit/runs`, `fit/other-sports` and `fit/devices` (damaged and
non-activity files included: they fail or are skipped on every route). Duplicates are counted by what
the raw store holds (`tests.support.identity`): records beyond one per recorded session.

`--migration PAIRS` also times the upgrade (migration activities 0009) on PAIRS duplicate pairs as the old
version left them: a plain FIT and its `.fit.gz` in one activity, each record with laps and a stream.
Runs against a throwaway database and temporary directories; never touches the runner's data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings

from tests.benchmarks.support import django_setup, say, throwaway_database

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
FOLDERS = ("fit/runs", "fit/other-sports", "fit/devices")


def recordings() -> list[Path]:
    found = [
        p for folder in FOLDERS for p in sorted((SAMPLES / folder).iterdir()) if p.suffix.lower() == ".fit"
    ]
    return found


def strava_export_write(path: Path, files: list[Path]) -> None:
    """activities.csv with the sample export's header and one row per file (its first row, re-numbered)."""
    with zipfile.ZipFile(SAMPLES / "strava" / "export" / "export_12345678.zip") as sample:
        header, template = list(csv.reader(io.StringIO(sample.read("activities.csv").decode("utf-8-sig"))))[
            :2
        ]
    filename = header.index("Filename")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, file in enumerate(files):
            activity_id = str(9_900_000_000 + index)
            row = [activity_id, *template[1:]]
            row[filename] = f"activities/{activity_id}.fit.gz"
            writer.writerow(row)
            archive.writestr(row[filename], gzip.compress(file.read_bytes(), mtime=0))
        archive.writestr("activities.csv", out.getvalue())


def garmin_export_write(path: Path, files: list[Path]) -> None:
    """The Garmin layout with the files in one upload part and no summaries (only the files count here)."""
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, file in enumerate(files):
            archive.writestr(f"runner@example.com_{1_700_000_000 + index}.fit", file.read_bytes())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        summaries = json.dumps([{"summarizedActivitiesExport": []}])
        archive.writestr("DI_CONNECT/DI-Connect-Fitness/runner_0_summarizedActivities.json", summaries)
        archive.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", part.getvalue())


def figures() -> tuple[int, int, int]:
    from activities.models import ActivitySource
    from ingest.models import ProcessedFile
    from tests.support.identity import duplicate_file_records

    records = ActivitySource.objects.filter(source="fit_file").count()
    return records, duplicate_file_records(), ProcessedFile.objects.count()


MIGRATION = ("activities", "0009_file_records_by_content")


def _old_state(executor, pairs: int) -> None:
    """`pairs` duplicate pairs written through the models of the schema before the migration."""
    from ingest.rawstore import raw_store_put

    executor.loader.build_graph()
    apps = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    File, Record = apps.get_model("ingest", "ProcessedFile"), apps.get_model("activities", "ActivitySource")
    Activity, Lap = apps.get_model("activities", "Activity"), apps.get_model("activities", "Lap")
    Stream = apps.get_model("activities", "Stream")
    fit = (SAMPLES / "fit" / "runs" / "2013-02-06-12-11-14.fit").read_bytes()
    start = dt.datetime(2013, 2, 6, 12, 11, 14, tzinfo=dt.UTC)
    for index in range(pairs):
        data = fit + index.to_bytes(4, "little")  # distinct content per pair (the archive is never parsed)
        activity = Activity.objects.create(date=start.date(), start_time=start, sport="running")
        for blob, name, route in (
            (data, "run.fit", "files"),
            (gzip.compress(data, mtime=0), "r.fit.gz", "strava_export"),
        ):
            raw = raw_store_put(data=blob, name=name)
            row = File.objects.create(
                sha256=raw.sha256,
                path=f"/{index}/{name}",
                name=name,
                route=route,
                size=raw.size,
                raw_path=raw.raw_path,
                status="imported",
            )
            record = Record.objects.create(
                source="fit_file",
                source_id=raw.sha256,
                route=route,
                file=row,
                activity=activity,
                start_time=start,
            )
            Lap.objects.bulk_create(Lap(record=record, index=i, distance_m=1000.0) for i in range(5))
            Stream.objects.create(record=record, sample_count=1, start_time=start, data=b"\x00")


def migration_measure(pairs: int) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from activities.models import ActivitySource
    from tests.support.identity import duplicate_file_records

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration(*MIGRATION)
    ingest = next(dep for dep in migration.dependencies if dep[0] == "ingest")
    before = [dep for dep in migration.dependencies if dep[0] != "ingest"]
    executor.migrate(before + list(executor.loader.get_migration(*ingest).dependencies))
    _old_state(executor, pairs)
    executor.loader.build_graph()
    began = time.perf_counter()
    executor.migrate([MIGRATION])
    took = time.perf_counter() - began
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    records = ActivitySource.objects.filter(source="fit_file").count()
    say(
        f"migration on {pairs} duplicate pairs: {took:.1f} s; fit_file records {2 * pairs} -> {records}, "
        f"duplicates {duplicate_file_records()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.file_identity", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--migration", type=int, default=0, metavar="PAIRS", help="time the upgrade too")
    options = parser.parse_args(argv)
    django_setup()
    from ingest.files import files_import_paths
    from ingest.garmin.importer import garmin_import
    from ingest.strava.export import strava_export_import

    files = recordings()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        plain = directory / "plain"
        plain.mkdir()
        for file in files:
            (plain / file.name).write_bytes(file.read_bytes())
        strava_export_write(directory / "strava.zip", files)
        garmin_export_write(directory / "garmin.zip", files)
        with throwaway_database(directory):
            say(f"{len(files)} sample FIT files through three routes")
            steps = [
                ("import_files (plain)", lambda: files_import_paths(paths=[plain], workers=1)),
                (
                    "Strava export (.fit.gz)",
                    lambda: strava_export_import(path=directory / "strava.zip", workers=1),
                ),
                ("Garmin export (plain)", lambda: garmin_import(path=directory / "garmin.zip", workers=1)),
            ]
            for label, step in steps:
                step()
                records, duplicates, rows = figures()
                say(f"after {label:<26} fit_file records={records} duplicates={duplicates} files={rows}")
        if options.migration:
            (directory / "upgrade").mkdir()
            with throwaway_database(directory / "upgrade"):
                migration_measure(options.migration)


if __name__ == "__main__":
    main()

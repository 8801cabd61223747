"""Duplicate file records on a three-route history: the same recordings through `import_files` (plain),
a Strava export (each one `.fit.gz`, as Strava keeps uploads) and a Garmin export (plain, in its nested
upload zips).

    python -m tests.benchmarks.file_identity

The recordings are the sample FIT files of `fit/runs`, `fit/other-sports` and `fit/devices` (damaged and
non-activity files included: they fail or are skipped on every route). Duplicates are counted by what
the raw store holds (`tests.support.identity`): records beyond one per recorded session. Runs against a
throwaway database and temporary directories; never touches the runner's data.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import tempfile
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.file_identity", description=__doc__.split("\n\n")[0]
    )
    parser.parse_args(argv)
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


if __name__ == "__main__":
    main()

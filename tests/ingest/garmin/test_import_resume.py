"""Interrupted, partial, repeated and hostile imports: re-running finishes the rest, nothing twice."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from activities.models import ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.models import ProcessedFile
from ingest.records import SourceError

pytestmark = pytest.mark.django_db

ZIP = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


@pytest.fixture(scope="module")
def manifest(samples):
    return json.loads((samples / "garmin" / "manifest.json").read_text())


@pytest.fixture
def export(samples) -> Path:
    return samples / ZIP


def _fit_records(manifest) -> int:
    """fit_file records a complete import makes: one per session of every activity file."""
    parents = {a["activityId"] for a in manifest["activities"] if a["parent"]}
    sessions = sum(len(set(f["activityIds"]) - parents) for f in manifest["files"] if f["kind"] == "activity")
    return sessions + len([f for f in manifest["files"] if f["kind"] == "activity-without-absolute-time"])


def _snapshot() -> dict:
    rows = ActivitySource.objects.values_list("source", "source_id", "content_hash", "deleted_at")
    return {"records": sorted(rows), "files": sorted(ProcessedFile.objects.values_list("sha256", "status"))}


def test_an_import_of_a_partial_zip_is_finished_by_the_full_one_without_duplicates(
    export, manifest, tmp_path
):
    partial = tmp_path / "partial" / export.name
    partial.parent.mkdir()
    with zipfile.ZipFile(export) as full, zipfile.ZipFile(partial, "w") as cut:
        for info in full.infolist():
            if "Part2" in info.filename:
                break  # the copy stopped here
            cut.writestr(info, full.read(info))
    first = garmin_import(path=partial, workers=1)
    assert first.created == 19 and first.paired < 18

    resumed = garmin_import(path=export, workers=2)

    assert resumed.created == 0 and resumed.updated > 0
    assert ActivitySource.objects.filter(source="garmin").count() == 19
    assert ActivitySource.objects.filter(source="fit_file").count() == _fit_records(manifest)
    assert ActivitySource.objects.filter(source="garmin", raw__has_key="paired_file_sha256").count() == 18
    assert ProcessedFile.objects.count() == len(manifest["files"]) - 1  # the duplicate is one row
    done = _snapshot()
    again = garmin_import(path=export, workers=1)
    assert (again.created, again.updated, again.files.imported) == (0, 0, 0)
    assert _snapshot() == done


def test_an_interrupted_import_rerun_finishes_the_rest_without_duplicates(export):
    stored = []

    def interrupt_after_five(line: str) -> None:
        if line.startswith("created garmin"):
            stored.append(line)
            if len(stored) == 5:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        garmin_import(path=export, workers=1, log=interrupt_after_five)
    assert ActivitySource.objects.filter(source="garmin").count() == 5

    result = garmin_import(path=export, workers=1)

    assert (result.created, result.unchanged) == (14, 5)
    assert result.files.imported == 0  # every file was done before the interruption
    assert ActivitySource.objects.filter(source="garmin").count() == 19


def test_a_missing_zip_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match=r"no such export zip"):
        garmin_import(path=tmp_path / "nope.zip")


def test_a_hostile_export_is_refused_naming_the_limit(tmp_path, export):
    hostile = tmp_path / "export.zip"
    shutil.copy(export, hostile)
    with zipfile.ZipFile(hostile, "a") as archive:
        archive.writestr("DI_CONNECT/../../evil.fit", b"x")

    with pytest.raises(SourceError, match=r"DI_CONNECT/\.\./\.\./evil\.fit.*escapes the destination"):
        garmin_import(path=hostile)
    assert not ActivitySource.objects.exists()

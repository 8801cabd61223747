"""Import the sample Garmin export once; every fact of the answer key (manifest.json) holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path, PurePosixPath

import pytest
from django.test.utils import override_settings

from activities.models import ActivitySource, Stream
from ingest.garmin.export import export_uploads
from ingest.garmin.importer import garmin_import
from ingest.models import ProcessedFile, SyncState

pytestmark = pytest.mark.django_db

ZIP = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


@pytest.fixture(scope="module")
def manifest(samples):
    return json.loads((samples / "garmin" / "manifest.json").read_text())


@pytest.fixture
def export(samples) -> Path:
    return samples / ZIP


def _legs(manifest) -> list[dict]:
    return [a for a in manifest["activities"] if not a["parent"]]


def _activity_files(manifest) -> list[dict]:
    return [f for f in manifest["files"] if f["kind"] == "activity"]


def _sessions(manifest, entry: dict) -> int:
    parents = {a["activityId"] for a in manifest["activities"] if a["parent"]}
    return len([i for i in entry["activityIds"] if i not in parents])


def _garmin(activity_id) -> ActivitySource:
    return ActivitySource.objects.get(source="garmin", source_id=str(activity_id))


def _snapshot() -> dict:
    rows = ActivitySource.objects.values_list("source", "source_id", "content_hash", "deleted_at")
    return {"records": sorted(rows), "files": sorted(ProcessedFile.objects.values_list("sha256", "status"))}


@pytest.fixture(scope="module")
def sample_import(django_db_setup, django_db_blocker, samples, tmp_path_factory):
    """One import of the sample export shared by this module's read-only tests (it takes seconds).

    Committed outside the tests' transactions, so it is removed again when the module ends.
    """
    with django_db_blocker.unblock():
        try:
            with override_settings(RAW_STORE_DIR=tmp_path_factory.mktemp("raw")):
                yield garmin_import(path=samples / ZIP, workers=2)
        finally:
            ActivitySource.objects.all().delete()
            ProcessedFile.objects.all().delete()
            SyncState.objects.all().delete()


def test_it_imports_every_summary_and_every_uploaded_file(sample_import, manifest):
    result = sample_import

    timeless = [f for f in manifest["files"] if f["kind"] == "activity-without-absolute-time"]
    fit_records = sum(_sessions(manifest, f) for f in _activity_files(manifest))
    assert ActivitySource.objects.filter(source="garmin").count() == len(_legs(manifest)) == 19
    assert ActivitySource.objects.filter(source="fit_file").count() == fit_records + len(timeless)
    assert result.created == 19
    assert result.parents_skipped == 1
    assert (result.files.imported, result.files.already_seen) == (len(_activity_files(manifest)) + 1, 1)
    assert result.files.skipped == len([f for f in manifest["files"] if f["kind"] == "non-activity"]) == 2
    assert result.files.failed == len([f for f in manifest["files"] if f["kind"] == "corrupt"]) == 1
    assert result.summary().startswith("activities: created=19 updated=0 unchanged=0 failed=0 paired=18 ")


def test_each_converted_field_equals_the_answer_key(sample_import, manifest):
    for entry in _legs(manifest):
        record = _garmin(entry["activityId"])
        expected = entry["expected_SI"]
        got = {
            "distance_m": record.distance_m,
            "timer_s": record.duration_s,
            "elapsed_s": record.elapsed_s,
            "avg_speed_mps": record.avg_speed_mps,
            "avg_hr": record.avg_hr,
            "cadence_spm": record.avg_cadence_spm,
            "elevation_gain_m": record.total_ascent_m,
            "calories_kcal": record.calories,
        }
        if "start_utc" in expected:
            got["start_utc"] = record.start_time.isoformat()
            local = record.start_time + dt.timedelta(seconds=record.utc_offset_s)
            got["start_local_wallclock"] = local.replace(tzinfo=None).isoformat()
            assert record.local_date.isoformat() == expected["start_local_wallclock"][:10]
        want = {key: expected[key] for key in got if key in expected}
        assert {key: got[key] for key in want} == pytest.approx(want, abs=1e-6), entry["name"]
        assert (record.workout_name, record.route) == (entry["name"], "garmin_export")


def test_each_summary_is_paired_with_its_uploaded_file(sample_import, export, manifest):
    # The answer key's sha256 is the FIT the export was built from: hash the members themselves.
    sha_of = {PurePosixPath(e.name).name: hashlib.sha256(e.data).hexdigest() for e in export_uploads(export)}
    for entry in _legs(manifest):
        record = _garmin(entry["activityId"])
        assert record.raw.get("paired_file_sha256") == sha_of.get(entry["member"]), entry["name"]
        if entry["member"]:
            paired = ActivitySource.objects.get(source="fit_file", source_id=record.raw["paired_record"])
            assert paired.start_time == record.start_time
            assert paired.file.sha256 == record.raw["paired_file_sha256"]


def test_a_multisport_activity_imports_its_legs_each_paired_with_its_own_session(sample_import, manifest):
    multisport = next(f for f in manifest["files"] if len(f.get("activityIds", [])) > 1)
    parent = next(a for a in manifest["activities"] if a["parent"])
    legs = [_garmin(i) for i in multisport["activityIds"] if i != parent["activityId"]]
    assert not ActivitySource.objects.filter(source="garmin", source_id=str(parent["activityId"])).exists()
    sessions = sorted(leg.raw["paired_record"] for leg in legs)
    assert sessions == [f"{multisport['sha256']}#{i}" for i in range(7)]
    assert [leg.sport for leg in sorted(legs, key=lambda r: r.start_time)] == [
        "generic",
        "transition",
        "running",
        "transition",
        "running",
        "transition",
        "cycling",
    ]


def test_the_manual_run_is_a_garmin_record_without_streams(sample_import):
    record = _garmin(1788750977)
    assert (record.sport, record.sub_sport, record.distance_m, record.duration_s) == (
        "running",
        "treadmill",
        5000.0,
        1800.0,
    )
    assert "paired_file_sha256" not in record.raw
    assert record.file is None
    assert not Stream.objects.filter(record=record).exists()
    assert record.device_serial == ""


def test_the_emoji_name_survives(sample_import):
    assert _garmin(412636013).workout_name == "Loch Ness tempo 🏃‍♀️ – 4.8 km"


def test_the_duplicate_upload_is_imported_once(sample_import, manifest):
    result = sample_import

    duplicate = next(f for f in manifest["files"] if f["kind"] == "duplicate-of")
    assert ProcessedFile.objects.filter(sha256=duplicate["sha256"]).count() == 1
    assert ActivitySource.objects.filter(source="fit_file", source_id=duplicate["sha256"]).count() == 1
    [seen] = result.files.by_status("already_seen")
    assert seen.origin.endswith(duplicate["member"])


def test_the_truncated_upload_is_recorded_as_failed_and_the_import_goes_on(sample_import, manifest):
    result = sample_import

    corrupt = next(f for f in manifest["files"] if f["kind"] == "corrupt")
    row = ProcessedFile.objects.get(sha256=corrupt["sha256"])
    assert row.status == "failed"
    assert corrupt["member"] in row.error and "truncated" in row.error
    assert result.created == 19


def test_monitoring_and_settings_files_are_skipped_not_failed(sample_import, manifest):
    for entry in (f for f in manifest["files"] if f["kind"] == "non-activity"):
        assert ProcessedFile.objects.get(sha256=entry["sha256"]).status == "skipped"


def test_a_second_import_changes_nothing(sample_import, export):
    before = _snapshot()

    again = garmin_import(path=export, workers=2)

    assert _snapshot() == before
    assert (again.created, again.updated, again.unchanged) == (0, 0, 19)
    assert again.files.imported == again.files.failed == 0

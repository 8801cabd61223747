"""Import the second sample Garmin export (`garmin/second-export/`, built from `fit/devices/`): its answer
key holds, a few values are checked by hand against the raw JSON, and it adds to the first export.

What the export holds (its `garmin_export_manifest.json`): 18 summaries, two of them multisport parents,
so 16 legs; 14 uploaded FIT files: 10 activities (one of them four chained files with five sessions), a
chained file whose second part fails its CRC, one whose records carry no time at all, and two damaged
files (truncated, cut short).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test.utils import override_settings

from activities.models import ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.models import ProcessedFile, SyncState

pytestmark = pytest.mark.django_db

ZIP = "garmin/second-export/6baf71d7-d840-4b1a-8f0b-97522634f16f_1.zip"
FIRST_ZIP = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"
CRC_FAULT = "activity-activity-filecrc.fit"  # two chained copies of Activity.fit, the second's CRC damaged


@pytest.fixture(scope="module")
def manifest(samples):
    return json.loads((samples / "garmin" / "second-export" / "garmin_export_manifest.json").read_text())


@pytest.fixture(scope="module")
def second_import(django_db_setup, django_db_blocker, samples, tmp_path_factory):
    """One import of the export shared by this module's read-only tests; removed when the module ends."""
    with django_db_blocker.unblock():
        try:
            with override_settings(RAW_STORE_DIR=tmp_path_factory.mktemp("raw")):
                yield garmin_import(path=samples / ZIP, workers=2)
        finally:
            ActivitySource.objects.all().delete()
            ProcessedFile.objects.all().delete()
            SyncState.objects.all().delete()


def _garmin(activity_id) -> ActivitySource:
    return ActivitySource.objects.get(source="garmin", source_id=str(activity_id))


def _legs(manifest) -> list[dict]:
    return [a for a in manifest["activities"] if not a["parent"]]


def _files(manifest, kind: str) -> list[dict]:
    return [f for f in manifest["files"] if f["kind"] == kind]


def _snapshot() -> dict:
    rows = ActivitySource.objects.values_list("source", "source_id", "content_hash", "deleted_at")
    return {"records": sorted(rows), "files": sorted(ProcessedFile.objects.values_list("sha256", "status"))}


def test_it_imports_every_leg_and_every_readable_file(second_import, manifest):
    result = second_import

    assert len(_legs(manifest)) == 16 and len(manifest["files"]) == 14
    assert (result.created, result.parents_skipped, result.failed) == (16, 2, 0)
    # the two legs whose file is the CRC-damaged chained file have no file to pair with
    assert (result.paired, result.without_file) == (14, 2)
    assert (result.files.imported, result.files.failed, result.files.skipped) == (10, 4, 0)
    # ten activity files, one of them a triathlon in five sessions
    assert ActivitySource.objects.filter(source="fit_file").count() == 9 + 5
    assert ActivitySource.objects.filter(source="garmin").count() == 16


def test_each_converted_field_equals_the_answer_key(second_import, manifest):
    for entry in _legs(manifest):
        record = _garmin(entry["activityId"])
        expected = entry["expected_SI"]
        local = record.start_time + dt.timedelta(seconds=record.utc_offset_s)
        got = {
            "start_utc": record.start_time.isoformat(),
            "start_local_wallclock": local.replace(tzinfo=None).isoformat(),
            "distance_m": record.distance_m,
            "timer_s": record.duration_s,
            "elapsed_s": record.elapsed_s,
            "avg_speed_mps": record.avg_speed_mps,
            "avg_hr": record.avg_hr,
            "cadence_spm": record.avg_cadence_spm,
            "elevation_gain_m": record.total_ascent_m,
            "calories_kcal": record.calories,
        }
        assert got == pytest.approx(expected, abs=1e-6), entry["name"]
        assert record.local_date.isoformat() == expected["start_local_wallclock"][:10]


def test_a_ride_read_by_hand_from_the_summary_json(second_import):
    record = _garmin(3508083796)

    # startTimeGmt 1550384804000 ms; startTimeLocal 1550413604000 ms, 28,800,000 ms later: UTC+8
    assert record.start_time == dt.datetime(2019, 2, 17, 6, 26, 44, tzinfo=dt.UTC)
    assert (record.utc_offset_s, record.local_date) == (8 * 3600, dt.date(2019, 2, 17))
    # distance 7894055.0 cm; duration 13471000.0 ms; elapsedDuration 23595000.0 ms; elevationGain 18500 cm
    assert (record.distance_m, record.duration_s, record.elapsed_s) == (78940.55, 13471.0, 23595.0)
    assert record.total_ascent_m == 185.0
    # avgSpeed 0.5860000252723694 in m/s ÷ 10; calories 7223.59448 at 4.19 per kcal: 1724.0 kcal
    assert record.avg_speed_mps == pytest.approx(5.86, abs=1e-6)
    assert (record.calories, record.avg_hr, record.max_hr) == (1724.0, 124.0, 170.0)


def test_a_triathlon_run_leg_read_by_hand_from_the_summary_json(second_import):
    record = _garmin(2761574451)

    # startTimeGmt 1527413021000 ms; startTimeLocal 7,200,000 ms later: UTC+2
    assert (record.start_time, record.utc_offset_s) == (
        dt.datetime(2018, 5, 27, 9, 23, 41, tzinfo=dt.UTC),
        7200,
    )
    # distance 980592.0 cm, duration 2850694.0 ms, avgDoubleCadence 167.03125 steps/min (83.5 per leg)
    assert (record.distance_m, record.duration_s, record.avg_cadence_spm) == (9805.92, 2850.694, 167.03125)
    assert (record.sport, record.total_ascent_m) == ("running", 2.0)  # elevationGain 200.0 cm


def test_each_leg_is_paired_with_the_file_and_session_it_came_from(second_import, manifest):
    sha_of = {f["member"]: f.get("sha256") for f in manifest["files"]}
    crc_member = next(f["member"] for f in manifest["files"] if f["source_fit"] == CRC_FAULT)
    for entry in _legs(manifest):
        record = _garmin(entry["activityId"])
        if entry["member"] == crc_member:
            assert "paired_file_sha256" not in record.raw, entry["activityId"]
            continue
        assert record.raw["paired_file_sha256"] == sha_of[entry["member"]], entry["activityId"]
        paired = ActivitySource.objects.get(source="fit_file", source_id=record.raw["paired_record"])
        assert paired.start_time == record.start_time


# Where a file's record says other than its summary on purpose (the FIT parser's module docstring)
FILE_READS = {
    2582225063: {"distance_m": None, "avg_speed_mps": None},  # pool swim: total_distance 0.0 = not measured
    2103762122: {"timer_s": 1807.0, "elapsed_s": 1808.0},  # the session writes timer 1808 > elapsed 1807
    6829320248: {"avg_hr": 132.0},  # no avg_heart_rate in the session: its records' mean (131.94)
    309066821: {"calories_kcal": None},  # total_calories 0 in a FIT session is "not measured"
}


def test_each_paired_file_record_agrees_with_its_summary(second_import, manifest):
    # the key says no summary differs from its file ("summary_differs_from_file": [] throughout)
    for entry in _legs(manifest):
        record = _garmin(entry["activityId"])
        if "paired_record" not in record.raw:
            continue
        assert entry["summary_differs_from_file"] == []
        recording = ActivitySource.objects.get(source="fit_file", source_id=record.raw["paired_record"])
        expected = {**entry["expected_SI"], **FILE_READS.get(entry["activityId"], {})}
        got = {
            "start_utc": recording.start_time.isoformat(),
            "distance_m": recording.distance_m,
            "timer_s": recording.duration_s,
            "elapsed_s": recording.elapsed_s,
            "avg_speed_mps": recording.avg_speed_mps,
            "avg_hr": recording.avg_hr,
            "elevation_gain_m": recording.total_ascent_m,
            "calories_kcal": recording.calories,
        }
        assert got == pytest.approx({key: expected[key] for key in got}, abs=1e-6), entry["activityId"]


def test_the_triathlon_legs_pair_with_the_five_sessions_in_order(second_import, manifest):
    triathlon = next(f for f in manifest["files"] if f["source_fit"] == "sample_mulitple_header.fit")
    legs = [_garmin(i) for i in triathlon["activityIds"][1:]]  # the first is the multisport parent

    assert [leg.raw["paired_record"] for leg in legs] == [f"{triathlon['sha256']}#{i}" for i in range(5)]
    assert [leg.sport for leg in legs] == ["swimming", "transition", "cycling", "transition", "running"]


def test_damaged_and_timeless_files_fail_each_with_its_reason(second_import, manifest):
    reasons = {
        "strava-android-app-201.10-b1218918.fit": "truncated: unexpected end of file",
        "nick.fit": "truncated: unexpected end of file",
        CRC_FAULT: "CRC mismatch, the file is damaged",
        "DeveloperData.fit": "carry no timestamp: it cannot be placed in time",
    }
    failed = {o.origin.rsplit("!", 1)[1]: o.error for o in second_import.files.by_status("failed")}
    members = {f["source_fit"]: f["member"] for f in manifest["files"]}

    assert set(failed) == {members[name] for name in reasons}
    for name, reason in reasons.items():
        assert reason in failed[members[name]], name
    assert {f["source_fit"] for f in _files(manifest, "corrupt")} < set(reasons)


def test_a_second_import_changes_nothing(second_import, samples):
    before = _snapshot()

    again = garmin_import(path=samples / ZIP, workers=2)

    assert _snapshot() == before
    assert (again.created, again.updated, again.unchanged) == (0, 0, 16)
    assert again.files.imported == again.files.failed == 0

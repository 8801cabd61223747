"""import_strava_export on the second sample export (`export_second.zip`): six uploads from `fit/devices/`
gzipped as Strava keeps them, and a manual entry. Row values are read by hand from its `activities.csv`;
upload values from the FIT files themselves (the table in tests/ingest/fit/test_parser_devices.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import zipfile

import pytest

from activities.models import ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.strava.export import strava_export_import

pytestmark = pytest.mark.django_db

GARMIN_SECOND = "garmin/second-export/6baf71d7-d840-4b1a-8f0b-97522634f16f_1.zip"
# activity id -> the fit/devices file its upload holds
UPLOADS = {
    "9800060294": "garmin-fr935-cr.fit",
    "9800134664": "Edge810-Vector-2013-08-16-15-35-10.fit",
    "9800196697": "Activity.fit",
    "9800264260": "2015-10-13-08-43-15.fit",
    "9800342249": "garmin-edge-500-activity.fit",
    "9800368139": "elemnt-bolt-no-application-id-inside-developer-data-id.fit",
}
MANUAL = "9800368916"


@pytest.fixture
def second_zip(samples):
    return samples / "strava" / "export" / "export_second.zip"


@pytest.fixture
def first_zip(samples):
    return samples / "strava" / "export" / "export_12345678.zip"


def _strava(activity_id: str) -> ActivitySource:
    return ActivitySource.objects.get(source="strava", source_id=activity_id)


def _device_sha(samples, name: str) -> str:
    return hashlib.sha256((samples / "fit" / "devices" / name).read_bytes()).hexdigest()


def test_the_uploads_are_the_device_files_gzipped(samples, second_zip):
    with zipfile.ZipFile(second_zip) as archive:
        for activity_id, name in UPLOADS.items():
            packed = archive.read(f"activities/{activity_id}.fit.gz")
            assert gzip.decompress(packed) == (samples / "fit" / "devices" / name).read_bytes()


def test_each_row_is_a_strava_record_and_each_upload_a_file_record(samples, second_zip):
    result = strava_export_import(path=second_zip, workers=1)

    assert result.summary().startswith("created=7 updated=0 unchanged=0 kept_api=0 failed=0")
    assert (result.files.imported, result.files.failed) == (6, 0)
    assert ActivitySource.objects.filter(source="fit_file").count() == 6
    for activity_id, name in UPLOADS.items():
        sha = _device_sha(samples, name)
        assert _strava(activity_id).raw["upload_sha256"] == sha, activity_id
        assert ActivitySource.objects.filter(source="fit_file", source_id=sha).exists(), name


def test_row_values_read_by_hand_from_activities_csv(second_zip):
    strava_export_import(path=second_zip, workers=1)

    # "Aug 16, 2013, 6:05:10 PM",Afternoon Ride,Ride, … Elapsed 4700.1, Distance 41339.4 (metres column),
    # Max HR 176, Moving 4700.1, Elevation Gain 514, Average Cadence 87, Average HR 154, Calories 1293
    ride = _strava("9800134664")
    assert (ride.start_time, ride.sport) == (dt.datetime(2013, 8, 16, 18, 5, 10, tzinfo=dt.UTC), "cycling")
    assert (ride.distance_m, ride.elapsed_s, ride.duration_s) == (41339.4, 4700.1, 4700.1)
    assert (ride.avg_hr, ride.max_hr, ride.total_ascent_m, ride.calories) == (154, 176, 514, 1293)
    # "Mar 24, 2018, 11:02:35 AM",Morning Swim,Swim, Elapsed 7553.0, Distance 0.0, HR 80/151, Calories 221
    swim = _strava("9800060294")
    assert (swim.start_time, swim.sport) == (dt.datetime(2018, 3, 24, 11, 2, 35, tzinfo=dt.UTC), "swimming")
    assert (swim.distance_m, swim.elapsed_s, swim.avg_hr, swim.max_hr, swim.calories) == (
        0.0,
        7553.0,
        80,
        151,
        221,
    )
    # Activity Gear "Saucony Endorphin Speed 3": shoes.csv names that brand and model "Race day"
    assert _strava("9800196697").shoe.name == "Race day"
    manual = _strava(MANUAL)
    assert (manual.workout_name, manual.distance_m, manual.duration_s) == ("Treadmill 5 mi", 8046.7, 2700.0)
    assert "upload_sha256" not in manual.raw and manual.file is None


def test_upload_values_are_the_fit_files_own(samples, second_zip):
    strava_export_import(path=second_zip, workers=1)

    def upload(activity_id: str) -> ActivitySource:
        return ActivitySource.objects.get(
            source="fit_file", source_id=_device_sha(samples, UPLOADS[activity_id])
        )

    # the FR935 pool swim: start 11:02:35, timer 7552.97 s, total_distance 0.0 (not measured), HR 80/151
    swim = upload("9800060294")
    assert (swim.start_time, swim.duration_s, swim.distance_m) == (
        dt.datetime(2018, 3, 24, 11, 2, 35, tzinfo=dt.UTC),
        7552.97,
        None,
    )
    assert (swim.avg_hr, swim.max_hr, swim.route) == (80, 151, "strava_export")
    # the Edge 500 ride: 92622.34 m, timer 10641.06 s, elapsed 12691.28 s, HR 162/189
    ride = upload("9800342249")
    assert (ride.distance_m, ride.duration_s, ride.elapsed_s, ride.avg_hr, ride.max_hr) == (
        92622.34,
        10641.06,
        12691.28,
        162,
        189,
    )


def test_a_second_import_changes_nothing(second_zip):
    strava_export_import(path=second_zip, workers=1)
    hashes = dict(ActivitySource.objects.values_list("id", "content_hash"))

    again = strava_export_import(path=second_zip, workers=1)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert (again.files.imported, again.files.unchanged, again.files.failed) == (0, 6, 0)
    assert dict(ActivitySource.objects.values_list("id", "content_hash")) == hashes


def test_after_the_first_export_it_adds_six_activities_and_updates_the_id_both_hold(
    samples, first_zip, second_zip
):
    strava_export_import(path=first_zip, workers=1)
    first_upload = _strava("9800060294").raw["upload_sha256"]  # a 2013 run in the first export

    result = strava_export_import(path=second_zip, workers=1)

    # 9800060294 is in both exports: the later one says it is a 2018 swim, so the record says so too
    assert (result.created, result.updated, result.unchanged) == (6, 1, 0)
    assert (result.files.imported, result.files.already_seen) == (6, 0)
    assert ActivitySource.objects.filter(source="strava").count() == 7 + 6
    assert ActivitySource.objects.filter(source="fit_file").count() == 6 + 6
    assert _strava("9800060294").raw["upload_sha256"] == _device_sha(samples, "garmin-fr935-cr.fit")
    assert ActivitySource.objects.filter(source="fit_file", source_id=first_upload).exists()  # nothing lost


def test_after_the_garmin_export_of_the_same_files_no_upload_is_a_second_record(samples, second_zip):
    garmin_import(path=samples / GARMIN_SECOND, workers=1)
    records = ActivitySource.objects.filter(source="fit_file").count()

    result = strava_export_import(path=second_zip, workers=1)

    assert (result.files.imported, result.files.already_seen) == (0, 6)
    assert ActivitySource.objects.filter(source="fit_file").count() == records == 14
    for activity_id in UPLOADS:
        upload = ActivitySource.objects.get(
            source="fit_file", source_id=_strava(activity_id).raw["upload_sha256"]
        )
        assert upload.route == "garmin_export"

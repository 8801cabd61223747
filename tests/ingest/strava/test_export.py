"""import_strava_export on the shared export zip: CSV rows as strava records, uploads as fit_file records."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import zipfile

import pytest

from activities.models import ActivitySource, Shoe, Stream
from ingest.records import SourceError
from ingest.strava.export import strava_export_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_zip(samples):
    return samples / "strava" / "export" / "export_12345678.zip"


def test_each_row_becomes_a_strava_record_and_each_upload_a_file_record(export_zip):
    result = strava_export_import(path=export_zip, workers=1)

    assert result.summary().startswith("created=7 updated=0 unchanged=0 kept_api=0 failed=0")
    assert result.files.imported == 6 and result.files.failed == 0
    assert ActivitySource.objects.filter(source="strava", route="strava_export").count() == 7
    assert ActivitySource.objects.filter(source="fit_file", route="strava_export").count() == 6
    run = ActivitySource.objects.get(source="strava", source_id="9800060294")
    assert run.start_time == dt.datetime(2013, 2, 6, 12, 11, 14, tzinfo=dt.UTC)
    assert (run.distance_m, run.elapsed_s, run.duration_s) == (4835.4, 2625.1, 2625.1)
    assert (run.max_hr, run.avg_hr, run.calories, run.total_ascent_m) == (171, 147, 336, 168)
    with zipfile.ZipFile(export_zip) as archive:
        # the upload's identity is its content: the FIT inside the .gz
        sha = hashlib.sha256(gzip.decompress(archive.read("activities/9800060294.fit.gz"))).hexdigest()
    assert run.raw["upload_sha256"] == sha
    assert ActivitySource.objects.filter(source="fit_file", source_id__startswith=sha).exists()


def test_gear_names_map_to_shoes_through_shoes_csv(export_zip):
    strava_export_import(path=export_zip, workers=1)

    assert ActivitySource.objects.get(source_id="9800060294").shoe.name == "Race day"
    assert ActivitySource.objects.get(source_id="9800120516").shoe.name == "Nike Pegasus 40"
    assert ActivitySource.objects.get(source_id="9800242614").shoe is None  # a ride without gear
    assert set(Shoe.objects.values_list("name", flat=True)) == {"Race day", "Nike Pegasus 40"}


def test_a_manual_entry_is_a_record_without_streams(export_zip):
    strava_export_import(path=export_zip, workers=1)

    manual = ActivitySource.objects.get(source="strava", source_id="9800302926")
    assert manual.workout_name == "Treadmill 5 mi" and manual.distance_m == 8046.7
    assert "upload_sha256" not in manual.raw
    assert not Stream.objects.filter(record=manual).exists()


def test_a_second_import_changes_nothing(export_zip):
    strava_export_import(path=export_zip, workers=1)
    hashes = dict(ActivitySource.objects.values_list("id", "content_hash"))

    again = strava_export_import(path=export_zip, workers=1)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert again.files.imported == 0 and again.files.failed == 0
    assert dict(ActivitySource.objects.values_list("id", "content_hash")) == hashes


def test_a_zip_without_activities_csv_is_refused(tmp_path):
    path = tmp_path / "not_strava.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("profile.csv", "Athlete ID\n1\n")

    with pytest.raises(SourceError, match=r"no activities\.csv inside: not a Strava export"):
        strava_export_import(path=path, workers=1)


def test_a_zip_slip_member_is_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.fit.gz", b"x")

    with pytest.raises(SourceError, match="evil"):
        strava_export_import(path=path, workers=1)


def test_a_bad_row_fails_alone(tmp_path, export_zip):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(export_zip) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "activities.csv":
                data = data.replace(b"Jan 17, 2017, 5:06:47 PM", b"someday")
            target.writestr(info, data)

    result = strava_export_import(path=path, workers=1)

    assert (result.created, result.failed) == (6, 1)
    assert "Activity Date 'someday'" in result.errors[0] and "line 4" in result.errors[0]


def test_an_activity_reached_by_export_and_api_is_one_record(export_zip, strava, tokens, sleeps):
    from ingest.strava.sync import strava_sync

    strava_export_import(path=export_zip, workers=1)
    summary = dict(strava.summaries[16241122233], id=9800120516, name="Canal loop")
    summary.update(start_date="2015-08-15T14:45:08Z", start_date_local="2015-08-15T16:45:08Z")
    strava.add(summary)

    synced = strava_sync(sleep=sleeps)
    again = strava_export_import(path=export_zip, workers=1)

    record = ActivitySource.objects.get(source="strava", source_id="9800120516")
    assert synced.updated == 1 and record.route == "strava_api" and record.workout_name == "Canal loop"
    assert ActivitySource.objects.filter(source="strava").count() == 7 + 6  # 6 API-only activities
    assert (again.kept_api, again.unchanged) == (1, 6)

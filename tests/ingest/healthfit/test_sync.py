import datetime as dt
import hashlib
import json
import os
import shutil
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from activities.models import ActivitySource, Lap, Stream
from ingest.healthfit.sync import healthfit_sync
from ingest.locks import sync_lock
from ingest.models import ProcessedFile, SyncState
from tests.support.healthfit import AN_HOUR_AGO, named

pytestmark = pytest.mark.django_db

DOWNLOADED = 10  # .fit files in the sample folder; plus one .icloud stub and one .gpx sidecar
LIGHT = 6  # the same without the four heaviest recordings


def _sync(**options) -> str:
    out = StringIO()
    call_command("sync_icloud", stdout=out, workers=1, **options)
    return out.getvalue()


def _manifest(samples) -> dict[str, dict]:
    """The sample folder's answer key, by file name as HealthFit writes it (no-break space)."""
    entries = json.loads((samples / "healthfit" / "manifest.json").read_text())
    return {e["name"].replace("Apple Watch", "Apple\u00a0Watch"): e for e in entries}


def _summary(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_it_imports_every_downloaded_workout_with_its_local_offset(healthfit_dir, samples, settings):
    output = _sync()

    assert _summary(output) == (
        "imported=10 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=1 ignored=1"
    )
    records = ActivitySource.objects.select_related("file")
    assert records.count() == DOWNLOADED
    for name, entry in _manifest(samples).items():
        if "placeholder" in entry:
            continue
        record = records.get(file__name=name)
        assert record.start_time == dt.datetime.fromisoformat(entry["utc_start"]), name
        assert record.utc_offset_s == entry["utc_offset_s"], name
        assert record.local_date == dt.date.fromisoformat(entry["local_start"][:10]), name
        assert record.route == "healthfit"
        assert record.source == "fit_file"
        assert record.source_id == record.file.sha256
    # Non-running workouts are activities too: reconcile decides what to do with them.
    sports = set(records.values_list("sport", flat=True))
    assert sports == {"running", "cycling", "walking", "rowing", "swimming"}


def test_the_file_name_supplies_the_offset_a_fit_file_lacks(light_healthfit_dir):
    _sync()
    record = ActivitySource.objects.get(file__name__startswith="2015-10-13-084315")
    assert record.start_time == dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=dt.UTC)
    assert record.utc_offset_s == -7 * 3600
    assert record.raw["utc_offset_from"] == "file name"
    assert record.raw["healthfit"] == {"workout_type": "Outdoor Cycling", "device": "Runner’s Apple Watch"}


def test_every_file_is_archived_before_and_recorded_in_the_manifest(healthfit_dir, settings):
    _sync()
    for row in ProcessedFile.objects.all():
        original = healthfit_dir / row.name
        archived = settings.RAW_STORE_DIR / row.raw_path
        assert archived.read_bytes() == original.read_bytes()
        assert row.raw_path == f"{row.sha256[:2]}/{row.sha256}.fit"
        assert row.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
        assert (row.path, row.size, row.mtime) == (str(original), original.stat().st_size, AN_HOUR_AGO)
        assert (row.status, row.route, row.error, row.attempts) == ("imported", "healthfit", "", 1)
        assert list(row.records.values_list("source_id", flat=True)) == [row.sha256]


def test_a_second_run_changes_nothing_and_reads_no_file(healthfit_dir):
    _sync()
    before = list(
        ActivitySource.objects.order_by("pk").values_list("pk", "source_id", "updated_at", "content_hash")
    )
    manifest_before = list(ProcessedFile.objects.order_by("pk").values_list("pk", "sha256", "updated_at"))
    # Same size and mtime, different bytes: had the sync read this file it would see a change.
    victim = named(healthfit_dir, "2013-02-06")
    victim.write_bytes(b"\0" * victim.stat().st_size)
    os.utime(victim, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    assert _summary(output) == (
        "imported=0 updated=0 unchanged=10 already_seen=0 skipped=0 failed=0 pending=1 ignored=1"
    )
    assert (
        list(
            ActivitySource.objects.order_by("pk").values_list("pk", "source_id", "updated_at", "content_hash")
        )
        == before
    )
    assert (
        list(ProcessedFile.objects.order_by("pk").values_list("pk", "sha256", "updated_at"))
        == manifest_before
    )


def test_it_reports_files_icloud_has_not_downloaded_and_records_them_on_the_sync(light_healthfit_dir):
    (light_healthfit_dir / "2017-07-01-070000-Outdoor Running-Runner’s Apple\u00a0Watch.fit").write_bytes(b"")

    output = _sync()

    assert "pending      2017-06-11-073409-Outdoor Running-Runner’s Apple\u00a0Watch.fit: in iCloud" in output
    assert "2017-07-01-070000-Outdoor Running-Runner’s Apple\u00a0Watch.fit: empty" in output
    state = SyncState.objects.get(name="icloud")
    assert sorted(state.cursor["pending"]) == [
        "2017-06-11-073409-Outdoor Running-Runner’s Apple\u00a0Watch.fit",
        "2017-07-01-070000-Outdoor Running-Runner’s Apple\u00a0Watch.fit",
    ]
    assert ProcessedFile.objects.filter(name__startswith="2017-07-01").count() == 0


def test_a_downloaded_stub_is_imported_on_the_next_run(light_healthfit_dir, samples):
    _sync()
    stub = next(light_healthfit_dir.glob(".*.icloud"))
    target = light_healthfit_dir / stub.name[1 : -len(".icloud")]
    stub.unlink()
    shutil.copyfile(samples / "fit" / "runs" / "garmin-fenix-5-run.fit", target)
    os.utime(target, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    assert "imported=1 " in _summary(output) and "pending=0" in _summary(output)
    record = ActivitySource.objects.get(file__name=target.name)
    assert record.start_time == dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=dt.UTC)


def test_a_gpx_beside_its_fit_is_a_sidecar_but_a_lone_gpx_is_an_activity(light_healthfit_dir, samples):
    lone = light_healthfit_dir / "2013-07-06-192626-Hiking-Runner’s Apple\u00a0Watch.gpx"
    shutil.copyfile(samples / "gpx" / "track-with-empty-segment.gpx", lone)
    os.utime(lone, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    sidecar = "2015-08-15-164508-Outdoor Running-Runner’s Apple\u00a0Watch.gpx"
    assert f"ignored      {sidecar}: sidecar of {sidecar[:-4]}.fit" in output
    assert not ProcessedFile.objects.filter(name=sidecar).exists()
    assert f"imported     {lone.name} -> 1 record(s)" in output
    record = ActivitySource.objects.get(file__name=lone.name)
    assert record.raw["healthfit"] == {"workout_type": "Hiking", "device": "Runner’s Apple Watch"}
    assert record.start_time == dt.datetime(2013, 7, 6, 17, 26, 26, tzinfo=dt.UTC)
    assert record.utc_offset_s == 7200  # from the name: a GPX has no offset of its own


TIMELESS_GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Hike</name><trkseg>
    <trkpt lat="45.76" lon="14.36"><ele>550</ele></trkpt>
    <trkpt lat="45.77" lon="14.37"><ele>560</ele></trkpt>
  </trkseg></trk>
</gpx>
"""


def test_a_gpx_without_times_is_placed_at_its_name_in_the_home_time_zone(
    light_healthfit_dir, samples, settings
):
    settings.RUNBASE_HOME_TZ = "Europe/Ljubljana"
    timeless = light_healthfit_dir / "2014-09-08-081500-Hiking-Runner’s Apple\u00a0Watch.gpx"
    timeless.write_text(TIMELESS_GPX)
    os.utime(timeless, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    assert f"imported     {timeless.name} -> 1 record(s)" in output
    record = ActivitySource.objects.get(file__name=timeless.name)
    assert record.start_time == dt.datetime(2014, 9, 8, 6, 15, tzinfo=dt.UTC)
    assert (record.utc_offset_s, record.local_date) == (7200, dt.date(2014, 9, 8))
    assert record.raw["start_from"] == "file name, home time zone"


def test_a_sidecar_of_a_fit_still_in_icloud_is_not_imported_either(light_healthfit_dir, samples):
    stub = next(light_healthfit_dir.glob(".*.icloud"))
    twin = light_healthfit_dir / (stub.name[1 : -len(".fit.icloud")] + ".gpx")
    shutil.copyfile(samples / "gpx" / "gpx_with_garmin_extension.gpx", twin)
    os.utime(twin, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    assert f"ignored      {twin.name}: sidecar of" in output
    assert not ProcessedFile.objects.filter(name=twin.name).exists()


def test_a_renamed_file_is_recognised_by_its_content(light_healthfit_dir):
    _sync()
    original = named(light_healthfit_dir, "2013-02-06")
    record = ActivitySource.objects.get(file__name=original.name)
    renamed = original.with_name("2013-02-06-121114-Outdoor Running-Runner’s iPhone.fit")
    original.rename(renamed)

    output = _sync()

    assert "already_seen=1" in _summary(output) and "imported=0" in _summary(output)
    assert f"already_seen {renamed.name} -> 1 record(s) #{record.pk}: renamed or moved from" in output
    assert ActivitySource.objects.count() == LIGHT
    row = ProcessedFile.objects.get(sha256=record.source_id)
    assert (row.path, row.name) == (str(renamed), renamed.name)
    assert f"unchanged={LIGHT}" in _summary(_sync())  # the new name is known now: not read again


def test_a_file_changed_in_place_updates_its_own_record(light_healthfit_dir, samples, settings):
    _sync()
    target = named(light_healthfit_dir, "2017-06-12-090922")
    record = ActivitySource.objects.get(file__name=target.name)
    old_sha = record.source_id
    shutil.copyfile(samples / "fit" / "runs" / "garmin-fenix-5-run.fit", target)  # HealthFit re-export
    os.utime(target, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))

    output = _sync()

    assert "updated=1" in _summary(output) and "imported=0" in _summary(output)
    assert ActivitySource.objects.count() == LIGHT
    record.refresh_from_db()
    new_sha = hashlib.sha256(target.read_bytes()).hexdigest()
    assert record.source_id == new_sha
    assert record.start_time == dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=dt.UTC)
    row = ProcessedFile.objects.get(path=str(target))
    assert (row.sha256, row.attempts, row.status) == (new_sha, 2, "imported")
    assert record.file_id == row.pk
    assert (settings.RAW_STORE_DIR / old_sha[:2] / f"{old_sha}.fit").exists()  # the old bytes are kept
    assert f"unchanged={LIGHT}" in _summary(_sync())


def test_a_corrupt_file_fails_with_its_fault_and_the_batch_goes_on(light_healthfit_dir, samples):
    bad = light_healthfit_dir / "2016-01-01-080000-Outdoor Running-Runner’s Apple\u00a0Watch.fit"
    shutil.copyfile(samples / "fit" / "invalid" / "activity-filecrc.fit", bad)
    os.utime(bad, (AN_HOUR_AGO, AN_HOUR_AGO))

    output = _sync()

    assert f"imported={LIGHT}" in _summary(output) and "failed=1" in _summary(output)
    assert f"failed       {bad.name}: {bad.name}: CRC mismatch, the file is damaged" in output
    row = ProcessedFile.objects.get(name=bad.name)
    assert row.status == "failed" and row.error.startswith(f"{bad.name}: CRC mismatch")
    assert not row.records.exists()


def test_a_failed_file_is_retried_only_when_its_content_changes(light_healthfit_dir, samples):
    bad = light_healthfit_dir / "2016-01-01-080000-Outdoor Running-Runner’s Apple\u00a0Watch.fit"
    shutil.copyfile(samples / "fit" / "invalid" / "activity-unexpected-eof.fit", bad)
    os.utime(bad, (AN_HOUR_AGO, AN_HOUR_AGO))
    _sync()
    os.utime(bad, (AN_HOUR_AGO + 5, AN_HOUR_AGO + 5))  # touched, same bytes

    second = _sync()

    assert "failed=0" in _summary(second) and f"unchanged={LIGHT + 1}" in _summary(second)
    assert f"unchanged    {bad.name}: failed before, retried when the file changes" in second
    assert ProcessedFile.objects.get(name=bad.name).attempts == 1
    shutil.copyfile(samples / "fit" / "runs" / "activity-small-fenix2-run.fit", bad)
    os.utime(bad, (AN_HOUR_AGO + 10, AN_HOUR_AGO + 10))

    third = _sync()

    assert "imported=1" in _summary(third)
    row = ProcessedFile.objects.get(name=bad.name)
    assert (row.status, row.error, row.attempts, row.records.count()) == ("imported", "", 2, 1)


def test_a_file_modified_within_the_settle_window_waits_for_the_next_run(light_healthfit_dir, settings):
    fresh = named(light_healthfit_dir, "2017-06-11-073251")
    os.utime(fresh, None)  # just written

    output = _sync()

    assert f"pending      {fresh.name}: modified in the last 10 s: still being written" in output
    assert not ProcessedFile.objects.filter(name=fresh.name).exists()
    settings.INGEST_SETTLE_SECONDS = 0
    assert "imported=1" in _summary(_sync())


def test_a_file_that_grows_after_the_listing_waits(light_healthfit_dir):
    from ingest.files import files_ingest
    from ingest.healthfit.sync import healthfit_scan

    scan = healthfit_scan(folder=light_healthfit_dir, settle_s=10)
    growing = scan.inputs[0].path
    with growing.open("ab") as handle:
        handle.write(b"more bytes from iCloud")

    result = files_ingest(inputs=scan.inputs, route="healthfit", workers=1)

    (outcome,) = [o for o in result.outcomes if o.origin == str(growing)]
    assert (outcome.status, outcome.error) == ("pending", "still being written (its size changed): next sync")
    assert result.imported == LIGHT - 1


def test_two_worker_processes_import_the_same_records_as_one(light_healthfit_dir):
    healthfit_sync(workers=1)
    one = {r.source_id: r.content_hash for r in ActivitySource.objects.all()}
    ActivitySource.objects.all().delete()
    ProcessedFile.objects.all().delete()

    result = healthfit_sync(workers=2)

    assert result.imported == LIGHT
    assert {r.source_id: r.content_hash for r in ActivitySource.objects.all()} == one


def test_a_second_sync_while_one_runs_exits_with_a_message(light_healthfit_dir):
    with sync_lock(name="icloud"), pytest.raises(CommandError, match=r"icloud sync is already running \(pid"):
        _sync()
    assert ActivitySource.objects.count() == 0
    assert f"imported={LIGHT}" in _summary(_sync())  # the lock is free again


def test_a_missing_folder_is_a_clear_error(tmp_path):
    expected = r"HealthFit folder not found: .*nowhere — set HEALTHFIT_DIR or pass --path$"
    with pytest.raises(CommandError, match=expected):
        _sync(path=tmp_path / "nowhere")


def test_the_sync_records_its_run(healthfit_dir):
    before = time.time()
    _sync()
    state = SyncState.objects.get(name="icloud")
    assert state.last_sync_at.timestamp() >= before - 1
    assert state.last_success_at >= state.last_sync_at
    assert state.last_summary.startswith("imported=10 ")
    assert (state.last_error, state.locked_by, state.locked_until) == ("", "", None)
    assert state.last_activity_at == dt.datetime(2017, 6, 13, 13, 42, 30, tzinfo=dt.UTC)


def _fail_stream_insert(sha: str) -> None:
    """A database fault in the middle of a file: its record and laps are written, then its stream fails."""
    owner = f"(SELECT source_id FROM activities_activitysource WHERE id = NEW.record_id) = '{sha}'"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER fail_stream BEFORE INSERT ON activities_stream WHEN {owner} "
                "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION fail_stream() RETURNS trigger AS $$ BEGIN "
                f"IF {owner} THEN RAISE EXCEPTION 'disk full (test)'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER fail_stream BEFORE INSERT ON activities_stream "
                "FOR EACH ROW EXECUTE FUNCTION fail_stream()"
            )


def test_a_crash_in_the_middle_of_a_file_leaves_nothing_of_it(light_healthfit_dir):
    victim = named(light_healthfit_dir, "2015-10-13")
    sha = hashlib.sha256(victim.read_bytes()).hexdigest()
    _fail_stream_insert(sha)

    output = _sync()

    assert f"imported={LIGHT - 1}" in _summary(output) and "failed=1" in _summary(output)
    assert not ActivitySource.objects.filter(source_id=sha).exists()  # its record was rolled back
    assert not Lap.objects.filter(record__source_id=sha).exists()
    row = ProcessedFile.objects.get(sha256=sha)
    assert row.status == "failed"
    assert row.error.startswith(f"{victim.name}: could not be stored") and "disk full (test)" in row.error
    assert not row.records.exists()
    assert Stream.objects.count() == LIGHT - 1

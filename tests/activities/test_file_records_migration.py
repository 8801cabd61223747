"""Migration activities 0009: the duplicate file records an older version made of one recording (its
identity was the hash of the bytes as received, so a plain FIT and its `.fit.gz` were two) are merged.

The database is migrated back to the schema before it, the old state is written with the historical
models (hashes as the old code computed them: SHA-256 of the bytes as received), and migrated forward.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ingest.rawstore import raw_store_put

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = ("activities", "0009_file_records_by_content")
RUN = "fit/runs/2013-02-06-12-11-14.fit"
MULTISPORT = "fit/other-sports/activity-large-fenxi2-multisport.fit"
START = dt.datetime(2013, 2, 6, 12, 11, 14, tzinfo=dt.UTC)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Migrator:
    """Move the database to the schema before the migration and back; the models of each state."""

    def __init__(self) -> None:
        self.executor = MigrationExecutor(connection)
        migration = self.executor.loader.get_migration(*MIGRATION)
        copies = next(dep for dep in migration.dependencies if dep[0] == "ingest")
        before_copies = self.executor.loader.get_migration(*copies).dependencies
        self.before = [dep for dep in migration.dependencies if dep[0] != "ingest"] + list(before_copies)

    def _apps(self):
        self.executor.loader.build_graph()
        return self.executor.loader.project_state(list(self.executor.loader.applied_migrations)).apps

    def back(self):
        self.executor.migrate(self.before)
        return self._apps()

    def forward(self):
        self.executor.loader.build_graph()
        self.executor.migrate([MIGRATION])
        return self._apps()

    def to_latest(self) -> None:
        self.executor.loader.build_graph()
        self.executor.migrate(self.executor.loader.graph.leaf_nodes())


@pytest.fixture
def migrator():
    migrator = Migrator()
    try:
        yield migrator
    finally:
        migrator.to_latest()


class OldState:
    """Rows as the old code wrote them, through the historical models."""

    def __init__(self, apps) -> None:
        self.apps = apps
        self.File = apps.get_model("ingest", "ProcessedFile")
        self.Record = apps.get_model("activities", "ActivitySource")
        self.Activity = apps.get_model("activities", "Activity")

    def file(self, data: bytes, *, name: str, path: str, route: str, status: str = "imported"):
        raw = raw_store_put(data=data, name=name)
        return self.File.objects.create(
            sha256=raw.sha256,
            path=path,
            name=name,
            route=route,
            size=raw.size,
            raw_path=raw.raw_path,
            status=status,
        )

    def record(self, row, *, source_id: str | None = None, activity=None, laps: int = 2, stream: bool = True):
        record = self.Record.objects.create(
            source="fit_file",
            source_id=source_id or row.sha256,
            route=row.route,
            file=row,
            activity=activity,
            start_time=START,
            local_date=START.date(),
            sport="running",
            distance_m=4835.4,
            raw={"file_name": row.name},
        )
        lap_model = self.apps.get_model("activities", "Lap")
        for index in range(laps):
            lap_model.objects.create(record=record, index=index, distance_m=1000.0 * (index + 1))
        if stream:
            self.apps.get_model("activities", "Stream").objects.create(
                record=record, sample_count=3, start_time=START, data=b"\x00\x01"
            )
        return record

    def activity(self):
        return self.Activity.objects.create(date=START.date(), start_time=START, sport="running")


def test_a_plain_file_and_its_gzipped_copy_become_one_record_and_one_manifest_row(migrator, samples):
    data = (samples / RUN).read_bytes()
    packed = gzip.compress(data, mtime=0)
    old = OldState(migrator.back())
    assert "copies" not in {f.name for f in old.File._meta.get_fields()}  # the schema before
    activity = old.activity()
    plain = old.file(data, name="run.fit", path="/watch/run.fit", route="files")
    gz = old.file(
        packed,
        name="9800060294.fit.gz",
        path="export.zip!activities/9800060294.fit.gz",
        route="strava_export",
    )
    kept = old.record(plain, activity=activity)
    dropped = old.record(gz, activity=activity)
    dropped_lap = old.apps.get_model("activities", "Lap").objects.get(record=dropped, index=1)
    dropped_stream = old.apps.get_model("activities", "Stream").objects.get(record=dropped)
    interval = old.apps.get_model("activities", "Interval").objects.create(
        activity=activity, rep_number=1, lap=dropped_lap
    )
    effort = old.apps.get_model("activities", "BestEffort").objects.create(
        activity=activity, stream=dropped_stream, effort_m=1000.0, time_s=300.0, start_offset_s=0.0
    )
    override = old.apps.get_model("reconcile", "ManualOverride").objects.create(
        activity=activity, field_name="distance_m", value=5000.0
    )
    conflict = old.apps.get_model("reconcile", "Conflict").objects.create(
        activity=activity, field_name="avg_hr", source_values={"fit_file": 147.0, "strava": 151.0}
    )
    old.Activity.objects.filter(pk=activity.pk).update(
        provenance={"distance_m": "manual", "avg_hr": "fit_file"}
    )
    strava = old.Record.objects.create(
        source="strava", source_id="9800060294", activity=activity, raw={"upload_sha256": _sha(packed)}
    )

    new = migrator.forward()

    Record, File = new.get_model("activities", "ActivitySource"), new.get_model("ingest", "ProcessedFile")
    (record,) = Record.objects.filter(source="fit_file")
    assert (record.pk, record.source_id, record.activity_id) == (kept.pk, _sha(data), activity.pk)
    (row,) = File.objects.all()
    assert (row.pk, row.sha256, row.path, record.file_id) == (
        plain.pk,
        _sha(data),
        "/watch/run.fit",
        plain.pk,
    )
    (copy,) = row.copies
    assert (copy["sha256"], copy["path"], copy["route"], copy["raw_path"]) == (
        _sha(packed),
        "export.zip!activities/9800060294.fit.gz",
        "strava_export",
        gz.raw_path,
    )
    laps = new.get_model("activities", "Lap").objects.filter(record=record)
    assert sorted(laps.values_list("index", flat=True)) == [0, 1]
    assert new.get_model("activities", "Interval").objects.get(pk=interval.pk).lap_id == laps.get(index=1).pk
    stream = new.get_model("activities", "Stream").objects.get(record=record)
    assert new.get_model("activities", "BestEffort").objects.get(pk=effort.pk).stream_id == stream.pk
    assert new.get_model("reconcile", "ManualOverride").objects.get(pk=override.pk).value == 5000.0
    # conflicts and provenance name sources, not records: they stand as they were
    kept_conflict = new.get_model("reconcile", "Conflict").objects.get(pk=conflict.pk)
    assert kept_conflict.source_values == {"fit_file": 147.0, "strava": 151.0}
    provenance = new.get_model("activities", "Activity").objects.get(pk=activity.pk).provenance
    assert provenance == {"distance_m": "manual", "avg_hr": "fit_file"}
    assert Record.objects.get(pk=strava.pk).raw["upload_sha256"] == _sha(data)


def test_the_older_record_stays_when_the_gzipped_copy_came_first(migrator, samples):
    data = (samples / RUN).read_bytes()
    packed = gzip.compress(data, compresslevel=1, mtime=0)
    old = OldState(migrator.back())
    gz = old.file(packed, name="run.fit.gz", path="/inbox/run.fit.gz", route="files")
    first = old.record(gz, activity=old.activity(), laps=0, stream=False)  # an older parse kept no laps
    plain = old.file(data, name="run.fit", path="/watch/run.fit", route="healthfit")
    second = old.record(plain)

    new = migrator.forward()

    (record,) = new.get_model("activities", "ActivitySource").objects.filter(source="fit_file")
    assert (record.pk, record.source_id, record.activity_id) == (first.pk, _sha(data), first.activity_id)
    assert new.get_model("activities", "Lap").objects.filter(record=record).count() == 2  # the twin's
    assert new.get_model("activities", "Stream").objects.filter(record=record).exists()
    (row,) = new.get_model("ingest", "ProcessedFile").objects.all()
    assert (row.pk, row.sha256, row.path, [c["path"] for c in row.copies]) == (
        gz.pk,
        _sha(data),
        "/inbox/run.fit.gz",
        ["/watch/run.fit"],
    )
    assert second.pk != record.pk


def test_a_twin_in_another_activity_leaves_that_activity_and_its_override_alone(migrator, samples):
    data = (samples / RUN).read_bytes()
    packed = gzip.compress(data, mtime=0)
    old = OldState(migrator.back())
    one, other = old.activity(), old.activity()
    kept = old.record(old.file(data, name="run.fit", path="/w/run.fit", route="files"), activity=one)
    old.record(
        old.file(packed, name="1.fit.gz", path="e.zip!1.fit.gz", route="strava_export"), activity=other
    )
    override = old.apps.get_model("reconcile", "ManualOverride").objects.create(
        activity=other, field_name="workout_name", value="Tempo"
    )

    new = migrator.forward()

    (record,) = new.get_model("activities", "ActivitySource").objects.filter(source="fit_file")
    assert (record.pk, record.activity_id) == (kept.pk, one.pk)
    assert record.changed_at is not None  # the next reconcile looks at it again
    assert new.get_model("reconcile", "ManualOverride").objects.get(pk=override.pk).activity_id == other.pk
    left = new.get_model("activities", "Activity").objects.get(pk=other.pk)
    assert (left.needs_review, left.review_code) == (True, "orphan")  # as reconcile flags a run left empty


def test_a_twin_whose_activity_has_other_records_leaves_them_for_reconcile(migrator, samples):
    data = (samples / RUN).read_bytes()
    old = OldState(migrator.back())
    one, other = old.activity(), old.activity()
    old.record(old.file(data, name="run.fit", path="/w/run.fit", route="files"), activity=one)
    packed = gzip.compress(data, mtime=0)
    old.record(
        old.file(packed, name="1.fit.gz", path="e.zip!1.fit.gz", route="strava_export"), activity=other
    )
    strava = old.Record.objects.create(source="strava", source_id="1", activity=other)

    new = migrator.forward()

    assert new.get_model("activities", "ActivitySource").objects.get(pk=strava.pk).changed_at is not None
    assert not new.get_model("activities", "Activity").objects.get(pk=other.pk).needs_review


def test_the_runners_pin_and_decisions_on_the_dropped_twin_carry_over_to_the_kept_record(migrator, samples):
    data = (samples / RUN).read_bytes()
    old = OldState(migrator.back())
    one, pinned_to = old.activity(), old.activity()
    kept = old.record(old.file(data, name="run.fit", path="/w/run.fit", route="files"), activity=one)
    packed = gzip.compress(data, mtime=0)
    dropped = old.record(
        old.file(packed, name="1.fit.gz", path="e.zip!1.fit.gz", route="strava_export"), activity=pinned_to
    )
    # the runner detached the upload's record from `one` to a run of its own
    old.apps.get_model("reconcile", "RecordPin").objects.create(record=dropped, activity=pinned_to)
    decision = old.apps.get_model("reconcile", "Decision").objects.create(
        activity=one,
        other_activity=pinned_to,
        kind="detach",
        summary="Detached a record",
        keys=[f"record:{dropped.pk}", "field:distance_m"],
        before={
            "records": [{"id": dropped.pk, "activity_id": one.pk, "pin": None}],
            "created_activity": None,
        },
    )

    new = migrator.forward()

    (record,) = new.get_model("activities", "ActivitySource").objects.filter(source="fit_file")
    assert (record.pk, record.activity_id) == (kept.pk, pinned_to.pk)  # where the runner put it
    assert new.get_model("reconcile", "RecordPin").objects.get().record_id == kept.pk
    decision = new.get_model("reconcile", "Decision").objects.get(pk=decision.pk)
    assert decision.keys == [f"record:{kept.pk}", "field:distance_m"]
    assert decision.before["records"] == [{"id": kept.pk, "activity_id": one.pk, "pin": None}]
    left = new.get_model("activities", "Activity").objects.get(pk=one.pk)
    assert (left.needs_review, left.review_code) == (True, "orphan")


def test_a_gzipped_file_alone_is_re_keyed_session_by_session(migrator, samples):
    data = (samples / MULTISPORT).read_bytes()
    packed = gzip.compress(data, mtime=0)
    old = OldState(migrator.back())
    row = old.file(packed, name="multi.fit.gz", path="e.zip!multi.fit.gz", route="strava_export")
    sessions = [old.record(row, source_id=f"{row.sha256}#{i}") for i in range(3)]
    garmin = old.Record.objects.create(
        source="garmin",
        source_id="42",
        raw={"paired_file_sha256": row.sha256, "paired_record": f"{row.sha256}#1"},
    )

    new = migrator.forward()

    Record = new.get_model("activities", "ActivitySource")
    ids = dict(Record.objects.filter(source="fit_file").values_list("pk", "source_id"))
    assert ids == {record.pk: f"{_sha(data)}#{i}" for i, record in enumerate(sessions)}
    assert new.get_model("ingest", "ProcessedFile").objects.get().sha256 == _sha(data)
    raw = Record.objects.get(pk=garmin.pk).raw
    assert (raw["paired_file_sha256"], raw["paired_record"]) == (_sha(data), f"{_sha(data)}#1")


def test_a_row_whose_archive_is_gone_or_does_not_inflate_keeps_its_hash(migrator, samples, settings):
    old = OldState(migrator.back())
    packed = gzip.compress((samples / RUN).read_bytes(), mtime=0)
    gone = old.file(packed, name="gone.fit.gz", path="/x/gone.fit.gz", route="files")
    (settings.RAW_STORE_DIR / gone.raw_path).unlink()
    broken = old.file(packed[:300], name="cut.fit.gz", path="/x/cut.fit.gz", route="files", status="failed")
    old.record(gone)

    new = migrator.forward()

    File = new.get_model("ingest", "ProcessedFile")
    assert sorted(File.objects.values_list("sha256", flat=True)) == sorted([gone.sha256, broken.sha256])
    assert new.get_model("activities", "ActivitySource").objects.get().source_id == gone.sha256


def test_running_it_again_changes_nothing(migrator, samples):
    from importlib import import_module

    data = (samples / RUN).read_bytes()
    old = OldState(migrator.back())
    activity = old.activity()
    old.record(old.file(data, name="run.fit", path="/w/run.fit", route="files"), activity=activity)
    packed = gzip.compress(data, mtime=0)
    old.record(
        old.file(packed, name="1.fit.gz", path="e.zip!1.fit.gz", route="strava_export"), activity=activity
    )
    new = migrator.forward()

    def snapshot() -> tuple:
        Record, File = new.get_model("activities", "ActivitySource"), new.get_model("ingest", "ProcessedFile")
        records = sorted(
            Record.objects.values_list("pk", "source_id", "file_id", "activity_id", "changed_at")
        )
        return records, sorted(File.objects.values_list("pk", "sha256", "path", "copies"))

    before = snapshot()
    import_module("activities.migrations.0009_file_records_by_content").key_by_content(new, None)

    assert snapshot() == before and len(before[0]) == 1


def test_it_is_safe_on_an_empty_database(migrator):
    migrator.back()

    new = migrator.forward()

    assert not new.get_model("ingest", "ProcessedFile").objects.exists()

import gzip
import hashlib
import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from activities.models import ActivitySource
from ingest.files import FileInput, FilesResult, disk_path, files_import_paths, files_ingest, readable
from ingest.locks import sync_lock
from ingest.models import ProcessedFile, SyncState
from ingest.sync import sync_running
from tests.support.healthfit import AN_HOUR_AGO

pytestmark = pytest.mark.django_db


def _import(*paths, **options) -> str:
    out = StringIO()
    call_command("import_files", *map(str, paths), stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def fit_folder(samples, tmp_path):
    """Small files of every kind: two runs, a settings file, two broken files (nested folder)."""
    folder = tmp_path / "exports"
    (folder / "broken").mkdir(parents=True)
    for name in ("2013-02-06-12-11-14.fit", "garmin-fenix-5-run.fit"):
        shutil.copyfile(samples / "fit" / "runs" / name, folder / name)
    shutil.copyfile(samples / "fit" / "not-activities" / "Settings.fit", folder / "Settings.fit")
    for name in ("activity-filecrc.fit", "activity-settings-corruptheader.fit"):
        shutil.copyfile(samples / "fit" / "invalid" / name, folder / "broken" / name)
    (folder / "notes.txt").write_text("not a recording")
    (folder / ".hidden.fit").write_bytes(b"ignored: hidden")
    return folder


def test_it_imports_a_folder_recursively_and_a_second_run_changes_nothing(fit_folder):
    output = _import(fit_folder, workers=1)

    assert output.splitlines()[-1] == (
        "imported=2 updated=0 unchanged=0 already_seen=0 skipped=1 failed=2 pending=0 ignored=0"
    )
    assert "skipped      Settings.fit: Settings.fit: a FIT settings file, not an activity: skipped" in output
    assert "failed       activity-filecrc.fit: activity-filecrc.fit: CRC mismatch" in output
    assert ActivitySource.objects.filter(route="files").count() == 2
    statuses = dict(ProcessedFile.objects.values_list("name", "status"))
    assert statuses == {
        "2013-02-06-12-11-14.fit": "imported",
        "garmin-fenix-5-run.fit": "imported",
        "Settings.fit": "skipped",
        "activity-filecrc.fit": "failed",
        "activity-settings-corruptheader.fit": "failed",
    }
    before = list(ActivitySource.objects.order_by("pk").values_list("pk", "updated_at"))

    again = _import(fit_folder, workers=1)

    assert again.splitlines()[-1] == (
        "imported=0 updated=0 unchanged=5 already_seen=0 skipped=0 failed=0 pending=0 ignored=0"
    )
    assert list(ActivitySource.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert SyncState.objects.get(name="files").last_summary.startswith("imported=0 ")


def test_two_workers_give_the_same_result_as_one(fit_folder):
    result = files_import_paths(paths=[fit_folder], workers=2)
    assert (result.imported, result.skipped, result.failed) == (2, 1, 2)
    assert [o.name for o in result.outcomes if o.status == "imported"] == [
        "2013-02-06-12-11-14.fit",
        "garmin-fenix-5-run.fit",
    ]


def test_single_files_can_be_named(fit_folder):
    output = _import(fit_folder / "garmin-fenix-5-run.fit", quiet=True)
    assert (
        output == "imported=1 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=0 ignored=0\n"
    )


def test_a_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"No such file or folder: .*missing\.fit"):
        _import(tmp_path / "missing.fit")


def test_a_second_import_while_one_runs_exits_with_a_message(fit_folder):
    with sync_lock(name="files"), pytest.raises(CommandError, match="files sync is already running"):
        _import(fit_folder)
    assert not ProcessedFile.objects.exists()


def test_in_memory_files_from_a_zip_are_archived_and_imported(samples, settings):
    data = (samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    item = FileInput(name="12345_678.fit", origin="export.zip!uploads/12345_678.fit", data=data, mtime=1.5e9)

    result = files_ingest(inputs=[item], route="garmin_export", workers=1)

    assert result.summary() == (
        "imported=1 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=0 ignored=0"
    )
    row = ProcessedFile.objects.get()
    assert (row.path, row.name, row.route, row.size, row.mtime) == (
        "export.zip!uploads/12345_678.fit",
        "12345_678.fit",
        "garmin_export",
        len(data),
        1.5e9,
    )
    assert (settings.RAW_STORE_DIR / row.raw_path).read_bytes() == data
    assert ActivitySource.objects.get().source_id == sha
    assert result.outcomes[0].line() == (
        f"imported     export.zip!uploads/12345_678.fit -> 1 record(s) #{ActivitySource.objects.get().pk}"
    )
    assert item.data is None  # dropped once archived
    again = FileInput(name="12345_678.fit", origin="export.zip!uploads/12345_678.fit", data=data, mtime=1.5e9)
    assert files_ingest(inputs=[again], route="garmin_export", workers=1).unchanged == 1


def test_one_recording_through_two_routes_is_one_record(samples, fit_folder):
    files_import_paths(paths=[fit_folder / "garmin-fenix-5-run.fit"], workers=1)
    data = (fit_folder / "garmin-fenix-5-run.fit").read_bytes()

    result = files_ingest(
        inputs=[FileInput(name="u_1.fit", origin="export.zip!u_1.fit", data=data)], route="garmin_export"
    )

    assert result.already_seen == 1
    (outcome,) = result.outcomes
    assert outcome.error.startswith("same content as ") and outcome.record_ids
    assert ActivitySource.objects.count() == 1
    assert ActivitySource.objects.get().route == "files"


def test_the_same_bytes_twice_in_one_batch_are_parsed_once(samples):
    data = (samples / "fit" / "runs" / "2013-02-06-12-11-14.fit").read_bytes()
    items = [FileInput(name=f"copy{i}.fit", origin=f"x.zip!copy{i}.fit", data=data) for i in range(2)]

    result = files_ingest(inputs=items, route="strava_export", workers=2)

    assert [o.status for o in result.outcomes] == ["already_seen", "imported"]
    assert result.outcomes[0].error == "same content as x.zip!copy0.fit"
    assert ActivitySource.objects.count() == 1


def test_a_file_input_needs_data_or_a_path_not_both():
    with pytest.raises(ValueError, match="one of data, path or reader"):
        FileInput(name="a.fit", origin="a.fit")
    with pytest.raises(ValueError, match="one of data, path or reader"):
        FileInput(name="a.fit", origin="a.fit", data=b"x", reader=lambda: b"x")


# --- names that are not UTF-8 ---------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_imported_and_shown_readably(samples, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/Lauf \xe4 morgen.fit"  # Latin-1 "ä": not valid UTF-8
    with open(odd, "wb") as handle:
        handle.write((samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes())

    output = _import(folder, workers=1)

    assert "imported     Lauf \\xe4 morgen.fit -> 1 record(s)" in output
    row = ProcessedFile.objects.get()
    assert (row.name, row.path) == ("Lauf \\xe4 morgen.fit", f"{folder}/Lauf \\xe4 morgen.fit")
    assert os.fsencode(disk_path(row.path)) == odd  # the raw bytes are recoverable
    again = _import(folder, workers=1)
    assert again.splitlines()[-1].startswith("imported=0 updated=0 unchanged=1 ")


def test_a_non_utf8_name_never_ends_a_healthfit_sync(light_healthfit_dir, samples):
    odd = os.fsencode(light_healthfit_dir) + b"/2016-01-01-080000-Outdoor Running-\xff.fit"
    with open(odd, "wb") as handle:
        handle.write((samples / "fit" / "invalid" / "activity-filecrc.fit").read_bytes())
    os.utime(odd, (AN_HOUR_AGO, AN_HOUR_AGO))

    out = StringIO()
    call_command("sync_icloud", stdout=out)

    assert out.getvalue().splitlines()[-1].startswith("imported=6 ")
    failed = ProcessedFile.objects.get(status="failed")
    assert failed.name == "2016-01-01-080000-Outdoor Running-\\xff.fit"
    assert "CRC mismatch" in failed.error


def test_readable_keeps_valid_names_and_disk_path_inverts_it(tmp_path):
    assert readable("Runner’s Apple\u00a0Watch.fit") == "Runner’s Apple\u00a0Watch.fit"
    weird = os.fsdecode(b"a\xff\xfeb.fit")
    assert readable(weird) == "a\\xff\\xfeb.fit"
    real = tmp_path / weird
    real.write_bytes(b"x")
    assert disk_path(readable(str(real))) == real
    assert disk_path(str(tmp_path / "plain.fit")) == tmp_path / "plain.fit"


# --- what a run keeps, and what ends it ----------------------------------------------------------------


def test_in_memory_bytes_are_dropped_once_archived(samples):
    data = (samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes()
    other = (samples / "fit" / "runs" / "2013-02-06-12-11-14.fit").read_bytes()
    reads: list[str] = []
    items = [
        FileInput(name="a.fit", origin="x.zip!a.fit", data=data),
        FileInput(name="b.fit", origin="x.zip!b.fit", reader=lambda: reads.append("b") or other),
        FileInput(name="c.fit", origin="x.zip!c.fit", data=data + b"\0"),
    ]

    def inputs():
        for index, item in enumerate(items):
            # Every file before this one was planned, so archived: no bytes held any more.
            assert all(earlier.data is None for earlier in items[:index])
            yield item

    result = files_ingest(inputs=inputs(), route="garmin_export", workers=2)

    assert [o.status for o in result.outcomes] == ["imported", "imported", "failed"]
    assert reads == ["b"]
    assert all((item.data, item.reader) == (None, None) for item in items)


def test_a_file_whose_bytes_cannot_be_read_is_one_failed_file(samples):
    data = (samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes()

    def broken() -> bytes:
        raise ValueError("bad zip member")

    items = [
        FileInput(name="a.fit", origin="x.zip!a.fit", reader=broken),
        FileInput(name="b.fit", origin="x.zip!b.fit", data=data),
    ]
    result = files_ingest(inputs=items, route="garmin_export", workers=1)

    assert [o.status for o in result.outcomes] == ["failed", "imported"]
    assert result.outcomes[0].error == "a.fit: could not be read (ValueError: bad zip member)"


def test_a_run_ended_by_the_database_names_the_file_it_was_on(fit_folder):
    def database_gone() -> bytes:
        raise OperationalError("database is locked")

    items = [FileInput(name="z.fit", origin="x.zip!z.fit", reader=database_gone)]
    with pytest.raises(OperationalError) as raised, sync_running(name="files", result=FilesResult()) as run:
        files_ingest(inputs=items, route="files", workers=1, result=run.result)

    assert raised.value.__notes__ == ["while importing x.zip!z.fit"]
    state = SyncState.objects.get(name="files")
    assert state.last_error == "OperationalError: database is locked (while importing x.zip!z.fit)"


def test_a_failed_file_another_route_recorded_meanwhile_is_already_seen(samples):
    """`import_files` and `sync_icloud` on one folder hold different locks: both may fail one file."""
    bad = (samples / "fit" / "invalid" / "activity-filecrc.fit").read_bytes()
    good = (samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes()

    def inputs():
        yield FileInput(name="bad.fit", origin="x.zip!bad.fit", data=bad)
        # The other run records the same bad bytes while this one parses them.
        ProcessedFile.objects.create(
            sha256=hashlib.sha256(bad).hexdigest(),
            path="/other/bad.fit",
            name="bad.fit",
            route="healthfit",
            size=len(bad),
            raw_path="xx/bad.fit",
            status="failed",
            error="CRC mismatch",
        )
        yield FileInput(name="good.fit", origin="x.zip!good.fit", data=good)

    result = files_ingest(inputs=inputs(), route="garmin_export", workers=2)

    assert [o.status for o in result.outcomes] == ["already_seen", "imported"]
    assert result.outcomes[0].error == "recorded meanwhile by another run (failed at /other/bad.fit)"
    assert ProcessedFile.objects.count() == 2


def _parse_in_daemon(path: str, queue) -> None:
    from ingest.parse_worker import ParseJob, parse_many

    jobs = [
        ParseJob(key=0, name="a.fit", path=path, home_tz="UTC"),
        ParseJob(key=1, name="b.fit", path=path, home_tz="UTC"),
    ]
    queue.put([(job.key, len(outcome.records)) for job, outcome in parse_many(jobs, workers=2)])


def test_a_daemonic_process_such_as_a_q2_worker_parses_in_process(samples):
    import multiprocessing

    queue = multiprocessing.Queue()
    path = str(samples / "fit" / "runs" / "2013-02-06-12-11-14.fit")
    worker = multiprocessing.Process(target=_parse_in_daemon, args=(path, queue), daemon=True)
    worker.start()
    assert queue.get(timeout=60) == [(0, 1), (1, 1)]
    worker.join(timeout=10)


def test_the_pool_draws_files_only_as_room_frees_up(samples):
    """Planning (hashing, archiving) overlaps parsing, and no more than the window is in flight."""
    from ingest.parse_worker import ParseJob, parse_many

    path = str(samples / "fit" / "runs" / "2013-02-06-12-11-14.fit")
    drawn: list[int] = []

    def jobs():
        for key in range(6):
            drawn.append(key)
            yield ParseJob(key=key, name=f"{key}.fit", path=path, home_tz="UTC")

    results = parse_many(jobs(), workers=2, window=3)
    first_job, first = next(results)
    assert (first_job.key, len(first.records)) == (0, 1)
    assert drawn == [0, 1, 2, 3]  # the window of 3, plus the one submitted as the first came back
    assert [job.key for job, _ in results] == [1, 2, 3, 4, 5]


def test_a_gzip_file_inflating_past_the_per_file_setting_fails_naming_it(settings, tmp_path):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 1  # the workers get the setting, not the default
    (tmp_path / "bomb.fit.gz").write_bytes(gzip.compress(bytes(4 << 20)))  # 4 MB of zeros in 4 KB

    result = files_import_paths(paths=[tmp_path / "bomb.fit.gz"], workers=1)

    (failed,) = result.by_status("failed")
    assert "inflates past 1,048,576 bytes" in failed.error
    assert "RUNBASE_ARCHIVE_MAX_FILE_MB=1" in failed.error

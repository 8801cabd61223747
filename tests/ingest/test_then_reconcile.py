"""Reconcile after a sync is one explicit option: `--reconcile` on the commands, `reconcile=` on the tasks."""

import shutil
import time
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import OperationalError
from django_q.models import Schedule

from activities.demo.load import DEMO_DIR
from activities.models import Activity, ActivitySource
from ingest import tasks
from ingest.schedules import SCHEDULES
from ingest.strava.tokens import Tokens, tokens_save
from tests.support.fake_strava import FakeStrava
from tests.support.workbooks import book_write, run, sample_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_run(tmp_path, settings):
    """A HealthFit folder holding one settled recording (the demo's 6x800m)."""
    folder = tmp_path / "HealthFit"
    folder.mkdir()
    source = next((DEMO_DIR / "fit").glob("2025-10-07-*.fit"))
    shutil.copy(source, folder / source.name)
    settings.HEALTHFIT_DIR = folder
    settings.INGEST_SETTLE_SECONDS = 0
    return folder


def _command(*args) -> list[str]:
    out = StringIO()
    call_command(*map(str, args), "--quiet", stdout=out)
    return out.getvalue().splitlines()


def test_import_files_without_reconcile_leaves_the_records_unreconciled(one_run):
    lines = _command("import_files", one_run)
    assert lines == ["imported=1 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=0 ignored=0"]
    assert ActivitySource.objects.get().activity is None
    assert not Activity.objects.exists()


def test_import_files_with_reconcile_turns_the_new_record_into_an_activity(one_run):
    lines = _command("import_files", one_run, "--reconcile")
    assert lines[0].startswith("imported=1 ")
    assert lines[1].startswith("reconcile: created=1 ")
    assert ActivitySource.objects.get().activity == Activity.objects.get()
    assert _command("import_files", one_run, "--reconcile")[1].startswith("reconcile: created=0 ")


def test_every_sync_command_takes_reconcile(one_run, tmp_path):
    assert _command("sync_icloud", "--reconcile")[1].startswith("reconcile: created=1 ")
    path = book_write(tmp_path / "log.xlsx", sample_layout([run(1, 5.0, "ok")]))
    assert _command("import_xlsx", path)[-1].startswith("created=1 ")
    assert Activity.objects.count() == 1  # the spreadsheet's run waits for a reconcile
    assert _command("import_xlsx", path, "--reconcile")[-1].startswith("reconcile: created=1 ")
    for name in ("import_garmin", "import_strava_export", "sync_strava", "sync_runalyze"):
        parser = load_command_class("ingest", name).create_parser("manage.py", name)
        args = ["export.zip", "--reconcile"] if name.startswith("import_") else ["--reconcile"]
        assert parser.parse_args(args).reconcile is True, name
        assert "reconcile" in parser.format_help(), name


def test_the_task_with_reconcile_false_only_syncs(one_run):
    summary = tasks.sync_icloud(reconcile=False)
    assert (
        summary
        == "icloud: imported=1 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=0 ignored=0"
    )
    assert not Activity.objects.exists()


def test_the_task_with_reconcile_true_syncs_then_reconciles(one_run):
    summary = tasks.sync_icloud(reconcile=True)
    assert summary.startswith("icloud: imported=1 ") and "| reconcile: created=1 " in summary
    assert Activity.objects.count() == 1


def test_the_sync_schedules_pass_reconcile_explicitly():
    call_command("install_schedules", "--quiet", stdout=StringIO())
    kwargs = dict(Schedule.objects.values_list("func", "kwargs"))
    # Every installed sync (one with `requires` is off until its source is set up; a backup is no sync).
    syncs = [
        s["func"] for s in SCHEDULES if s["func"].startswith("ingest.tasks.sync_") and "requires" not in s
    ]
    assert syncs and all(kwargs[func] == "reconcile=True" for func in syncs)
    assert kwargs["reconcile.tasks.reconcile_all"] is None


# --- every route logs how its run ended (runbase.log) ---------------------------------------------------


def _logged(caplog) -> list[str]:
    return [f"{r.levelname} {r.getMessage()}" for r in caplog.records if r.name.startswith("runbase")]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["import_files", "{tmp}/missing"], "INFO files sync failed: No such file or folder: {tmp}/missing"),
        (
            ["import_garmin", "{tmp}/export.zip"],
            "INFO garmin_export sync failed: {tmp}/export.zip: no such export zip",
        ),
        (
            ["import_strava_export", "{tmp}/strava.zip"],
            "INFO strava_export sync failed: {tmp}/strava.zip: no such Strava export zip",
        ),
        (["import_xlsx", "{tmp}/log.xlsx"], "INFO xlsx sync failed: {tmp}/log.xlsx: cannot read the file"),
        (["sync_strava"], "INFO strava sync failed: no Strava tokens at "),
        (["sync_runalyze"], "INFO runalyze sync failed: RUNALYZE_TOKEN is not set"),
    ],
)
def test_every_route_logs_the_error_that_stopped_it(command, expected, tmp_path, settings, caplog):
    caplog.set_level("INFO", logger="runbase")
    settings.RUNALYZE_TOKEN = ""
    args = [part.format(tmp=tmp_path) for part in command]

    with pytest.raises(CommandError):
        _command(*args)

    expected = expected.format(tmp=tmp_path)
    assert [line for line in _logged(caplog) if line.startswith(expected)], _logged(caplog)


def test_file_zip_and_spreadsheet_routes_log_their_summary(one_run, samples, tmp_path, caplog):
    caplog.set_level("INFO", logger="runbase")
    _command("import_files", one_run)
    _command("import_garmin", samples / "garmin" / "839fbc50-1223-4513-9496-f63cdc1110c1_1.zip")
    book_write(tmp_path / "log.xlsx", sample_layout([run(5, 5.0)]))
    _command("import_xlsx", tmp_path / "log.xlsx")

    summaries = [line for line in _logged(caplog) if " sync: " in line]

    files = "imported=1 updated=0 unchanged=0 already_seen=0 skipped=0 failed=0 pending=0 ignored=0"
    assert summaries[0] == f"INFO files sync: {files}"
    assert summaries[1].startswith("INFO garmin_export sync: activities: created=")
    assert summaries[2].startswith("INFO xlsx sync: created=1 ")
    assert len(summaries) == 3


def test_an_unexpected_error_is_logged_with_its_traceback_and_the_file(caplog):
    from ingest.sync import sync_failed_log

    caplog.set_level("INFO", logger="runbase")
    error = OperationalError("disk I/O error")
    error.add_note("while importing /data/a.fit")

    sync_failed_log("files", error, summary="imported=2")
    sync_failed_log("files", error)  # logged once

    (record,) = [r for r in caplog.records if r.name.startswith("runbase")]
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert record.getMessage() == (
        "files sync failed: OperationalError: disk I/O error (while importing /data/a.fit) (imported=2)"
    )


def test_an_api_route_logs_its_summary(samples, settings, caplog):
    caplog.set_level("INFO", logger="runbase")
    with FakeStrava(samples / "strava" / "api").load_fixtures() as fake:
        settings.STRAVA_BASE_URL = fake.url
        settings.STRAVA_CLIENT_ID = "54321"
        settings.STRAVA_CLIENT_SECRET = "fake-client-secret"
        settings.STRAVA_TIMEOUT_S = 1.0
        tokens_save(
            Tokens(
                access_token=fake.access_token,
                refresh_token=fake.refresh_token,
                expires_at=int(time.time()) + 21600,
                scope=["read", "activity:read_all", "profile:read_all"],
                athlete_id=48213576,
            )
        )
        _command("sync_strava")

    (summary,) = [line for line in _logged(caplog) if " sync: " in line]
    assert summary.startswith("INFO strava sync: created=6 ")

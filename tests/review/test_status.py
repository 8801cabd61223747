import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from ingest.files import FileInput, FilesResult, files_ingest
from ingest.locks import sync_lock
from ingest.models import SyncState
from ingest.sync import sync_running
from review.status import status_report
from tests.support.healthfit import AN_HOUR_AGO

pytestmark = pytest.mark.django_db


def _status() -> list[str]:
    out = StringIO()
    call_command("runbase_status", stdout=out)
    return out.getvalue().splitlines()


def test_an_empty_database_says_so():
    lines = _status()
    assert lines[:5] == [
        "Syncs:",
        "  none has run yet",
        "Source records: none",
        "Files:",
        "  none",
    ]
    assert lines[5] == "Pending: 0 record(s) to reconcile, 0 conflict(s) to review"
    assert lines[6].startswith("Database (") and lines[7] == "Raw store: 0 file(s), 0 B"
    assert lines[8] == "Home time zone: UTC (RUNBASE_HOME_TZ: dates a record with no offset of its own)"


def test_it_shows_the_last_sync_counts_failed_files_and_sizes(light_healthfit_dir, samples):
    bad = light_healthfit_dir / "2016-01-01-080000-Outdoor Running-Runner’s Apple\u00a0Watch.fit"
    shutil.copyfile(samples / "fit" / "invalid" / "activity-filecrc.fit", bad)
    os.utime(bad, (AN_HOUR_AGO, AN_HOUR_AGO))
    call_command("sync_icloud", "--quiet", stdout=StringIO())

    lines = _status()

    (icloud,) = [line for line in lines if line.startswith("  icloud: ")]
    assert "imported=6 updated=0 unchanged=0 already_seen=0 skipped=0 failed=1 pending=1 ignored=1" in icloud
    assert icloud.endswith("— 1 file(s) waiting for iCloud")
    assert "Source records: fit_file=6" in lines
    assert "  healthfit: failed=1 imported=6" in lines
    assert "Pending: 6 record(s) to reconcile, 0 conflict(s) to review" in lines
    assert "Failed files (1, retried when they change):" in lines
    (failed,) = [line for line in lines if line.startswith(f"  {bad.name} [healthfit, ")]
    assert failed.endswith(
        f"]: {bad.name}: CRC mismatch, the file is damaged (CRC Mismatch [computed: 0xA1D5, read: 0xB1D5])"
    )
    report = status_report()
    assert report.database_bytes > 100_000
    assert report.raw_files == 7 and report.raw_bytes == sum(
        p.stat().st_size for p in light_healthfit_dir.glob("*.fit")
    )


def test_a_running_sync_is_shown_with_its_holder():
    with sync_lock(name="icloud") as lock:
        (line,) = [line for line in _status() if line.startswith("  icloud: ")]
    assert line.endswith(f"— RUNNING ({lock.owner})")
    assert "last run never, last success never" in line


def test_a_run_whose_holder_died_is_shown_as_died_with_its_start_time():
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    claim = (
        f"pid {dead.pid} on {socket.gethostname()} since 2026-11-25T21:00:00+00:00 (process start 5, run ab)"
    )
    SyncState.objects.create(
        name="files", locked_by=claim, locked_until=timezone.now() + dt.timedelta(minutes=50)
    )

    (line,) = [line for line in _status() if line.startswith("  files: ")]

    assert "RUNNING" not in line
    when = timezone.localtime(dt.datetime(2026, 11, 25, 21, tzinfo=dt.UTC))
    assert line.endswith(
        f"— DIED: the run started {when:%Y-%m-%d %H:%M:%S %Z} (pid {dead.pid} on {socket.gethostname()}) "
        "ended without finishing; the next run takes over"
    )


def test_a_lock_past_its_lease_is_shown_as_died_even_from_another_machine():
    claim = "pid 7 on other-box since 2026-11-25T21:00:00+00:00 (process start 5, run ab)"
    SyncState.objects.create(
        name="strava", locked_by=claim, locked_until=timezone.now() - dt.timedelta(minutes=1)
    )

    (line,) = [line for line in _status() if line.startswith("  strava: ")]

    assert "— DIED: the run started " in line and "(pid 7 on other-box)" in line


def test_a_run_that_an_exception_ended_names_the_file_it_was_on():
    def database_gone() -> bytes:
        raise OperationalError("disk I/O error")

    items = [FileInput(name="z.fit", origin="x.zip!z.fit", reader=database_gone)]
    try:
        with sync_running(name="files", result=FilesResult()) as run:
            files_ingest(inputs=items, route="files", workers=1, result=run.result)
    except OperationalError:
        pass

    (line,) = [line for line in _status() if line.startswith("  files: ")]
    assert line.endswith("— ERROR: OperationalError: disk I/O error (while importing x.zip!z.fit)")

"""`sync_running` and `SyncResult`: the lock, the run record and the summary every route shares."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest

from ingest.locks import SyncBusy, sync_lock
from ingest.models import SyncState
from ingest.records import SourceError
from ingest.sync import SyncResult, sync_running
from ingest.sync_state import RunInterrupted

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 5, 1, 7, 0, tzinfo=dt.UTC)


@dataclass(slots=True)
class _Result(SyncResult):
    COUNTERS: ClassVar[tuple[str, ...]] = (*SyncResult.COUNTERS, "calls")
    LABELS: ClassVar[dict[str, str]] = {"calls": "api_calls"}

    calls: int = 0


def test_a_result_counts_prints_and_summarises_with_its_own_counters():
    lines: list[str] = []
    result = _Result()
    result.count("created", log=lines.append, line="created 1", start_time=T0)
    result.count("unchanged", start_time=T0 - dt.timedelta(days=1))
    result.add_error("activity 2: bad date", log=lines.append)
    result.calls = 3

    assert result.summary() == "created=1 updated=0 unchanged=1 failed=1 api_calls=3"
    assert lines == ["created 1", "failed activity 2: bad date"]
    assert (result.errors, result.last_activity_at) == (["activity 2: bad date"], T0)
    assert result.run_error() == "activity 2: bad date"


def test_a_run_is_recorded_with_its_summary_errors_last_activity_and_cursor(caplog):
    caplog.set_level("INFO", logger="runbase.ingest")
    with sync_running(name="demo", result=_Result()) as run:
        assert run.cursor == {}
        run.result.count("created", start_time=T0)
        run.result.add_error("row 3: no date")
        run.cursor["after"] = 42

    state = SyncState.objects.get(name="demo")
    assert state.last_summary == "created=1 updated=0 unchanged=0 failed=1 api_calls=0"
    assert (state.last_error, state.last_success_at) == ("row 3: no date", None)
    assert (state.last_activity_at, state.cursor, state.locked_by) == (T0, {"after": 42}, "")
    records = [r for r in caplog.records if r.getMessage().startswith("demo sync")]
    assert [r.getMessage() for r in records] == [
        "demo sync started",
        "demo sync: created=1 updated=0 unchanged=0 failed=1 api_calls=0",
    ]
    assert [(r.event, r.sync) for r in records] == [("sync.start", "demo"), ("sync.summary", "demo")]
    assert records[1].counts == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1, "api_calls": 0}
    assert records[0].run_id == records[1].run_id and records[1].duration_s >= 0


def test_a_run_that_raises_records_why_and_keeps_the_cursor():
    SyncState.objects.create(name="demo", cursor={"after": 1})
    with pytest.raises(SourceError), sync_running(name="demo", result=_Result()) as run:
        run.result.count("created")
        run.cursor["after"] = 2
        raise SourceError("Runalyze refused the token: set RUNALYZE_TOKEN")

    state = SyncState.objects.get(name="demo")
    assert state.last_summary == "failed: created=1 updated=0 unchanged=0 failed=0 api_calls=0"
    assert state.last_error == "Runalyze refused the token: set RUNALYZE_TOKEN"
    assert (state.cursor, state.locked_by, state.last_success_at) == ({"after": 1}, "", None)


def test_a_second_run_gets_sync_busy_and_records_nothing():
    busy = pytest.raises(SyncBusy, match="demo sync is already running")
    with sync_lock(name="demo"), busy, sync_running(name="demo", result=_Result()):
        pytest.fail("two runs of one sync at once")
    assert SyncState.objects.get(name="demo").last_sync_at is None


def test_a_route_can_share_another_sync_lock_and_record_apart():
    export = sync_running(name="strava_export", result=_Result(), lock="strava")
    with sync_lock(name="strava"), pytest.raises(SyncBusy), export:
        pytest.fail("the export ran beside the API sync")
    with sync_running(name="strava_export", result=_Result(), lock="strava"):
        pass
    assert SyncState.objects.get(name="strava_export").last_summary.startswith("created=0 ")
    assert SyncState.objects.get(name="strava").last_sync_at is None


def test_sigterm_stops_a_run_which_is_recorded_as_interrupted(caplog):
    caplog.set_level("INFO", logger="runbase.ingest")
    before = signal.getsignal(signal.SIGTERM)

    stopped = pytest.raises(RunInterrupted, match="interrupted by SIGTERM")
    with stopped, sync_running(name="demo", result=_Result()) as run:
        run.result.count("created")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        pytest.fail("SIGTERM did not stop the run")

    state = SyncState.objects.get(name="demo")
    assert state.last_summary == "interrupted: created=1 updated=0 unchanged=0 failed=0 api_calls=0"
    assert (state.last_error, state.locked_by) == ("interrupted by SIGTERM", "")
    assert signal.getsignal(signal.SIGTERM) is before
    assert "demo sync stopped: interrupted by SIGTERM (created=1 " in caplog.text


def test_ctrl_c_is_recorded_as_interrupted_too():
    with pytest.raises(KeyboardInterrupt), sync_running(name="demo", result=_Result()):
        raise KeyboardInterrupt

    state = SyncState.objects.get(name="demo")
    assert (state.last_summary, state.last_error) == (
        "interrupted: created=0 updated=0 unchanged=0 failed=0 api_calls=0",
        "interrupted (Ctrl-C)",
    )


def test_a_run_starts_by_removing_what_a_killed_archive_write_left(settings):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = settings.RAW_STORE_DIR / "ab" / f".incoming-{dead.pid}-k1.part"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    settings.INGEST_SETTLE_SECONDS = 0

    with sync_running(name="demo", result=_Result()):
        assert not leftover.exists()

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from ingest.locks import Holder, SyncBusy, holder_is_gone, process_start, sync_lock
from ingest.models import SyncState

pytestmark = pytest.mark.django_db


def _hold(name: str, holder: str, *, minutes: int = 30) -> None:
    SyncState.objects.update_or_create(
        name=name,
        defaults={"locked_by": holder, "locked_until": timezone.now() + dt.timedelta(minutes=minutes)},
    )


def test_the_lock_row_names_its_holder_and_is_freed_afterwards():
    with sync_lock(name="icloud") as lock:
        state = SyncState.objects.get(name="icloud")
        assert state.locked_by.startswith(f"pid {os.getpid()} on {socket.gethostname()} since ")
        assert state.locked_by.endswith(
            f"(process start {process_start(os.getpid())}, run {lock.owner[-9:-1]})"
        )
        assert process_start(os.getpid()).isdigit()  # Linux: /proc/<pid>/stat field 22
        assert state.locked_until > timezone.now() + dt.timedelta(minutes=59)
        assert lock.owner == state.locked_by
    state.refresh_from_db()
    assert (state.locked_by, state.locked_until) == ("", None)


def test_a_held_lock_makes_a_second_run_fail_with_who_holds_it():
    _hold("strava", "pid 4242 on other-host since 2026-11-25T21:00:00+00:00")
    busy = r"The strava sync is already running \(pid 4242 on other-host since"
    with pytest.raises(SyncBusy, match=busy), sync_lock(name="strava", wait_s=0.2):
        pytest.fail("the lock was granted twice")


def test_the_lock_is_freed_even_when_the_run_fails():
    with pytest.raises(RuntimeError), sync_lock(name="files"):
        raise RuntimeError("boom")
    with sync_lock(name="files"):
        pass


def test_an_expired_lock_is_taken():
    _hold("icloud", "pid 4242 on other-host since 2026-11-25T21:00:00+00:00", minutes=-1)
    with sync_lock(name="icloud") as lock:
        assert SyncState.objects.get(name="icloud").locked_by == lock.owner


def test_the_lock_of_a_dead_process_on_this_machine_is_taken_over():
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _hold("icloud", f"pid {dead.pid} on {socket.gethostname()} since 2026-11-25T21:00:00+00:00")
    with sync_lock(name="icloud") as lock:
        assert SyncState.objects.get(name="icloud").locked_by == lock.owner


def test_a_holder_with_this_process_pid_from_before_a_restart_is_taken_over():
    """After a container restart pids start again: the old holder's pid may be our own."""
    here = f"pid {os.getpid()} on {socket.gethostname()} since 2026-11-25T21:00:00+00:00"
    for old_claim in (f"{here} (process start 12, run deadbeef)", here):
        _hold("files", old_claim)
        with sync_lock(name="files") as lock:
            assert SyncState.objects.get(name="files").locked_by == lock.owner


def test_a_reused_pid_that_started_at_another_time_is_not_the_holder():
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        since = "since 2026-11-25T21:00:00+00:00"
        reused = f"pid {alive.pid} on {socket.gethostname()} {since} (process start 1, run 0badf00d)"
        _hold("icloud", reused)
        with sync_lock(name="icloud") as lock:
            assert SyncState.objects.get(name="icloud").locked_by == lock.owner
        started = process_start(alive.pid)
        holder = f"pid {alive.pid} on {socket.gethostname()} {since} (process start {started}, run 1)"
        assert not holder_is_gone(holder)
        _hold("icloud", holder)
        with pytest.raises(SyncBusy, match=f"already running \\(pid {alive.pid} "), sync_lock(name="icloud"):
            pytest.fail("the lock of a live holder was taken")
    finally:
        alive.kill()
        alive.wait()
    assert holder_is_gone(holder)


def test_a_holder_is_read_back_from_its_claim():
    claim = "pid 42 on box since 2026-11-25T21:00:00+00:00 (process start 99, run abcd1234)"
    holder = Holder.parse(claim)
    assert holder == Holder(42, "box", dt.datetime(2026, 11, 25, 21, tzinfo=dt.UTC), "99", "abcd1234")
    assert Holder.parse("someone") is None
    assert not holder_is_gone(claim)  # another machine: only its lease tells


def test_refresh_pushes_the_expiry_out():
    with sync_lock(name="icloud", ttl_s=60) as lock:
        SyncState.objects.filter(name="icloud").update(locked_until=timezone.now())
        lock.refresh(force=True)
        assert SyncState.objects.get(name="icloud").locked_until > timezone.now() + dt.timedelta(seconds=50)


# --- two real processes against one database ---------------------------------------------------------

HOLDER = """
import os, pathlib, time
from ingest.locks import sync_lock
with sync_lock(name="icloud"):
    print("locked", flush=True)
    while not pathlib.Path(os.environ["RELEASE_FILE"]).exists():
        time.sleep(0.05)
"""


def _manage(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(django_settings.BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_processes_never_import_twice(light_healthfit_dir, tmp_path):
    data = tmp_path / "proc-data"
    env = {
        **os.environ,
        "RUNBASE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'runbase.sqlite3'}",
        "HEALTHFIT_DIR": str(light_healthfit_dir),
        "RUNBASE_INGEST_SETTLE_SECONDS": "0",
        "RUNBASE_LOG_LEVEL": "WARNING",
    }
    assert _manage(env, "migrate", "-v0").wait(timeout=120) == 0
    release = tmp_path / "release"
    holder = _manage({**env, "RELEASE_FILE": str(release)}, "shell", "--no-imports", "-c", HOLDER)
    assert holder.stdout.readline().strip() == "locked"

    blocked = _manage(env, "sync_icloud", "--quiet")
    _, err = blocked.communicate(timeout=120)

    assert blocked.returncode == 1
    assert "CommandError: The icloud sync is already running (pid" in err
    release.touch()
    assert holder.wait(timeout=60) == 0

    racers = [_manage(env, "sync_icloud", "--quiet", "--workers", "2") for _ in range(2)]
    results = [(r.wait(timeout=300), *r.communicate()) for r in racers]

    assert any(code == 0 for code, _, _ in results)
    for code, _out, err in results:
        assert code == 0 or "already running" in err, err
    db = sqlite3.connect(data / "runbase.sqlite3")
    assert db.execute("SELECT count(*) FROM activities_activitysource").fetchone() == (6,)
    assert db.execute("SELECT count(*) FROM ingest_processedfile").fetchone() == (6,)
    assert db.execute("SELECT locked_by FROM ingest_syncstate WHERE name = 'icloud'").fetchone() == ("",)
    assert all(Path(p).exists() for (p,) in db.execute("SELECT path FROM ingest_processedfile"))

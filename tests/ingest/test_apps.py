"""The data folders and files RunBase creates are private to its user: folders 0700, files 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from ingest.apps import data_dirs_make


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    """manage.py started with the usual umask 022, so the modes below are RunBase's own doing."""
    return subprocess.run(
        [sys.executable, str(django_settings.BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=lambda: os.umask(0o022),
    )


@pytest.mark.slow
def test_a_fresh_data_dir_its_database_and_archived_files_are_private(samples, tmp_path):
    data = tmp_path / "fresh" / "data"
    env = {
        **os.environ,
        "RUNBASE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'runbase.sqlite3'}",
        "RUNBASE_LOG_LEVEL": "INFO",
    }
    for key in ("RUNBASE_RAW_STORE_DIR", "RUNBASE_LOG_DIR"):
        env.pop(key, None)
    assert _manage(env, "migrate", "-v0").returncode == 0
    run = _manage(env, "import_files", str(samples / "gpx" / "route.gpx"), "--quiet")
    assert run.returncode == 0, run.stderr

    archived = [p for p in (data / "raw").rglob("*") if p.is_file()]
    assert archived, "the import archived nothing"
    assert {_mode(p) for p in (data, data / "raw", data / "logs")} == {0o700}
    assert {_mode(p.parent) for p in archived} == {0o700}
    assert {_mode(p) for p in archived} == {0o600}
    assert _mode(data / "runbase.sqlite3") == 0o600
    assert _mode(data / "logs" / "runbase.log") == 0o600


def test_an_existing_data_dir_and_its_folders_are_tightened(tmp_path):
    data = tmp_path / "old-data"
    (data / "raw").mkdir(parents=True)
    (data / "logs").mkdir()
    for folder in (data, data / "raw", data / "logs"):
        folder.chmod(0o755)
    data_dirs_make(data_dir=data, raw_store_dir=data / "raw", log_dir=data / "logs")
    assert {_mode(p) for p in (data, data / "raw", data / "logs")} == {0o700}


def test_a_shared_existing_folder_outside_the_data_dir_is_left_alone(tmp_path):
    shared_logs = tmp_path / "var-log"
    shared_logs.mkdir()
    shared_logs.chmod(0o755)
    data_dirs_make(data_dir=tmp_path / "new-data", raw_store_dir=tmp_path / "raw", log_dir=shared_logs)
    assert _mode(shared_logs) == 0o755
    assert _mode(tmp_path / "new-data") == 0o700
    assert _mode(tmp_path / "raw") == 0o700  # created by RunBase, so its own


def test_runbase_processes_create_files_private_to_their_user(tmp_path):
    current = os.umask(0o022)
    os.umask(current)
    assert current == 0o077  # set by the ingest app's ready(), before any test wrote a file

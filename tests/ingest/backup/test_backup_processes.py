"""A backup taken while an import writes (real processes, a SQLite file in WAL mode): it succeeds, and
the copy is a consistent database in which every imported file has all its records."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from tests.support.healthfit import DOCUMENTS
from tests.support.processes import manage, manage_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pauses a process with SIGSTOP"),
]

# An imported file without every record it produced would be half an import.
HALF_IMPORTED = """
SELECT count(*) FROM ingest_processedfile f WHERE f.status = 'imported' AND NOT EXISTS (
  SELECT 1 FROM activities_activitysource s WHERE s.source_id = f.sha256 OR s.source_id LIKE f.sha256 || '#%')
"""


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        return db.execute(sql).fetchone()[0]


def _wait_for_first_file(database: Path, importer) -> None:
    deadline = time.monotonic() + 120
    while importer.poll() is None and time.monotonic() < deadline:
        try:
            if _count(database, "SELECT count(*) FROM ingest_processedfile"):
                return
        except sqlite3.OperationalError:
            pass  # the table is being written; look again
        time.sleep(0.05)
    pytest.fail(
        f"the import never stored a file: {importer.stderr.read() if importer.poll() is not None else ''}"
    )


def test_a_backup_taken_while_an_import_runs_is_consistent(tmp_path, samples):
    data = tmp_path / "data"
    env = manage_env(data, RUNBASE_BACKUP_DIR=str(tmp_path / "backups"))
    assert manage(env, "migrate", "-v0").wait(timeout=300) == 0
    folder = tmp_path / "HealthFit"
    shutil.copytree(samples / DOCUMENTS, folder, copy_function=shutil.copyfile)
    database = data / "runbase.sqlite3"

    importer = manage(env, "import_files", str(folder), "--workers", "1", "--quiet")
    _wait_for_first_file(database, importer)
    os.kill(importer.pid, signal.SIGSTOP)  # the import stands still, perhaps inside a write transaction
    try:
        backup = manage(env, "runbase_backup")
        out, err = backup.communicate(timeout=120)
    finally:
        os.kill(importer.pid, signal.SIGCONT)
    _, imported_err = importer.communicate(timeout=300)

    assert backup.returncode == 0, err
    assert importer.returncode == 0, imported_err
    (copy,) = (tmp_path / "backups").glob("runbase-*/database.sqlite3")
    assert _count(copy, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0
    in_copy = _count(copy, "SELECT count(*) FROM ingest_processedfile")
    in_the_end = _count(database, "SELECT count(*) FROM ingest_processedfile")
    assert 1 <= in_copy < in_the_end  # taken mid-import
    assert _count(copy, HALF_IMPORTED) == 0
    assert out.startswith("backup ") and "raw_files=" in out

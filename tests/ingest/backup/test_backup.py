"""runbase_backup / runbase_restore: a backup, a wiped database and a restore give the same export
byte for byte; old backups are pruned; a bad restore is refused with what to do."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from activities.demo.load import DEMO_DIR
from activities.models import Activity
from ingest.backup.database import BackupError
from ingest.backup.service import backup_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path) -> Path:
    settings.RUNBASE_BACKUP_DIR = tmp_path / "backups"
    settings.RUNBASE_BACKUP_KEEP = 8
    settings.INGEST_SETTLE_SECONDS = 0
    return settings.RUNBASE_BACKUP_DIR


def _export(tmp_path: Path, name: str) -> bytes:
    target = tmp_path / name
    call_command("export_activities", "--format", "json", "-o", str(target), stdout=StringIO())
    return target.read_bytes()


def test_a_backup_restored_after_a_wipe_gives_the_same_export_byte_for_byte(tmp_path, backup_dir):
    files = sorted((DEMO_DIR / "fit").glob("*.fit"))[:4]
    call_command(
        "import_files", *map(str, files), "--workers", "1", "--reconcile", "--quiet", stdout=StringIO()
    )
    before = _export(tmp_path, "before.json")
    assert len(json.loads(before)) == 4

    out = StringIO()
    call_command("runbase_backup", stdout=out)
    (backup,) = backup_dir.iterdir()
    assert out.getvalue().startswith(f"backup {backup} database_bytes=")
    assert out.getvalue().rstrip().endswith("raw_files=4 removed=0")
    assert len((backup / "raw-manifest.tsv").read_text().splitlines()) == 4

    call_command("flush", "--no-input")
    assert not Activity.objects.exists()

    out = StringIO()
    call_command("runbase_restore", str(backup), "--yes", stdout=out)

    assert out.getvalue() == f"restored {backup} raw_files=4 raw_missing=0\n"
    assert _export(tmp_path, "after.json") == before


def test_a_restore_names_archived_files_missing_from_the_raw_store(settings, backup_dir):
    file = sorted((DEMO_DIR / "fit").glob("*.fit"))[0]
    call_command("import_files", str(file), "--workers", "1", "--quiet", stdout=StringIO())
    result = backup_create()
    (archived,) = [p for p in Path(settings.RAW_STORE_DIR).rglob("*.fit")]
    archived.unlink()
    err = StringIO()

    call_command("runbase_restore", str(result.path), "--yes", stdout=StringIO(), stderr=err)

    assert err.getvalue() == f"missing from the raw store: {archived.parent.name}/{archived.name}\n"


def test_only_the_newest_backups_are_kept(backup_dir):
    t0 = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
    for week in range(4):
        result = backup_create(keep=2, now=t0 + dt.timedelta(weeks=week))
    (backup_dir / ".incoming-runbase-20261201-030000").mkdir()  # a backup being written is left alone

    assert sorted(p.name for p in backup_dir.iterdir()) == [
        ".incoming-runbase-20261201-030000",
        "runbase-20261115-030000",
        "runbase-20261122-030000",
    ]
    assert [p.name for p in result.removed] == ["runbase-20261108-030000"]


def test_a_restore_is_refused_without_yes_or_from_a_folder_that_is_no_backup(tmp_path, backup_dir):
    backup = backup_create().path
    with pytest.raises(
        CommandError, match="this replaces everything in the current database with the backup: pass --yes"
    ):
        call_command("runbase_restore", str(backup))
    with pytest.raises(
        CommandError, match=rf"restore failed: {tmp_path} is not a RunBase backup \(no backup.json\)"
    ):
        call_command("runbase_restore", str(tmp_path), "--yes")
    meta = json.loads((backup / "backup.json").read_text())
    (backup / "backup.json").write_text(json.dumps({**meta, "vendor": "oracle"}))
    with pytest.raises(CommandError, match=f"is a oracle backup; this RunBase uses {connection.vendor}"):
        call_command("runbase_restore", str(backup), "--yes")


def test_a_second_backup_in_the_same_second_is_refused_and_the_first_kept(backup_dir):
    at = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
    backup_create(now=at)

    with pytest.raises(
        BackupError, match=r"runbase-20261101-030000 exists already: one backup a second at most"
    ):
        backup_create(now=at)
    assert [p.name for p in backup_dir.iterdir()] == ["runbase-20261101-030000"]

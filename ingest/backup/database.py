"""Copy the configured database to a file and back, per vendor, while other processes use it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from ingest.records import SourceError

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"


class BackupError(SourceError):
    """A backup or restore that could not be made; the message says why."""


def database_dump(directory: Path) -> str:
    """Write the database into `directory`; the file's name."""
    if connection.vendor == "sqlite":
        return _sqlite_dump(directory / SQLITE_FILE)
    if connection.vendor == "postgresql":
        return _pg("pg_dump", "--format=custom", "--no-owner", f"--file={directory / POSTGRES_FILE}")
    raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def database_load(directory: Path) -> None:
    """Replace the database's content with the copy in `directory`."""
    if connection.vendor == "sqlite":
        _sqlite_load(directory / SQLITE_FILE)
    elif connection.vendor == "postgresql":
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(directory / POSTGRES_FILE),
        )
    else:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def _sqlite_dump(target: Path) -> str:
    # One step (pages=-1) under one read transaction: a consistent snapshot while a sync writes (WAL).
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy, pages=-1)
    finally:
        copy.close()
    return target.name


def _sqlite_load(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no {SQLITE_FILE} in the backup (is it a PostgreSQL backup?)")
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("cannot restore inside a transaction")
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy.backup(connection.connection, pages=-1)
    finally:
        copy.close()


def _pg(tool: str, *args: str) -> str:
    """Run pg_dump / pg_restore against the configured database, the password in the environment."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} not found: install PostgreSQL's client tools (e.g. apt install postgresql-client)"
        )
    params = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    where = ["--dbname", params["NAME"], "--username", params.get("USER") or ""]
    where += ["--host", params["HOST"]] if params.get("HOST") else []
    where += ["--port", str(params["PORT"])] if params.get("PORT") else []
    done = subprocess.run([tool, *where, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return POSTGRES_FILE

"""Processes seen through /proc (Linux), without psutil: a command's descendants, and whether a pid still
runs (a zombie waiting for its reaper does not)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()  # [state, ppid, …] after the command name


def is_running(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, grandchildren …)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None and fields[0] not in ("Z", "X"):
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def wait_gone(pids: set[int], *, timeout_s: float) -> set[int]:
    """The pids of `pids` still running after up to `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while (alive := {pid for pid in pids if is_running(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def manage_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `manage.py` subprocess with its own data directory and SQLite file."""
    return {
        **os.environ,
        "RUNBASE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'runbase.sqlite3'}",
        "RUNBASE_INGEST_SETTLE_SECONDS": "0",
        "RUNBASE_LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    """`python manage.py ARGS…` as a subprocess of the checkout, its output captured as text."""
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, str(root / "manage.py"), *args],
        env=env,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

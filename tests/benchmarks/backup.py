"""How long `runbase_backup` and `runbase_restore` take on a history of N runs, and what a backup
costs a sync writing at the same time (the longest wait of a writer inserting a row every 10 ms).

    python -m tests.benchmarks.backup [--runs 3650]

A throwaway database (SQLite file, or a PostgreSQL database of its own); never your data.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.support import django_setup, say, throwaway_database


@dataclass(slots=True)
class BackupBench:
    runs: int
    vendor: str = ""
    database_bytes: int = 0
    backup_s: float = 0.0
    restore_s: float = 0.0
    writes_during_backup: int = 0
    write_waits_ms: list[float] = field(default_factory=list)

    def lines(self) -> list[str]:
        waits = sorted(self.write_waits_ms) or [0.0]
        return [
            f"history: {self.runs} runs, three records each ({self.vendor})",
            f"backup:  {self.backup_s:.2f} s for {self.database_bytes / 1e6:.1f} MB",
            f"restore: {self.restore_s:.2f} s",
            f"a writer during the backup: {self.writes_during_backup} inserts, median wait "
            f"{waits[len(waits) // 2]:.1f} ms, longest {waits[-1]:.1f} ms",
        ]


def _writer(stop: threading.Event, waits: list[float]) -> None:
    """Insert a row every 10 ms through a connection of its own, timing each insert."""
    from django.contrib.auth.models import Group
    from django.db import connection

    n = 0
    try:
        while not stop.is_set():
            start = time.perf_counter()
            Group.objects.create(name=f"bench-writer-{n}")
            waits.append((time.perf_counter() - start) * 1000)
            n += 1
            time.sleep(0.01)
    finally:
        connection.close()


def backup_bench(*, runs: int) -> BackupBench:
    django_setup()
    from django.db import connection

    from ingest.backup.service import backup_create, backup_restore
    from reconcile.services import reconcile_run
    from tests.benchmarks.reconcile import history_generate

    bench = BackupBench(runs=runs)
    with (
        tempfile.TemporaryDirectory(prefix="runbase-bench-backup-") as tmp,
        throwaway_database(Path(tmp), LLM_PROVIDER="none", DEBUG=False),
    ):
        history_generate(runs=runs)
        reconcile_run()
        bench.vendor = connection.vendor
        stop, waits = threading.Event(), []
        writer = threading.Thread(target=_writer, args=(stop, waits))
        writer.start()
        time.sleep(0.2)  # the writer is writing
        before = len(waits)
        start = time.perf_counter()
        result = backup_create(directory=Path(tmp) / "backups")
        bench.backup_s = time.perf_counter() - start
        bench.write_waits_ms = waits[before:]
        bench.writes_during_backup = len(bench.write_waits_ms)
        stop.set()
        writer.join()
        bench.database_bytes = result.database_bytes
        start = time.perf_counter()
        backup_restore(path=result.path)
        bench.restore_s = time.perf_counter() - start
    return bench


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.backup",
        description=(
            "Time runbase_backup and runbase_restore on a generated history of N runs in a throwaway "
            "database, with a writer inserting a row every 10 ms during the backup. Never touches your data."
        ),
    )
    parser.add_argument("--runs", type=int, default=3650, help="Runs to generate (default 3650).")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for line in backup_bench(runs=args.runs).lines():
        say(line)


if __name__ == "__main__":
    main()

"""Benchmark of reconcile on a generated 10-year history: from scratch, incremental, and a full re-check.

    python -m tests.benchmarks.reconcile [--runs 3650]

Runs against a throwaway database (`support.throwaway_database`: a SQLite file or a PostgreSQL database
of its own, created, migrated, dropped afterwards), so it never touches the runner's data. Records are
written with
`bulk_create`, as an import would have left them: unreconciled, three sources per run (a FIT file,
its Strava upload 0–30 s later, the spreadsheet row in miles), doubles now and then, a few treadmill
runs whose spreadsheet distance is 7 % off (pending conflicts) and interval sessions with laps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity, ActivitySource, Lap
from ingest.placement import record_place
from ingest.records import ParsedActivity
from ingest.store import record_store
from reconcile.models import Conflict
from reconcile.services import ReconcileResult, reconcile_run
from tests.benchmarks.support import say, throwaway_database

MILE = 1609.344
NAMES = ("Morning Run", "Lunch Run", "Evening Run", "easy 6", "tempo 5", "long 14", "6x800m", "10k race")
# Strava's workout type as a runner would tag each name (a typed session is Strava's generic "workout").
STRAVA_TYPES = {"long 14": "long", "10k race": "race", "tempo 5": "workout", "6x800m": "workout"}


@dataclass
class ReconcileBench:
    runs: int
    records: int
    generate_s: float
    scratch_s: float
    scratch: ReconcileResult
    incremental_s: float
    incremental: ReconcileResult
    incremental_queries: int
    recheck_s: float
    recheck: ReconcileResult
    activities: int
    pending: int

    def lines(self) -> list[str]:
        return [
            f"history: {self.runs} runs, {self.records} source records "
            f"(generated in {self.generate_s:.1f} s)",
            f"from scratch: {self.scratch_s:.2f} s {self.scratch.summary()}",
            f"  -> {self.activities} activities, {self.pending} pending conflicts",
            f"incremental after one new file: {self.incremental_s:.3f} s, {self.incremental_queries} queries "
            f"{self.incremental.summary()}",
            f"--all on unchanged data: {self.recheck_s:.2f} s {self.recheck.summary()}",
            f"targets: from scratch under 60 s -> {'met' if self.scratch_s < 60 else 'MISSED'}; "
            f"incremental under 1 s -> {'met' if self.incremental_s < 1 else 'MISSED'}",
        ]


def _sha(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def _laps_for_800s(record: ActivitySource, start: dt.datetime) -> list[Lap]:
    spec = [(2000.0, 600.0)] + [(800.0, 170.0), (400.0, 150.0)] * 5 + [(800.0, 170.0), (2000.0, 620.0)]
    laps, at = [], start
    for index, (distance, duration) in enumerate(spec):
        laps.append(Lap(record=record, index=index, start_time=at, duration_s=duration, distance_m=distance))
        at += dt.timedelta(seconds=duration)
    return laps


def history_generate(*, runs: int, seed: int = 3650) -> int:
    """`runs` runs from 2015 on, three records each; returns the number of records written."""
    rng = random.Random(seed)
    now = timezone.now()
    records: list[ActivitySource] = []
    day, hour = dt.date(2015, 1, 1), 14
    for n in range(runs):
        if n % 25 == 24:
            hour = 1  # a double: the evening run, 01:00 UTC next day = 18:00 local
        else:
            day, hour = day + dt.timedelta(days=1), 14
        start = dt.datetime.combine(day + dt.timedelta(days=1 if hour == 1 else 0), dt.time(hour), dt.UTC)
        start += dt.timedelta(seconds=rng.randint(0, 3600))
        name = rng.choice(NAMES)
        distance = rng.uniform(10000, 10150) if name == "10k race" else rng.uniform(5000, 22000)
        duration = distance * rng.uniform(0.27, 0.36)
        treadmill = n % 50 == 7
        hr = rng.randint(130, 170)
        common = dict(local_date=day, utc_offset_s=-7 * 3600, sport="running", changed_at=now)
        records += [
            ActivitySource(
                source="fit_file",
                source_id=_sha("fit", n),
                route="healthfit",
                start_time=start,
                distance_m=round(distance, 1),
                duration_s=round(duration, 1),
                avg_hr=hr,
                max_hr=rng.randint(170, 190),
                avg_cadence_spm=rng.randint(166, 184),
                total_ascent_m=rng.randint(0, 300),
                calories=round(distance * 0.065),
                sub_sport="treadmill" if treadmill else "",
                workout_name=name,
                **common,
            ),
            ActivitySource(
                source="strava",
                source_id=str(1_000_000_000 + n),
                route="strava_api",
                start_time=start + dt.timedelta(seconds=rng.randint(0, 30)),
                distance_m=round(distance * rng.uniform(0.997, 1.003), 1),
                duration_s=round(duration + rng.randint(0, 10), 1),
                avg_hr=hr + rng.choice((-1, 0, 0, 1)),
                workout_name=name,
                workout_type=STRAVA_TYPES.get(name, "default"),
                notes=rng.choice(("", "nice one", "windy")),
                **common,
            ),
            ActivitySource(
                source="master_xlsx",
                source_id=f"Log!{day.isoformat()}#{n}",
                route="xlsx",
                distance_m=round(distance * (1.07 if treadmill else 1.0) / MILE, 1) * MILE,
                intensity_score=rng.randint(1, 10),
                notes=rng.choice(("7:45; 152; 178; felt good", "legs heavy", "")),
                **common,
            ),
        ]
    ActivitySource.objects.bulk_create(records, batch_size=1000)
    fits = ActivitySource.objects.filter(source="fit_file", workout_name="6x800m")
    Lap.objects.bulk_create(
        (lap for record in fits for lap in _laps_for_800s(record, record.start_time)), batch_size=1000
    )
    return len(records)


def _one_new_file(last_day: dt.date) -> None:
    day = last_day + dt.timedelta(days=1)
    record_store(
        parsed=record_place(
            ParsedActivity(
                source="fit_file",
                source_id=_sha("new file"),
                start_time=dt.datetime.combine(day, dt.time(14), dt.UTC),
                utc_offset_s=-7 * 3600,
                sport="running",
                distance_m=10010.0,
                duration_s=3000.0,
                avg_hr=150.0,
            ),
            home_tz="UTC",
        ),
        route="healthfit",
    )


def reconcile_bench(*, runs: int = 3650) -> ReconcileBench:
    """Generate, reconcile from scratch, add one file and reconcile again, re-check all; time each."""
    with (
        tempfile.TemporaryDirectory(prefix="runbase-bench-reconcile-") as tmp,
        throwaway_database(Path(tmp), LLM_PROVIDER="none", DEBUG=False),
    ):
        start = time.perf_counter()
        records = history_generate(runs=runs)
        generate_s = time.perf_counter() - start

        start = time.perf_counter()
        scratch = reconcile_run()
        scratch_s = time.perf_counter() - start

        _one_new_file(Activity.objects.order_by("-date").values_list("date", flat=True).first())
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            incremental = reconcile_run()
            incremental_s = time.perf_counter() - start

        start = time.perf_counter()
        recheck = reconcile_run(all=True)
        recheck_s = time.perf_counter() - start
        return ReconcileBench(
            runs=runs,
            records=records,
            generate_s=generate_s,
            scratch_s=scratch_s,
            scratch=scratch,
            incremental_s=incremental_s,
            incremental=incremental,
            incremental_queries=len(queries),
            recheck_s=recheck_s,
            recheck=recheck,
            activities=Activity.objects.count(),
            pending=Conflict.objects.filter(status=Conflict.Status.PENDING).count(),
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.reconcile",
        description=(
            "Generate a history of N runs (three source records each) in a throwaway database and time a "
            "reconcile from scratch, an incremental reconcile after one new file, and --all on unchanged "
            "data. Never touches your data."
        ),
    )
    parser.add_argument("--runs", type=int, default=3650, help="Runs to generate (default 3650).")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for line in reconcile_bench(runs=args.runs).lines():
        say(line)


if __name__ == "__main__":
    main()

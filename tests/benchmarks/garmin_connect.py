"""The Garmin Connect pull benchmark: API calls per activity for a backfill, and for the next daily run.

    python -m tests.benchmarks.garmin_connect [--activities 1000] [--seconds 300] [--shoes 3] [--workers N]

Serves N generated 1 Hz runs (the export benchmark's FIT files and summaries, in the Connect API's
shapes; five minutes long by default: the length changes the time, not the calls) from the tests' fake
Garmin Connect on 127.0.0.1, pulls them into a throwaway database (`support.throwaway_database`),
counts the calls per endpoint, then adds one run and pulls again as the daily schedule would. Garmin
publishes no rate limit for this unofficial API: the calls per activity are what a backfill costs it.
Never touches your data or the internet.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tests.benchmarks.garmin_export import activity_fit, activity_summary
from tests.benchmarks.support import django_setup, say, throwaway_database

FIRST_ID = 7_000_000_000


@dataclass(slots=True)
class PullBenchResult:
    activities: int
    seconds: int
    shoes: int
    build_s: float
    backfill_s: float
    backfill_calls: Counter
    daily_calls: Counter
    summary: str

    def lines(self) -> list[str]:
        n = self.activities
        calls = sum(self.backfill_calls.values())
        parts = ", ".join(f"{name} {count}" for name, count in self.backfill_calls.most_common())
        return [
            f"account: {n} runs of {self.seconds} s at 1 Hz, {self.shoes} shoes "
            f"(built in {self.build_s:.0f} s)",
            f"backfill: {calls} API calls = {calls / n:.3f} per activity ({parts})",
            f"backfill time: {self.backfill_s:.1f} s = {self.backfill_s / n * 1000:.0f} ms/activity "
            "(download, archive, parse, store; the fake answers at once)",
            f"next daily run, one new activity: {sum(self.daily_calls.values())} API calls "
            f"({', '.join(f'{k} {v}' for k, v in self.daily_calls.most_common())})",
            f"result: {self.summary}",
        ]


def _endpoint(path: str) -> str:
    for marker, name in (
        ("/search/activities", "list"),
        ("/download-service/", "download"),
        ("/gear", "gear"),
        ("/socialProfile", "profile"),
        ("/activities/count", "count"),
        ("/activity-service/", "detail"),
    ):
        if marker in path:
            return name
    return path


def _calls(fake, since: int) -> Counter:
    return Counter(_endpoint(r.path) for r in fake.api_requests()[since:])


def garmin_connect_bench(
    *,
    activities: int,
    seconds: int = 300,
    shoes: int = 3,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
) -> PullBenchResult:
    django_setup()
    from ingest.garmin.pull import garmin_connect_sync
    from ingest.garmin.tokens import tokens_save
    from tests.support.fake_garmin_connect import FakeGarminConnect, list_item_from_export, original_zip

    log = log or (lambda _line: None)
    workers = workers or os.cpu_count() or 1
    fake = FakeGarminConnect(clock=time.time)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        fits = pool.map(partial(activity_fit, seconds=seconds), range(activities + 1), chunksize=8)
        for index, data in enumerate(fits):
            summary = activity_summary(index, activity_id=FIRST_ID + index, seconds=seconds)
            item = list_item_from_export(summary)
            if index < activities:  # the last one arrives before the daily run
                fake.add(item, original_zip(FIRST_ID + index, "run.fit", data))
            else:
                extra = (item, original_zip(FIRST_ID + index, "run.fit", data))
    build_s = time.perf_counter() - started
    for shoe in range(shoes):
        ids = [str(FIRST_ID + i) for i in range(shoe, activities, shoes)]
        fake.add_shoe(f"bench-shoe-{shoe}", f"Bench Shoe {shoe + 1}", ids)
    log(f"built {activities} activities in {build_s:.0f} s")
    with tempfile.TemporaryDirectory(prefix="runbase-bench-garmin-connect-") as tmp, fake:
        directory = Path(tmp)
        overrides = {
            "GARMIN_CONNECT_BASE_URL": fake.url,
            "GARMIN_SSO_BASE_URL": fake.url,
        }
        with throwaway_database(directory, **overrides):
            tokens_save(fake.stored_tokens())
            started = time.perf_counter()
            result = garmin_connect_sync(workers=workers, log=log)
            backfill_s = time.perf_counter() - started
            backfill_calls = _calls(fake, 0)
            fake.add(*extra)
            since = len(fake.api_requests())
            garmin_connect_sync(workers=workers)
            daily_calls = _calls(fake, since)
    return PullBenchResult(
        activities=activities,
        seconds=seconds,
        shoes=shoes,
        build_s=build_s,
        backfill_s=backfill_s,
        backfill_calls=backfill_calls,
        daily_calls=daily_calls,
        summary=result.summary(),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.garmin_connect",
        description=(
            "Pull N generated one-hour runs from a fake Garmin Connect on 127.0.0.1 into a throwaway "
            "database and print the API calls per activity of the backfill and of the next daily run. "
            "Never touches your data or the internet."
        ),
    )
    parser.add_argument("--activities", type=int, default=1000, help="Activities to serve (default 1000).")
    parser.add_argument("--seconds", type=int, default=300, help="Length of each run (default 300).")
    parser.add_argument("--shoes", type=int, default=3, help="Shoes the runs are spread over (default 3).")
    parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
    parser.add_argument("--quiet", action="store_true", help="Only the figures.")
    args = parser.parse_args(argv)
    if args.activities < 1 or not 10 <= args.seconds <= 3600:
        parser.error("--activities must be at least 1 and --seconds from 10 to 3600")
    result = garmin_connect_bench(
        activities=args.activities,
        seconds=args.seconds,
        shoes=args.shoes,
        workers=args.workers,
        log=None if args.quiet else say,
    )
    for line in result.lines():
        say(line)


if __name__ == "__main__":
    main()

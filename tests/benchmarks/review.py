"""Benchmark of the review pages and admin lists on a generated history (a throwaway database).

    python -m tests.benchmarks.review [--runs 3650]

`bulk_create` writes N canonical activities with three source records each and a pending conflict on
every tenth; each page is then fetched through Django's test client and the median of five requests
printed with its query count. The runner's own database is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, ActivitySource
from reconcile.models import Conflict
from tests.benchmarks.support import say, throwaway_database

PAGES = [
    "/",
    "/conflicts/",
    "/activities/",
    "/activities/?q=Run%2012",
    "/activities/{pk}/",
    "/admin/activities/activity/",
    "/admin/activities/activity/?source=strava",
    "/admin/activities/activity/?conflicts=pending",
    "/admin/activities/activitysource/",
    "/admin/reconcile/conflict/",
]
START = dt.datetime(2015, 1, 1, 6, 0, tzinfo=dt.UTC)


def _history(runs: int) -> None:
    Activity.objects.bulk_create(
        (
            Activity(
                date=(START + dt.timedelta(days=i)).date(),
                start_time=START + dt.timedelta(days=i),
                sport="running",
                distance_m=8000.0 + i % 3000,
                duration_s=2400.0 + i % 600,
                avg_hr=140.0 + i % 20,
                workout_name=f"Run {i}",
                provenance={"distance_m": "fit_file", "duration_s": "fit_file"},
            )
            for i in range(runs)
        ),
        batch_size=500,
    )
    ids = list(Activity.objects.order_by("date").values_list("pk", flat=True))
    ActivitySource.objects.bulk_create(
        (
            ActivitySource(
                activity_id=pk,
                source=source,
                source_id=f"{source}-{n}",
                sport="running",
                distance_m=8000.0,
                local_date=(START + dt.timedelta(days=n)).date(),
            )
            for n, pk in enumerate(ids)
            for source in ("fit_file", "strava", "master_xlsx")
        ),
        batch_size=1000,
    )
    Conflict.objects.bulk_create(
        Conflict(activity_id=pk, field_name="distance_m", source_values={"fit_file": 8000, "strava": 9000})
        for pk in ids[::10]
    )


def _time(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return statistics.median(times), len(queries.captured_queries)


def review_bench(*, runs: int) -> list[str]:
    """Lines of figures: one per page, `url  median ms  queries`."""
    with (
        tempfile.TemporaryDirectory(prefix="runbase-bench-review-") as directory,
        throwaway_database(Path(directory), DEBUG=False, ALLOWED_HOSTS=["testserver"]),
    ):
        _history(runs)
        client = Client()
        client.force_login(get_user_model().objects.create_superuser("bench", "", "bench"))
        pk = Activity.objects.order_by("pk").values_list("pk", flat=True)[runs // 2]
        conflicts = Conflict.objects.count()
        lines = [f"{runs} activities, {3 * runs} source records, {conflicts} pending conflicts"]
        for url in PAGES:
            seconds, queries = _time(client, url.format(pk=pk))
            lines.append(f"{url.format(pk=pk):48s} {seconds * 1000:7.1f} ms  {queries:3d} queries")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.review",
        description=(
            "Generate N activities (three source records each, a conflict on every tenth) in a throwaway "
            "database and print the median time and query count of each review page and admin list. "
            "Never touches your data."
        ),
    )
    parser.add_argument("--runs", type=int, default=3650, help="Activities to generate (default 3650).")
    args = parser.parse_args(argv)
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    for line in review_bench(runs=args.runs):
        say(line)


if __name__ == "__main__":
    main()

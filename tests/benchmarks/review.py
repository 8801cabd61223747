"""Benchmark of the review pages and admin lists on a generated history (a throwaway database).

    python -m tests.benchmarks.review [--runs 3650]

`bulk_create` writes N canonical activities with three source records each and a pending conflict on
every tenth; one of them also gets a watch recording of one hour at 1 Hz with GPS (a wobbly loop) and
12 laps, for the activity page with its charts and map. Each page is then fetched through Django's test
client: the median and 95th percentile of 20 requests (and their median CPU time) are printed with the
query count, and the weight of the GPS activity page, gzip-compressed, with the scripts and styles it
loads. The runner's own database is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import gzip
import math
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, ActivitySource
from ingest.records import ParsedLap, Samples
from reconcile.models import Conflict
from tests.benchmarks.support import say, throwaway_database
from tests.support.factories import T0, fit_record

PAGES = [
    "/",
    "/conflicts/",
    "/activities/",
    "/activities/?q=Run%2012",
    "/activities/?sport=all&sort=-distance&page=20",
    "/calendar/?month=2020-06",
    "/training-log/",
    "/activities/{pk}/",
    "/activities/{gps}/",
    "/activities/{gps}/?x=time",
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


def _gps_samples(seconds: int, seed: int = 1) -> Samples:
    """A 1 Hz run round a 1.6 km-radius loop with GPS wobble, hills, HR drift and cadence noise."""
    rng = random.Random(seed)
    samples, distance = Samples(), 0.0
    for i in range(seconds):
        speed = 3.2 + 0.6 * (i // 300 % 2) + rng.gauss(0, 0.15)
        distance += speed
        angle = distance / 1600
        samples.append(
            T0 + dt.timedelta(seconds=i),
            lat=47.37 + 0.0144 * math.sin(angle) + rng.gauss(0, 0.00002),
            lon=8.54 + 0.0212 * math.cos(angle) + rng.gauss(0, 0.00003),
            altitude=420 + 25 * math.sin(distance / 900) + rng.gauss(0, 0.4),
            heart_rate=135 + i // 120 + rng.randint(-2, 2),
            cadence=170 + rng.randint(-4, 4),
            speed=speed,
            distance=distance,
        )
    return samples


def _gps_activity(activity_pk: int) -> int:
    """A watch record of one hour with GPS and 12 laps of 5 minutes, joined to the activity."""
    laps = [
        ParsedLap(index=i, start_time=T0 + dt.timedelta(seconds=300 * i), distance_m=1000.0, duration_s=300.0)
        for i in range(12)
    ]
    record = fit_record(samples=_gps_samples(3600), name="bench-gps-run", laps=laps, duration_s=3600.0)
    ActivitySource.objects.filter(pk=record.pk).update(activity_id=activity_pk)
    return activity_pk


def _page_weight(client: Client, url: str) -> str:
    """The page's HTML and the scripts and styles it links, gzip-compressed as a server would send them."""
    html = client.get(url).content
    assets = re.findall(rb'(?:src|href)="/static/([^"]+\.(?:js|css))"', html)
    sizes = {"HTML": len(gzip.compress(html))}
    for name in assets:
        sizes[name.decode()] = len(gzip.compress(Path(finders.find(name.decode())).read_bytes()))
    detail = ", ".join(f"{name} {size / 1024:.1f}" for name, size in sizes.items())
    return f"{url} weighs {sum(sizes.values()) / 1024:.0f} KB gzip ({detail} KB)"


def _time(client: Client, url: str) -> tuple[float, float, float, int]:
    """Median and 95th percentile wall time, median CPU time (SQLite runs in this process, so on a
    busy machine it is the fairer figure) and the query count of 20 requests."""
    client.get(url)  # warm
    times, cpu = [], []
    for _ in range(20):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    p95 = statistics.quantiles(times, n=20)[-1]
    return statistics.median(times), p95, statistics.median(cpu), len(queries.captured_queries)


def review_bench(*, runs: int) -> list[str]:
    """Lines of figures: one per page (`url  median  p95  cpu  queries`), then the GPS page's weight."""
    with (
        tempfile.TemporaryDirectory(prefix="runbase-bench-review-") as directory,
        throwaway_database(Path(directory), DEBUG=False, ALLOWED_HOSTS=["testserver"]),
    ):
        _history(runs)
        client = Client()
        client.force_login(get_user_model().objects.create_superuser("bench", "", "bench"))
        pk = Activity.objects.order_by("pk").values_list("pk", flat=True)[runs // 2]
        gps = _gps_activity(Activity.objects.order_by("pk").values_list("pk", flat=True)[runs // 3])
        conflicts = Conflict.objects.count()
        # The generated history's objects stay alive in this process, which a server's worker never
        # holds: set them aside from the collector, or its full passes over them land in the timings.
        gc.collect()
        gc.freeze()
        lines = [f"{runs} activities, {3 * runs} source records, {conflicts} pending conflicts"]
        for url in PAGES:
            url = url.format(pk=pk, gps=gps)
            median, p95, cpu, queries = _time(client, url)
            lines.append(
                f"{url:48s} {median * 1000:7.1f} ms  p95 {p95 * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms"
                f"  {queries:3d} queries"
            )
        lines.append(_page_weight(client, f"/activities/{gps}/"))
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.review",
        description=(
            "Generate N activities (three source records each, a conflict on every tenth) in a throwaway "
            "database (one with an hour of 1 Hz GPS) and print the median and 95th percentile time and the "
            "query count of each review page and admin list, and the activity page's gzip weight. "
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

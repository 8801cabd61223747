"""Print how long the analysis takes: per activity on one generated one-hour 1 Hz run, and per page on a
generated 10-year history.

    python -m tests.benchmarks.analysis [--seconds 3600] [--repeat 20] [--seed 1]
                                        [--runs 3650] [--requests 20] [--skip-activity] [--skip-pages]

Per activity, as CPU time of this process (best of --repeat), no database: decoding the stream as
stored (the codec), the best efforts of every standard distance (target: <= 20 ms for one hour) and
Banister TRIMP over the heart-rate stream.

Per page, in a throwaway database (never the runner's) holding --runs daily runs with their best
efforts, loads, shoes, races and Runalyze days: each analysis page fetched --requests times through
Django's test client after one warm-up, DEBUG off; the median and 95th percentile of the server time
and the query count (target: p95 <= 50 ms, queries independent of the history's length).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.support import django_setup, say, throwaway_database

PAGES = ["/training/", "/records/", "/shoes/", "/shoes/{shoe}/", "/trends/", "/"]


def _best(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _stream(seconds: int, seed: int) -> bytes:
    """A run with surges, a GPS wobble and HR drifting up, encoded as the store encodes it."""
    from activities.streams import stream_encode

    rng = random.Random(seed)
    start = dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.UTC)
    distance, distances, heart_rates = 0.0, [], []
    for i in range(seconds):
        distance += max(0.0, 3.2 + 0.4 * math.sin(i / 120) + rng.uniform(-0.3, 0.3))
        distances.append(distance)
        heart_rates.append(130 + i // 90 + rng.randint(-2, 2))
    times = [start + dt.timedelta(seconds=i) for i in range(seconds)]
    columns = {"distance": distances, "heart_rate": heart_rates}
    return stream_encode(start_time=start, times=times, columns=columns).data


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def _page_times(client, url: str, requests: int) -> tuple[list[float], list[float], int]:
    """(wall seconds, CPU seconds, queries) of `requests` fetches of `url` after a warm-up. The test client
    and SQLite run in this process, so its CPU time is the server's, whatever else the machine runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    walls, cpus = [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return walls, cpus, len(queries.captured_queries)


def pages_bench(*, runs: int, requests: int) -> list[str]:
    """Lines of figures: one per analysis page, its median and p95 server time (CPU and wall) and queries."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from activities.models import BestEffort, Shoe
    from activities.training_load import home_today
    from tests.support.analysis_history import analysis_history

    with (
        tempfile.TemporaryDirectory(prefix="runbase-bench-analysis-") as directory,
        throwaway_database(Path(directory), DEBUG=False, ALLOWED_HOSTS=["testserver"]),
    ):
        analysis_history(runs=runs, end=home_today())
        client = Client()
        client.force_login(get_user_model().objects.create_superuser("bench", "", "bench"))
        shoe = Shoe.objects.order_by("pk").values_list("pk", flat=True).first()
        lines = [
            f"{runs} runs, {BestEffort.objects.count()} best efforts, {requests} requests per page",
            f"{'page':16s} {'CPU median':>10s} {'CPU p95':>8s} {'wall median':>11s} {'wall p95':>8s} queries",
        ]
        for url in (page.format(shoe=shoe) for page in PAGES):
            walls, cpus, queries = _page_times(client, url, requests)
            ms = [
                1000 * v for v in (statistics.median(cpus), _p95(cpus), statistics.median(walls), _p95(walls))
            ]
            lines.append(
                f"{url:16s} {ms[0]:7.1f} ms {ms[1]:5.1f} ms {ms[2]:8.1f} ms {ms[3]:5.1f} ms  {queries:3d}"
            )
    return lines


def activity_bench(*, seconds: int, repeat: int, seed: int) -> None:
    from activities.analysis.best_efforts import best_efforts_compute
    from activities.analysis.load import HeartRateLimits, trimp_from_stream
    from activities.streams import stream_decode

    data = _stream(seconds, seed)
    columns = stream_decode(data)
    limits = HeartRateLimits(rest=60, max=190, estimated=False)
    decode = _best(lambda: stream_decode(data), repeat)
    efforts = _best(
        lambda: best_efforts_compute(times=columns["time"], distances=columns["distance"]), repeat
    )
    trimp = _best(
        lambda: trimp_from_stream(times=columns["time"], heart_rates=columns["heart_rate"], limits=limits),
        repeat,
    )
    found = best_efforts_compute(times=columns["time"], distances=columns["distance"])
    say(f"run: {seconds} samples, {columns['distance'][-1] / 1000:.2f} km, efforts {len(found)}")
    say(f"stream decode   {decode * 1000:7.2f} ms")
    say(f"best efforts    {efforts * 1000:7.2f} ms   (target <= 20 ms for one hour)")
    say(f"TRIMP (stream)  {trimp * 1000:7.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.analysis", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seconds", type=int, default=3600, help="samples of the run (1 Hz)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3650, help="daily runs of the pages' history")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--skip-activity", action="store_true", help="only the pages")
    parser.add_argument("--skip-pages", action="store_true", help="only the per-activity figures")
    args = parser.parse_args(argv)
    django_setup()
    if not args.skip_activity:
        activity_bench(seconds=args.seconds, repeat=args.repeat, seed=args.seed)
    if not args.skip_pages:
        for line in pages_bench(runs=args.runs, requests=args.requests):
            say(line)


if __name__ == "__main__":
    main()

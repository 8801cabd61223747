"""Print how long the per-activity analysis takes on one generated one-hour 1 Hz run.

    python -m tests.benchmarks.analysis [--seconds 3600] [--repeat 20] [--seed 1]

Times, as CPU time of this process (best of --repeat): decoding the stream as stored (the codec),
the best efforts of every standard distance (target: <= 20 ms for one hour) and Banister TRIMP over
the heart-rate stream. No database is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import time
from collections.abc import Callable

from tests.benchmarks.support import django_setup, say


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.analysis", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seconds", type=int, default=3600, help="samples of the run (1 Hz)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    django_setup()
    from activities.analysis.best_efforts import best_efforts_compute
    from activities.analysis.load import HeartRateLimits, trimp_from_stream
    from activities.streams import stream_decode

    data = _stream(args.seconds, args.seed)
    columns = stream_decode(data)
    limits = HeartRateLimits(rest=60, max=190, estimated=False)
    decode = _best(lambda: stream_decode(data), args.repeat)
    efforts = _best(
        lambda: best_efforts_compute(times=columns["time"], distances=columns["distance"]), args.repeat
    )
    trimp = _best(
        lambda: trimp_from_stream(times=columns["time"], heart_rates=columns["heart_rate"], limits=limits),
        args.repeat,
    )
    found = best_efforts_compute(times=columns["time"], distances=columns["distance"])
    say(f"run: {args.seconds} samples, {columns['distance'][-1] / 1000:.2f} km, efforts {len(found)}")
    say(f"stream decode   {decode * 1000:7.2f} ms")
    say(f"best efforts    {efforts * 1000:7.2f} ms   (target <= 20 ms for one hour)")
    say(f"TRIMP (stream)  {trimp * 1000:7.2f} ms")


if __name__ == "__main__":
    main()

"""A generated running history with everything the analysis pages read: canonical runs (one a day up
to `end`), a watch record and a small stream per run, best efforts, loads, heart-rate profiles, shoes,
races and Runalyze's daily figures. Written with bulk_create, so a 10-year history takes seconds; for
tests and benchmarks.
"""

from __future__ import annotations

import datetime as dt

from activities.analysis.best_efforts import EFFORTS_M
from activities.models import (
    Activity,
    ActivityLoad,
    ActivitySource,
    AthleteDay,
    BestEffort,
    HeartRateProfile,
    Shoe,
    Stream,
)
from activities.streams import stream_encode

SHOE_LIFE_M = 800_000.0


def _stream_blob(start: dt.datetime) -> bytes:
    times = [start, start + dt.timedelta(seconds=1)]
    return stream_encode(start_time=start, times=times, columns={"distance": [0.0, 3.0]}).data


def analysis_history(*, runs: int, end: dt.date) -> list[int]:
    """`runs` daily runs ending on `end`; every seventh a 21.1 km long run, every 50th a 10 km race.
    Returns the activity ids, oldest first."""
    shoes = [
        Shoe.objects.create(name=f"Shoe {n}", retire_at_m=SHOE_LIFE_M, distance_m=1000.0 * n)
        for n in range(4)
    ]
    first = end - dt.timedelta(days=runs - 1)
    activities = []
    for i in range(runs):
        day = first + dt.timedelta(days=i)
        long_run, race = i % 7 == 6, i % 50 == 49
        distance = 21_097.5 if long_run else 10_000.0 if race else 8_000.0 + (i % 5) * 500
        pace = 240.0 if race else 330.0 - (i % 11)
        activities.append(
            Activity(
                date=day,
                start_time=dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC),
                sport="running",
                distance_m=distance,
                duration_s=distance / 1000 * pace,
                avg_pace_s_per_km=pace,
                avg_hr=172.0 if race else 138.0 + i % 15,
                max_hr=185.0,
                total_ascent_m=40.0 + i % 30,
                workout_type="race" if race else "long" if long_run else "easy",
                workout_name="City 10K" if race else f"Run {i}",
                shoe=shoes[(i // 200) % len(shoes)],
            )
        )
    Activity.objects.bulk_create(activities, batch_size=500)
    ids = list(Activity.objects.filter(date__gte=first).order_by("date", "pk").values_list("pk", flat=True))
    ActivitySource.objects.bulk_create(
        (
            ActivitySource(activity_id=pk, source="fit_file", source_id=f"hist-{pk}", sport="running")
            for pk in ids
        ),
        batch_size=500,
    )
    records = dict(ActivitySource.objects.filter(activity_id__in=ids).values_list("activity_id", "pk"))
    blob = _stream_blob(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    Stream.objects.bulk_create(
        (
            Stream(record_id=records[pk], sample_count=2, start_time=a.start_time, data=blob)
            for pk, a in zip(ids, activities, strict=True)
        ),
        batch_size=500,
    )
    streams = dict(
        Stream.objects.filter(record__activity_id__in=ids).values_list("record__activity_id", "pk")
    )
    efforts = []
    for pk, a in zip(ids, activities, strict=True):
        pace = a.avg_pace_s_per_km - 20
        for metres in EFFORTS_M.values():
            if metres <= a.distance_m:
                efforts.append(
                    BestEffort(
                        activity_id=pk,
                        stream_id=streams[pk],
                        effort_m=metres,
                        time_s=metres / 1000 * pace,
                        start_offset_s=0.0,
                    )
                )
    BestEffort.objects.bulk_create(efforts, batch_size=1000)
    ActivityLoad.objects.bulk_create(
        (
            ActivityLoad(
                activity_id=pk, load=a.duration_s / 60 * 1.2, method="trimp_stream", hr_rest=50, hr_max=190
            )
            for pk, a in zip(ids, activities, strict=True)
        ),
        batch_size=500,
    )
    HeartRateProfile.objects.bulk_create(
        (
            HeartRateProfile(
                activity_id=pk,
                zone_s=[300.0, a.duration_s * 0.6, a.duration_s * 0.25, 120.0 + i % 7 * 60, 0.0],
                decoupling_pct=2.0 + i % 9 * 0.7 if a.workout_type == "long" else None,
            )
            for i, (pk, a) in enumerate(zip(ids, activities, strict=True))
        ),
        batch_size=500,
    )
    AthleteDay.objects.bulk_create(
        (
            AthleteDay(
                date=first + dt.timedelta(days=i),
                runalyze_fitness=50.0 + i % 10,
                runalyze_fatigue=55.0 + i % 12,
                runalyze_form=-5.0,
                runalyze_vo2max=52.0,
            )
            for i in range(runs)
        ),
        batch_size=500,
    )
    return ids

"""Source records for reconcile tests, placed as their route would place them and stored through the
real record store."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from activities.models import ActivitySource
from ingest.placement import record_place
from ingest.records import ParsedActivity, ParsedLap, Samples
from ingest.store import record_store

MILE = 1609.344
PACIFIC = -7 * 3600


def stored(**values) -> ActivitySource:
    values.setdefault("sport", "running")
    route = values.pop("route", "files")
    shoe = values.pop("shoe", None)
    parsed = record_place(ParsedActivity(**values), home_tz=settings.RUNBASE_HOME_TZ)
    return record_store(parsed=parsed, route=route, shoe=shoe).record


def fit(source_id: str, start: dt.datetime, distance_m: float, **values) -> ActivitySource:
    """A watch recording: UTC start, the run's own offset, distance, timer time, HR, cadence."""
    values.setdefault("utc_offset_s", PACIFIC)
    values.setdefault("duration_s", distance_m * 0.3)  # 5:00 / km
    values.setdefault("avg_hr", 148.0)
    values.setdefault("max_hr", 171.0)
    values.setdefault("avg_cadence_spm", 176.0)
    values.setdefault("total_ascent_m", 42.0)
    values.setdefault("calories", distance_m * 0.065)
    return stored(source="fit_file", source_id=source_id, start_time=start, distance_m=distance_m, **values)


def strava(source_id: str, start: dt.datetime, distance_m: float, **values) -> ActivitySource:
    values.setdefault("utc_offset_s", PACIFIC)
    values.setdefault("duration_s", distance_m * 0.3 + 2)
    values.setdefault("avg_hr", 147.6)
    values.setdefault("workout_name", "Morning Run")
    return stored(
        source="strava",
        source_id=source_id,
        start_time=start,
        distance_m=distance_m,
        route="strava_api",
        **values,
    )


def xlsx(day: dt.date, miles: float, row: int = 2, **values) -> ActivitySource:
    """A training-log row: a local date, miles, intensity, shoe, notes; no time of day."""
    values.setdefault("intensity_score", 3.0)
    return stored(
        source="master_xlsx",
        source_id=f"Log!{day.isoformat()}#{row}",
        local_date=day,
        distance_m=miles * MILE,
        route="xlsx",
        **values,
    )


def laps(*specs: tuple[float, float], start: dt.datetime, hr: float = 150.0) -> list[ParsedLap]:
    """Laps from (distance m, duration s) pairs, back to back from `start`."""
    out, at = [], start
    for index, (distance, duration) in enumerate(specs):
        out.append(
            ParsedLap(
                index=index,
                start_time=at,
                duration_s=duration,
                elapsed_s=duration,
                distance_m=distance,
                avg_hr=hr,
                avg_cadence_spm=170.0,
                avg_speed_mps=distance / duration,
            )
        )
        at += dt.timedelta(seconds=duration)
    return out


def samples_for(laps_spec: list[tuple[float, float]], start: dt.datetime) -> Samples:
    """1 Hz samples at constant speed within each (distance, duration) segment."""
    samples, distance, second = Samples(), 0.0, 0
    for seg_distance, seg_duration in laps_spec:
        speed = seg_distance / seg_duration
        for _ in range(int(seg_duration)):
            samples.append(
                start + dt.timedelta(seconds=second), distance=distance, heart_rate=150, cadence=172.0
            )
            distance += speed
            second += 1
    samples.append(start + dt.timedelta(seconds=second), distance=distance, heart_rate=150, cadence=172.0)
    return samples

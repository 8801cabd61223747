"""Canonical runs placed relative to today, for the pages that count "the last 7 days" and "this month"."""

from __future__ import annotations

import datetime as dt

from activities.models import Activity


def run_on(
    day: dt.date, km: float, *, minutes: float | None = None, sport: str = "running", **extra
) -> Activity:
    """One activity on `day` at 07:00 UTC; a 5:00/km pace unless `minutes` says otherwise."""
    seconds = (minutes if minutes is not None else km * 5) * 60
    return Activity.objects.create(
        date=day,
        start_time=dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC),
        utc_offset_s=0,
        sport=sport,
        distance_m=km * 1000,
        duration_s=seconds,
        avg_pace_s_per_km=seconds / km,
        **extra,
    )


def runs_before(today: dt.date, days: list[int], *, km: float = 8.0) -> list[Activity]:
    """A run `n` days before `today` for each `n`, named after it ("Run 10 days ago")."""
    return [run_on(today - dt.timedelta(days=n), km + n / 10, workout_name=f"Run {n} days ago") for n in days]

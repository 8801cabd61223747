"""Training volume per week, month and year, from canonical activities by their local date.

A week starts on `week_start` (0 = Monday: ISO weeks). Every period reports distance, moving time,
elevation gain, the number of activities and the longest one, and the same period a year before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.models import Activity

PERIODS = ("weekly", "monthly", "yearly")
ALL_SPORTS = "all"


@dataclass(slots=True)
class PeriodVolume:
    period_start: dt.date
    sport: str
    distance_m: float = 0.0
    moving_time_s: float = 0.0
    elevation_gain_m: float = 0.0
    runs: int = 0
    longest_m: float = 0.0
    longest_activity_id: int | None = None
    last_year: PeriodVolume | None = field(default=None, repr=False)


def period_start(day: dt.date, *, period: str, week_start: int = 0) -> dt.date:
    """The first day of the week, month or year that holds `day`."""
    if period == "weekly":
        return day - dt.timedelta(days=(day.weekday() - week_start) % 7)
    if period == "monthly":
        return day.replace(day=1)
    if period == "yearly":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")


def _year_before(start: dt.date, period: str, week_start: int) -> dt.date:
    if period == "weekly":  # the week holding the same day a year before
        return period_start(start - dt.timedelta(days=364), period=period, week_start=week_start)
    return start.replace(year=start.year - 1)


def sport_activities(*, sport: str | None, since: dt.date | None = None, cfg: AnalysisConfig | None = None):
    """Canonical activities of a sport (`all` for every sport), on or after `since`."""
    sport = sport or (cfg or analysis_config()).sport
    activities = Activity.objects.order_by("date", "pk")
    if sport != ALL_SPORTS:
        activities = activities.filter(sport=sport)
    return activities.filter(date__gte=since) if since is not None else activities


def volume_by_period(
    *, period: str, sport: str | None = None, since: dt.date | None = None, cfg: AnalysisConfig | None = None
) -> list[PeriodVolume]:
    """Totals per period, oldest first; only periods with activities. `last_year` holds the same period
    a year before (zeros when there was nothing)."""
    cfg = cfg or analysis_config()
    sport = sport or cfg.sport
    totals: dict[dt.date, PeriodVolume] = {}
    rows = sport_activities(sport=sport, cfg=cfg).values_list(
        "pk", "date", "distance_m", "duration_s", "total_ascent_m"
    )
    for pk, day, distance, moving, ascent in rows:
        start = period_start(day, period=period, week_start=cfg.week_start)
        volume = totals.setdefault(start, PeriodVolume(start, sport))
        volume.distance_m += distance or 0.0
        volume.moving_time_s += moving or 0.0
        volume.elevation_gain_m += ascent or 0.0
        volume.runs += 1
        if (distance or 0.0) > volume.longest_m:
            volume.longest_m, volume.longest_activity_id = distance, pk
    out = []
    for start in sorted(totals):
        if since is not None and start < period_start(since, period=period, week_start=cfg.week_start):
            continue
        before = _year_before(start, period, cfg.week_start)
        volume = totals[start]
        volume.last_year = replace(totals.get(before, PeriodVolume(before, sport)), last_year=None)
        out.append(volume)
    return out


def daily_distance(
    *, year: int, sport: str | None = None, cfg: AnalysisConfig | None = None
) -> dict[dt.date, float]:
    """Distance per local date of one year, every day present (0 on rest days): a heat-map's cells."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = {first + dt.timedelta(days=i): 0.0 for i in range((last - first).days + 1)}
    rows = sport_activities(sport=sport, since=first, cfg=cfg).filter(date__lte=last)
    for day, distance in rows.values_list("date", "distance_m"):
        days[day] += distance or 0.0
    return days

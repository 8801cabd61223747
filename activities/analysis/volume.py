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


def _volume_rows(*, sport: str, cfg: AnalysisConfig):
    return sport_activities(sport=sport, cfg=cfg).values_list(
        "pk", "date", "distance_m", "duration_s", "total_ascent_m"
    )


def _totals(rows, *, period: str, sport: str, week_start: int) -> dict[dt.date, PeriodVolume]:
    totals: dict[dt.date, PeriodVolume] = {}
    for pk, day, distance, moving, ascent in rows:
        start = period_start(day, period=period, week_start=week_start)
        volume = totals.get(start)
        if volume is None:  # not setdefault: that would build a PeriodVolume for every row
            volume = totals[start] = PeriodVolume(start, sport)
        volume.distance_m += distance or 0.0
        volume.moving_time_s += moving or 0.0
        volume.elevation_gain_m += ascent or 0.0
        volume.runs += 1
        if (distance or 0.0) > volume.longest_m:
            volume.longest_m, volume.longest_activity_id = distance, pk
    return totals


def _period(
    totals: dict[dt.date, PeriodVolume], start: dt.date, period: str, cfg: AnalysisConfig, sport: str
):
    """The period starting on `start` (zeros when empty) with the same period a year before."""
    before = _year_before(start, period, cfg.week_start)
    volume = replace(totals.get(start, PeriodVolume(start, sport)), last_year=None)
    volume.last_year = replace(totals.get(before, PeriodVolume(before, sport)), last_year=None)
    return volume


def volume_by_period(
    *, period: str, sport: str | None = None, since: dt.date | None = None, cfg: AnalysisConfig | None = None
) -> list[PeriodVolume]:
    """Totals per period, oldest first; only periods with activities. `last_year` holds the same period
    a year before (zeros when there was nothing)."""
    cfg = cfg or analysis_config()
    sport = sport or cfg.sport
    rows = _volume_rows(sport=sport, cfg=cfg)
    if period == "yearly":  # summed from the months, as the pages' calendar does
        totals = _years_of(_totals(rows, period="monthly", sport=sport, week_start=cfg.week_start), sport)
    else:
        totals = _totals(rows, period=period, sport=sport, week_start=cfg.week_start)
    first = period_start(since, period=period, week_start=cfg.week_start) if since is not None else None
    return [
        _period(totals, start, period, cfg, sport) for start in sorted(totals) if not first or start >= first
    ]


def _next_start(start: dt.date, period: str) -> dt.date:
    if period == "weekly":
        return start + dt.timedelta(days=7)
    if period == "monthly":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start.replace(year=start.year + 1)


def period_starts(*, first: dt.date, last: dt.date, period: str, week_start: int = 0) -> list[dt.date]:
    """The first day of every period from the one holding `first` to the one holding `last`."""
    start = period_start(first, period=period, week_start=week_start)
    starts = []
    while start <= last:
        starts.append(start)
        start = _next_start(start, period)
    return starts


@dataclass(slots=True)
class VolumeCalendar:
    """Every period of a page's charts, empty ones included (as zeros), each with its year before."""

    weekly: list[PeriodVolume]  # the last `weeks` weeks up to `until`
    monthly: list[PeriodVolume]  # every month from the first activity's to `until`'s
    yearly: list[PeriodVolume]  # every year from the first activity's to `until`'s


def _years_of(months: dict[dt.date, PeriodVolume], sport: str) -> dict[dt.date, PeriodVolume]:
    """Yearly totals summed from monthly ones (the longest run of a year is its longest month's)."""
    years: dict[dt.date, PeriodVolume] = {}
    for start in sorted(months):
        month = months[start]
        year = years.setdefault(start.replace(month=1), PeriodVolume(start.replace(month=1), sport))
        year.distance_m += month.distance_m
        year.moving_time_s += month.moving_time_s
        year.elevation_gain_m += month.elevation_gain_m
        year.runs += month.runs
        if month.longest_m > year.longest_m:
            year.longest_m, year.longest_activity_id = month.longest_m, month.longest_activity_id
    return years


def volume_calendar(
    *, until: dt.date, weeks: int = 52, sport: str | None = None, cfg: AnalysisConfig | None = None
) -> VolumeCalendar:
    """The weekly, monthly and yearly totals of `volume_by_period`, from one read of the activities,
    with the periods that had no activity filled in."""
    cfg = cfg or analysis_config()
    sport = sport or cfg.sport
    rows = list(_volume_rows(sport=sport, cfg=cfg))
    first_day = min(rows[0][1], until) if rows else until
    first_week = until - dt.timedelta(weeks=weeks - 1)
    recent = [row for row in rows if row[1] >= first_week - dt.timedelta(days=371)]  # and a year before
    months = _totals(rows, period="monthly", sport=sport, week_start=cfg.week_start)
    totals = {
        "weekly": _totals(recent, period="weekly", sport=sport, week_start=cfg.week_start),
        "monthly": months,
        "yearly": _years_of(months, sport),
    }
    out = {}
    for period, first in (("weekly", first_week), ("monthly", first_day), ("yearly", first_day)):
        starts = period_starts(first=first, last=until, period=period, week_start=cfg.week_start)
        out[period] = [_period(totals[period], start, period, cfg, sport) for start in starts]
    return VolumeCalendar(out["weekly"], out["monthly"], out["yearly"])


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

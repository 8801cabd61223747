"""The month calendar: the weeks that cover a month, each day's activities and each week's running
total, from one query."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Min

from activities.analysis.config import analysis_config
from activities.models import Activity
from review.selectors import Totals, running_sports, week_start_of


@dataclass(slots=True)
class CalendarDay:
    date: dt.date
    in_month: bool
    today: bool
    activities: list[Activity] = field(default_factory=list)


@dataclass(slots=True)
class CalendarWeek:
    days: list[CalendarDay]
    running: Totals


@dataclass(slots=True)
class CalendarMonth:
    first: dt.date
    weeks: list[CalendarWeek]
    weekdays: list[str]
    previous: dt.date
    next: dt.date
    running: Totals


def month_parse(text: str, *, today: dt.date) -> dt.date:
    """`2025-10` → 1 Oct 2025; anything else → this month."""
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def calendar_month(*, month: dt.date, today: dt.date) -> CalendarMonth:
    """The weeks that cover `month`, each day's activities and each week's running totals: one query."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_first = week_start_of(first)
    grid_last = week_start_of(last) + dt.timedelta(days=6)
    by_day: dict[dt.date, list[Activity]] = {}
    rows = (
        Activity.objects.filter(date__gte=grid_first, date__lte=grid_last)
        .only("pk", "date", "start_time", "sport", "distance_m", "duration_s", "workout_name", "workout_type")
        .order_by("date", "start_time", "pk")
    )
    for activity in rows:
        by_day.setdefault(activity.date, []).append(activity)
    running = set(running_sports())
    weeks, month_total = [], Totals()
    day = grid_first
    while day <= grid_last:
        days = [
            CalendarDay(d, d.month == first.month, d == today, by_day.get(d, []))
            for d in (day + dt.timedelta(days=i) for i in range(7))
        ]
        total = Totals()
        for cell in days:
            for activity in cell.activities:
                if activity.sport in running:
                    _add(total, activity)
                    if cell.in_month:
                        _add(month_total, activity)
        weeks.append(CalendarWeek(days, total))
        day += dt.timedelta(days=7)
    weekdays = [calendar.day_abbr[(analysis_config().week_start + i) % 7] for i in range(7)]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return CalendarMonth(first, weeks, weekdays, previous, last + dt.timedelta(days=1), month_total)


def _add(total: Totals, activity: Activity) -> None:
    total.runs += 1
    total.distance_m += activity.distance_m or 0.0
    total.duration_s += activity.duration_s or 0.0


def runs_around(month: CalendarMonth) -> tuple[dt.date | None, dt.date | None]:
    """For a month without a run, the first day of the nearest month before it and after it that has
    one (None where there is none), so an empty month points at the runs; (None, None) when it has runs."""
    if month.running.runs:
        return None, None
    running = Activity.objects.filter(sport__in=running_sports())
    before = running.filter(date__lt=month.first).aggregate(day=Max("date"))["day"]
    after = running.filter(date__gte=month.next).aggregate(day=Min("date"))["day"]
    return (before.replace(day=1) if before else None, after.replace(day=1) if after else None)

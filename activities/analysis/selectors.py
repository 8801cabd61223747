"""What each analysis page shows, composed from the same services the export reads (volume, load,
records, VDOT, shoes), in a number of queries that does not grow with the history.

Figures stay in SI units here; the pages format them in the runner's units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from activities.analysis.best_efforts import EFFORTS_M, Record, records_of_all_years, yearly_records
from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.heart_rate import zone_bounds
from activities.analysis.load import LoadDay, daily_load, heart_rate_limits, load_series
from activities.analysis.shoes import ShoeMileage, shoe_mileage
from activities.analysis.trends import AerobicTrends, aerobic_trends
from activities.analysis.vdot import VdotSummary, race_distance, vdot_from, vdot_summary
from activities.analysis.volume import (
    ALL_SPORTS,
    PeriodVolume,
    VolumeCalendar,
    daily_distance,
    period_start,
    period_starts,
    volume_calendar,
)
from activities.models import Activity, ActivityLoad, AthleteDay, HeartRateProfile, Shoe

LOAD_DAYS = 365  # the load charts show the last year; the averages still run over the whole history


@dataclass(frozen=True, slots=True)
class RunalyzeDay:
    date: dt.date
    fitness: float | None
    fatigue: float | None
    form: float | None


@dataclass(frozen=True, slots=True)
class LoadMethod:
    method: str
    label: str
    activities: int
    load: float


@dataclass(frozen=True, slots=True)
class RecentLoad:
    activity_id: int
    date: dt.date
    name: str
    load: float
    method: str
    hr_rest: float | None
    hr_max: float | None
    hr_max_estimated: bool


@dataclass(slots=True)
class TrainingSummary:
    today: dt.date
    week_start: int
    volume: VolumeCalendar
    heat_year: int
    heat_years: list[int]
    heat_days: list[tuple[dt.date, float]]
    load: list[LoadDay]  # the last LOAD_DAYS days up to today
    runalyze: list[RunalyzeDay | None]  # aligned with `load`; None where Runalyze has nothing
    methods: list[LoadMethod]
    recent_loads: list[RecentLoad]

    @property
    def runalyze_today(self) -> RunalyzeDay | None:
        """Runalyze's latest figures of the charted days."""
        return next((r for r in reversed(self.runalyze) if r is not None), None)

    @property
    def month_grid(self) -> list[MonthRow]:
        return months_by_year(self.volume.monthly)


@dataclass(frozen=True, slots=True)
class MonthRow:
    year: int
    months: list[PeriodVolume | None]  # January … December; None before the history or after today
    total: PeriodVolume


def months_by_year(monthly: list[PeriodVolume]) -> list[MonthRow]:
    """Monthly totals as a table of years (newest first) by months, each year with its sum."""
    years: dict[int, list[PeriodVolume | None]] = {}
    for month in monthly:
        years.setdefault(month.period_start.year, [None] * 12)[month.period_start.month - 1] = month
    rows = []
    for year in sorted(years, reverse=True):
        months = years[year]
        total = PeriodVolume(dt.date(year, 1, 1), monthly[0].sport)
        for m in filter(None, months):
            total.distance_m += m.distance_m
            total.moving_time_s += m.moving_time_s
            total.elevation_gain_m += m.elevation_gain_m
            total.runs += m.runs
        rows.append(MonthRow(year, months, total))
    return rows


def _runalyze_days(first: dt.date) -> dict[dt.date, RunalyzeDay]:
    rows = AthleteDay.objects.filter(date__gte=first, runalyze_fitness__isnull=False).values_list(
        "date", "runalyze_fitness", "runalyze_fatigue", "runalyze_form"
    )
    return {row[0]: RunalyzeDay(*row) for row in rows}


def load_methods(*, since: dt.date) -> list[LoadMethod]:
    """How many activities since a day got their load by each method, and the load they add up to."""
    labels = dict(ActivityLoad.Method.choices)
    rows = (
        ActivityLoad.objects.filter(activity__date__gte=since)
        .values_list("method")
        .annotate(n=Count("pk"), total=Sum("load"))
        .order_by("method")
    )
    return [LoadMethod(method, labels.get(method, method), n, total or 0.0) for method, n, total in rows]


def recent_loads(*, count: int = 10) -> list[RecentLoad]:
    """The latest activities' loads with the method and heart-rate limits each was computed with."""
    rows = ActivityLoad.objects.order_by("-activity__date", "-activity_id").values_list(
        "activity_id",
        "activity__date",
        "activity__workout_name",
        "load",
        "method",
        "hr_rest",
        "hr_max",
        "hr_max_estimated",
    )[:count]
    return [RecentLoad(*row) for row in rows]


def training_summary(
    *, today: dt.date, year: int | None = None, cfg: AnalysisConfig | None = None
) -> TrainingSummary:
    """The training page: volume per week/month/year, a year's daily distance, the load of the last
    year with Runalyze's own figures beside it, and how each load was computed."""
    cfg = cfg or analysis_config()
    volume = volume_calendar(until=today, weeks=52, cfg=cfg)
    years = [v.period_start.year for v in volume.yearly] or [today.year]
    heat_year = year if year in years else years[-1]
    first = today - dt.timedelta(days=LOAD_DAYS - 1)
    series = load_series(daily=daily_load(sport=cfg.sport), until=today, since=first)
    runalyze = _runalyze_days(series[0].date) if series else {}
    return TrainingSummary(
        today=today,
        week_start=cfg.week_start,
        volume=volume,
        heat_year=heat_year,
        heat_years=years,
        heat_days=sorted(daily_distance(year=heat_year, cfg=cfg).items()),
        load=series,
        runalyze=[runalyze.get(day.date) for day in series],
        methods=load_methods(since=first),
        recent_loads=recent_loads(),
    )


@dataclass(frozen=True, slots=True)
class RaceResult:
    activity_id: int
    date: dt.date
    name: str
    distance_m: float  # as measured
    official_m: float  # the standard distance it counts as (the measured one when none is near)
    time_s: float
    vdot: float | None  # None under 1,500 m, where Daniels' formula does not apply


@dataclass(frozen=True, slots=True)
class YearBests:
    year: int
    cells: list[tuple[Record | None, bool]]  # per effort of EFFORTS_M: the year's best, and whether it
    # beat every earlier year's (a new all-time record when it was run)


def records_by_year(years: dict[int, list[Record]]) -> list[YearBests]:
    """Each year's bests as a row of the standard efforts (newest year first), marking the progression
    of each record: a year whose best beat all the years before it."""
    best_so_far: dict[float, float] = {}
    rows = []
    for year in sorted(years):
        by_effort = {r.effort_m: r for r in years[year]}
        cells = []
        for metres in EFFORTS_M.values():
            record = by_effort.get(metres)
            improved = record is not None and record.time_s < best_so_far.get(metres, float("inf"))
            if improved:
                best_so_far[metres] = record.time_s
            cells.append((record, improved))
        rows.append(YearBests(year, cells))
    return rows[::-1]


@dataclass(slots=True)
class RecordsSummary:
    all_time: list[Record]
    by_year: list[YearBests]
    races: list[RaceResult]
    vdot: VdotSummary
    vdot_window_days: int
    runalyze_vo2max: tuple[dt.date, float] | None
    efforts: list[str]


def race_results(*, cfg: AnalysisConfig | None = None) -> list[RaceResult]:
    """Every race (workout type `race`) of the sport, newest first, at its official distance."""
    cfg = cfg or analysis_config()
    rows = (
        Activity.objects.filter(sport=cfg.sport, workout_type="race", distance_m__gt=0, duration_s__gt=0)
        .order_by("-date", "-pk")
        .values_list("pk", "date", "workout_name", "distance_m", "duration_s")
    )
    results = []
    for pk, date, name, distance, time_s in rows:
        official = race_distance(distance, snap_pct=cfg.race_snap_pct)
        vdot = vdot_from(distance_m=official, time_s=time_s) if official >= 1500 else None
        results.append(RaceResult(pk, date, name, distance, official, time_s, vdot))
    return results


def runalyze_vo2max() -> tuple[dt.date, float] | None:
    """Runalyze's latest effective VO2max (its VDOT-like figure), with its date."""
    row = (
        AthleteDay.objects.filter(runalyze_vo2max__isnull=False)
        .order_by("-date")
        .values_list("date", "runalyze_vo2max")
        .first()
    )
    return tuple(row) if row else None


def records_summary(*, today: dt.date, cfg: AnalysisConfig | None = None) -> RecordsSummary:
    """The records page: all-time and yearly bests, races, and VDOT with what it predicts."""
    cfg = cfg or analysis_config()
    years = yearly_records(cfg=cfg)
    return RecordsSummary(
        all_time=records_of_all_years(years),  # what personal_records (the export's) gives
        by_year=records_by_year(years),
        races=race_results(cfg=cfg),
        vdot=vdot_summary(today=today, cfg=cfg),
        vdot_window_days=cfg.vdot_window_days,
        runalyze_vo2max=runalyze_vo2max(),
        efforts=list(EFFORTS_M),
    )


@dataclass(slots=True)
class ShoeDetail:
    shoe: Shoe
    mileage: ShoeMileage
    runs: QuerySet[Activity]  # newest first, unevaluated: the page shows it a page at a time


def shoe_detail(*, shoe_id: int, cfg: AnalysisConfig | None = None) -> ShoeDetail | None:
    """One shoe's mileage (as on the shoes page) and every activity run in it, newest first."""
    shoe = Shoe.objects.filter(pk=shoe_id).first()
    if shoe is None:
        return None
    mileage = next(m for m in shoe_mileage(cfg=cfg) if m.shoe_id == shoe_id)
    return ShoeDetail(shoe, mileage, shoe.activities.order_by("-date", "-start_time", "-pk"))


@dataclass(slots=True)
class ShoesSummary:
    shoes: list[ShoeMileage]
    near_end_pct: float
    default_threshold_m: float


def shoes_summary(*, cfg: AnalysisConfig | None = None) -> ShoesSummary:
    """The shoes page: every shoe's mileage (the export's rows) and the thresholds they are judged by."""
    cfg = cfg or analysis_config()
    return ShoesSummary(shoe_mileage(cfg=cfg), cfg.shoe_near_end_pct, cfg.shoe_threshold_m)


@dataclass(frozen=True, slots=True)
class ZoneWeek:
    week_start: dt.date
    zone_s: list[float]  # seconds per zone, zone 1 first


@dataclass(frozen=True, slots=True)
class LongRun:
    activity_id: int
    date: dt.date
    name: str
    distance_m: float | None
    duration_s: float
    decoupling_pct: float


@dataclass(slots=True)
class TrendsSummary:
    aerobic: AerobicTrends
    zone_bounds: list[float] | None  # bpm where zones 2, 3, … start; None without an HRmax
    zone_weeks: list[ZoneWeek]  # the last ZONE_WEEKS weeks, empty ones included
    long_runs: list[LongRun]  # the long runs of the last LONG_RUN_DAYS days, oldest first
    long_run_s: float


ZONE_WEEKS = 26
LONG_RUN_DAYS = 730


def _profiles(cfg: AnalysisConfig):
    profiles = HeartRateProfile.objects.all()
    return profiles if cfg.sport == ALL_SPORTS else profiles.filter(activity__sport=cfg.sport)


def zone_weeks(
    *, today: dt.date, zones: int, cfg: AnalysisConfig, first: dt.date | None = None
) -> list[ZoneWeek]:
    """Time in each heart-rate zone per week (weeks start on `week_start`) from `first` (default: the
    last ZONE_WEEKS weeks) to today, empty weeks included, from the stored profiles."""
    first = first or today - dt.timedelta(weeks=ZONE_WEEKS - 1)
    starts = period_starts(first=first, last=today, period="weekly", week_start=cfg.week_start)
    weeks = {start: [0.0] * zones for start in starts}
    rows = _profiles(cfg).filter(activity__date__gte=starts[0]).values_list("activity__date", "zone_s")
    for day, zone_s in rows:
        week = weeks.get(period_start(day, period="weekly", week_start=cfg.week_start))
        if week is not None and len(zone_s) == zones:  # a profile of other zones waits for its refresh
            for i, seconds in enumerate(zone_s):
                week[i] += seconds
    return [ZoneWeek(start, weeks[start]) for start in starts]


def first_profile_date(*, cfg: AnalysisConfig) -> dt.date | None:
    """The date of the first activity with a heart-rate profile (where a zones export starts)."""
    return _profiles(cfg).order_by("activity__date").values_list("activity__date", flat=True).first()


def long_runs(*, today: dt.date, cfg: AnalysisConfig, since: dt.date | None = None) -> list[LongRun]:
    """Runs of at least `long_run_s` with a decoupling figure from `since` (default: the last
    LONG_RUN_DAYS days), oldest first."""
    since = since or today - dt.timedelta(days=LONG_RUN_DAYS - 1)
    rows = (
        _profiles(cfg)
        .filter(
            activity__date__gte=since,
            activity__duration_s__gte=cfg.long_run_s,
            decoupling_pct__isnull=False,
        )
        .order_by("activity__date", "activity_id")
        .values_list(
            "activity_id",
            "activity__date",
            "activity__workout_name",
            "activity__distance_m",
            "activity__duration_s",
            "decoupling_pct",
        )
    )
    return [LongRun(*row) for row in rows]


def trends_summary(*, today: dt.date, cfg: AnalysisConfig | None = None) -> TrendsSummary:
    """The trends page: efficiency of easy runs and pace at a heart-rate band month by month, time in
    heart-rate zones per week, and the aerobic decoupling of long runs."""
    cfg = cfg or analysis_config()
    limits = heart_rate_limits(cfg=cfg)
    bounds = zone_bounds(cfg=cfg, limits=limits)
    return TrendsSummary(
        aerobic=aerobic_trends(cfg=cfg, limits=limits),
        zone_bounds=bounds,
        zone_weeks=zone_weeks(today=today, zones=len(bounds) + 1, cfg=cfg) if bounds else [],
        long_runs=long_runs(today=today, cfg=cfg),
        long_run_s=cfg.long_run_s,
    )


def shoes_near_end(*, cfg: AnalysisConfig | None = None) -> list[ShoeMileage]:
    """Shoes still in use that are past `shoe_near_end_pct` of their retirement distance."""
    return [s for s in shoe_mileage(cfg=cfg) if s.near_end and not s.retired]

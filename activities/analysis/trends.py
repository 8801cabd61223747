"""Aerobic trends from each run's averages, month by month: the efficiency of easy runs and the pace
at a fixed heart-rate band. Both get better (up, faster) as aerobic fitness grows.

    efficiency = average speed (m/min) / average heart rate (beats/min) = metres per heartbeat

A run is easy when it is not a race or a workout and its average heart rate is at most
`easy_hr_max_pct` % of HRmax (the setting, else the estimate of `load.heart_rate_limits`). Each month
shows the median over its runs, so one odd run (a hot day, a hilly trail) moves it little.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.load import HeartRateLimits, heart_rate_limits
from activities.analysis.volume import sport_activities

HARD_TYPES = frozenset({"race", "workout", "intervals", "interval", "tempo", "threshold"})


@dataclass(frozen=True, slots=True)
class TrendMonth:
    month: dt.date  # its first day
    value: float  # the median of the month's runs
    runs: int


def efficiency(*, distance_m: float, duration_s: float, avg_hr: float) -> float:
    """Metres per heartbeat: speed in m/min over heart rate in beats/min (10 km in 50:00 at 150 = 1.33)."""
    return distance_m / (duration_s / 60.0) / avg_hr


def monthly_medians(values: Iterable[tuple[dt.date, float]]) -> list[TrendMonth]:
    """Pure: the median value of each month that has one, oldest first."""
    months: dict[dt.date, list[float]] = defaultdict(list)
    for day, value in values:
        months[day.replace(day=1)].append(value)
    return [TrendMonth(m, statistics.median(v), len(v)) for m, v in sorted(months.items())]


def _runs_with_hr(cfg: AnalysisConfig):
    return (
        sport_activities(sport=cfg.sport, cfg=cfg)
        .filter(avg_hr__gt=0, distance_m__gt=0, duration_s__gt=0)
        .values_list("date", "distance_m", "duration_s", "avg_hr", "workout_type")
    )


@dataclass(slots=True)
class AerobicTrends:
    easy_hr_max: float | None  # bpm: the ceiling of an easy run (None without an HRmax: every run)
    hr_max_estimated: bool
    hr_band: tuple[float, float]
    efficiency: list[TrendMonth]  # metres per heartbeat of easy runs
    pace_at_hr: list[TrendMonth]  # seconds per km of runs whose average HR is in `hr_band`


def aerobic_trends(
    *, cfg: AnalysisConfig | None = None, limits: HeartRateLimits | None = None
) -> AerobicTrends:
    """Both monthly trends from one read of the runs that have a heart rate (`limits` default to
    `heart_rate_limits()`)."""
    cfg = cfg or analysis_config()
    limits = limits or heart_rate_limits(cfg=cfg)
    ceiling = limits.max * cfg.easy_hr_max_pct / 100 if limits else None
    low, high = cfg.trend_hr_band
    easy, banded = [], []
    for day, distance, duration, hr, workout_type in _runs_with_hr(cfg):
        if (workout_type or "").lower() not in HARD_TYPES and (ceiling is None or hr <= ceiling):
            easy.append((day, efficiency(distance_m=distance, duration_s=duration, avg_hr=hr)))
        if low <= hr <= high:
            banded.append((day, duration / (distance / 1000)))
    return AerobicTrends(
        easy_hr_max=ceiling,
        hr_max_estimated=bool(limits and limits.estimated),
        hr_band=(low, high),
        efficiency=monthly_medians(easy),
        pace_at_hr=monthly_medians(banded),
    )

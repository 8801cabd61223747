"""VDOT (Daniels and Gilbert, 1979), the race times it predicts and Daniels' training paces.

    v        = distance / time, in metres per minute
    VO2      = -4.60 + 0.182258 v + 0.000104 v²                       (oxygen cost of running at v)
    %VO2max  = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)   (t in minutes)
    VDOT     = VO2 / %VO2max

The equivalent time of a distance for a VDOT solves that formula for t (bisection: VDOT falls as t
grows). Training paces are the speeds whose oxygen cost is a share of VDOT (`PACE_ZONES`), except the
marathon pace, which is the pace of the equivalent marathon.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.models import Activity, BestEffort
from ingest.units import HALF_MARATHON_M, MARATHON_M, MILE_M

# Distances a race result is read as (within `race_snap_pct`), and those the equivalents are given for.
STANDARD_DISTANCES_M = {
    "1500 m": 1500.0,
    "1 mile": MILE_M,
    "3 km": 3000.0,
    "5 km": 5000.0,
    "10 km": 10000.0,
    "15 km": 15000.0,
    "10 miles": 10 * MILE_M,
    "half marathon": HALF_MARATHON_M,
    "marathon": MARATHON_M,
}
EQUIVALENT_DISTANCES_M = STANDARD_DISTANCES_M
MIN_EFFORT_M = 1500.0  # Daniels' tables start at 1,500 m: shorter efforts are not VDOT-like

# Daniels' Running Formula: the share of VO2max (VDOT) each kind of training runs at.
# E (easy, long runs) 59–74 %; T (threshold) 88 % (the top of his 83–88 %, which matches his tables);
# I (interval) 97.5 % (95–100 %); R (repetition) 105 %; M is the equivalent marathon's pace (~80 %).
PACE_ZONES = {"E": (0.59, 0.74), "T": (0.88, 0.88), "I": (0.975, 0.975), "R": (1.05, 1.05)}


def vo2_cost(v_m_per_min: float) -> float:
    return -4.60 + 0.182258 * v_m_per_min + 0.000104 * v_m_per_min**2


def vo2max_fraction(t_min: float) -> float:
    return 0.8 + 0.1894393 * math.exp(-0.012778 * t_min) + 0.2989558 * math.exp(-0.1932605 * t_min)


def vdot_from(*, distance_m: float, time_s: float) -> float:
    """The VDOT of covering `distance_m` in `time_s` flat out."""
    t_min = time_s / 60.0
    return vo2_cost(distance_m / t_min) / vo2max_fraction(t_min)


def equivalent_time(*, vdot: float, distance_m: float) -> float:
    """Seconds to race `distance_m` at `vdot` (bisection to 0.01 s)."""
    low, high = 1.0, 24 * 3600.0
    while high - low > 0.01:
        mid = (low + high) / 2
        if vdot_from(distance_m=distance_m, time_s=mid) > vdot:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def speed_at_vo2(vo2: float) -> float:
    """Metres per second at which running costs `vo2` ml/kg/min (the positive root of `vo2_cost`)."""
    a, b, c = 0.000104, 0.182258, -4.60 - vo2
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a) / 60.0


@dataclass(frozen=True, slots=True)
class TrainingPace:
    zone: str
    slow_s_per_km: float
    fast_s_per_km: float


def training_paces(*, vdot: float) -> list[TrainingPace]:
    """E, M, T, I and R paces in seconds per km (a range for E, one pace for the others)."""
    paces = []
    for zone, (low, high) in PACE_ZONES.items():
        paces.append(TrainingPace(zone, 1000 / speed_at_vo2(low * vdot), 1000 / speed_at_vo2(high * vdot)))
    marathon = equivalent_time(vdot=vdot, distance_m=MARATHON_M) / (MARATHON_M / 1000)
    paces.insert(1, TrainingPace("M", marathon, marathon))
    return paces


def equivalent_times(*, vdot: float) -> dict[str, float]:
    """Race times in seconds, 1,500 m to the marathon, for a VDOT."""
    return {name: equivalent_time(vdot=vdot, distance_m=m) for name, m in EQUIVALENT_DISTANCES_M.items()}


def race_distance(distance_m: float, *, snap_pct: float) -> float:
    """A race's official distance: the standard distance within `snap_pct` %, else the measured one."""
    nearest = min(STANDARD_DISTANCES_M.values(), key=lambda m: abs(m - distance_m))
    return nearest if abs(nearest - distance_m) <= nearest * snap_pct / 100 else distance_m


@dataclass(frozen=True, slots=True)
class VdotPoint:
    date: dt.date
    vdot: float
    activity_id: int
    distance_m: float
    time_s: float
    kind: str  # "race" or "best effort"


def vdot_points(
    *, sport: str | None = None, since: dt.date | None = None, cfg: AnalysisConfig | None = None
) -> list[VdotPoint]:
    """Every VDOT figure, oldest first: one per race, and (when configured) the best effort of ≥ 1,500 m
    of each other activity that scores highest."""
    cfg = cfg or analysis_config()
    sport = sport or cfg.sport
    races = Activity.objects.filter(
        sport=sport, workout_type="race", distance_m__gte=MIN_EFFORT_M, duration_s__gt=0
    )
    if since is not None:
        races = races.filter(date__gte=since)
    points: dict[int, VdotPoint] = {}
    for pk, date, distance_m, time_s in races.values_list("pk", "date", "distance_m", "duration_s"):
        official = race_distance(distance_m, snap_pct=cfg.race_snap_pct)
        points[pk] = VdotPoint(
            date, vdot_from(distance_m=official, time_s=time_s), pk, official, time_s, "race"
        )
    if cfg.vdot_from_best_efforts:
        efforts = BestEffort.objects.filter(activity__sport=sport, effort_m__gte=MIN_EFFORT_M)
        if since is not None:
            efforts = efforts.filter(activity__date__gte=since)
        rows = efforts.exclude(activity_id__in=points).values_list(
            "activity_id", "activity__date", "effort_m", "time_s"
        )
        for pk, date, effort_m, time_s in rows:
            point = VdotPoint(
                date, vdot_from(distance_m=effort_m, time_s=time_s), pk, effort_m, time_s, "best effort"
            )
            if pk not in points or point.vdot > points[pk].vdot:
                points[pk] = point
    return sorted(points.values(), key=lambda p: (p.date, p.activity_id))


def vdot_trend(*, points: list[VdotPoint], window_days: int) -> list[tuple[dt.date, float]]:
    """The current VDOT on each day that has a point: the best of the `window_days` days up to it."""
    trend = []
    for point in points:
        start = point.date - dt.timedelta(days=window_days - 1)
        trend.append((point.date, max(p.vdot for p in points if start <= p.date <= point.date)))
    return sorted(dict(trend).items())


def vdot_current(*, points: list[VdotPoint], today: dt.date, window_days: int) -> VdotPoint | None:
    """The best point of the last `window_days` days up to `today`, or None."""
    start = today - dt.timedelta(days=window_days - 1)
    recent = [p for p in points if start <= p.date <= today]
    return max(recent, key=lambda p: p.vdot, default=None)


@dataclass(frozen=True, slots=True)
class VdotSummary:
    current: VdotPoint | None
    trend: list[tuple[dt.date, float]]
    equivalent_times_s: dict[str, float]
    paces: list[TrainingPace]


def vdot_summary(
    *, today: dt.date, sport: str | None = None, cfg: AnalysisConfig | None = None
) -> VdotSummary:
    """Everything a VDOT page shows: the current value (best of the window up to `today`), its trend, and
    the race equivalents and training paces of the current value (empty without one)."""
    cfg = cfg or analysis_config()
    points = vdot_points(sport=sport, cfg=cfg)
    current = vdot_current(points=points, today=today, window_days=cfg.vdot_window_days)
    if current is None:
        return VdotSummary(None, vdot_trend(points=points, window_days=cfg.vdot_window_days), {}, [])
    return VdotSummary(
        current,
        vdot_trend(points=points, window_days=cfg.vdot_window_days),
        equivalent_times(vdot=current.vdot),
        training_paces(vdot=current.vdot),
    )

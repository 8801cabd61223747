"""Export the analysis figures as JSON (a list of objects) or CSV (one row per object, same keys), in SI
units: metres, seconds, dates as `YYYY-MM-DD`. CSV text cells are escaped as the activity export does."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import replace
from typing import IO, Any

from activities.analysis.best_efforts import personal_records
from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.heart_rate import zone_bounds
from activities.analysis.load import daily_load, heart_rate_limits, load_series
from activities.analysis.selectors import first_profile_date, long_runs, zone_weeks
from activities.analysis.shoes import shoe_mileage
from activities.analysis.trends import aerobic_trends
from activities.analysis.vdot import vdot_points, vdot_trend
from activities.analysis.volume import volume_by_period
from activities.export import FORMATS, csv_text_safe
from activities.training_load import home_today

WHATS = ("weekly", "monthly", "yearly", "shoes", "records", "load", "vdot", "trends", "decoupling", "zones")
KEYS = {
    "weekly": (
        "period_start",
        "sport",
        "distance_m",
        "moving_time_s",
        "elevation_gain_m",
        "runs",
        "longest_m",
        "longest_activity_id",
        "last_year_distance_m",
        "last_year_moving_time_s",
        "last_year_runs",
    ),
    "shoes": (
        "shoe",
        "distance_m",
        "runs",
        "first_used",
        "last_used",
        "threshold_m",
        "near_end",
        "retired",
        "strava_distance_m",
    ),
    "records": ("effort", "effort_m", "time_s", "date", "activity_id", "start_offset_s"),
    "load": ("date", "load", "ctl", "atl", "tsb", "acwr", "acwr_ewma"),
    "vdot": ("date", "vdot", "activity_id", "distance_m", "time_s", "kind", "current_vdot"),
    "trends": ("month", "easy_efficiency_m_per_beat", "easy_runs", "pace_at_hr_s_per_km", "pace_at_hr_runs"),
    "decoupling": ("date", "activity_id", "distance_m", "moving_time_s", "decoupling_pct"),
    "zones": ("week_start", "zone", "low_bpm", "high_bpm", "seconds"),
}
KEYS["monthly"] = KEYS["yearly"] = KEYS["weekly"]


class AnalysisExportError(ValueError):
    """An export that cannot be made as asked (unknown figure or format)."""


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _volume_rows(period: str, sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    for v in volume_by_period(period=period, sport=sport, since=since):
        yield {
            "period_start": _iso(v.period_start),
            "sport": v.sport,
            "distance_m": round(v.distance_m, 1),
            "moving_time_s": round(v.moving_time_s, 1),
            "elevation_gain_m": round(v.elevation_gain_m, 1),
            "runs": v.runs,
            "longest_m": round(v.longest_m, 1),
            "longest_activity_id": v.longest_activity_id,
            "last_year_distance_m": round(v.last_year.distance_m, 1),
            "last_year_moving_time_s": round(v.last_year.moving_time_s, 1),
            "last_year_runs": v.last_year.runs,
        }


def _shoe_rows(since: dt.date | None) -> Iterable[dict[str, Any]]:
    for s in shoe_mileage(since=since):
        yield {
            "shoe": s.shoe,
            "distance_m": round(s.distance_m, 1),
            "runs": s.runs,
            "first_used": _iso(s.first_used),
            "last_used": _iso(s.last_used),
            "threshold_m": s.threshold_m,
            "near_end": s.near_end,
            "retired": s.retired,
            "strava_distance_m": s.strava_distance_m,
        }


def _record_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    for r in personal_records(sport=sport, since=since):
        yield {
            "effort": r.effort,
            "effort_m": r.effort_m,
            "time_s": r.time_s,
            "date": _iso(r.date),
            "activity_id": r.activity_id,
            "start_offset_s": r.start_offset_s,
        }


def _load_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    # The whole history feeds the averages; `since` only trims the rows written.
    for d in load_series(daily=daily_load(sport=None if sport == "all" else sport), until=home_today()):
        if since is None or d.date >= since:
            yield {
                "date": _iso(d.date),
                "load": d.load,
                "ctl": d.ctl,
                "atl": d.atl,
                "tsb": d.tsb,
                "acwr": d.acwr_rolling,
                "acwr_ewma": d.acwr_ewma,
            }


def _vdot_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    cfg = analysis_config()
    points = vdot_points(sport=sport, cfg=cfg)
    current = dict(vdot_trend(points=points, window_days=cfg.vdot_window_days))
    for p in points:
        if since is None or p.date >= since:
            yield {
                "date": _iso(p.date),
                "vdot": round(p.vdot, 2),
                "activity_id": p.activity_id,
                "distance_m": p.distance_m,
                "time_s": p.time_s,
                "kind": p.kind,
                "current_vdot": round(current[p.date], 2),
            }


def _sport_config(sport: str) -> AnalysisConfig:
    return replace(analysis_config(), sport=sport)


def _trend_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    trends = aerobic_trends(cfg=_sport_config(sport))
    efficiency = {m.month: m for m in trends.efficiency}
    pace = {m.month: m for m in trends.pace_at_hr}
    for month in sorted(efficiency.keys() | pace.keys()):
        if since is None or month >= since.replace(day=1):
            e, p = efficiency.get(month), pace.get(month)
            yield {
                "month": _iso(month),
                "easy_efficiency_m_per_beat": round(e.value, 4) if e else None,
                "easy_runs": e.runs if e else 0,
                "pace_at_hr_s_per_km": round(p.value, 1) if p else None,
                "pace_at_hr_runs": p.runs if p else 0,
            }


def _decoupling_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    for run in long_runs(today=home_today(), cfg=_sport_config(sport), since=since or dt.date.min):
        yield {
            "date": _iso(run.date),
            "activity_id": run.activity_id,
            "distance_m": run.distance_m,
            "moving_time_s": run.duration_s,
            "decoupling_pct": run.decoupling_pct,
        }


def _zone_rows(sport: str, since: dt.date | None) -> Iterable[dict[str, Any]]:
    cfg = _sport_config(sport)
    bounds = zone_bounds(cfg=cfg, limits=heart_rate_limits(cfg=cfg))
    first = since or first_profile_date(cfg=cfg)
    if not bounds or first is None:
        return
    edges = [None, *bounds, None]
    for week in zone_weeks(today=home_today(), zones=len(bounds) + 1, cfg=cfg, first=first):
        for zone, seconds in enumerate(week.zone_s):
            yield {
                "week_start": _iso(week.week_start),
                "zone": zone + 1,
                "low_bpm": edges[zone],
                "high_bpm": edges[zone + 1],
                "seconds": round(seconds, 1),
            }


def analysis_rows(*, what: str, sport: str | None = None, since: dt.date | None = None) -> Iterable[dict]:
    """The objects of one figure: one of WHATS."""
    sport = sport or analysis_config().sport
    if what in ("weekly", "monthly", "yearly"):
        return _volume_rows(what, sport, since)
    if what == "shoes":
        return _shoe_rows(since)
    if what == "records":
        return _record_rows(sport, since)
    if what == "load":
        return _load_rows(sport, since)
    if what == "vdot":
        return _vdot_rows(sport, since)
    if what == "trends":
        return _trend_rows(sport, since)
    if what == "decoupling":
        return _decoupling_rows(sport, since)
    if what == "zones":
        return _zone_rows(sport, since)
    raise AnalysisExportError(f"unknown figure {what!r}: use one of {', '.join(WHATS)}")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        return csv_text_safe(value)
    return "" if value is None else value


def analysis_export_write(
    *, out: IO[str], what: str, format: str, sport: str | None = None, since: dt.date | None = None
) -> int:
    """Write one figure to `out` as JSON or CSV; return the number of objects written."""
    if format not in FORMATS:
        raise AnalysisExportError(f"unknown export format {format!r}: use json or csv")
    rows = list(analysis_rows(what=what, sport=sport, since=since))
    if format == "csv":
        writer = csv.writer(out)
        writer.writerow(KEYS[what])
        writer.writerows([_csv_cell(row[key]) for key in KEYS[what]] for row in rows)
    else:
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    return len(rows)

"""Export the analysis figures as JSON (a list of objects) or CSV (one row per object, same keys), in SI
units: metres, seconds, dates as `YYYY-MM-DD`. CSV text cells are escaped as the activity export does."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from typing import IO, Any

from activities.analysis.best_efforts import personal_records
from activities.analysis.config import analysis_config
from activities.analysis.load import daily_load, load_series
from activities.analysis.shoes import shoe_mileage
from activities.analysis.vdot import vdot_points, vdot_trend
from activities.analysis.volume import volume_by_period
from activities.export import FORMATS, csv_text_safe
from activities.training_load import home_today

WHATS = ("weekly", "monthly", "yearly", "shoes", "records", "load", "vdot")
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


def analysis_rows(*, what: str, sport: str | None = None, since: dt.date | None = None) -> Iterable[dict]:
    """The objects of one figure: `weekly`, `monthly`, `yearly`, `shoes`, `records`, `load` or `vdot`."""
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

"""Human formats for the canonical SI values, shared by the admin and the review pages.

Values are stored in SI; a runner reads them in metric or imperial units. The units in force come from
`display_units()`: the request's choice (set by runbase_site's middleware from the runner's profile)
or `settings.RUNBASE_UNITS`. Every formatter takes `units` to override it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from ingest.units import KM_M, MILE_M

METRIC, IMPERIAL = "metric", "imperial"
FOOT_M = 0.3048
_MINUS = "\u2212"

_units_var: ContextVar[str | None] = ContextVar("runbase_display_units", default=None)


def display_units() -> str:
    """The units in force: the current request's choice, else the site's setting."""
    return _units_var.get() or settings.RUNBASE_UNITS


@contextmanager
def units_in_force(units: str | None) -> Iterator[None]:
    """Show values in `units` (None: the setting) inside the block; the middleware wraps each request."""
    token = _units_var.set(units)
    try:
        yield
    finally:
        _units_var.reset(token)


def distance_unit(units: str | None = None) -> str:
    """`km` or `mi`."""
    return "mi" if (units or display_units()) == IMPERIAL else "km"


def elevation_unit(units: str | None = None) -> str:
    """`m` or `ft`."""
    return "ft" if (units or display_units()) == IMPERIAL else "m"


def distance_in_unit(metres: float, units: str | None = None) -> float:
    """Metres as km or miles."""
    return metres / (MILE_M if distance_unit(units) == "mi" else KM_M)


def format_distance(metres: float | None, units: str | None = None) -> str:
    """5012.3 → "5.01 km" (metric) or "3.11 mi" (imperial)."""
    if metres is None:
        return "—"
    return f"{distance_in_unit(metres, units):.2f} {distance_unit(units)}"


def format_elevation(metres: float | None, units: str | None = None) -> str:
    """123.4 → "123 m" (metric) or "405 ft" (imperial)."""
    if metres is None:
        return "—"
    value = metres / FOOT_M if elevation_unit(units) == "ft" else metres
    return f"{value:.0f} {elevation_unit(units)}"


def pace_in_unit(seconds_per_km: float, units: str | None = None) -> float:
    """Seconds per km as seconds per km or per mile."""
    return seconds_per_km * MILE_M / KM_M if distance_unit(units) == "mi" else seconds_per_km


def format_local_time(
    moment: dt.datetime | None, utc_offset_s: int | None = None, *, with_offset: bool = True
) -> str:
    """A start as the runner lived it: "Thu 9 Oct 2025, 19:40 (UTC−07:00)" — without the offset for a
    list's rows (`with_offset=False`), where it is the hover text.

    The record's own UTC offset when it has one; otherwise the home time zone's offset at that moment.
    """
    if moment is None:
        return "—"
    if utc_offset_s is not None:
        local = moment.astimezone(dt.timezone(dt.timedelta(seconds=utc_offset_s)))
    else:
        local = moment.astimezone(ZoneInfo(settings.RUNBASE_HOME_TZ))
    text = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
    if not with_offset:
        return text
    offset = int(local.utcoffset().total_seconds()) if local.utcoffset() is not None else 0
    sign = "+" if offset >= 0 else _MINUS
    hours, minutes = divmod(abs(offset) // 60, 60)
    return f"{text} (UTC{sign}{hours:02d}:{minutes:02d})"


def format_utc(moment: dt.datetime | None) -> str:
    """The same moment in UTC, for the hover text beside a local time."""
    return "—" if moment is None else f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def format_km(metres: float | None) -> str:
    """5012.3 → "5.01 km" whatever the display units (race distances, exports)."""
    return "—" if metres is None else f"{metres / 1000:.2f} km"


def format_duration(seconds: float | None) -> str:
    """3725 → "1:02:05", 95 → "1:35"."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_pace(seconds_per_km: float | None, units: str | None = None) -> str:
    """300 → "5:00 /km" (metric) or "8:03 /mi" (imperial)."""
    if not seconds_per_km:
        return "—"
    minutes, secs = divmod(round(pace_in_unit(seconds_per_km, units)), 60)
    return f"{minutes}:{secs:02d} /{distance_unit(units)}"


def format_value(value: Any) -> str:
    """A source or resolved value as the runner reads it: floats trimmed, None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1000 and not value.is_integer() else f"{value:.0f}"
    if isinstance(value, dt.datetime):
        return format_utc(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def pretty_json(value: Any) -> str:
    """Indented JSON for the admin's read-only raw values."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


# Canonical fields in the order the pages list them, with the names a runner reads.
FIELD_LABELS: dict[str, str] = {
    "start_time": "Start",
    "sport": "Sport",
    "distance_m": "Distance",
    "duration_s": "Moving time",
    "elapsed_s": "Elapsed time",
    "avg_pace_s_per_km": "Pace",
    "avg_hr": "Avg HR",
    "max_hr": "Max HR",
    "avg_cadence_spm": "Cadence (spm)",
    "max_cadence_spm": "Max cadence (spm)",
    "total_ascent_m": "Ascent",
    "total_descent_m": "Descent",
    "calories": "Calories",
    "workout_type": "Workout type",
    "workout_name": "Workout name",
    "intensity_score": "Intensity",
    "shoe": "Shoe",
    "trimp": "TRIMP",
    "vo2max": "VO2max",
    "notes": "Notes",
}


def field_label(name: str) -> str:
    """`distance_m` → "Distance"; an unknown name loses its unit suffix and underscores."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    for suffix in ("_s_per_km", "_spm", "_m", "_s", "_w"):
        name = name.removesuffix(suffix)
    return name.replace("_", " ").capitalize()


_FIELD_FORMATS = {
    "distance_m": format_distance,
    "total_ascent_m": format_elevation,
    "total_descent_m": format_elevation,
    "duration_s": format_duration,
    "elapsed_s": format_duration,
    "avg_pace_s_per_km": format_pace,
}


def format_field(name: str, value: Any) -> str:
    """A canonical or source field's value in the unit the runner reads it in."""
    formatter = _FIELD_FORMATS.get(name)
    if formatter is not None and isinstance(value, int | float):
        return formatter(value)
    return format_value(value)


def record_label(record: Any) -> str:
    """A source record as a runner names it: "Watch file · 2025-10-09-run.fit", "Training log · Log,
    Thu 9 Oct 2025", "Strava · Evening Run" — never a hash."""
    source = record.get_source_display()
    raw = record.raw or {}
    # A log row's file is the whole workbook: its sheet and day name it, not the file.
    if record.source == "master_xlsx" and raw.get("sheet") and record.local_date:
        run = record.source_id.rsplit("#", 1)[-1] if "#" in record.source_id else ""
        second = f" (run {run})" if run.isdigit() and int(run) > 1 else ""
        day = record.local_date
        return f"{source} · {raw['sheet']}, {day:%a} {day.day} {day:%b %Y}{second}"
    file = getattr(record, "file", None)
    if file is not None and getattr(file, "name", ""):
        return f"{source} · {file.name}"
    if record.workout_name:
        return f"{source} · {record.workout_name}"
    return f"{source} · #{record.source_id[:12]}"

"""Human formats for the canonical SI values, shared by the admin and the review templates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def format_km(metres: float | None) -> str:
    """5012.3 → "5.01 km"."""
    return "—" if metres is None else f"{metres / 1000:.2f} km"


def format_duration(seconds: float | None) -> str:
    """3725 → "1:02:05", 95 → "1:35"."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_pace(seconds_per_km: float | None) -> str:
    """300 → "5:00 /km"."""
    if not seconds_per_km:
        return "—"
    minutes, secs = divmod(round(seconds_per_km), 60)
    return f"{minutes}:{secs:02d} /km"


def format_value(value: Any) -> str:
    """A source or resolved value as the runner reads it: floats trimmed, None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1000 and not value.is_integer() else f"{value:.0f}"
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def pretty_json(value: Any) -> str:
    """Indented JSON for the admin's read-only raw values."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


_FIELD_FORMATS = {
    "distance_m": format_km,
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

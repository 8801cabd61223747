"""The canonical fields reconcile resolves, and how a field's value travels through JSON (overrides).

An override is stored as JSON (`ManualOverride.value`), so dates, datetimes and shoes need a
codec: dates as `YYYY-MM-DD`, datetimes as ISO-8601 UTC, the shoe as its id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from activities.models import Shoe
from reconcile.errors import ReconcileError

FLOAT_FIELDS = (
    "distance_m",
    "duration_s",
    "elapsed_s",
    "avg_hr",
    "max_hr",
    "avg_cadence_spm",
    "max_cadence_spm",
    "total_ascent_m",
    "total_descent_m",
    "calories",
    "intensity_score",
    "trimp",
    "vo2max",
)
TEXT_FIELDS = ("sport", "sub_sport", "workout_type", "workout_name", "notes")
INT_FIELDS = ("utc_offset_s", "rpe")
# Every field a source or an override can set; avg pace is derived from distance and duration.
EDITABLE_FIELDS = ("date", "start_time", *INT_FIELDS, *TEXT_FIELDS, *FLOAT_FIELDS, "shoe")
DERIVED_FIELDS = ("avg_pace_s_per_km",)


def field_attname(field_name: str) -> str:
    """The Activity attribute a canonical field is written to (`shoe` → `shoe_id`)."""
    return "shoe_id" if field_name == "shoe" else field_name


def field_encode(field_name: str, value: Any) -> Any:
    """A Python value of `field_name` as JSON; raises ReconcileError for a value that cannot be one."""
    if field_name not in EDITABLE_FIELDS:
        raise ReconcileError(f"{field_name!r} is not a field that can be set by hand")
    if value is None or value == "":
        return None if field_name not in TEXT_FIELDS else ""
    try:
        if field_name in FLOAT_FIELDS:
            return float(value)
        if field_name in INT_FIELDS:
            return int(value)
        if field_name in TEXT_FIELDS:
            return str(value)
        if field_name == "shoe":
            return value.pk if isinstance(value, Shoe) else int(value)
        if field_name == "date":
            return (
                value.isoformat() if isinstance(value, dt.date) else dt.date.fromisoformat(value).isoformat()
            )
        if field_name == "start_time":
            moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ReconcileError(f"start_time {value!r} has no time zone")
            return moment.astimezone(dt.UTC).isoformat()
    except (TypeError, ValueError) as exc:
        raise ReconcileError(f"{value!r} is not a valid value for {field_name}: {exc}") from exc
    raise ReconcileError(f"{field_name!r} has no codec")


def field_decode(field_name: str, value: Any) -> Any:
    """The Python value an override's JSON stands for (shoe → its id)."""
    if value is None:
        return "" if field_name in TEXT_FIELDS else None
    if field_name == "date":
        return dt.date.fromisoformat(value)
    if field_name == "start_time":
        return dt.datetime.fromisoformat(value)
    if field_name in FLOAT_FIELDS:
        return float(value)
    if field_name in (*INT_FIELDS, "shoe"):
        return int(value)
    return value

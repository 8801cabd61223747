"""Garmin Connect summary JSON -> ParsedActivity. Pure: no ORM, no files.

One item of `*_summarizedActivities.json` looks like (units are Garmin's own, converted here once):

    {"activityId": 412636013, "name": "Loch Ness tempo", "activityType": "running",
     "startTimeGmt": 1360152674000, "startTimeLocal": 1360152674000,   # epoch ms; local - gmt = offset
     "duration": 2625140.0, "elapsedDuration": 2625140.0,               # ms (timer, elapsed)
     "distance": 483538.0, "elevationGain": 14616.0,                    # cm
     "avgSpeed": 0.1842,                                                # m/s / 10
     "avgDoubleCadence": 170.0, "avgRunCadence": 85.0,                  # steps/min, strides/min
     "calories": 1407.85,                                               # kcal x 4.19
     "avgHr": 147.0, "maxHr": 171.0, "deviceId": 3819347952, "parent": false}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ingest.garmin.activity_types import activity_type_sport
from ingest.records import Device, ParsedActivity, RecordError

SOURCE = "garmin"

CM = 100.0  # distance and elevation
MS = 1000.0  # durations and timestamps
SPEED_FACTOR = 10.0  # avgSpeed is stored as m/s divided by ten
CALORIE_FACTOR = 4.19  # `calories` is kcal x 4.19 (kilojoule-like)


def summary_number(item: dict[str, Any], key: str) -> float | None:
    """A summary's number (list, detail or export shape); a value that is not one is a RecordError."""
    value = item.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(
            f"garmin activity {item.get('activityId')}: {key}={value!r} is not a number"
        ) from exc


def _scaled(item: dict[str, Any], key: str, divisor: float, digits: int = 3) -> float | None:
    value = summary_number(item, key)
    return None if value is None else round(value / divisor, digits)


def _epoch_ms(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value / MS, tz=dt.UTC)


def summary_heart_rate(item: dict[str, Any], key: str) -> float | None:
    """Garmin writes 0 when no strap was worn: that is no reading, not a heart rate."""
    value = summary_number(item, key)
    return value if value else None


def _start(item: dict[str, Any]) -> tuple[dt.datetime | None, int | None]:
    gmt = summary_number(item, "startTimeGmt")
    if gmt is None:
        gmt = summary_number(item, "beginTimestamp")
    if gmt is None:
        return None, None
    local = summary_number(item, "startTimeLocal")
    offset = None if local is None else round((local - gmt) / MS)
    return _epoch_ms(gmt), offset


def _cadence_spm(item: dict[str, Any]) -> tuple[float | None, float | None]:
    """Steps per minute: `avgDoubleCadence` already is; `avgRunCadence` counts one leg (x2)."""
    avg = summary_number(item, "avgDoubleCadence")
    if avg is None and (single := summary_number(item, "avgRunCadence")) is not None:
        avg = single * 2
    top = summary_number(item, "maxDoubleCadence")
    if top is None and (single := summary_number(item, "maxRunCadence")) is not None:
        top = single * 2
    return avg, top


def summary_is_parent(item: dict[str, Any]) -> bool:
    """A multisport parent: its legs are separate summaries, so the parent itself is not imported."""
    return bool(item.get("parent"))


def summary_parse(item: dict[str, Any]) -> ParsedActivity:
    """One summary item as a `garmin` record (source_id = activityId), in SI units."""
    activity_id = item.get("activityId")
    if activity_id in (None, ""):
        raise RecordError(f"garmin summary without an activityId: {str(item)[:120]}")
    start_time, offset = _start(item)
    sport, sub_sport = activity_type_sport(item.get("activityType"))
    avg_cadence, max_cadence = _cadence_spm(item)
    speed = summary_number(item, "avgSpeed")
    serial = item.get("deviceId")
    parsed = ParsedActivity(
        source=SOURCE,
        source_id=str(activity_id),
        start_time=start_time,
        utc_offset_s=offset,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=_scaled(item, "distance", CM, 2),
        duration_s=_scaled(item, "duration", MS),
        elapsed_s=_scaled(item, "elapsedDuration", MS),
        avg_hr=summary_heart_rate(item, "avgHr"),
        max_hr=summary_heart_rate(item, "maxHr"),
        avg_cadence_spm=avg_cadence,
        max_cadence_spm=max_cadence,
        avg_speed_mps=None if speed is None else round(speed * SPEED_FACTOR, 3),
        total_ascent_m=_scaled(item, "elevationGain", CM, 2),
        total_descent_m=_scaled(item, "elevationLoss", CM, 2),
        calories=_scaled(item, "calories", CALORIE_FACTOR, 1),
        avg_power_w=summary_number(item, "avgPower"),
        workout_name=(item.get("name") or "").strip() or None,
        device=Device(
            manufacturer=(item.get("manufacturer") or "").lower() or None,
            serial=None if serial in (None, "") else str(serial),
        ),
        raw=dict(item),
    )
    return parsed.validate()

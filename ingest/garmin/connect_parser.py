"""Garmin Connect API activity JSON -> ParsedActivity (source `garmin`). Pure: no ORM, no HTTP.

The pull reads the activity list (`activitylist-service/activities/search/activities`), whose items
carry the same activity as the export's summaries in other units and names:

    {"activityId": 412636013, "activityName": "Loch Ness tempo",
     "startTimeGMT": "2013-02-06 12:11:14", "startTimeLocal": "2013-02-06 12:11:14",  # wall clocks
     "activityType": {"typeId": 1, "typeKey": "running", "parentTypeId": 17},
     "distance": 4835.38, "duration": 2625.14, "elapsedDuration": 2625.14,          # m, s
     "movingDuration": 2600.0, "elevationGain": 146.16, "averageSpeed": 1.842,     # s, m, m/s
     "averageHR": 147.0, "maxHR": 171.0, "calories": 336.0,                         # bpm, kcal
     "averageRunningCadenceInStepsPerMinute": 170.0, "deviceId": 3819347952,
     "manufacturer": "GARMIN", "parent": false}

A multisport parent (`parent: true`, `childIds`) is not a record: its legs are, as in the export. A
leg the list leaves out is read from `activity-service/activity/<id>` (`summaryDTO`,
`activityTypeDTO`, `metadataDTO`) and flattened to the list shape by `detail_as_list_item`.
The record is the export's record of the same activity: same source, same source_id (activityId),
same sport mapping, same SI values (the export's centimetres and milliseconds are these units ×100
and ×1000), so export and pull never make two records of one activity.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ingest.garmin.activity_types import activity_type_sport
from ingest.garmin.parser import summary_heart_rate, summary_number
from ingest.records import Device, ParsedActivity, RecordError

SOURCE = "garmin"

# summaryDTO names -> list-item names (the rest are the same in both shapes)
_DETAIL_NAMES = {
    "averageRunCadence": "averageRunningCadenceInStepsPerMinute",
    "maxRunCadence": "maxRunningCadenceInStepsPerMinute",
    "averagePower": "avgPower",
}


def _rounded(item: dict[str, Any], key: str, digits: int) -> float | None:
    value = summary_number(item, key)
    return None if value is None else round(value, digits)


def _wall_clock(item: dict[str, Any], key: str) -> dt.datetime | None:
    """`2013-02-06 12:11:14` (list) or `2013-02-06T12:11:14.0` (detail), naive."""
    text = item.get(key)
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text).strip().replace(" ", "T")).replace(tzinfo=None)
    except ValueError as exc:
        raise RecordError(
            f"garmin activity {item.get('activityId')}: {key}={text!r} is not a date and time"
        ) from exc


def _start(item: dict[str, Any]) -> tuple[dt.datetime | None, int | None]:
    """UTC start, and the offset as local minus GMT (whole seconds, as the export's parser)."""
    gmt = _wall_clock(item, "startTimeGMT")
    if gmt is None:
        begin = summary_number(item, "beginTimestamp")  # epoch milliseconds
        if begin is None:
            return None, None
        gmt = dt.datetime.fromtimestamp(begin / 1000.0, tz=dt.UTC).replace(tzinfo=None)
    local = _wall_clock(item, "startTimeLocal")
    offset = None if local is None else round((local - gmt).total_seconds())
    return gmt.replace(tzinfo=dt.UTC), offset


def item_start(item: dict[str, Any]) -> dt.datetime | None:
    """A list item's UTC start (the sync's cursor and re-read window are in these)."""
    return _start(item)[0]


def item_type_key(item: dict[str, Any]) -> str | None:
    kind = item.get("activityType")
    return kind.get("typeKey") if isinstance(kind, dict) else kind


def item_is_parent(item: dict[str, Any]) -> bool:
    """A multisport parent: its legs are the records (its original file holds them all)."""
    return bool(item.get("parent") or item.get("isMultiSportParent"))


def item_child_ids(item: dict[str, Any]) -> list[str]:
    metadata = item.get("metadataDTO") or {}
    return [str(child) for child in (item.get("childIds") or metadata.get("childIds") or [])]


def detail_as_list_item(detail: dict[str, Any]) -> dict[str, Any]:
    """An `activity-service/activity/<id>` answer in the list's shape, for `item_parse`."""
    summary = dict(detail.get("summaryDTO") or {})
    metadata = detail.get("metadataDTO") or {}
    item = {_DETAIL_NAMES.get(key, key): value for key, value in summary.items()}
    item.update(
        activityId=detail.get("activityId"),
        activityName=detail.get("activityName"),
        description=detail.get("description"),
        activityType=detail.get("activityTypeDTO") or {},
        parentId=detail.get("parentId"),
        parent=bool(detail.get("isMultiSportParent")),
        deviceId=(metadata.get("deviceMetaDataDTO") or {}).get("deviceId"),
        manufacturer=metadata.get("manufacturer"),
        manualActivity=metadata.get("manualActivity"),
    )
    return item


def item_parse(item: dict[str, Any]) -> ParsedActivity:
    """One list item as a `garmin` record (source_id = activityId), in SI units, validated."""
    activity_id = item.get("activityId")
    if activity_id in (None, ""):
        raise RecordError(f"garmin activity without an activityId: {str(item)[:120]}")
    start_time, offset = _start(item)
    sport, sub_sport = activity_type_sport(item_type_key(item))
    serial = item.get("deviceId")
    parsed = ParsedActivity(
        source=SOURCE,
        source_id=str(activity_id),
        start_time=start_time,
        utc_offset_s=offset,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=_rounded(item, "distance", 2),
        duration_s=_rounded(item, "duration", 3),
        elapsed_s=_rounded(item, "elapsedDuration", 3),
        avg_hr=summary_heart_rate(item, "averageHR"),
        max_hr=summary_heart_rate(item, "maxHR"),
        avg_cadence_spm=summary_number(item, "averageRunningCadenceInStepsPerMinute"),
        max_cadence_spm=summary_number(item, "maxRunningCadenceInStepsPerMinute"),
        avg_speed_mps=_rounded(item, "averageSpeed", 3),
        total_ascent_m=_rounded(item, "elevationGain", 2),
        total_descent_m=_rounded(item, "elevationLoss", 2),
        calories=_rounded(item, "calories", 1),
        avg_power_w=summary_number(item, "avgPower"),
        workout_name=(item.get("activityName") or "").strip() or None,
        notes=(item.get("description") or "").strip() or None,
        device=Device(
            manufacturer=(item.get("manufacturer") or "").lower() or None,
            serial=None if serial in (None, "") else str(serial),
        ),
        raw=dict(item),
    )
    return parsed.validate()

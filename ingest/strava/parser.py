"""Strava JSON (API) and `activities.csv` rows (bulk export) -> `ParsedActivity`. Pure: no ORM, no HTTP.

Strava's traps are handled here, once:
- `start_date` is UTC; `start_date_local` ends in `Z` but is local wall-clock time: the offset is
  `utc_offset` (seconds), never the `Z`.
- run and walk cadence is per leg (strides/min): doubled to steps per minute. Ride cadence is rpm.
- `sport_type` replaces the deprecated `type`; both raw strings are kept in `raw`.
- `workout_type` 0/1/2/3 (runs) and 10/11/12 (rides) -> default/race/long/workout.
- calories exist only in the detailed activity; distances are metres, times seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ingest.records import Device, FileHints, ParsedActivity, ParsedLap, RecordError, Samples, sport_family

SOURCE = "strava"

# Strava sport_type (or the export's display name without spaces/dashes) -> (sport, sub_sport).
SPORTS: dict[str, tuple[str, str | None]] = {
    "Run": ("running", None),
    "TrailRun": ("trail_running", None),
    "VirtualRun": ("running", "virtual_activity"),
    "Walk": ("walking", None),
    "Hike": ("hiking", None),
    "Ride": ("cycling", None),
    "VirtualRide": ("cycling", "virtual_activity"),
    "GravelRide": ("cycling", "gravel_cycling"),
    "MountainBikeRide": ("cycling", "mountain"),
    "EBikeRide": ("e_biking", None),
    "EMountainBikeRide": ("e_biking", "mountain"),
    "Swim": ("swimming", None),
    "Rowing": ("rowing", None),
    "VirtualRow": ("rowing", "virtual_activity"),
    "WeightTraining": ("training", "strength_training"),
    "Workout": ("training", None),
    "Yoga": ("training", "yoga"),
}
FOOT_FAMILIES = {"run", "walk"}  # cadence reported per leg

WORKOUT_TYPES = {0: "default", 1: "race", 2: "long", 3: "workout", 10: "default", 11: "race", 12: "workout"}

# Summary fields whose change means the stored record is stale (kudos and counts are left out).
SIGNATURE_FIELDS = (
    "name",
    "sport_type",
    "type",
    "workout_type",
    "gear_id",
    "distance",
    "moving_time",
    "elapsed_time",
    "start_date",
    "utc_offset",
    "total_elevation_gain",
    "average_heartrate",
    "trainer",
    "commute",
    "manual",
    "private",
    "visibility",
)

# Detail values kept in `raw` for the audit trail; volatile ones (kudos, photos, map) are not kept,
# so a re-read that only sees new kudos changes nothing.
RAW_FIELDS = (
    "sport_type",
    "type",
    "workout_type",
    "external_id",
    "upload_id",
    "gear_id",
    "timezone",
    "start_date_local",
    "utc_offset",
    "trainer",
    "commute",
    "manual",
    "private",
    "visibility",
    "max_speed",
    "max_watts",
    "weighted_average_watts",
    "kilojoules",
    "elev_high",
    "elev_low",
    "suffer_score",
    "perceived_exertion",
    "device_watts",
    "has_heartrate",
    "start_latlng",
    "end_latlng",
)


def _sport(sport_type: str | None, trainer: bool = False) -> tuple[str | None, str | None]:
    if not sport_type:
        return None, None
    key = re.sub(r"[\s\-]+", "", sport_type)
    sport, sub_sport = SPORTS.get(key, (_snake(key), None))
    if trainer and sport == "running" and sub_sport is None:
        sub_sport = "treadmill"
    return sport, sub_sport


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _cadence(value: float | None, sport: str | None) -> float | None:
    if value is None:
        return None
    return float(value) * 2 if sport_family(sport) in FOOT_FAMILIES else float(value)


def _utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def summary_signature(summary: dict) -> str:
    """A short hash of the summary fields that matter: equal means the stored record is current."""
    values = {name: summary.get(name) for name in SIGNATURE_FIELDS}
    return hashlib.sha1(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def parse_api_activity(
    *,
    summary: dict,
    detail: dict | None = None,
    streams: dict | list | None = None,
    gear_name: str | None = None,
) -> ParsedActivity:
    """One activity from its summary (activities page), detail (`/activities/{id}`) and streams.

    Detail values win over the summary's; the summary alone gives a record without calories,
    description or laps.
    """
    data = {**summary, **(detail or {})}
    if "id" not in data:
        raise RecordError("Strava activity without an id")
    source_id = str(data["id"])
    start = _utc(data.get("start_date"))
    offset = data.get("utc_offset")
    # "start_date_local": "2025-10-22T18:45:03Z" -- local wall clock despite the Z
    local = _utc(data.get("start_date_local"))
    if start is None and local is not None and offset is not None:
        start = local - dt.timedelta(seconds=offset)
    sport, sub_sport = _sport(data.get("sport_type") or data.get("type"), bool(data.get("trainer")))
    gear = data.get("gear") or {}
    parsed = ParsedActivity(
        source=SOURCE,
        source_id=source_id,
        start_time=start,
        local_date=local.date() if local is not None else None,
        utc_offset_s=int(offset) if offset is not None else None,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=_float(data.get("distance")),
        duration_s=_float(data.get("moving_time")),
        elapsed_s=_float(data.get("elapsed_time")),
        avg_hr=_float(data.get("average_heartrate")),
        max_hr=_float(data.get("max_heartrate")),
        avg_cadence_spm=_cadence(data.get("average_cadence"), sport),
        avg_speed_mps=_float(data.get("average_speed")),
        total_ascent_m=_float(data.get("total_elevation_gain")),
        calories=_float(data.get("calories")) if detail else None,
        avg_power_w=_float(data.get("average_watts")),
        workout_name=data.get("name") or None,
        workout_type=WORKOUT_TYPES.get(data.get("workout_type")),
        notes=data.get("description") or None,
        gear=_shoe_gear(data.get("gear_id"), gear_name or gear.get("name")),
        device=Device(product=data.get("device_name") or None),
        laps=[_lap(lap, i, sport) for i, lap in enumerate(data.get("laps") or [])],
        raw=_raw(data, summary, detail),
    )
    if streams and start is not None:
        parsed.samples = parse_streams(streams, start=start, sport=sport)
    return parsed.validate()


def start_date_local_hints(summary: dict, detail: dict | None = None) -> FileHints:
    """`start_date_local` as placement evidence: the offset of an activity without `utc_offset`."""
    local = _utc({**summary, **(detail or {})}.get("start_date_local"))
    return FileHints(local_start=local.replace(tzinfo=None) if local else None, label="start_date_local")


def _shoe_gear(gear_id: str | None, name: str | None) -> str | None:
    # Gear ids: "g14823571" shoes, "b11876543" bikes. Only shoes become `gear` (the store makes shoes).
    if not gear_id or not gear_id.startswith("g"):
        return None
    return name or gear_id


def _raw(data: dict, summary: dict, detail: dict | None) -> dict:
    raw = {name: data[name] for name in RAW_FIELDS if data.get(name) is not None}
    raw["summary_sig"] = summary_signature(summary)
    raw["detail"] = detail is not None
    if data.get("gear"):
        raw["gear_name"] = data["gear"].get("name")
    if detail and detail.get("splits_metric"):
        raw["splits_metric"] = detail["splits_metric"]
    return raw


def _lap(lap: dict, index: int, sport: str | None) -> ParsedLap:
    return ParsedLap(
        index=index,
        start_time=_utc(lap.get("start_date")),
        duration_s=_float(lap.get("moving_time")),
        elapsed_s=_float(lap.get("elapsed_time")),
        distance_m=_float(lap.get("distance")),
        avg_hr=_float(lap.get("average_heartrate")),
        max_hr=_float(lap.get("max_heartrate")),
        avg_cadence_spm=_cadence(lap.get("average_cadence"), sport),
        avg_speed_mps=_float(lap.get("average_speed")),
        max_speed_mps=_float(lap.get("max_speed")),
        total_ascent_m=_float(lap.get("total_elevation_gain")),
    )


def parse_streams(streams: dict | list, *, start: dt.datetime, sport: str | None) -> Samples | None:
    """Streams keyed by type (`key_by_type=true`) or as a list of `{"type", "data"}` -> Samples."""
    # {"time": {"data": [0, 1, ...]}, "latlng": {"data": [[52.35, 4.87], ...]}, "heartrate": ...}
    if isinstance(streams, list):
        streams = {s["type"]: s for s in streams}
    column = {name: (streams.get(name) or {}).get("data") for name in streams}
    times = column.get("time")
    if not times:
        return None
    n = len(times)

    def values(name: str) -> list:
        data = column.get(name)
        return list(data) if data and len(data) == n else [None] * n

    latlng = values("latlng")
    doubled = sport_family(sport) in FOOT_FAMILIES
    samples = Samples(
        time=[start + dt.timedelta(seconds=t) for t in times],
        lat=[p[0] if p else None for p in latlng],
        lon=[p[1] if p else None for p in latlng],
        altitude=values("altitude"),
        heart_rate=values("heartrate"),
        cadence=[c * 2 if doubled and c is not None else c for c in values("cadence")],
        speed=values("velocity_smooth"),
        distance=values("distance"),
        power=values("watts"),
    )
    return samples


# --- bulk export: activities.csv ------------------------------------------------------------------

EXPORT_DATE_FORMAT = "%b %d, %Y, %I:%M:%S %p"  # "Feb 6, 2013, 12:11:14 PM", UTC


@dataclass(slots=True)
class ExportRow:
    """One `activities.csv` row, with each repeated header's values kept in column order."""

    line: int
    values: dict[str, list[str]]

    def first(self, name: str) -> str:
        return next((v for v in self.values.get(name, []) if v.strip()), "").strip()

    def nth(self, name: str, index: int) -> str:
        values = self.values.get(name, [])
        return values[index].strip() if index < len(values) else ""

    @property
    def activity_id(self) -> str:
        return self.first("Activity ID")

    @property
    def filename(self) -> str:
        return self.first("Filename")


def export_rows(text: str) -> Iterator[ExportRow]:
    """Rows of `activities.csv` read by position: `Elapsed Time` and `Distance` appear twice."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or "Activity ID" not in header:
        raise RecordError("activities.csv has no `Activity ID` header: not a Strava export")
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, list[str]] = {}
        for i, name in enumerate(header):
            values.setdefault(name, []).append(cells[i] if i < len(cells) else "")
        yield ExportRow(line=line, values=values)


def _seconds_or_metres(row: ExportRow, name: str) -> float | None:
    # The first `Distance` is in the athlete's display unit (km or mi); the second is metres.
    # Both `Elapsed Time` columns are seconds; the second has decimals.
    value = row.nth(name, 1) or (row.nth(name, 0) if name == "Elapsed Time" else "")
    return _float(value)


def parse_export_row(
    row: ExportRow, *, shoe_names: dict[str, str] | None = None, file_sha256: str | None = None
) -> ParsedActivity:
    """One `activities.csv` row -> ParsedActivity (source `strava`, id = the API's activity id).

    `shoe_names` (from `shoes.csv`) maps the written gear to the shoe's name; other gear counts as a
    shoe only on foot activities (a ride's gear is a bike).
    """
    where = f"activities.csv line {row.line}"
    if not row.activity_id:
        raise RecordError(f"{where}: no Activity ID")
    try:
        start = dt.datetime.strptime(row.first("Activity Date"), EXPORT_DATE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError as error:
        raise RecordError(f"{where}: unreadable Activity Date {row.first('Activity Date')!r}") from error
    sport, sub_sport = _sport(row.first("Activity Type"))
    try:
        parsed = ParsedActivity(
            source=SOURCE,
            source_id=row.activity_id,
            start_time=start,
            sport=sport,
            sub_sport=sub_sport,
            distance_m=_seconds_or_metres(row, "Distance"),
            duration_s=_float(row.first("Moving Time")),
            elapsed_s=_seconds_or_metres(row, "Elapsed Time"),
            avg_hr=_float(row.first("Average Heart Rate")),
            max_hr=_float(row.first("Max Heart Rate")),
            avg_cadence_spm=_cadence(_float(row.first("Average Cadence")), sport),
            avg_speed_mps=_float(row.first("Average Speed")),
            total_ascent_m=_float(row.first("Elevation Gain")),
            total_descent_m=_float(row.first("Elevation Loss")),
            calories=_float(row.first("Calories")),
            avg_power_w=_float(row.first("Average Watts")),
            workout_name=row.first("Activity Name") or None,
            notes=row.first("Activity Description") or None,
            gear=_export_shoe(row.first("Activity Gear"), sport, shoe_names or {}),
            raw=_export_raw(row, file_sha256),
        )
    except ValueError as error:
        raise RecordError(f"{where} (activity {row.activity_id}): {error}") from error
    return parsed.validate()


def _export_shoe(written: str, sport: str | None, shoe_names: dict[str, str]) -> str | None:
    if not written:
        return None
    if written in shoe_names:
        return shoe_names[written]
    return written if sport_family(sport) in FOOT_FAMILIES else None


def _export_raw(row: ExportRow, file_sha256: str | None) -> dict:
    raw = {
        "export": True,
        "activity_type": row.first("Activity Type"),
        "activity_gear": row.first("Activity Gear"),
        "filename": row.filename,
        "commute": row.first("Commute") == "true",
    }
    if row.first("Activity Private Note"):
        raw["private_note"] = row.first("Activity Private Note")
    if row.first("Relative Effort"):
        raw["relative_effort"] = _float(row.first("Relative Effort"))
    if file_sha256:
        raw["upload_sha256"] = file_sha256
    return raw


def export_shoe_names(text: str) -> dict[str, str]:
    """`shoes.csv` -> {written variant: shoe name}: activities name gear by `Brand Model` or its name."""
    # Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types
    # Race day,Saucony,Endorphin Speed 3,
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        brand_model = " ".join(p for p in (row.get("Shoe Brand"), row.get("Shoe Model")) if p).strip()
        name = (row.get("Shoe Name") or "").strip() or brand_model
        if not name:
            continue
        names[name] = name
        if brand_model:
            names[brand_model] = name
    return names

"""Small value helpers for the FIT parser: sport names, device, JSON-safe raw values."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ingest.fit.adapter import Values
from ingest.records import Device

# FIT files say fitness_equipment/indoor_rowing where every other source says rowing, etc.
_SPORT_ALIASES: dict[tuple[str, str | None], tuple[str, str | None]] = {
    ("fitness_equipment", "indoor_rowing"): ("rowing", "indoor_rowing"),
    ("fitness_equipment", "treadmill"): ("running", "treadmill"),
    ("fitness_equipment", "indoor_cycling"): ("cycling", "indoor_cycling"),
    ("fitness_equipment", "elliptical"): ("elliptical", None),
    ("treadmill", None): ("running", "treadmill"),
}
# Placeholders a device writes when it does not know its own identity.
_NO_MANUFACTURER = {None, "development", 255, 0}
_NO_PRODUCT = {None, 0, "0"}


def to_str(value: Any) -> str | None:
    """An enum value as a lower-case name; unknown numeric enum values as their number."""
    if value is None:
        return None
    return str(value).strip().lower() or None


def positive(value: Any) -> Any:
    """Zero means "not measured" in FIT summaries (avg_heart_rate 0 without a strap)."""
    return value if value else None


def normalise_sport(sport: Any, sub_sport: Any) -> tuple[str | None, str | None]:
    """FIT sport/sub_sport names, lower case; "generic" sub-sport means none, treadmill is running."""
    sport_name = to_str(sport)
    sub_name = to_str(sub_sport)
    if sub_name in ("generic", "all"):
        sub_name = None
    if sport_name in ("all",):
        sport_name = None
    if sport_name is not None and sub_name == "treadmill":
        sport_name = "running"
    return _SPORT_ALIASES.get((sport_name, sub_name), (sport_name, sub_name))


def _product(values: Values) -> str | None:
    product = values.get("garmin_product")
    if product is None:
        product = values.get("product")
    if product in _NO_PRODUCT:
        return None
    return to_str(product)


def device_from(file_id: Values, creator: Values) -> Device:
    """file_id names the recording device; HealthFit writes manufacturer development (255) there,
    so the creator device_info fills in a placeholder manufacturer or product."""
    manufacturer = file_id.get("manufacturer")
    product = _product(file_id)
    if manufacturer in _NO_MANUFACTURER and creator.get("manufacturer") not in _NO_MANUFACTURER:
        manufacturer = creator.get("manufacturer")
        product = _product(creator) or product
    elif product is None and creator.get("manufacturer") == manufacturer:
        product = _product(creator)
    serial = file_id.get("serial_number") or creator.get("serial_number")
    return Device(
        manufacturer=to_str(manufacturer),
        product=product,
        serial=str(serial) if serial else None,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        items = [_json_value(v) for v in value]
        return items if any(v is not None for v in items) else None
    return value


def json_safe(values: Values) -> dict[str, Any]:
    """Named, set fields of one summary message as JSON values (unknown_NN fields dropped).

    Datetimes stay naive as the file has them (UTC, except local_timestamp which is local wall-clock);
    a device-relative date_time stays an integer.
    """
    out: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str) or key.startswith("unknown_"):
            continue
        converted = _json_value(value)
        if converted is not None:
            out[key] = converted
    return out

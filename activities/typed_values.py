"""Values a runner types (`6.2`, `10k`, `42:15`, `7:45 /mi`, `400 ft`), read into SI units.

Pure functions for the review forms. A bare number is in the runner's own unit (miles or km, feet or
metres, min/mi or min/km); a written unit wins over it. A value that cannot be read raises
`TypedValueError` whose message says what was expected, with examples in the runner's units.
"""

from __future__ import annotations

import re

from activities.formatting import FOOT_M, display_units, distance_unit, elevation_unit
from ingest.units import DISTANCE_UNITS_M, KM_M, MILE_M, TIME_UNITS_S, number_read

NUMBER = r"\d+(?:[.,]\d+)?|[.,]\d+"
_AMOUNT = re.compile(rf"^\s*(?P<number>{NUMBER})\s*(?P<unit>[a-z\"']+)?\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d+)?)\s*$")
_PACE = re.compile(
    r"^\s*(?P<clock>\d+:\d{1,2}(?:[.,]\d+)?)\s*(?:min)?\s*(?:/|per)?\s*(?P<unit>[a-z]+)?\s*$", re.IGNORECASE
)
MAX_BARE_DISTANCE_M = 1000 * KM_M
HOUR_UNITS = ("h", "hr", "hrs", "hour", "hours")
FOOT_UNITS = ("ft", "feet", "foot")
METRE_UNITS = ("m", "meter", "meters", "metre", "metres")


class TypedValueError(ValueError):
    """A typed value that is not what its field needs; the message is shown to the runner as is."""


def _refuse(kind: str, text: str, examples: str) -> TypedValueError:
    return TypedValueError(f"Not {kind}: {text.strip()!r} — try {examples}")


def _distance_examples(units: str | None) -> str:
    return "6.2 mi or 10 km" if distance_unit(units) == "mi" else "10 km or 6.2 mi"


def distance_read(text: str, units: str | None = None) -> float:
    """`6.2` (the runner's unit), `6.2 mi`, `10 km`, `10k`, `400 m` → metres."""
    match = _AMOUNT.match(text or "")
    unit = (match.group("unit") or distance_unit(units)).lower() if match else ""
    if not match or unit not in DISTANCE_UNITS_M:
        raise _refuse("a distance", text or "", _distance_examples(units))
    metres = number_read(match.group("number")) * DISTANCE_UNITS_M[unit]
    if metres <= 0:
        raise _refuse("a distance", text, _distance_examples(units))
    if not match.group("unit") and metres > MAX_BARE_DISTANCE_M:
        # "6000" in a km or mile field is metres meant, not a 6,000 km run: ask for the unit.
        raise TypedValueError(
            f"{text.strip()} {unit} is further than any run — write the unit, e.g. {text.strip()} m"
        )
    return metres


def _clock_seconds(text: str) -> float | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    minutes, seconds = int(match.group("m")), number_read(match.group("s"))
    if seconds >= 60 or (match.group("h") and minutes >= 60):
        return None
    return int(match.group("h") or 0) * 3600 + minutes * 60 + seconds


def duration_read(text: str) -> float:
    """`42:15`, `1:02:03`, `45 min`, `90 s`, `1.5 h` → seconds."""
    examples = "42:15, 1:02:03 or 45 min"
    seconds = _clock_seconds(text or "")
    if seconds is not None:
        return seconds
    match = _AMOUNT.match(text or "")
    unit = (match.group("unit") or "").lower() if match else ""
    if not match or not unit:
        raise _refuse("a duration", text or "", examples)
    amount = number_read(match.group("number"))
    if unit in HOUR_UNITS:
        return amount * 3600
    if unit not in TIME_UNITS_S:
        raise _refuse("a duration", text, examples)
    return amount * TIME_UNITS_S[unit]


def pace_read(text: str, units: str | None = None) -> float:
    """`7:45` (per the runner's unit), `7:45 /mi`, `4:50/km`, `7:45 min/mile` → seconds per km."""
    own = distance_unit(units)
    examples = f"7:45 (per {own}), 7:45 /mi or 4:50 /km"
    match = _PACE.match(text or "")
    seconds = _clock_seconds(match.group("clock")) if match else None
    unit = (match.group("unit") or own).lower() if match else ""
    if seconds is None or not seconds or unit not in DISTANCE_UNITS_M:
        raise _refuse("a pace", text or "", examples)
    return seconds * KM_M / DISTANCE_UNITS_M[unit]


def elevation_read(text: str, units: str | None = None) -> float:
    """`120` (the runner's unit), `120 m`, `400 ft` → metres."""
    own = elevation_unit(units)
    match = _AMOUNT.match(text or "")
    unit = (match.group("unit") or own).lower() if match else ""
    if not match or unit not in (*FOOT_UNITS, *METRE_UNITS):
        raise _refuse("an elevation", text or "", "120 m or 400 ft" if own == "m" else "400 ft or 120 m")
    amount = number_read(match.group("number"))
    return amount * FOOT_M if unit in FOOT_UNITS else amount


def number_typed(text: str) -> float:
    """A plain number (heart rate, cadence, calories): `152`, `152.5`, `152,5`."""
    try:
        return number_read(text or "")
    except ValueError:
        raise _refuse("a number", text or "", "152 or 152.5") from None


def typed_value(field_name: str, text: str, units: str | None = None) -> float:
    """A typed value of a numeric canonical field, in SI (metres, seconds, seconds per km)."""
    units = units or display_units()
    if field_name == "distance_m":
        return distance_read(text, units)
    if field_name in ("duration_s", "elapsed_s"):
        return duration_read(text)
    if field_name == "avg_pace_s_per_km":
        return pace_read(text, units)
    if field_name in ("total_ascent_m", "total_descent_m"):
        return elevation_read(text, units)
    return number_typed(text)


def typed_text(field_name: str, value: float, units: str | None = None) -> str:
    """An SI value as the runner would type it back (the inverse of `typed_value`): `6.20 mi`, `42:15`."""
    units = units or display_units()
    if field_name == "distance_m":
        per = MILE_M if distance_unit(units) == "mi" else KM_M
        return f"{value / per:.2f} {distance_unit(units)}"
    if field_name in ("duration_s", "elapsed_s", "avg_pace_s_per_km"):
        seconds = value * (MILE_M / KM_M if distance_unit(units) == "mi" else 1.0)
        seconds = seconds if field_name == "avg_pace_s_per_km" else value
        hours, rest = divmod(round(seconds), 3600)
        clock = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
        return f"{clock} /{distance_unit(units)}" if field_name == "avg_pace_s_per_km" else clock
    if field_name in ("total_ascent_m", "total_descent_m"):
        shown = value / FOOT_M if elevation_unit(units) == "ft" else value
        return f"{shown:.0f} {elevation_unit(units)}"
    return f"{value:g}"

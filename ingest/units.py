"""Units of distance and time as runners write them, and their conversion to metres and seconds.

Pure constants and functions shared by every parser that reads a distance written by hand (the
workout-text grammar, the training-log sheet). A unit is named canonically as `m`, `km` or `mi`.
"""

from __future__ import annotations

MILE_M = 1609.344
KM_M = 1000.0
UNIT_M = {"m": 1.0, "km": KM_M, "mi": MILE_M}  # the canonical units

# Every spelling of a distance unit the grammar reads.
DISTANCE_UNITS_M = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "k": KM_M,
    "km": KM_M,
    "kms": KM_M,
    "kilometer": KM_M,
    "kilometers": KM_M,
    "kilometre": KM_M,
    "kilometres": KM_M,
    "mi": MILE_M,
    "mile": MILE_M,
    "miles": MILE_M,
    "miler": MILE_M,  # "a 6 miler"
}
TIME_UNITS_S = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    '"': 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "'": 60.0,
}

# Certified race distances.
MARATHON_M = 42195.0
HALF_MARATHON_M = 21097.5
PARKRUN_M = 5000.0


def unit_name(word: str) -> str:
    """The canonical unit of a spelling: `k`, `kms` → `km`; `mile`, `miles` → `mi`; `metres` → `m`."""
    word = word.lower()
    if word.startswith("k"):
        return "km"
    return "mi" if word.startswith("mi") else "m"


def to_metres(value: float | str, unit: str) -> float:
    """`value` in `unit` (any spelling of `DISTANCE_UNITS_M`) as metres."""
    return float(value) * DISTANCE_UNITS_M[unit.lower()]


def to_seconds(value: float | str, unit: str) -> float:
    """`value` in `unit` (any spelling of `TIME_UNITS_S`) as seconds."""
    return float(value) * TIME_UNITS_S[unit.lower()]


def number_read(text: str) -> float:
    """A number as written, with a decimal point or a decimal comma: `8.5`, `8,5` → 8.5."""
    return float(text.strip().replace(",", "."))

"""Values side by side that never read the same when they differ.

Two sources at 10,700 m and 10,702 m both read "10.70 km": a runner asked to choose between them sees
two equal values. `distinct_labels` formats a group of values at the normal precision and adds a
digit (a decimal of the distance, a tenth of a second) until different values read differently.
"""

from __future__ import annotations

from typing import Any

from activities.formatting import (
    FOOT_M,
    distance_in_unit,
    distance_unit,
    elevation_unit,
    format_field,
    format_value,
    pace_in_unit,
)

MAX_EXTRA_DIGITS = 4
DISTANCE_FIELDS = ("distance_m",)
ELEVATION_FIELDS = ("total_ascent_m", "total_descent_m")
DURATION_FIELDS = ("duration_s", "elapsed_s")
PACE_FIELDS = ("avg_pace_s_per_km",)
SPECIAL_FIELDS = (*DISTANCE_FIELDS, *ELEVATION_FIELDS, *DURATION_FIELDS, *PACE_FIELDS)


def _clock(seconds: float, digits: int) -> str:
    """3725.25 → "1:02:05.3" with one digit; "1:02:05" with none."""
    scale = 10**digits
    total = round(seconds * scale) / scale
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    width = 2 if digits == 0 else 3 + digits
    text = f"{secs:0{width}.{digits}f}"
    return f"{int(hours)}:{int(minutes):02d}:{text}" if hours else f"{int(minutes)}:{text}"


def value_label(field_name: str, value: Any, extra: int = 0) -> str:
    """One value in the runner's units, with `extra` more digits than the pages normally show."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return format_field(field_name, value)
    if extra == 0:
        return format_field(field_name, value)
    if field_name in DISTANCE_FIELDS:
        return f"{distance_in_unit(value):.{2 + extra}f} {distance_unit()}"
    if field_name in ELEVATION_FIELDS:
        shown = value / FOOT_M if elevation_unit() == "ft" else value
        return f"{shown:.{extra}f} {elevation_unit()}"
    if field_name in DURATION_FIELDS:
        return _clock(value, extra)
    if field_name in PACE_FIELDS:
        return f"{_clock(pace_in_unit(value), extra)} /{distance_unit()}"
    return f"{value:.{extra}f}"


def _distinct(values: list[Any], labels: list[str]) -> bool:
    seen: dict[str, Any] = {}
    for value, label in zip(values, labels, strict=True):
        if label in seen and seen[label] != value:
            return False
        seen[label] = value
    return True


def _plain_labels(values: list[Any]) -> list[str]:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    least = 0 if all(float(v).is_integer() for v in numbers) else 1
    for digits in range(least, least + MAX_EXTRA_DIGITS + 1):
        labels = [f"{v:.{digits}f}" if v in numbers else format_value(v) for v in values]
        if _distinct(values, labels):
            break
    return labels


def distinct_labels(field_name: str, values: list[Any]) -> list[str]:
    """Labels of `values` (SI) in the runner's units, precise enough that unequal values differ."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if field_name not in SPECIAL_FIELDS and numbers and len(set(map(format_value, numbers))) > 1:
        # Plain numbers (heart rate, calories) in a group share one precision: "145.0" beside "145.4".
        return _plain_labels(values)
    labels = [value_label(field_name, v) for v in values]
    for extra in range(1, MAX_EXTRA_DIGITS + 1):
        if _distinct(values, labels):
            break
        labels = [value_label(field_name, v, extra) for v in values]
    return labels

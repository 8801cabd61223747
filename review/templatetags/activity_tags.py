"""Filters only the activity page needs: where a canonical value came from, in words."""

from __future__ import annotations

from django import template

from activities.formatting import format_distance
from ingest.units import MILE_M
from reconcile.selectors import SOURCE_LABELS

register = template.Library()

_SOURCES = SOURCE_LABELS
_SPECIAL = {
    "manual_override": "your correction",
    "derived": "worked out from distance and time",
    "": "—",
}


@register.filter
def provenance(source: str | None) -> str:
    """`fit_file` → "Watch file"; `strava+fit_file` (merged notes) → "Strava + Watch file"."""
    source = source or ""
    if source in _SPECIAL:
        return _SPECIAL[source]
    return " + ".join(_SOURCES.get(part, part) for part in source.split("+"))


def _whole(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-3


@register.filter
def prescribed(metres: float | None) -> str:
    """A rep's prescribed distance as a plan says it, whatever the display units: 800 → "800 m",
    5000 → "5 km", 1609.344 → "1 mi", 402.336 → "0.25 mi"; anything else in the runner's unit."""
    if metres is None:
        return "—"
    if _whole(metres, 100):
        return f"{metres:.0f} m" if metres < 3000 else f"{metres / 1000:g} km"
    if _whole(metres, MILE_M / 4):
        return f"{metres / MILE_M:g} mi"
    return format_distance(metres)

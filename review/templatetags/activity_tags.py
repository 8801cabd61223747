"""Filters only the activity page needs: where a canonical value came from, in words."""

from __future__ import annotations

from django import template

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

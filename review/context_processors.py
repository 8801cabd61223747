"""Template context every review page gets: the units in force and their short names."""

from __future__ import annotations

from django.http import HttpRequest

from activities.formatting import display_units, distance_unit, elevation_unit


def display(request: HttpRequest) -> dict[str, str]:
    units = display_units()
    return {
        "units": units,
        "distance_unit": distance_unit(units),
        "elevation_unit": elevation_unit(units),
    }

"""Garmin's activity types in FIT vocabulary: one table for every Garmin route.

The export's summaries name the type as a string (`"activityType": "treadmill_running"`), the Connect
API as an object (`"activityType": {"typeKey": "treadmill_running", ...}`); both keys are the same, so
both routes map them here and a run gets the same sport whichever way it arrived.
"""

from __future__ import annotations

# Garmin activityType -> (FIT sport, FIT sub_sport). Unknown types keep their own name as the sport.
ACTIVITY_TYPES: dict[str, tuple[str, str | None]] = {
    "running": ("running", None),
    "street_running": ("running", "street"),
    "track_running": ("running", "track"),
    "trail_running": ("running", "trail"),
    "treadmill_running": ("running", "treadmill"),
    "indoor_running": ("running", "indoor_running"),
    "virtual_run": ("running", "virtual_activity"),
    "ultra_run": ("running", None),
    "obstacle_run": ("running", "obstacle"),
    "cycling": ("cycling", None),
    "road_biking": ("cycling", "road"),
    "mountain_biking": ("cycling", "mountain"),
    "gravel_cycling": ("cycling", "gravel_cycling"),
    "cyclocross": ("cycling", "cyclocross"),
    "indoor_cycling": ("cycling", "indoor_cycling"),
    "virtual_ride": ("cycling", "virtual_activity"),
    "e_bike_fitness": ("e_biking", None),
    "walking": ("walking", None),
    "casual_walking": ("walking", "casual_walking"),
    "speed_walking": ("walking", "speed_walking"),
    "hiking": ("hiking", None),
    "lap_swimming": ("swimming", "lap_swimming"),
    "open_water_swimming": ("swimming", "open_water"),
    "swimming": ("swimming", None),
    "rowing": ("rowing", None),
    "indoor_rowing": ("rowing", "indoor_rowing"),
    "multi_sport": ("multisport", None),
    "transition": ("transition", None),
    "transition_v2": ("transition", None),
    "strength_training": ("training", "strength_training"),
    "cardio": ("training", "cardio_training"),
    "yoga": ("training", "yoga"),
    "elliptical": ("fitness_equipment", "elliptical"),
    "stair_climbing": ("fitness_equipment", "stair_climbing"),
    "other": ("generic", None),
}


def activity_type_sport(activity_type: str | None) -> tuple[str | None, str | None]:
    """Garmin's activityType (`treadmill_running`) in FIT vocabulary (`running`, `treadmill`)."""
    if not activity_type:
        return None, None
    key = activity_type.strip().lower()
    return ACTIVITY_TYPES.get(key, (key, None))

"""Summary values computed from track points, shared by the GPX and TCX parsers.

Distances use gpxpy's haversine (Earth radius 6378.137 km), ascent/descent gpxpy's 3-point smoothed
elevation differences, so a GPX and a TCX of the same run give the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gpxpy.geo import calculate_uphill_downhill, haversine_distance

from ingest.records import Samples, sport_family

# Garmin's TrackPointExtension `cad` and TCX RunCadence count one leg for running/walking.
PER_LEG_FAMILIES = {"run", "walk"}

# GPX <type> / TCX Sport words -> FIT sport names (ingest.records.SPORT_FAMILIES vocabulary).
SPORT_WORDS = {
    "running": "running",
    "run": "running",
    "trail_running": "trail_running",
    "trail running": "trail_running",
    "treadmill": "treadmill",
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "cycling": "cycling",
    "biking": "cycling",
    "ride": "cycling",
    "swimming": "swimming",
    "swim": "swimming",
    "rowing": "rowing",
    "other": "generic",
}


def sport_from_word(word: str | None) -> str | None:
    """A sport name the file states, or None when it is missing or unknown (no guessing)."""
    if not word:
        return None
    return SPORT_WORDS.get(word.strip().lower())


def cadence_is_per_leg(sport: str | None) -> bool:
    """Double per-leg cadence unless the file says it is not a run or walk.

    RunBase records runs; a GPX with no sport is taken as one. A ride keeps its rpm.
    """
    return sport is None or sport_family(sport) in PER_LEG_FAMILIES


def cumulative_distance(lat: list[float | None], lon: list[float | None], breaks: set[int]) -> list[float]:
    """Cumulative haversine metres per point; no distance is counted across a segment break."""
    total = 0.0
    out: list[float] = []
    prev: tuple[float, float] | None = None
    for i, (la, lo) in enumerate(zip(lat, lon, strict=True)):
        if i in breaks:
            prev = None
        if la is not None and lo is not None:
            if prev is not None:
                total += haversine_distance(prev[0], prev[1], la, lo)
            prev = (la, lo)
        out.append(total)
    return out


def ascent_descent(altitudes: list[float | None]) -> tuple[float | None, float | None]:
    present = [a for a in altitudes if a is not None]
    if len(present) < 2:
        return None, None
    up, down = calculate_uphill_downhill(present)
    return round(up, 1), round(down, 1)


def mean(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def largest(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def to_utc(value: dt.datetime | None) -> dt.datetime | None:
    """GPX/TCX times are UTC by definition; a naive one is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def hr_stats(samples: Samples) -> tuple[float | None, float | None]:
    rates = [h for h in samples.heart_rate if h]
    if not rates:
        return None, None
    return round(sum(rates) / len(rates), 1), max(rates)

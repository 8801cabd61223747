"""Which scheduled sources are set up here, and how long each may go without a successful run.

A source that is not set up (no HealthFit folder on a VPS, no Strava tokens) fails harmlessly on every
scheduled run; health checks and notifications watch only the ones that are. The limits are a few
schedule periods, so one missed run is not an alarm (RUNBASE_HEALTH_MAX_AGE_HOURS overrides them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from ingest.garmin.tokens import garmin_tokens_stored

MAX_AGE_HOURS = {"icloud": 48, "strava": 48, "garmin_connect": 72, "runalyze": 8 * 24}


def _icloud() -> bool:
    return settings.HEALTHFIT_DIR.is_dir()


def _strava() -> bool:
    return bool(settings.STRAVA_CLIENT_ID) and settings.STRAVA_TOKEN_FILE.is_file()


def _runalyze() -> bool:
    return bool(settings.RUNALYZE_TOKEN)


SET_UP: dict[str, Callable[[], bool]] = {
    "icloud": _icloud,
    "strava": _strava,
    "garmin_connect": garmin_tokens_stored,
    "runalyze": _runalyze,
}


@dataclass(frozen=True, slots=True)
class WatchedSource:
    name: str  # the sync's name (its SyncState row)
    max_age: dt.timedelta  # without a successful run for longer than this, it is stale


def watched_sources() -> list[WatchedSource]:
    """The scheduled sources that are set up on this machine, with their staleness limits."""
    hours = {**MAX_AGE_HOURS, **getattr(settings, "RUNBASE_HEALTH_MAX_AGE_HOURS", {})}
    return [
        WatchedSource(name, dt.timedelta(hours=float(hours[name])))
        for name, is_set_up in SET_UP.items()
        if is_set_up()
    ]

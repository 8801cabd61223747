"""django-q2 tasks: each runs one sync service, then reconciles what it brought in.

The returned text is what q2 stores on the task row (admin › Django Q › Successful tasks).
Failures raise, so q2 records them as failed tasks with the traceback.
"""

from __future__ import annotations

from ingest.healthfit.sync import healthfit_sync
from ingest.runalyze.sync import runalyze_sync
from ingest.schedules import schedule_once
from ingest.strava.sync import strava_sync
from reconcile.services import reconcile_run

STRAVA_RESUME = "runbase: resume Strava sync"


def sync_icloud() -> str:
    """New HealthFit workouts from the iCloud folder (every 30 minutes)."""
    synced = healthfit_sync()
    return f"icloud: {synced.summary()} | reconcile: {reconcile_run().summary()}"


def sync_strava() -> str:
    """New and recently edited Strava activities, with streams (every 6 hours)."""
    synced = strava_sync(streams=True)
    if synced.resume_at is not None:
        # A backfill bigger than one rate-limit window goes on as soon as the window reopens.
        schedule_once(name=STRAVA_RESUME, func="ingest.tasks.sync_strava", at=synced.resume_at)
    return f"strava: {synced.summary()} | reconcile: {reconcile_run().summary()}"


def sync_runalyze() -> str:
    """Runalyze metrics and the training-load history (weekly)."""
    synced = runalyze_sync()
    return f"runalyze: {synced.summary()} | reconcile: {reconcile_run().summary()}"

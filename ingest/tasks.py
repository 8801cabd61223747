"""django-q2 tasks: each runs one sync service and, when `reconcile` (the schedules pass True),
reconciles what it brought in.

The schedules pass `reconcile` explicitly; its default (True) keeps schedule rows installed before the
option existed, which carry no kwargs, doing what they did. The returned text is what q2 stores on the
task row (admin › Django Q › Successful tasks).
Failures raise, so q2 records them as failed tasks with the traceback.
"""

from __future__ import annotations

from ingest.backup.service import backup_create
from ingest.garmin.pull import garmin_connect_sync
from ingest.healthfit.sync import healthfit_sync
from ingest.management.then_reconcile import sync_then_reconcile
from ingest.runalyze.sync import runalyze_sync
from ingest.schedules import schedule_once
from ingest.strava.sync import strava_sync

STRAVA_RESUME = "runbase: resume Strava sync"
GARMIN_RESUME = "runbase: resume Garmin Connect pull"


def sync_icloud(*, reconcile: bool = True) -> str:
    """New HealthFit workouts from the iCloud folder (every 30 minutes)."""
    return sync_then_reconcile("icloud", healthfit_sync, reconcile=reconcile).summary()


def sync_strava(*, reconcile: bool = True) -> str:
    """New and recently edited Strava activities, with streams (every 6 hours)."""
    synced = sync_then_reconcile("strava", lambda: strava_sync(streams=True), reconcile=reconcile)
    if synced.result.resume_at is not None:
        # A backfill bigger than one rate-limit window goes on as soon as the window reopens.
        at, kwargs = synced.result.resume_at, {"reconcile": reconcile}
        schedule_once(name=STRAVA_RESUME, func="ingest.tasks.sync_strava", at=at, kwargs=kwargs)
    return synced.summary()


def sync_runalyze(*, reconcile: bool = True) -> str:
    """Runalyze metrics and the training-load history (weekly)."""
    return sync_then_reconcile("runalyze", runalyze_sync, reconcile=reconcile).summary()


def sync_garmin_connect(*, reconcile: bool = True) -> str:
    """New and recently edited Garmin Connect activities with their original files (daily)."""
    synced = sync_then_reconcile("garmin_connect", garmin_connect_sync, reconcile=reconcile)
    if synced.result.resume_at is not None:
        # A backfill Garmin throttles goes on once it lets us.
        at, kwargs = synced.result.resume_at, {"reconcile": reconcile}
        schedule_once(name=GARMIN_RESUME, func="ingest.tasks.sync_garmin_connect", at=at, kwargs=kwargs)
    return synced.summary()


def backup() -> str:
    """A backup of the database into RUNBASE_BACKUP_DIR, keeping the newest RUNBASE_BACKUP_KEEP (weekly)."""
    return backup_create().summary()

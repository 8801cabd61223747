"""The events RunBase notifies about, each switched on or off by RUNBASE_NOTIFY_EVENTS."""

from __future__ import annotations

from django.conf import settings

SYNC_FAILED = "sync_failed"  # once per failure streak of a sync …
SYNC_RECOVERED = "sync_recovered"  # … and once when it succeeds again (switched with sync_failed)
CREDENTIALS = "credentials"  # Strava/Runalyze refused the credentials, or the Strava app is inactive
SOURCE_QUIET = "source_quiet"  # no new HealthFit file for days, or iCloud files pending for a day
CONFLICTS = "conflicts"  # new pending conflicts: at most one digest a day
NEW_ACTIVITIES = "new_activities"  # off by default
SHOE = "shoe"  # a shoe past its threshold
WEEKLY = "weekly"  # distance, runs, longest run, pending conflicts of the week before

EVENTS = (SYNC_FAILED, CREDENTIALS, SOURCE_QUIET, CONFLICTS, NEW_ACTIVITIES, SHOE, WEEKLY)
DEFAULT_EVENTS = [event for event in EVENTS if event != NEW_ACTIVITIES]
SWITCHED_WITH = {SYNC_RECOVERED: (SYNC_FAILED, CREDENTIALS)}  # a recovery ends either kind of streak


def event_enabled(event: str) -> bool:
    return any(e in settings.RUNBASE_NOTIFY_EVENTS for e in SWITCHED_WITH.get(event, (event,)))

"""A sync's failure and recovery, notified once per failure streak: called by the sync skeleton
(`ingest.sync`) for every route, so a sync failing every 30 minutes for a week sends one message, and
one more when it works again.

The streak is read from the notifications themselves: a sync is in a streak while its newest failure
notification has no recovery after it. Credentials that Strava or Runalyze refuse (and an inactive
Strava application) are the `credentials` event; an exception says so with `credentials = True`.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.utils import timezone

from ingest.models import Notification, SyncState
from ingest.notify.events import CREDENTIALS, SYNC_FAILED, SYNC_RECOVERED, event_enabled
from ingest.notify.send import notification_send
from ingest.watch import SET_UP

logger = logging.getLogger("runbase.notify")
STREAK_EVENTS = (SYNC_FAILED, CREDENTIALS, SYNC_RECOVERED)


def _open_streak(name: str) -> Notification | None:
    """The failure notification of `name`'s current streak, if it is in one."""
    last = (
        Notification.objects.filter(subject=name, event__in=STREAK_EVENTS)
        .order_by("-created_at", "-pk")
        .first()
    )
    return last if last is not None and last.event != SYNC_RECOVERED else None


def _never_set_up(name: str) -> bool:
    """A scheduled source nobody set up here (no HealthFit folder on a VPS) fails on every run, harmlessly:
    not worth a message until it has once worked."""
    if name not in SET_UP or SET_UP[name]():
        return False
    return not SyncState.objects.filter(name=name, last_success_at__isnull=False).exists()


def sync_failed_notify(name: str, error: str, *, credentials: bool = False) -> None:
    """The first failure of a streak is notified; the following ones are not. Never raises."""
    event = CREDENTIALS if credentials and event_enabled(CREDENTIALS) else SYNC_FAILED
    try:
        if _open_streak(name) is not None or _never_set_up(name):
            return
    except DatabaseError as exc:
        logger.warning("could not read the notifications of %s (%s)", name, exc)
        return
    what = "refused the credentials" if event == CREDENTIALS else "failed"
    notification_send(
        event=event,
        key=f"{event}:{name}:{timezone.now().isoformat()}",
        subject=name,
        title=f"RunBase: the {name} sync {what}",
        body=f"{error}\n\nYou will hear once more when it works again.",
    )


def sync_recovered_notify(name: str) -> None:
    """A success after a notified failure ends the streak, with one message. Never raises."""
    try:
        failure = _open_streak(name)
    except DatabaseError as exc:
        logger.warning("could not read the notifications of %s (%s)", name, exc)
        return
    if failure is None:
        return
    since = timezone.localtime(failure.created_at)
    notification_send(
        event=SYNC_RECOVERED,
        key=f"{SYNC_RECOVERED}:{name}:{failure.pk}",
        subject=name,
        title=f"RunBase: the {name} sync works again",
        body=f"It had been failing since {since:%Y-%m-%d %H:%M %Z}.",
    )

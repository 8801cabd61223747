"""The periodic notifications, raised by one check the schedules run every hour (`notices_check`):
a source gone quiet, new pending conflicts (one digest a day at most), new activities (off by
default), a shoe past its threshold and the weekly summary.

Each occurrence has a key (the day of a digest, the week of a summary, a shoe and its threshold …), so
running the check again, or more often, never sends anything twice. They read reconcile's conflicts
and the canonical activities, so they live here; the sending is `ingest.notify`'s.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import timezone

from activities.analysis.config import analysis_config
from activities.analysis.shoes import shoe_mileage
from activities.analysis.volume import period_start
from activities.models import Activity, ActivitySource
from ingest.models import Notification, SyncState
from ingest.notify import events
from ingest.notify.send import notification_send
from ingest.watch import SET_UP
from reconcile.selectors import pending_conflicts

logger = logging.getLogger("runbase.notify")
LISTED = 10  # activities named in one message


@dataclass(slots=True)
class NoticesResult:
    raised: list[str] = field(default_factory=list)  # titles
    failed: list[str] = field(default_factory=list)  # checks that raised an exception

    def summary(self) -> str:
        return f"raised={len(self.raised)} failed={len(self.failed)}"


def _km(metres: float | None) -> str:
    return f"{(metres or 0) / 1000:.1f} km"


def _send(event: str, key: str, title: str, body: str, subject: str = "") -> str | None:
    note = notification_send(event=event, key=key, title=title, body=body, subject=subject)
    return note.title if note is not None else None


def healthfit_quiet(now: dt.datetime) -> str | None:
    """No new HealthFit run for RUNBASE_NOTIFY_QUIET_DAYS while other sources recorded runs since."""
    state = SyncState.objects.filter(name="icloud").first()
    if not SET_UP["icloud"]() or state is None or state.last_activity_at is None:
        return None
    last = state.last_activity_at
    days = settings.RUNBASE_NOTIFY_QUIET_DAYS
    if now - last < dt.timedelta(days=days):
        return None
    others = ActivitySource.objects.filter(start_time__gt=last, deleted_at__isnull=True).exclude(
        route="healthfit"
    )
    if not others.exists():
        return None  # nobody ran: quiet is fine
    return _send(
        events.SOURCE_QUIET,
        f"source_quiet:icloud:{last.isoformat()}",
        f"RunBase: no new HealthFit workout for {(now - last).days} days",
        f"The newest HealthFit workout started {timezone.localtime(last):%Y-%m-%d %H:%M}, but other sources "
        f"recorded {others.count()} run(s) since. Is HealthFit still exporting to iCloud Drive, and is the "
        "folder kept downloaded on the Mac?",
        subject="icloud",
    )


def icloud_pending(now: dt.datetime) -> str | None:
    """Files iCloud has not downloaded for more than RUNBASE_NOTIFY_PENDING_HOURS."""
    state = SyncState.objects.filter(name="icloud").first()
    since = (state.cursor or {}).get("pending_since", {}) if state is not None else {}
    limit = now - dt.timedelta(hours=settings.RUNBASE_NOTIFY_PENDING_HOURS)
    stuck = sorted((first, name) for name, first in since.items() if dt.datetime.fromisoformat(first) < limit)
    if not stuck:
        return None
    first, name = stuck[0]
    return _send(
        events.SOURCE_QUIET,
        f"source_quiet:icloud-pending:{name}:{first}",
        f"RunBase: {len(stuck)} HealthFit file(s) waiting for iCloud for over a day",
        f"{name} and {len(stuck) - 1} more have been waiting since {first[:16]}. In Finder, right-click the "
        "HealthFit folder and choose Keep Downloaded, or run brctl download on it.",
        subject="icloud",
    )


def conflicts_digest(now: dt.datetime) -> str | None:
    """Conflicts that became pending since the last digest: one message a day at most."""
    last = Notification.objects.filter(event=events.CONFLICTS).aggregate(at=Max("created_at"))["at"]
    if last is not None and now - last < dt.timedelta(days=1):
        return None
    pending = pending_conflicts()
    new = pending.filter(created_at__gt=last) if last is not None else pending
    count = new.count()
    if not count:
        return None
    fields = ", ".join(
        f"{row['field_name']} ({row['n']})"
        for row in new.values("field_name").annotate(n=Count("pk")).order_by("field_name")
    )
    return _send(
        events.CONFLICTS,
        f"conflicts:{timezone.localdate(now).isoformat()}",
        f"RunBase: {count} new conflict(s) to review",
        f"{fields}. {pending.count()} pending in all: open Conflicts on the review pages.",
    )


def new_activities(now: dt.datetime) -> str | None:
    """Activities created since the last such message (the first time: in the last day)."""
    if not events.event_enabled(events.NEW_ACTIVITIES):
        return None
    last = Notification.objects.filter(event=events.NEW_ACTIVITIES).aggregate(at=Max("created_at"))["at"]
    new = Activity.objects.filter(created_at__gt=last or now - dt.timedelta(days=1)).order_by(
        "start_time", "pk"
    )
    rows = list(new[: LISTED + 1])
    if not rows:
        return None
    lines = [
        f"{a.date:%a %d %b} {a.workout_name or a.sport or 'activity'} {_km(a.distance_m)}"
        for a in rows[:LISTED]
    ]
    more = new.count() - LISTED
    return _send(
        events.NEW_ACTIVITIES,
        f"new_activities:{max(a.pk for a in rows)}:{new.count()}",
        f"RunBase: {new.count()} new activit{'y' if len(rows) == 1 else 'ies'}",
        "\n".join(lines + ([f"… and {more} more"] if more > 0 else [])),
    )


def shoes_past_threshold(now: dt.datetime) -> list[str]:
    """Each shoe in use past its retirement threshold, once per threshold."""
    raised = []
    for shoe in shoe_mileage():
        if shoe.retired or shoe.distance_m < shoe.threshold_m:
            continue
        title = _send(
            events.SHOE,
            f"shoe:{shoe.shoe_id}:{round(shoe.threshold_m)}",
            f"RunBase: {shoe.shoe} is past {_km(shoe.threshold_m)}",
            f"{_km(shoe.distance_m)} in {shoe.runs} run(s) since {shoe.first_used}. Retire it in the admin, "
            "or raise its threshold (retire at).",
            subject=f"shoe {shoe.shoe_id}",
        )
        if title:
            raised.append(title)
    return raised


def weekly_summary(now: dt.datetime) -> str | None:
    """The week that ended last (RUNBASE_WEEK_START): distance, runs, longest run, pending conflicts."""
    if not Activity.objects.exists():
        return None  # nothing recorded yet: no summary of nothing
    cfg = analysis_config()
    this_week = period_start(timezone.localdate(now), period="weekly", week_start=cfg.week_start)
    start, end = this_week - dt.timedelta(days=7), this_week
    runs = Activity.objects.filter(date__gte=start, date__lt=end, sport=cfg.sport)
    totals = runs.aggregate(distance=Sum("distance_m"), n=Count("pk"))
    longest = runs.order_by("-distance_m", "date").first()
    longest_text = f"{_km(longest.distance_m)} on {longest.date:%a %d %b}" if longest is not None else "none"
    return _send(
        events.WEEKLY,
        f"weekly:{start.isoformat()}",
        f"RunBase: week of {start:%d %b %Y}: {_km(totals['distance'])} in {totals['n']} {cfg.sport} run(s)",
        f"Distance {_km(totals['distance'])}, runs {totals['n']}, longest {longest_text}. "
        f"Conflicts to review: {pending_conflicts().count()}.",
    )


CHECKS: list[tuple[str, Callable[[dt.datetime], str | list[str] | None]]] = [
    ("healthfit_quiet", healthfit_quiet),
    ("icloud_pending", icloud_pending),
    ("conflicts_digest", conflicts_digest),
    ("new_activities", new_activities),
    ("shoes_past_threshold", shoes_past_threshold),
    ("weekly_summary", weekly_summary),
]


def notices_check(*, now: dt.datetime | None = None) -> NoticesResult:
    """Raise every periodic notification that is due. A check that fails is logged and the others go on."""
    now = now or timezone.now()
    result = NoticesResult()
    for name, check in CHECKS:
        try:
            raised = check(now)
        except Exception:
            logger.exception("notification check %s failed", name)
            result.failed.append(name)
            continue
        result.raised += [raised] if isinstance(raised, str) else (raised or [])
    return result

"""Detaching a wrongly matched source record: it becomes its own run, or joins the run the runner names.

The move is pinned (`RecordPin`): matching never takes the record back to the activity it left, nor away
from the one it was put on, whatever `reconcile --all` finds. Both activities are re-resolved at once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from activities.formatting import record_label
from activities.models import Activity, ActivitySource
from reconcile.decision_selectors import ATTACH_WINDOW_DAYS
from reconcile.errors import ReconcileError
from reconcile.history import decision_record, record_key, record_snapshot
from reconcile.models import Decision, RecordPin
from reconcile.services import activity_resolve_stored


def _own_activity(record: ActivitySource) -> Activity:
    return Activity.objects.create(
        date=record.local_date,
        start_time=record.start_time,
        utc_offset_s=record.utc_offset_s,
        sport=record.sport or "",
        distance_m=record.distance_m,
    )


def _check(record: ActivitySource, into: Activity | None) -> None:
    if record.activity_id is None:
        raise ReconcileError(f"{record_label(record)} belongs to no activity: nothing to detach it from")
    if record.deleted_at is not None or record.local_date is None:
        raise ReconcileError(f"{record_label(record)} is deleted at its source: it cannot be moved")
    if into is None:
        return
    if into.pk == record.activity_id:
        raise ReconcileError(f"{record_label(record)} is already part of activity #{into.pk}")
    if abs(into.date - record.local_date) > dt.timedelta(days=ATTACH_WINDOW_DAYS):
        raise ReconcileError(
            f"activity #{into.pk} is on {into.date}, {record_label(record)} on {record.local_date}: "
            "pick a run within a day of it"
        )


@transaction.atomic
def record_detach(*, record: ActivitySource, into: Activity | None = None, detached_by=None) -> Activity:
    """Take `record` off its activity: into a new activity of its own, or into `into` (within a day of
    it). Pinned and recorded in the history; return the activity the record is on now."""
    record = ActivitySource.objects.select_for_update().get(pk=record.pk)
    _check(record, into)
    origin = Activity.objects.get(pk=record.activity_id)
    before = {"records": [record_snapshot(record=record)], "created_activity": None}
    target = into or _own_activity(record)
    if into is None:
        before["created_activity"] = target.pk
    ActivitySource.objects.filter(pk=record.pk).update(activity=target)
    RecordPin.objects.update_or_create(
        record=record, defaults={"activity": target, "created_by": detached_by}
    )
    where = "its own activity" if into is None else f"activity #{target.pk} ({target.date})"
    decision_record(
        activity=origin,
        other_activity=target,
        kind=Decision.Kind.DETACH,
        summary=f"Moved {record_label(record)} to {where}",
        keys=[record_key(record.pk)],
        before=before,
        made_by=detached_by,
    )
    activity_resolve_stored(activity=origin)
    return activity_resolve_stored(activity=target)

"""The runner's verdict on a training-log row the import or reconcile doubted.

A row is flagged when its note was hard to read (low confidence, no language-model answer, a date the
sheet contradicts) or when reconcile kept it as a run of its own, far from every recording of its day.
The runner settles it one of three ways:

- accept: what was read is right. The row's flag goes; a run kept apart because of it is marked
  reviewed (it is a run of its own: a treadmill run without a watch, say).
- dismiss: stop asking about the row, confirming nothing. The flags go, no approval is stamped.
- correct: the right values, given as manual overrides of the activity the row belongs to (they beat
  every source and survive every re-import); then the row counts as accepted.

A re-import of an unchanged row keeps the verdict (the importer only re-flags a changed row).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from activities.models import Activity, ActivitySource
from activities.services import activity_review_done
from ingest.records import Source
from reconcile.errors import ReconcileError
from reconcile.services import activity_edit

logger = logging.getLogger("runbase.reconcile")

ACCEPT, DISMISS = "accept", "dismiss"
VERDICTS = (ACCEPT, DISMISS)


def _check(record: ActivitySource) -> None:
    if record.source != Source.MASTER_XLSX:
        raise ReconcileError(f"record #{record.pk} is not a training-log row")


def _kept_apart(activity: Activity | None) -> bool:
    return activity is not None and activity.review_code == Activity.ReviewCode.UNMATCHED


@transaction.atomic
def log_row_settle(*, record: ActivitySource, verdict: str, settled_by=None) -> ActivitySource:
    """Accept or dismiss one flagged training-log row (see the module's docstring)."""
    _check(record)
    if verdict not in VERDICTS:
        raise ReconcileError(f"unknown verdict {verdict!r}: accept or dismiss")
    ActivitySource.objects.filter(pk=record.pk).update(needs_review=False, review_reason="")
    activity = record.activity
    if _kept_apart(activity):
        if verdict == ACCEPT:
            activity_review_done(activity=activity)
        else:
            activity.needs_review, activity.review_reason, activity.review_code = False, "", ""
            activity.save(update_fields=["needs_review", "review_reason", "review_code", "updated_at"])
    logger.info("training-log row %s: %s by %s", record.source_id, verdict, settled_by or "a command")
    record.refresh_from_db()
    return record


def log_rows_settle(*, record_ids: list[int], verdict: str, settled_by=None) -> int:
    """Accept or dismiss the selected rows; returns how many were settled."""
    records = ActivitySource.objects.filter(pk__in=record_ids, source=Source.MASTER_XLSX).select_related(
        "activity"
    )
    settled = 0
    for record in records:
        log_row_settle(record=record, verdict=verdict, settled_by=settled_by)
        settled += 1
    return settled


@transaction.atomic
def log_row_correct(*, record: ActivitySource, changes: dict[str, Any], corrected_by=None) -> Activity:
    """The runner's own values for the run a row belongs to: manual overrides (SI units), then the row is
    accepted. Raises ReconcileError when the row has not been reconciled into an activity yet."""
    _check(record)
    if record.activity_id is None:
        raise ReconcileError(
            f"training-log row {record.source_id} is not part of an activity yet: run reconcile first"
        )
    if not changes:
        raise ReconcileError("no value given: fill in at least one field")
    activity = activity_edit(activity=record.activity, changes=changes, edited_by=corrected_by)
    record.activity = activity
    log_row_settle(record=record, verdict=ACCEPT, settled_by=corrected_by)
    return Activity.objects.get(pk=activity.pk)

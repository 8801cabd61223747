"""Undoing a decision of the runner: put back exactly what it replaced, then re-resolve.

The overrides and conflict rows of the fields it touched and the activity link and pin of the record
it moved come back from the decision's `before`; the activities are then resolved from their sources
again, so every value is what it would have been had the decision never been made (a re-import since
counts: its values are used). The undo is itself a decision in the history.
"""

from __future__ import annotations

from django.db import transaction

from activities.models import Activity, ActivitySource
from reconcile.decision_selectors import decision_undo_refusal
from reconcile.errors import ReconcileError
from reconcile.history import decision_record, fields_restore, record_restore
from reconcile.models import Decision
from reconcile.services import activity_resolve_stored


def _remove_if_empty(activity_id: int | None) -> None:
    """The activity a detach made goes again once its record went back (nothing else joined it)."""
    if activity_id is None:
        return
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is not None and not activity.sources.exists():
        activity.delete()


@transaction.atomic
def decision_undo(*, decision: Decision, undone_by=None) -> Decision:
    """Undo `decision`; return the undo's own history entry. Refused (ReconcileError) for an undo, a
    decision undone already, or one a later decision built on (undo that one first)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    refusal = decision_undo_refusal(decision=decision)
    if refusal:
        raise ReconcileError(f"“{decision.summary}” cannot be undone: {refusal}")
    before = decision.before or {}
    activity = decision.activity
    if "fields" in before:
        fields_restore(activity=activity, snapshot=before["fields"])
    touched = {activity.pk}
    for record in before.get("records", ()):
        # Where the record is now (a merge may have taken it further) is re-resolved too.
        now = ActivitySource.objects.filter(pk=record["id"]).values_list("activity_id", flat=True).first()
        record_restore(snapshot=record, user=undone_by)
        touched |= {record["activity_id"], decision.other_activity_id, now} - {None}
    undo = decision_record(
        activity=activity,
        kind=Decision.Kind.UNDO,
        summary=f"Undid: {decision.summary}",
        keys=decision.keys,
        before={},
        made_by=undone_by,
        other_activity=decision.other_activity,
        undoes=decision,
    )
    _remove_if_empty(before.get("created_activity"))
    for activity_id in sorted(touched):
        target = Activity.objects.filter(pk=activity_id).first()
        if target is not None:
            activity_resolve_stored(activity=target)
    return undo

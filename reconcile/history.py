"""The decision history: what a decision replaced, kept so that undoing it puts exactly that back.

A snapshot is plain JSON: per field the manual override and the conflict row as they were (None when
there was none), per record its activity link and pin. Restoring writes those rows back; the caller
re-resolves the activities, so every derived value follows as if the decision had never been made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from activities.models import Activity, ActivitySource
from ingest.models import clip_to_field
from reconcile.models import Conflict, Decision, ManualOverride, RecordPin

CONFLICT_STATE = (
    "source_values",
    "resolved_value",
    "resolved_source",
    "status",
    "has_new_values",
    "approved_at",
    "approved_by_id",
    "resolved_at",
    "resolved_by_id",
)
MOMENTS = ("approved_at", "resolved_at")
PEOPLE = ("approved_by_id", "resolved_by_id", "created_by_id")


def _still_there(state: dict[str, Any]) -> dict[str, Any]:
    """`state` with the people who since left (their accounts deleted) as nobody, as SET_NULL made them."""
    ids = {state[name] for name in PEOPLE if state.get(name) is not None}
    known = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return {name: (None if name in PEOPLE and value not in known else value) for name, value in state.items()}


def field_key(field_name: str) -> str:
    return f"field:{field_name}"


def record_key(record_id: int) -> str:
    return f"record:{record_id}"


def _conflict_state(conflict: Conflict) -> dict[str, Any]:
    state = {name: getattr(conflict, name) for name in CONFLICT_STATE}
    for name in MOMENTS:
        state[name] = state[name].isoformat() if state[name] else None
    return state


def fields_snapshot(*, activity: Activity, field_names: list[str]) -> dict[str, Any]:
    """The overrides and conflict rows of these fields of `activity`, as they are now."""
    overrides = {
        o.field_name: o for o in ManualOverride.objects.filter(activity=activity, field_name__in=field_names)
    }
    conflicts = {
        c.field_name: c for c in Conflict.objects.filter(activity=activity, field_name__in=field_names)
    }
    return {
        "overrides": {
            name: (
                {
                    "value": overrides[name].value,
                    "reason": overrides[name].reason,
                    "created_by_id": overrides[name].created_by_id,
                }
                if name in overrides
                else None
            )
            for name in field_names
        },
        "conflicts": {
            name: _conflict_state(conflicts[name]) if name in conflicts else None for name in field_names
        },
    }


def fields_restore(*, activity: Activity, snapshot: dict[str, Any]) -> None:
    """Put the overrides and conflict rows of a `fields_snapshot` back (deleting those that were not)."""
    for name, override in (snapshot.get("overrides") or {}).items():
        if override is None:
            ManualOverride.objects.filter(activity=activity, field_name=name).delete()
        else:
            ManualOverride.objects.update_or_create(
                activity=activity, field_name=name, defaults=_still_there(override)
            )
    for name, state in (snapshot.get("conflicts") or {}).items():
        if state is None:
            Conflict.objects.filter(activity=activity, field_name=name).delete()
            continue
        state = _still_there(state)
        for moment in MOMENTS:
            state[moment] = dt.datetime.fromisoformat(state[moment]) if state[moment] else None
        Conflict.objects.update_or_create(activity=activity, field_name=name, defaults=state)


def record_snapshot(*, record: ActivitySource) -> dict[str, Any]:
    """A record's activity link and pin, as they are now."""
    pin = RecordPin.objects.filter(record=record).first()
    return {"id": record.pk, "activity_id": record.activity_id, "pin": pin.activity_id if pin else None}


def record_restore(*, snapshot: dict[str, Any], user=None) -> None:
    """Put a record's activity link and pin back as a `record_snapshot` saw them."""
    ActivitySource.objects.filter(pk=snapshot["id"]).update(activity_id=snapshot["activity_id"])
    if snapshot["pin"] is None:
        RecordPin.objects.filter(record_id=snapshot["id"]).delete()
    else:
        RecordPin.objects.update_or_create(
            record_id=snapshot["id"], defaults={"activity_id": snapshot["pin"], "created_by": user}
        )


def decision_record(
    *,
    activity: Activity,
    kind: str,
    summary: str,
    keys: list[str],
    before: dict[str, Any],
    made_by=None,
    other_activity: Activity | None = None,
    undoes: Decision | None = None,
) -> Decision:
    """Write one entry of the history."""
    return Decision.objects.create(
        activity=activity,
        other_activity=other_activity,
        kind=kind,
        summary=clip_to_field(Decision, "summary", summary),
        keys=keys,
        before=before,
        made_by=made_by,
        undoes=undoes,
    )

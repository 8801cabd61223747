"""Read queries over the runner's decisions: the history of an activity, what blocks an undo, where a
record may be moved, and everything the activity page's decisions panel shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from activities.formatting import format_local_time, record_label
from activities.models import Activity, ActivitySource, Shoe
from reconcile.models import Decision
from reconcile.selectors import run_label

# A record may join a run of its own local date or the day either side (as matching looks).
ATTACH_WINDOW_DAYS = 1
EDIT_FIELDS = ("workout_name", "workout_type", "shoe", "notes", "rpe")


def decisions_touching(*, activity_ids: set[int]):
    """Decisions made on, or moving a record to, any of these activities."""
    return Decision.objects.filter(Q(activity_id__in=activity_ids) | Q(other_activity_id__in=activity_ids))


def _scope(decision: Decision) -> set[int]:
    return {decision.activity_id, decision.other_activity_id} - {None}


def _pool(activity_ids: set[int]) -> tuple[list[Decision], set[int]]:
    """Every decision touching these activities or the runs their records moved between (two queries),
    and the ids of those undone."""
    pairs = decisions_touching(activity_ids=activity_ids).values_list("activity_id", "other_activity_id")
    ids = activity_ids | {pk for pair in pairs for pk in pair if pk is not None}
    pool = list(decisions_touching(activity_ids=ids).select_related("made_by").order_by("pk"))
    undone = {d.undoes_id for d in pool if d.undoes_id is not None}
    return pool, undone


def _refusal(decision: Decision, pool: list[Decision], undone: set[int]) -> str:
    """Why `decision` cannot be undone ("" when it can), judged against the later decisions in `pool`."""
    if decision.kind == Decision.Kind.UNDO:
        return "an undo is not undone: make the decision again"
    if decision.pk in undone:
        return "it was undone already"
    keys, scope = set(decision.keys), _scope(decision)
    blockers = [
        d
        for d in pool
        if d.pk > decision.pk
        and d.kind != Decision.Kind.UNDO
        and d.pk not in undone
        and scope & _scope(d)
        and keys & set(d.keys)
    ]
    return f"undo the later decision first: {blockers[-1].summary}" if blockers else ""


def decision_undo_refusal(*, decision: Decision) -> str:
    """Why `decision` cannot be undone, or "" when it can: an undo, undone already, or a later decision
    still in force touched the same field or record (undo that one first)."""
    pool, undone = _pool(_scope(decision))
    return _refusal(decision, pool, undone)


@dataclass(slots=True)
class DecisionRow:
    decision: Decision
    who: str
    when: str
    undone: bool
    refusal: str  # why no Undo button ("" when there is one)


def activity_history(*, activity: Activity) -> list[DecisionRow]:
    """The decisions on this activity, newest first, each with who, when and whether it can be undone,
    in a fixed number of queries however long the history."""
    pool, undone = _pool({activity.pk})
    mine = [d for d in reversed(pool) if activity.pk in _scope(d)]
    return [
        DecisionRow(
            decision=d,
            who=d.made_by.get_username() if d.made_by else "a command",
            when=format_local_time(d.made_at),
            undone=d.pk in undone,
            refusal=_refusal(d, pool, undone),
        )
        for d in mine
    ]


@dataclass(slots=True)
class AttachTarget:
    pk: int
    label: str


def attach_targets(*, activity: Activity) -> list[AttachTarget]:
    """The other activities a record of `activity` may join: those within a day of its date."""
    window = dt.timedelta(days=ATTACH_WINDOW_DAYS)
    others = (
        Activity.objects.filter(date__range=(activity.date - window, activity.date + window))
        .exclude(pk=activity.pk)
        .order_by("date", "start_time", "pk")
    )
    return [AttachTarget(pk=other.pk, label=run_label(other)) for other in others]


@dataclass(slots=True)
class DetachableRecord:
    record: ActivitySource
    label: str


def _edit_values(activity: Activity) -> dict[str, Any]:
    return {
        "workout_name": activity.workout_name,
        "workout_type": activity.workout_type,
        "shoe": activity.shoe.name if activity.shoe_id else "",
        "notes": activity.notes,
        "rpe": activity.rpe if activity.rpe is not None else "",
    }


def activity_decisions_context(*, activity: Activity) -> dict[str, Any]:
    """What the activity page's decisions panel shows: the edit form's values and choices, the records
    that can be detached and where to, and the history with its Undo buttons."""
    records = list(activity.sources.filter(deleted_at__isnull=True).select_related("file").order_by("pk"))
    workout_types = (
        Activity.objects.exclude(workout_type="").order_by().values_list("workout_type", flat=True)
    )
    return {
        "decision_history": activity_history(activity=activity),
        "detachable_records": [DetachableRecord(r, record_label(r)) for r in records]
        if len(records) > 1
        else [],
        "attach_targets": attach_targets(activity=activity),
        "edit_values": _edit_values(activity),
        "edit_yours": set(
            activity.overrides.filter(field_name__in=EDIT_FIELDS).values_list("field_name", flat=True)
        ),
        "shoe_names": list(Shoe.objects.order_by("retired", "name").values_list("name", flat=True)),
        "workout_type_options": sorted(set(workout_types) | {"easy", "long", "tempo", "interval", "race"}),
    }

"""Keep an activity's `Conflict` rows in step with what its sources say, one row per field.

- Sources agree (or only one has a value): no row; an open (pending or auto-resolved) row goes.
- They disagree within tolerance: an auto-resolved row naming the value priority chose.
- Beyond tolerance: a pending row with every source's value, until the runner picks one.
- A manual resolution is an override: it stays whatever the sources do; when their values change
  afterwards the row keeps its resolution and is marked `has_new_values`.
Rows are written only when something changed, so re-running writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from activities.models import Activity
from reconcile.models import Conflict
from reconcile.resolver import MANUAL, Comparison


@dataclass(slots=True)
class ConflictCounts:
    pending: int = 0
    auto_resolved: int = 0
    new_values: int = 0
    removed: int = 0
    new_rows: list[Conflict] = field(default_factory=list)  # to create: the caller bulk-creates a batch


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _open_state(comparison: Comparison, now: dt.datetime) -> dict:
    if comparison.within_tolerance:
        return {
            "status": Conflict.Status.AUTO_RESOLVED,
            "resolved_value": comparison.chosen_value,
            "resolved_source": comparison.chosen_source,
            "resolved_at": now,
        }
    return {
        "status": Conflict.Status.PENDING,
        "resolved_value": None,
        "resolved_source": "",
        "resolved_at": None,
    }


def _save_changes(conflict: Conflict, changes: dict) -> bool:
    changed = {k: v for k, v in changes.items() if getattr(conflict, k) != v}
    if "resolved_at" in changed and set(changed) == {"resolved_at"}:
        return False  # only the timestamp would move: nothing really changed
    if not changed:
        return False
    for name, value in changed.items():
        setattr(conflict, name, value)
    conflict.save(update_fields=list(changed))
    return True


def _manual(conflict: Conflict, comparison: Comparison | None, counts: ConflictCounts) -> None:
    values = comparison.source_values if comparison else {}
    if values != conflict.source_values and _save_changes(
        conflict, {"source_values": values, "has_new_values": True}
    ):
        counts.new_values += 1


def conflicts_sync(
    *,
    activity: Activity,
    comparisons: list[Comparison],
    overrides: dict[str, Any],
    existing: list[Conflict],
    now: dt.datetime,
) -> ConflictCounts:
    """Update or remove this activity's conflict rows; return what changed and the rows to create."""
    counts = ConflictCounts()
    new: list[Conflict] = []
    by_field = {c.field_name: c for c in existing}
    compared = {c.field_name: c for c in comparisons}
    for name in sorted(set(by_field) | set(compared)):
        conflict, comparison = by_field.get(name), compared.get(name)
        if name in overrides:
            if conflict is None:
                continue  # the runner's value settles it; nothing to ask
            if conflict.status != Conflict.Status.MANUAL_RESOLVED:
                _save_changes(
                    conflict,
                    {
                        "status": Conflict.Status.MANUAL_RESOLVED,
                        "resolved_value": _jsonable(overrides[name]),
                        "resolved_source": MANUAL,
                        "resolved_at": now,
                    },
                )
            _manual(conflict, comparison, counts)
            continue
        if comparison is None or not comparison.disagree:
            if conflict is not None and conflict.status != Conflict.Status.MANUAL_RESOLVED:
                conflict.delete()
                counts.removed += 1
            elif conflict is not None:
                _manual(conflict, comparison, counts)
            continue
        state = _open_state(comparison, now)
        if conflict is None:
            new.append(
                Conflict(activity=activity, field_name=name, source_values=comparison.source_values, **state)
            )
        else:
            changes = {**state, "source_values": comparison.source_values, "has_new_values": False}
            if conflict.source_values != comparison.source_values:
                changes["approved_at"] = None
            if not _save_changes(conflict, changes):
                continue
        if state["status"] == Conflict.Status.PENDING:
            counts.pending += 1
        else:
            counts.auto_resolved += 1
    counts.new_rows = new
    return counts

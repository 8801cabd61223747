"""Read queries over conflicts and manual decisions, for the review pages and the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from activities.formatting import format_field
from activities.models import Activity
from reconcile.config import reconcile_config
from reconcile.models import Conflict, ManualOverride


def pending_conflicts() -> QuerySet[Conflict]:
    return Conflict.objects.filter(status=Conflict.Status.PENDING)


def conflict_list(*, field_name: str = "", has_new_values: bool | None = None) -> QuerySet[Conflict]:
    """Pending conflicts plus resolved ones whose sources changed since, newest first."""
    conflicts = Conflict.objects.select_related("activity").filter(
        Q(status=Conflict.Status.PENDING) | Q(has_new_values=True)
    )
    if field_name:
        conflicts = conflicts.filter(field_name=field_name)
    if has_new_values is not None:
        conflicts = conflicts.filter(has_new_values=has_new_values)
    return conflicts.order_by("-activity__date", "field_name")


def conflict_field_names() -> list[str]:
    return list(Conflict.objects.order_by().values_list("field_name", flat=True).distinct())


@dataclass(slots=True)
class ConflictChoice:
    source: str
    value: Any
    label: str
    preferred: bool = False
    shown: bool = False  # the activity shows this source's value
    checked: bool = False  # the form's default: the value shown, else the preferred one


def source_priority(*, field_name: str) -> list[str]:
    return list(reconcile_config().priority(field_name))


def conflict_choices(*, conflict: Conflict) -> list[ConflictChoice]:
    """Every source value of a conflict, highest priority first, the preferred one marked, and the one
    the activity shows (a recording's over a gross typo in the log: see the resolver) marked `shown`."""
    priority = source_priority(field_name=conflict.field_name)
    rank = {source: i for i, source in enumerate(priority)}
    shown = (conflict.activity.provenance or {}).get(conflict.field_name)
    ordered = sorted(conflict.source_values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
    choices = [
        ConflictChoice(
            source=source, value=value, label=format_field(conflict.field_name, value), shown=source == shown
        )
        for source, value in ordered
        if value is not None
    ]
    if choices:
        choices[0].preferred = True
        next((c for c in choices if c.shown), choices[0]).checked = True
    return choices


def conflict_average(*, conflict: Conflict) -> float | None:
    """The mean of the numeric source values, or None when the field is not numeric."""
    values = [v for v in conflict.source_values.values() if v is not None]
    if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    return sum(values) / len(values)


def conflict_preferred_value(*, conflict: Conflict) -> ConflictChoice | None:
    """The value of the highest-priority source that has one."""
    choices = conflict_choices(conflict=conflict)
    return choices[0] if choices else None


def activity_overrides(*, activity: Activity) -> list[ManualOverride]:
    return list(activity.overrides.select_related("created_by").order_by("field_name"))


def auto_resolved_unapproved() -> QuerySet[Conflict]:
    return Conflict.objects.filter(status=Conflict.Status.AUTO_RESOLVED, approved_at__isnull=True)

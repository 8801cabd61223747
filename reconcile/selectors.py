"""Read queries over conflicts and manual decisions, for the review pages and the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from activities.formatting import format_field, format_value
from activities.models import Activity, Shoe
from reconcile.config import reconcile_config
from reconcile.fields import FLOAT_FIELDS
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
    labels = conflict_value_labels(field_name=conflict.field_name, values=[v for _, v in ordered])
    choices = [
        ConflictChoice(source=source, value=value, label=labels[i], shown=source == shown)
        for i, (source, value) in enumerate(ordered)
        if value is not None
    ]
    if choices:
        choices[0].preferred = True
        next((c for c in choices if c.shown), choices[0]).checked = True
    return choices


def conflict_value_labels(*, field_name: str, values: list[Any]) -> list[str]:
    """How the runner reads conflict values: a shoe by its name (values are shoe ids), a start time in
    UTC, the rest by `format_field`."""
    if field_name == "shoe":
        ids = [v for v in values if isinstance(v, int)]
        names = dict(Shoe.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        return [names.get(v, format_value(v)) for v in values]
    if field_name == "start_time":
        return [format_value(_moment(v)) for v in values]
    return [format_field(field_name, v) for v in values]


def _moment(value: Any) -> Any:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def conflict_average(*, conflict: Conflict) -> float | None:
    """The mean of the numeric source values, or None when the field is not numeric (a shoe's id is not)."""
    if conflict.field_name not in FLOAT_FIELDS:
        return None
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

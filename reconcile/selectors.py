"""Read queries over conflicts and manual decisions, for the review pages and the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from activities.distinct_labels import distinct_labels
from activities.formatting import field_label, format_distance, format_field, format_value
from activities.models import Activity, Shoe
from activities.typed_values import typed_text
from ingest.records import Source
from reconcile.config import reconcile_config
from reconcile.fields import FLOAT_FIELDS
from reconcile.models import Conflict, ManualOverride

# Every name a value's origin goes by, as the runner reads it.
SOURCE_LABELS = {
    **dict(Source.choices),
    "workout_name_parse": "Workout name",
    "manual": "Your value",
    "manual_override": "Your value",
    "derived": "Computed",
    "interval_detection": "Found in the laps",
}


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


def source_label(source: str) -> str:
    """`fit_file` → "Watch file", `master_xlsx` → "Training log", `fit_file+strava` → both."""
    if not source:
        return "—"
    return " + ".join(SOURCE_LABELS.get(part, part) for part in source.split("+"))


@dataclass(slots=True)
class ConflictChoice:
    source: str
    value: Any
    label: str
    preferred: bool = False
    shown: bool = False  # the activity shows this source's value
    checked: bool = False  # the form's default: the current decision, the value shown, the preferred one

    @property
    def source_label(self) -> str:
        return source_label(self.source)


def source_priority(*, field_name: str) -> list[str]:
    return list(reconcile_config().priority(field_name))


def conflict_source_values(*, conflict: Conflict) -> list[tuple[str, Any]]:
    """A conflict's (source, value) pairs, highest priority first: the same order on every page and
    database (PostgreSQL's jsonb does not keep a dict's key order)."""
    rank = {source: i for i, source in enumerate(source_priority(field_name=conflict.field_name))}
    return sorted(conflict.source_values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def conflict_choices(*, conflict: Conflict) -> list[ConflictChoice]:
    """Every source value of a conflict, highest priority first, the preferred one marked, and the one
    the activity shows (a recording's over a gross typo in the log: see the resolver) marked `shown`."""
    shown = (conflict.activity.provenance or {}).get(conflict.field_name)
    ordered = conflict_source_values(conflict=conflict)
    labels = conflict_value_labels(field_name=conflict.field_name, values=[v for _, v in ordered])
    choices = [
        ConflictChoice(source=source, value=value, label=labels[i], shown=source == shown)
        for i, (source, value) in enumerate(ordered)
        if value is not None
    ]
    if choices:
        choices[0].preferred = True
        if conflict.status == Conflict.Status.MANUAL_RESOLVED:
            decided = _decided_source(conflict)
            for choice in choices:
                choice.checked = choice.source == decided
        else:
            next((c for c in choices if c.shown), choices[0]).checked = True
    return choices


def _decided_source(conflict: Conflict) -> str | None:
    """The source a manual resolution picked, while that source still says the same."""
    source = conflict.resolved_source
    if source in conflict.source_values and conflict.source_values[source] == conflict.resolved_value:
        return source
    return None


def conflict_custom_text(*, conflict: Conflict) -> str:
    """The runner's own value of a resolved conflict as they would type it (`6.20 mi`), or "" when the
    decision was a source's value (the form then checks that source)."""
    if conflict.status != Conflict.Status.MANUAL_RESOLVED or conflict.resolved_value is None:
        return ""
    if _decided_source(conflict) is not None:
        return ""
    value = conflict.resolved_value
    if conflict.field_name == "shoe":
        return conflict_value_labels(field_name="shoe", values=[value])[0]
    if conflict.field_name == "start_time":
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return typed_text(conflict.field_name, value)
    return str(value)


def conflict_value_labels(*, field_name: str, values: list[Any]) -> list[str]:
    """How the runner reads conflict values: a shoe by its name (values are shoe ids), a start time in
    UTC, the rest in the runner's units, precise enough that values that differ read differently."""
    if field_name == "shoe":
        ids = [v for v in values if isinstance(v, int)]
        names = dict(Shoe.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        return [names.get(v, format_value(v)) for v in values]
    if field_name == "start_time":
        return [format_value(_moment(v)) for v in values]
    return distinct_labels(field_name, values)


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


def conflict_spread(*, conflict: Conflict) -> str:
    """How far apart a numeric conflict's sources are: "6 % (0.48 km)"; "" for other fields."""
    values = [
        v for v in conflict.source_values.values() if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if conflict.field_name not in FLOAT_FIELDS or len(values) < 2 or not min(values):
        return ""
    low, high = min(values), max(values)
    return f"{(high - low) / low * 100:.0f} % ({format_field(conflict.field_name, high - low)})"


def conflict_preferred_value(*, conflict: Conflict) -> ConflictChoice | None:
    """The value of the highest-priority source that has one."""
    choices = conflict_choices(conflict=conflict)
    return choices[0] if choices else None


def activity_overrides(*, activity: Activity) -> list[ManualOverride]:
    return list(activity.overrides.select_related("created_by").order_by("field_name"))


def auto_resolved_unapproved() -> QuerySet[Conflict]:
    return Conflict.objects.filter(status=Conflict.Status.AUTO_RESOLVED, approved_at__isnull=True)


# Fields the review pages do not list but a decision may set.
DECISION_LABELS = {"rpe": "RPE", "date": "Date", "utc_offset_s": "UTC offset"}


def decision_value_text(*, field_name: str, value: Any, source: str | None = None) -> str:
    """One line of the decision history: "Distance set to 6.20 mi (Watch file)"."""
    label = DECISION_LABELS.get(field_name) or field_label(field_name)
    if value is None or value == "":
        return f"{label} cleared"
    shown = conflict_value_labels(field_name=field_name, values=[value])[0]
    origin = (
        f" ({source_label(source)})" if source and source in SOURCE_LABELS and "manual" not in source else ""
    )
    return f"{label} set to {shown}{origin}"


def run_label(activity: Activity) -> str:
    """A run as a runner names it: "Wed 1 May 2024 · Morning Run · 8.05 km"."""
    day = activity.date
    name = activity.workout_name or (activity.sport or "run").replace("_", " ").capitalize()
    distance = f" · {format_distance(activity.distance_m)}" if activity.distance_m else ""
    return f"{day:%a} {day.day} {day:%b %Y} · {name}{distance}"


@dataclass(slots=True)
class ConflictRow:
    """A conflict as the lists show it: its field's label and each source's value, labelled."""

    conflict: Conflict
    run: str
    field: str
    values: list[tuple[str, str]]  # (source label, value label), highest priority first
    chosen: str  # the value the activity shows now


def conflict_row(conflict: Conflict) -> ConflictRow:
    choices = conflict_choices(conflict=conflict)
    labels = {c.source: c.label for c in choices}
    if conflict.resolved_value is not None:
        chosen = conflict_value_labels(
            field_name=conflict.field_name, values=[*(c.value for c in choices), conflict.resolved_value]
        )[-1]
    else:
        chosen = ""
    return ConflictRow(
        conflict=conflict,
        run=run_label(conflict.activity),
        field=field_label(conflict.field_name),
        values=[(source_label(c.source), labels[c.source]) for c in choices],
        chosen=chosen,
    )


def conflict_rows(conflicts) -> list[ConflictRow]:
    return [conflict_row(c) for c in conflicts]


def approval_preview(*, conflict_ids: list[int] | None = None) -> list[ConflictRow]:
    """The auto-resolved conflicts bulk approval would approve (those of `conflict_ids` only, when given),
    oldest run first, each with its values and the one priority chose."""
    conflicts = auto_resolved_unapproved().select_related("activity")
    if conflict_ids is not None:
        conflicts = conflicts.filter(pk__in=conflict_ids)
    return conflict_rows(conflicts.order_by("activity__date", "activity_id", "field_name"))

"""Presentation filters for the review pages: SI values in the units and local time a runner reads.

The units come from `activities.formatting.display_units()`, set per request by the middleware.
"""

from __future__ import annotations

from django import template

from activities.formatting import (
    field_label,
    format_distance,
    format_duration,
    format_elevation,
    format_field,
    format_local_time,
    format_pace,
    format_utc,
    format_value,
    record_label,
)
from reconcile.selectors import conflict_source_values, conflict_value_labels
from reconcile.selectors import source_label as reconcile_source_label

register = template.Library()

register.filter("distance", format_distance)
register.filter("elevation", format_elevation)
register.filter("duration", format_duration)
register.filter("value", format_value)
register.filter("utc", format_utc)
register.filter("field_label", field_label)
register.filter("record_label", record_label)


@register.filter
def pace(seconds_per_km) -> str:
    """`{{ activity.avg_pace_s_per_km|pace }}`: min/km or min/mi as the runner chose."""
    return format_pace(seconds_per_km)


@register.filter
def run_name(activity) -> str:
    """What a run is called: its workout name, else its sport as a runner says it ("Trail running"),
    never the stored code (`trail_running`) and never nothing, as the conflict pages name it too."""
    return activity.workout_name or (activity.sport or "run").replace("_", " ").capitalize()


@register.filter
def source_label(source: str) -> str:
    """`fit_file` → "Watch file", `master_xlsx` → "Training log", `workout_name_parse` → "Workout name":
    every origin a value goes by, in the words the conflict pages use."""
    return reconcile_source_label(source)


@register.filter
def local_time(activity_or_record) -> str:
    """`{{ activity|local_time }}`: "Thu 9 Oct 2025, 19:40 (UTC−07:00)" from its own UTC offset."""
    return format_local_time(activity_or_record.start_time, activity_or_record.utc_offset_s)


@register.filter
def date_evidence(activity) -> str:
    """What dated a run whose start its own record could not place: "dated by the home time zone" (no
    source states an offset), or "UTC offset from Garmin Connect" (another record of the run's)."""
    if activity.start_time is None:
        return ""
    if activity.utc_offset_s is None:
        return "dated by the home time zone: no source states its UTC offset"
    origin = (activity.provenance or {}).get("utc_offset_s")
    if origin and origin != (activity.provenance or {}).get("start_time"):
        return f"UTC offset from {source_label(origin)}"
    return ""


@register.filter
def field_value(value, field_name: str) -> str:
    """`{{ value|field_value:conflict.field_name }}`: a value in its field's unit."""
    return format_field(field_name, value)


@register.simple_tag
def conflict_labels(conflict) -> dict:
    """`{% conflict_labels conflict as shown %}`: each source's value (`shown.values`, pairs of source and
    label) and the chosen one (`shown.chosen`) labelled together, precise enough that values that differ
    read differently: 10.702 km beside 10.700 km, never "10.70 km" twice."""
    sources = conflict_source_values(conflict=conflict)
    labels = conflict_value_labels(
        field_name=conflict.field_name, values=[value for _, value in sources] + [conflict.resolved_value]
    )
    return {"values": [(source, labels[i]) for i, (source, _) in enumerate(sources)], "chosen": labels[-1]}


@register.filter
def conflict_value(value, field_name: str) -> str:
    """`{{ value|conflict_value:conflict.field_name }}`: a conflict's value as the runner reads it (a shoe
    by its name, a start time in UTC, a number in its field's unit)."""
    return conflict_value_labels(field_name=field_name, values=[value])[0]

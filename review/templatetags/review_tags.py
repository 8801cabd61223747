"""Presentation filters for the review pages: SI values in the units a runner reads."""

from __future__ import annotations

from django import template

from activities.formatting import format_duration, format_field, format_km, format_pace, format_value
from reconcile.selectors import conflict_value_labels

register = template.Library()

register.filter("km", format_km)
register.filter("duration", format_duration)
register.filter("pace", format_pace)
register.filter("value", format_value)


@register.filter
def field_value(value, field_name: str) -> str:
    """`{{ value|field_value:conflict.field_name }}`: a value in its field's unit."""
    return format_field(field_name, value)


@register.filter
def conflict_value(value, field_name: str) -> str:
    """`{{ value|conflict_value:conflict.field_name }}`: a conflict's value as the runner reads it (a shoe
    by its name, a start time in UTC, a number in its field's unit)."""
    return conflict_value_labels(field_name=field_name, values=[value])[0]

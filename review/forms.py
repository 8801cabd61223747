"""Forms of the review pages: list filters and the conflict resolution choice."""

from __future__ import annotations

import datetime as dt

from django import forms

from activities.selectors import shoe_named
from reconcile.models import Conflict
from reconcile.selectors import conflict_average, conflict_choices

DURATION_FIELDS = {"duration_s", "elapsed_s"}
# Categorical fields typed by hand are compared after normalisation: case and spacing do not count.
NORMALISED_TEXT_FIELDS = {"sport", "workout_type"}
HINTS = {
    "shoe": "a shoe's name or alias",
    "start_time": "2024-05-01T06:30:00-07:00",
    "sport": "running, cycling …",
    "workout_type": "interval, tempo, easy …",
}


class ActivityFilterForm(forms.Form):
    """The activity list's filters and sort; no sport chosen means the running family."""

    q = forms.CharField(required=False, label="Search")
    sport = forms.CharField(required=False)
    sort = forms.CharField(required=False)
    workout_type = forms.CharField(required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    needs_review = forms.BooleanField(required=False)


class ConflictFilterForm(forms.Form):
    field_name = forms.CharField(required=False, label="Field")
    has_new_values = forms.NullBooleanField(
        required=False,
        label="New source values",
        widget=forms.Select(choices=[("", "any"), ("true", "yes"), ("false", "no")]),
    )


def _parse_custom(text: str, field_name: str, numeric: bool):
    """A typed value: `h:mm:ss` or `mm:ss` for durations, a number for numeric fields, a shoe's name or
    alias (its id), an ISO-8601 start time with its offset, normalised text for sport and workout type."""
    text = text.strip()
    if field_name in DURATION_FIELDS and ":" in text:
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
        return seconds
    if field_name == "shoe":
        shoe = shoe_named(name=text)
        if shoe is None:
            raise forms.ValidationError(f"No shoe is called {text!r}.")
        return shoe.pk
    if field_name == "start_time":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as error:
            raise forms.ValidationError(f"Not a time: {text!r} (2024-05-01T06:30:00-07:00).") from error
        if moment.tzinfo is None:
            raise forms.ValidationError(f"{text!r} has no UTC offset (2024-05-01T06:30:00-07:00).")
        return moment.astimezone(dt.UTC).isoformat()
    if field_name in NORMALISED_TEXT_FIELDS:
        return " ".join(text.split()).casefold()
    return float(text) if numeric else text


class ConflictResolveForm(forms.Form):
    """`choice` is `source:<name>`, `average` or `custom` (with `custom_value`)."""

    choice = forms.CharField()
    custom_value = forms.CharField(required=False)

    def __init__(self, *args, conflict: Conflict, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = conflict
        numeric = conflict_average(conflict=conflict) is not None
        self.hint = HINTS.get(conflict.field_name, "number in SI units (m, s, bpm)" if numeric else "")

    def clean(self):
        data = super().clean()
        choice, conflict = data.get("choice", ""), self.conflict
        average = conflict_average(conflict=conflict)
        if choice.startswith("source:"):
            source = choice.removeprefix("source:")
            values = {c.source: c.value for c in conflict_choices(conflict=conflict)}
            if source not in values:
                raise forms.ValidationError(f"{source} has no value for {conflict.field_name}.")
            data["value"], data["source"] = values[source], source
        elif choice == "average" and average is not None:
            data["value"], data["source"] = average, None
        elif choice == "custom" and data.get("custom_value", "").strip():
            try:
                data["value"] = _parse_custom(data["custom_value"], conflict.field_name, average is not None)
            except ValueError as error:
                raise forms.ValidationError(f"Not a number: {data['custom_value']!r}.") from error
            data["source"] = None
        else:
            raise forms.ValidationError("Pick a source value, the average or enter a value.")
        return data

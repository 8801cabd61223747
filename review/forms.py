"""Forms of the review pages: list filters, the conflict resolution choice, the runner's edits and moves.

Values typed by hand are read in the runner's units (`activities.typed_values`) and handed on in SI.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from activities.formatting import distance_unit, elevation_unit
from activities.selectors import shoe_named
from activities.typed_values import TypedValueError, typed_value
from reconcile.fields import FLOAT_FIELDS
from reconcile.models import Conflict
from reconcile.selectors import conflict_average, conflict_choices, conflict_custom_text

# Categorical fields typed by hand are compared after normalisation: case and spacing do not count.
NORMALISED_TEXT_FIELDS = {"sport", "workout_type"}
HINTS = {
    "shoe": "a shoe's name or alias",
    "start_time": "2024-05-01T06:30:00-07:00",
    "sport": "running, cycling …",
    "workout_type": "interval, tempo, easy …",
    "duration_s": "42:15 or 1:02:03",
    "elapsed_s": "42:15 or 1:02:03",
}


def _hint(field_name: str) -> str:
    """An example of a typed value, in the runner's units."""
    if field_name == "distance_m":
        return "6.2 mi or 10 km" if distance_unit() == "mi" else "10 km or 6.2 mi"
    if field_name in ("total_ascent_m", "total_descent_m"):
        return f"a number in {elevation_unit()}, or 120 m / 400 ft"
    return HINTS.get(field_name, "a number" if field_name in FLOAT_FIELDS else "")


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


def _parse_custom(text: str, field_name: str):
    """A typed value: a number in the runner's units (`6.2 mi`, `42:15`, `400 ft`), a shoe's name or
    alias (its id), an ISO-8601 start time with its offset, normalised text for sport and workout type."""
    text = text.strip()
    if field_name in FLOAT_FIELDS:
        try:
            return typed_value(field_name, text)
        except TypedValueError as error:
            raise forms.ValidationError(str(error)) from error
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
    return text


class ConflictResolveForm(forms.Form):
    """`choice` is `source:<name>`, `average` or `custom` (with `custom_value`)."""

    choice = forms.CharField()
    custom_value = forms.CharField(required=False)

    def __init__(self, *args, conflict: Conflict, **kwargs):
        custom = conflict_custom_text(conflict=conflict)
        kwargs.setdefault("initial", {"custom_value": custom, "choice": "custom" if custom else ""})
        super().__init__(*args, **kwargs)
        self.conflict = conflict
        self.hint = _hint(conflict.field_name)

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
            data["value"] = _parse_custom(data["custom_value"], conflict.field_name)
            data["source"] = None
        else:
            raise forms.ValidationError("Pick a source value, the average or enter a value.")
        return data


class ActivityEditForm(forms.Form):
    """The fields a runner sets by hand on the activity page; each change becomes a manual override."""

    workout_name = forms.CharField(required=False, max_length=300, label="Name")
    workout_type = forms.CharField(required=False, max_length=40, label="Workout type")
    shoe = forms.CharField(required=False, max_length=200, help_text="A shoe's name or alias.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rpe = forms.IntegerField(required=False, min_value=1, max_value=10, label="RPE (1–10)")

    def clean_workout_type(self) -> str:
        return " ".join(self.cleaned_data["workout_type"].split()).casefold()

    def clean_notes(self) -> str:
        return self.cleaned_data["notes"].replace("\r\n", "\n").strip()

    def clean_shoe(self):
        name = self.cleaned_data["shoe"].strip()
        if not name:
            return None
        shoe = shoe_named(name=name)
        if shoe is None:
            raise forms.ValidationError(
                f"No shoe is called {name!r}: pick one from the list, or add it in the admin first."
            )
        return shoe

    def changes(self) -> dict:
        """The values as `activity_edit` takes them: every field of the form (unchanged ones are skipped
        by the service)."""
        return {name: self.cleaned_data[name] for name in self.fields}


class RecordMoveForm(forms.Form):
    """Detach a record: `into` empty makes it its own activity, else the id of the run it joins."""

    record = forms.IntegerField()
    into = forms.IntegerField(required=False)

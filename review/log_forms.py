"""Forms of the training-log review: the runner's corrected values, typed in their own units."""

from __future__ import annotations

from django import forms

from activities.formatting import display_units, distance_unit
from ingest.units import KM_M, MILE_M
from reconcile.log_review import VERDICTS


def _seconds(text: str) -> float:
    """`1:02:05`, `48:30` or `48` (minutes) as seconds."""
    parts = [float(p) for p in text.strip().split(":")]
    if len(parts) == 1:
        return parts[0] * 60
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


class LogRowCorrectForm(forms.Form):
    """Distance in the runner's unit, moving time as h:mm:ss, average HR, workout type; empty: unchanged.
    `changes()` gives them in SI units, keyed by canonical field."""

    distance = forms.FloatField(required=False, min_value=0.01, max_value=500)
    duration = forms.CharField(required=False, label="Moving time", max_length=12)
    avg_hr = forms.IntegerField(required=False, min_value=30, max_value=250, label="Avg HR")
    workout_type = forms.CharField(required=False, max_length=40, label="Workout type")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = distance_unit(display_units())
        self.fields["distance"].label = f"Distance ({self.unit})"

    def clean_duration(self) -> float | None:
        text = self.cleaned_data.get("duration", "").strip()
        if not text:
            return None
        try:
            seconds = _seconds(text)
        except ValueError as error:
            raise forms.ValidationError(f"Not a time: {text!r} (h:mm:ss, mm:ss or minutes).") from error
        if seconds <= 0:
            raise forms.ValidationError("A run takes some time.")
        return seconds

    def changes(self) -> dict[str, object]:
        data = self.cleaned_data
        changes: dict[str, object] = {}
        if data.get("distance"):
            changes["distance_m"] = round(data["distance"] * (MILE_M if self.unit == "mi" else KM_M), 1)
        if data.get("duration"):
            changes["duration_s"] = data["duration"]
        if data.get("avg_hr"):
            changes["avg_hr"] = float(data["avg_hr"])
        if data.get("workout_type", "").strip():
            changes["workout_type"] = " ".join(data["workout_type"].split()).casefold()
        return changes


class LogRowsSettleForm(forms.Form):
    """Accept or dismiss the selected rows; `confirmed` is set by the confirmation page's button."""

    verdict = forms.ChoiceField(choices=[(v, v) for v in VERDICTS])
    rows = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, row_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rows"].choices = [(pk, pk) for pk in row_ids]
        self.fields["rows"].error_messages["required"] = "Select at least one row."

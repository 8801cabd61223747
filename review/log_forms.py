"""Forms of the training-log review: the runner's corrected values, typed in their own units."""

from __future__ import annotations

from django import forms

from activities.typed_values import TypedValueError, distance_read, duration_read
from reconcile.log_review import VERDICTS


class LogRowCorrectForm(forms.Form):
    """Distance (a bare number in the runner's unit, or with its own: `10 km`), moving time (`44:00`,
    `1:02:03`, `45 min`), average HR, workout type; an empty field is left as it is. `changes()` gives
    them in SI units, keyed by canonical field."""

    distance = forms.CharField(required=False, max_length=20)
    duration = forms.CharField(required=False, label="Moving time", max_length=20)
    avg_hr = forms.IntegerField(required=False, min_value=30, max_value=250, label="Avg HR")
    workout_type = forms.CharField(required=False, max_length=40, label="Workout type")

    def clean_distance(self) -> float | None:
        return self._read(self.cleaned_data.get("distance", ""), distance_read)

    def clean_duration(self) -> float | None:
        return self._read(self.cleaned_data.get("duration", ""), duration_read)

    @staticmethod
    def _read(text: str, read) -> float | None:
        if not text.strip():
            return None
        try:
            return read(text)
        except TypedValueError as error:
            raise forms.ValidationError(str(error)) from error

    def changes(self) -> dict[str, object]:
        data = self.cleaned_data
        changes: dict[str, object] = {}
        if data.get("distance"):
            changes["distance_m"] = round(data["distance"], 1)
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

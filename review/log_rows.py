"""A flagged training-log row as the review page shows it: the runner's own cells and note, what RunBase
read from them, and why it asks — in words, from the record's stored values (nothing is re-parsed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from activities.formatting import format_distance, format_duration, format_pace, record_label
from activities.models import Activity, ActivitySource

# The columns of a row as the importer names them (ingest/xlsx/columns.py), in reading order.
CELL_LABELS = {
    "date": "Date",
    "distance": "Distance",
    "duration": "Time",
    "workout": "Workout",
    "intensity": "Intensity",
    "shoe": "Shoe",
}


@dataclass(slots=True)
class LogRow:
    record: ActivitySource
    label: str
    cells: list[tuple[str, str]]
    note: str
    read: list[tuple[str, str]]
    reasons: list[str] = field(default_factory=list)
    activity: Activity | None = None


def _cell_label(name: str, distance_unit: str | None) -> str:
    label = CELL_LABELS.get(name, name.replace("_", " ").capitalize())
    return f"{label} ({distance_unit})" if name == "distance" and distance_unit else label


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _by_model(raw: dict[str, Any], name: str) -> str:
    return " (read by the language model)" if (raw.get("pass") or {}).get(name) == "llm" else ""


def _read(record: ActivitySource, raw: dict[str, Any]) -> list[tuple[str, str]]:
    """What the import made of the row: the record's own values, in the runner's units."""
    parsed = raw.get("parsed") or {}
    values = [
        ("Distance", format_distance(record.distance_m) if record.distance_m else ""),
        ("Time", format_duration(record.duration_s) if record.duration_s else ""),
        (
            "Pace",
            format_pace(parsed.get("pace_s_per_km")) + _by_model(raw, "pace_s")
            if parsed.get("pace_s_per_km")
            else "",
        ),
        ("Avg HR", f"{record.avg_hr:.0f}" + _by_model(raw, "avg_hr") if record.avg_hr else ""),
        ("Max HR", f"{record.max_hr:.0f}" if record.max_hr else ""),
        ("Workout", record.workout_name),
        ("Type", record.workout_type + _by_model(raw, "workout_type") if record.workout_type else ""),
        ("Treadmill", "yes" if record.sub_sport == "treadmill" else ""),
        ("Shoe", record.gear),
        ("Intensity", f"{record.intensity_score:g}" if record.intensity_score is not None else ""),
        ("Comment", record.notes),
    ]
    return [(label, value) for label, value in values if value]


def _reasons(record: ActivitySource, raw: dict[str, Any], threshold: float) -> list[str]:
    reasons = []
    confidence = record.parse_confidence
    if record.needs_review and confidence is not None and confidence < threshold:
        reasons.append(f"The note was hard to read: confidence {confidence:.2f}, below {threshold:.2f}.")
        llm = raw.get("llm")
        if not llm:
            reasons.append(
                "No language-model answer for it (the model is off, was unreachable or gave none)."
            )
        elif llm.get("rejected"):
            reasons.append("Part of the language model's answer was not in the note and was left out.")
    reasons += [f"{issue[:1].upper()}{issue[1:]}." for issue in raw.get("issues") or [] if issue]
    if record.needs_review and not reasons and record.review_reason:
        reasons.append(record.review_reason)
    activity = record.activity
    if (
        activity is not None
        and activity.needs_review
        and activity.review_code == Activity.ReviewCode.UNMATCHED
    ):
        reasons.append("Far from every recording of its day, so it was kept as a run of its own.")
    return reasons


def log_row(record: ActivitySource, *, threshold: float | None = None) -> LogRow:
    threshold = float(getattr(settings, "XLSX_LLM_THRESHOLD", 0.7)) if threshold is None else threshold
    raw = record.raw or {}
    cells = raw.get("cells") or {}
    unit = raw.get("distance_unit")
    shown = [
        (_cell_label(name, unit), _cell(value))
        for name, value in cells.items()
        if name != "notes" and value not in (None, "")
    ]
    return LogRow(
        record=record,
        label=record_label(record),
        cells=shown,
        note=_cell(cells.get("notes")),
        read=_read(record, raw),
        reasons=_reasons(record, raw, threshold),
        activity=record.activity,
    )


def log_rows(records) -> list[LogRow]:
    """The page's rows, one per record (the records come with their activity selected)."""
    return [log_row(record) for record in records]

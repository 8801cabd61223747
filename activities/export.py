"""Export canonical activities as JSON or CSV, one object (row) per activity, with stable keys.

JSON: a list of objects. CSV: one row per activity with the same columns in the same order; the
nested parts (`provenance`, `sources`, `intervals`, `conflicts`) are JSON strings in their cells, and a
text cell a spreadsheet would run as a formula starts with `'` (OWASP's CSV-injection rule).
The query count is fixed per 500 activities (select_related + prefetch), whatever the history size.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Prefetch

from activities.models import Activity, ActivitySource

EXPORT_KEYS = (
    "id",
    "date",
    "start_time",
    "utc_offset_s",
    "sport",
    "distance_m",
    "duration_s",
    "avg_hr",
    "max_hr",
    "avg_cadence_spm",
    "total_ascent_m",
    "calories",
    "workout_type",
    "workout_name",
    "intensity_score",
    "shoe",
    "notes",
    "provenance",
    "sources",
    "intervals",
    "conflicts",
)
NESTED_KEYS = ("provenance", "sources", "intervals", "conflicts")
FORMATS = ("json", "csv")


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def activity_export_row(activity: Activity) -> dict[str, Any]:
    """One activity as the export's object; expects the prefetches of `activities_for_export`."""
    intervals = sorted(activity.intervals.all(), key=lambda i: (i.rep_number, i.is_recovery))
    return {
        "id": activity.pk,
        "date": activity.date.isoformat(),
        "start_time": _utc(activity.start_time),
        "utc_offset_s": activity.utc_offset_s,
        "sport": activity.sport,
        "distance_m": activity.distance_m,
        "duration_s": activity.duration_s,
        "avg_hr": activity.avg_hr,
        "max_hr": activity.max_hr,
        "avg_cadence_spm": activity.avg_cadence_spm,
        "total_ascent_m": activity.total_ascent_m,
        "calories": activity.calories,
        "workout_type": activity.workout_type,
        "workout_name": activity.workout_name,
        "intensity_score": activity.intensity_score,
        "shoe": activity.shoe.name if activity.shoe else None,
        "notes": activity.notes,
        "provenance": activity.provenance,
        "sources": [
            {"source": r.source, "source_id": r.source_id, "file": r.file.name if r.file else None}
            for r in activity.sources.all()
        ],
        "intervals": [
            {
                "rep": i.rep_number,
                "prescribed_distance_m": i.prescribed_distance_m,
                "actual_distance_m": i.actual_distance_m,
                "canonical_distance_m": i.canonical_distance_m,
                "duration_s": i.duration_s,
                "is_recovery": i.is_recovery,
            }
            for i in intervals
        ],
        "conflicts": [
            {"field": c.field_name, "status": c.status, "source_values": c.source_values}
            for c in sorted(activity.conflicts.all(), key=lambda c: c.field_name)
        ],
    }


def activities_for_export(*, since: dt.date | None = None):
    """Activities oldest first with everything the export reads."""
    activities = Activity.objects.select_related("shoe").order_by("date", "start_time", "pk")
    if since is not None:
        activities = activities.filter(date__gte=since)
    sources = (
        ActivitySource.objects.select_related("file")
        .only("activity_id", "source", "source_id", "file__name")
        .order_by("source", "source_id")
    )
    return activities.prefetch_related(Prefetch("sources", queryset=sources), "intervals", "conflicts")


def activities_export(*, since: dt.date | None = None) -> Iterator[dict[str, Any]]:
    """Export objects, streamed in chunks of 500 activities."""
    for activity in activities_for_export(since=since).iterator(chunk_size=500):
        yield activity_export_row(activity)


# A text cell starting with one of these is a formula to Excel, LibreOffice and Sheets (OWASP: CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_text_safe(text: str) -> str:
    """`=HYPERLINK(…)` → `'=HYPERLINK(…)`: a spreadsheet shows the text instead of running it."""
    return f"'{text}" if text.startswith(FORMULA_LEADS) else text


def _csv_cell(key: str, value: Any) -> Any:
    if key in NESTED_KEYS:
        return csv_text_safe(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, str):
        return csv_text_safe(value)
    return "" if value is None else value  # numbers stay numbers: a -5 m ascent is not a formula


def export_write(*, out: IO[str], format: str, since: dt.date | None = None) -> int:
    """Write the export to `out`; return the number of activities written."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}: use json or csv")
    count = 0
    if format == "csv":
        writer = csv.writer(out)
        writer.writerow(EXPORT_KEYS)
        for row in activities_export(since=since):
            writer.writerow([_csv_cell(key, row[key]) for key in EXPORT_KEYS])
            count += 1
        return count
    out.write("[")
    for row in activities_export(since=since):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count

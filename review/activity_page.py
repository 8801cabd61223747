"""Everything one activity's page shows, read in a fixed handful of queries: the view renders it as is.

Besides the canonical fields and their sources it assembles the charts (review.charts), the route
(activities.routes), the laps table with the lap and rep spans that link the table, the chart bands and
the map, and the pace the heading may honestly show while a distance or time conflict is pending.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from gpxpy.geo import calculate_uphill_downhill

from activities import selectors as activity_selectors
from activities.formatting import format_field, record_label
from activities.models import Activity, ActivitySource, Interval, Lap
from activities.routes import route_payload
from activities.selectors import FieldRow
from reconcile import selectors as conflict_selectors
from reconcile.models import Conflict
from review.charts import ChartSet, Span, activity_charts

# Records to take a pace from while its inputs are disputed, most trusted recording first.
PACE_PRIORITY = ["fit_file", "garmin", "strava", "runalyze", "master_xlsx"]
PACE_INPUTS = {"distance_m": "distance", "duration_s": "moving time"}


@dataclass(slots=True)
class DisplayPace:
    """The pace the page shows, and why (and from which source) when it is not the canonical one."""

    seconds_per_km: float | None
    note: str = ""
    source: str = ""


@dataclass(slots=True)
class LapRow:
    number: int
    distance_m: float | None
    duration_s: float | None
    pace_s_per_km: float | None
    gain_m: float | None
    avg_hr: float | None
    avg_cadence_spm: float | None
    span: Span | None


def display_pace(*, activity: Activity, records: list[ActivitySource], disputed: set[str]) -> DisplayPace:
    """The canonical pace, unless a conflict on distance or time is pending: then the pace of one record
    from its own distance and time (the record that gave the time, else the distance, else the most
    trusted one with both), so the page never divides one source's distance by another's time."""
    disputed = disputed & set(PACE_INPUTS)
    if not disputed:
        return DisplayPace(activity.avg_pace_s_per_km)
    usable = [r for r in records if r.distance_m and r.duration_s and r.deleted_at is None]
    if not usable:
        return DisplayPace(None, "No pace while the distance or time is disputed.", "—")
    rank = {s: i for i, s in enumerate(PACE_PRIORITY)}
    wanted = [activity.provenance.get("duration_s"), activity.provenance.get("distance_m")]
    record = min(
        usable,
        key=lambda r: (wanted.index(r.source) if r.source in wanted else 2, rank.get(r.source, len(rank))),
    )
    what = " and ".join(PACE_INPUTS[name] for name in PACE_INPUTS if name in disputed)
    return DisplayPace(
        record.duration_s / record.distance_m * 1000,
        f"Pace from one source alone ({record_label(record)}), its own distance and time, "
        f"while the {what} {'are' if ' and ' in what else 'is'} disputed.",
        record.source,
    )


def rows_with_display_pace(rows: list[FieldRow], pace: DisplayPace) -> list[FieldRow]:
    """The field table's Pace row shows the page's pace: while a conflict is pending it is the one
    record's, with that record as its source, never the canonical mix."""
    if pace.note:
        for row in rows:
            if row.name == "avg_pace_s_per_km":
                row.value = format_field(row.name, pace.seconds_per_km)
                row.source = pace.source
    return rows


def _lap_spans(laps: list[Lap], stream_start) -> list[Span | None]:
    spans: list[Span | None] = []
    running = 0.0
    for lap in laps:
        length = lap.elapsed_s or lap.duration_s
        start = (
            (lap.start_time - stream_start).total_seconds() if lap.start_time and stream_start else running
        )
        spans.append(Span(start, start + length, "lap", lap.index) if length else None)
        running = start + (length or 0.0)
    return spans


def _gain(columns: dict | None, span: Span | None) -> float | None:
    """Ascent within a lap from the stream's altitudes (gpxpy's smoothing, as GPX imports use)."""
    altitude = (columns or {}).get("altitude")
    if span is None or not altitude:
        return None
    times = columns["time"]
    first, last = bisect_left(times, span.start_s), bisect_right(times, span.end_s)
    present = [a for a in altitude[first:last] if a is not None]
    return calculate_uphill_downhill(present)[0] if len(present) > 1 else None


def lap_rows(*, laps: list[Lap], columns: dict | None) -> list[LapRow]:
    """Each lap with its pace from its own distance and time, and its gain (the source's, else the
    stream's); a lap's span places it on the charts and the map."""
    spans = _lap_spans(laps, (columns or {}).get("start"))
    rows = []
    for lap, span in zip(laps, spans, strict=True):
        pace = lap.duration_s / lap.distance_m * 1000 if lap.distance_m and lap.duration_s else None
        gain = lap.total_ascent_m if lap.total_ascent_m is not None else _gain(columns, span)
        rows.append(
            LapRow(
                lap.index + 1,
                lap.distance_m,
                lap.duration_s,
                pace,
                gain,
                lap.avg_hr,
                lap.avg_cadence_spm,
                span,
            )
        )
    return rows


def rep_spans(*, intervals: list[Interval], activity: Activity, columns: dict | None) -> dict[int, Span]:
    """Work reps by interval id, in seconds from the stream's start (their offsets count from the
    activity's start)."""
    if not columns or activity.start_time is None:
        return {}
    shift = (columns["start"] - activity.start_time).total_seconds()
    return {
        i.pk: Span(i.start_offset_s - shift, i.start_offset_s - shift + i.duration_s, "rep", i.pk)
        for i in intervals
        if not i.is_recovery and i.start_offset_s is not None and i.duration_s
    }


def _lap_record(records: list[ActivitySource], chart_record: ActivitySource | None) -> ActivitySource | None:
    """The chart's record when it has laps (its laps line up with the charts), else the first with laps."""
    with_laps = [r for r in records if r.laps.all()]
    if chart_record is not None:
        for record in with_laps:
            if record.pk == chart_record.pk:
                return record
    return with_laps[0] if with_laps else None


def activity_page(*, activity: Activity, x_axis: str = "distance") -> dict[str, Any]:
    """The page's context: the activity, its records and fields, charts, route, laps, reps and pace."""
    records = activity_selectors.activity_records(activity=activity)
    stream = activity_selectors.activity_best_stream(activity=activity)
    chart_record, columns = stream if stream else (None, None)
    conflicts = list(activity.conflicts.all())
    intervals = list(activity.intervals.all())
    lap_record = _lap_record(records, chart_record)
    laps = lap_rows(laps=list(lap_record.laps.all()), columns=columns) if lap_record else []
    reps = rep_spans(intervals=intervals, activity=activity, columns=columns)
    spans = [row.span for row in laps if row.span] + list(reps.values())
    charts: ChartSet | None = activity_charts(columns, x_axis=x_axis, spans=spans) if columns else None
    route = None
    if columns and charts:
        marks = [(s.kind, s.index, s.start_s, s.end_s) for s in spans]
        route = route_payload(columns, moments=charts.samples, spans=marks)
    disputed = {c.field_name for c in conflicts if c.status == Conflict.Status.PENDING}
    pace = display_pace(activity=activity, records=records, disputed=disputed)
    return {
        "activity": activity,
        "records": records,
        "rows": rows_with_display_pace(
            activity_selectors.activity_field_rows(activity=activity, records=records), pace
        ),
        "intervals": intervals,
        "rep_ids": set(reps),
        "conflicts": conflicts,
        "overrides": conflict_selectors.activity_overrides(activity=activity),
        "chart_record": chart_record,
        "charts": charts,
        "lap_record": lap_record,
        "laps": laps,
        "route": route,
        "map_tiles": settings.RUNBASE_MAP_TILES,
        "map_attribution": settings.RUNBASE_MAP_ATTRIBUTION,
        "pace": pace,
    }

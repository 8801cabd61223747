"""Read queries behind the review pages and the admin's read-only tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Activity, ActivitySource, AthleteDay, Shoe, Stream
from activities.selectors import stream_columns
from ingest.models import ProcessedFile, SyncState
from reconcile.config import reconcile_config
from reconcile.models import Conflict, ManualOverride
from review.formatting import format_field

# The canonical fields a runner reviews, in reading order, with their labels.
CANONICAL_FIELDS: list[tuple[str, str]] = [
    ("start_time", "Start (UTC)"),
    ("sport", "Sport"),
    ("distance_m", "Distance"),
    ("duration_s", "Moving time"),
    ("elapsed_s", "Elapsed time"),
    ("avg_pace_s_per_km", "Pace"),
    ("avg_hr", "Avg HR"),
    ("max_hr", "Max HR"),
    ("avg_cadence_spm", "Cadence (spm)"),
    ("total_ascent_m", "Ascent (m)"),
    ("total_descent_m", "Descent (m)"),
    ("calories", "Calories"),
    ("workout_type", "Workout type"),
    ("workout_name", "Workout name"),
    ("intensity_score", "Intensity"),
    ("shoe", "Shoe"),
    ("trimp", "TRIMP"),
    ("vo2max", "VO2max"),
    ("notes", "Notes"),
]
# Stream sources in order of trust for the charts: a recording file first.
STREAM_PRIORITY = ["fit_file", "garmin", "strava", "runalyze"]


def pending_conflicts() -> QuerySet[Conflict]:
    return Conflict.objects.filter(status=Conflict.Status.PENDING)


def source_count_subquery() -> Subquery:
    """Number of source records of the outer activity, as a scalar subquery (no GROUP BY on the list)."""
    records = ActivitySource.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
    return Subquery(records.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def activities_with_flags() -> QuerySet[Activity]:
    """Activities annotated with their number of sources and whether a conflict is pending."""
    pending = pending_conflicts().filter(activity=OuterRef("pk"))
    return (
        Activity.objects.select_related("shoe")
        .annotate(source_count=Coalesce(source_count_subquery(), 0), has_pending=Exists(pending))
        .order_by("-date", "-start_time")
    )


def dashboard_summary(*, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, in a handful of queries."""
    today = today or timezone.now().astimezone(ZoneInfo(settings.RUNBASE_HOME_TZ)).date()
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    runs = Activity.objects.all()
    return {
        "activity_count": runs.count(),
        "by_source": list(
            ActivitySource.objects.filter(deleted_at__isnull=True)
            .values("source")
            .annotate(n=Count("id"))
            .order_by("source")
        ),
        "week_km": (runs.filter(date__gte=week_start).aggregate(d=Sum("distance_m"))["d"] or 0) / 1000,
        "month_km": (runs.filter(date__gte=month_start).aggregate(d=Sum("distance_m"))["d"] or 0) / 1000,
        "pending_conflicts": pending_conflicts().count(),
        "new_value_conflicts": Conflict.objects.filter(has_new_values=True).count(),
        "auto_resolved_unapproved": Conflict.objects.filter(
            status=Conflict.Status.AUTO_RESOLVED, approved_at__isnull=True
        ).count(),
        "records_needing_review": ActivitySource.objects.filter(needs_review=True).count(),
        "activities_needing_review": runs.filter(needs_review=True).count(),
        "shoes_needing_review": Shoe.objects.filter(needs_review=True).count(),
        "sync_states": list(SyncState.objects.all()),
        "failed_files": ProcessedFile.objects.filter(status=ProcessedFile.Status.FAILED).count(),
        "recent": list(activities_with_flags()[:10]),
        "athlete_day": AthleteDay.objects.filter(ctl__isnull=False).order_by("-date").first(),
    }


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


@dataclass(slots=True)
class ConflictChoice:
    source: str
    value: Any
    label: str
    preferred: bool = False


def source_priority(*, field_name: str) -> list[str]:
    return list(reconcile_config().priority(field_name))


def conflict_choices(*, conflict: Conflict) -> list[ConflictChoice]:
    """Every source value of a conflict, highest priority first, the preferred one marked."""
    priority = source_priority(field_name=conflict.field_name)
    rank = {source: i for i, source in enumerate(priority)}
    ordered = sorted(conflict.source_values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
    choices = [
        ConflictChoice(source=source, value=value, label=format_field(conflict.field_name, value))
        for source, value in ordered
        if value is not None
    ]
    if choices:
        choices[0].preferred = True
    return choices


def conflict_average(*, conflict: Conflict) -> float | None:
    """The mean of the numeric source values, or None when the field is not numeric."""
    values = [v for v in conflict.source_values.values() if v is not None]
    if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    return sum(values) / len(values)


def conflict_preferred_value(*, conflict: Conflict) -> ConflictChoice | None:
    """The value of the highest-priority source that has one."""
    choices = conflict_choices(conflict=conflict)
    return choices[0] if choices else None


def activity_list(
    *,
    q: str = "",
    sport: str = "",
    workout_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    needs_review: bool = False,
) -> QuerySet[Activity]:
    activities = activities_with_flags()
    if q:
        by_source_id = ActivitySource.objects.filter(activity=OuterRef("pk"), source_id__icontains=q)
        activities = activities.filter(
            Q(workout_name__icontains=q) | Q(notes__icontains=q) | Exists(by_source_id)
        )
    if sport:
        activities = activities.filter(sport=sport)
    if workout_type:
        activities = activities.filter(workout_type=workout_type)
    if date_from:
        activities = activities.filter(date__gte=date_from)
    if date_to:
        activities = activities.filter(date__lte=date_to)
    if needs_review:
        activities = activities.filter(Q(needs_review=True) | Q(has_pending=True))
    return activities


def activity_filter_options() -> dict[str, list[str]]:
    values = Activity.objects.order_by()
    return {
        "sports": sorted(filter(None, values.values_list("sport", flat=True).distinct())),
        "workout_types": sorted(filter(None, values.values_list("workout_type", flat=True).distinct())),
    }


@dataclass(slots=True)
class FieldRow:
    name: str
    label: str
    value: str
    source: str
    overridden: bool
    source_values: list[str] = field(default_factory=list)


def _record_value(record: ActivitySource, name: str) -> Any:
    if name == "shoe":
        return record.shoe.name if record.shoe_id else (record.gear or None)
    if name in ("trimp", "vo2max"):
        metrics = getattr(record, "runalyze_metrics", None)
        return getattr(metrics, name, None) if metrics else None
    return getattr(record, name, None)


def activity_records(*, activity: Activity) -> list[ActivitySource]:
    return list(
        activity.sources.select_related("file", "shoe", "runalyze_metrics", "stream")
        .prefetch_related("laps")
        .order_by("source", "source_id")
    )


def activity_field_rows(*, activity: Activity, records: list[ActivitySource] | None = None) -> list[FieldRow]:
    """Each canonical field with its value, the source that supplied it and every source's value."""
    records = activity_records(activity=activity) if records is None else records
    overridden = set(activity.overrides.values_list("field_name", flat=True))
    rows = []
    for name, label in CANONICAL_FIELDS:
        value = activity.shoe.name if name == "shoe" and activity.shoe_id else getattr(activity, name)
        if name == "shoe" and not activity.shoe_id:
            value = None
        rows.append(
            FieldRow(
                name=name,
                label=label,
                value=format_field(name, value),
                source=str(activity.provenance.get(name, "")),
                overridden=name in overridden,
                source_values=[format_field(name, _record_value(r, name)) for r in records],
            )
        )
    return rows


def activity_best_stream(*, activity: Activity) -> tuple[ActivitySource, dict] | None:
    """The samples to chart: the most trusted source with a stream, the longest on a tie."""
    rank = {source: i for i, source in enumerate(STREAM_PRIORITY)}
    streams = Stream.objects.filter(record__activity=activity).select_related("record")
    best = min(
        streams,
        key=lambda s: (rank.get(s.record.source, len(rank)), -s.sample_count),
        default=None,
    )
    if best is None:
        return None
    return best.record, stream_columns(record=best.record_id)


def activity_overrides(*, activity: Activity) -> list[ManualOverride]:
    return list(activity.overrides.select_related("created_by").order_by("field_name"))


def auto_resolved_unapproved() -> QuerySet[Conflict]:
    return Conflict.objects.filter(status=Conflict.Status.AUTO_RESOLVED, approved_at__isnull=True)

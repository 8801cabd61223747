"""Read queries that only the review pages need: the dashboard and the activity list with its flags."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Activity, ActivitySource, AthleteDay, Shoe
from activities.selectors import source_count_subquery
from ingest.models import ProcessedFile, SyncState
from reconcile.models import Conflict
from reconcile.selectors import pending_conflicts


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

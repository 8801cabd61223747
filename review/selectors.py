"""Read queries that only the review pages need: the dashboard and the activity list with its sort and
totals (the calendar's month is in `review.month_calendar`). Each page's figures come from a fixed
number of queries, whatever the length of the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.analysis.config import analysis_config
from activities.models import Activity, ActivitySource, AthleteDay, Shoe
from activities.selectors import source_count_subquery
from ingest.models import ProcessedFile, SyncState
from ingest.records import SPORT_FAMILIES, sport_family
from reconcile.models import Conflict
from reconcile.selectors import pending_conflicts
from review.sync_sentences import sync_lines

RUNNING = "run"  # the activity list's sport filter for every sport of the running family (its family name)
ALL_SPORTS = "all"
# Sort keys of the activity list (`?sort=distance`, `?sort=-distance`) and the columns they order by.
SORTS: dict[str, tuple[str, ...]] = {
    "date": ("date", "start_time"),
    "distance": ("distance_m",),
    "time": ("duration_s",),
    "pace": ("avg_pace_s_per_km",),
    "hr": ("avg_hr",),
}
DEFAULT_SORT = "-date"
SORT_CHOICES = [
    ("-date", "newest first"),
    ("date", "oldest first"),
    ("-distance", "longest first"),
    ("distance", "shortest first"),
    ("-time", "most time first"),
    ("pace", "fastest pace first"),
    ("-pace", "slowest pace first"),
    ("-hr", "highest HR first"),
    ("hr", "lowest HR first"),
]


def running_sports() -> list[str]:
    """The sports counted as running: the analysis sport's family (running, trail, treadmill, track)."""
    family = sport_family(analysis_config().sport)
    return sorted(sport for sport, of in SPORT_FAMILIES.items() if of == family)


def home_today() -> dt.date:
    return timezone.now().astimezone(ZoneInfo(settings.RUNBASE_HOME_TZ)).date()


def week_start_of(day: dt.date) -> dt.date:
    """The first day of `day`'s week, by the analysis setting `week_start` (0 = Monday)."""
    return day - dt.timedelta(days=(day.weekday() - analysis_config().week_start) % 7)


@dataclass(slots=True)
class Totals:
    """Runs, distance, moving time and ascent of a set of activities, in SI units."""

    runs: int = 0
    distance_m: float = 0.0
    duration_s: float = 0.0
    ascent_m: float = 0.0


@dataclass(slots=True)
class Period:
    key: str
    label: str
    first: dt.date
    last: dt.date
    totals: Totals


def _totals(row: dict[str, Any], prefix: str = "") -> Totals:
    return Totals(
        runs=row.get(f"{prefix}runs") or 0,
        distance_m=row.get(f"{prefix}distance") or 0.0,
        duration_s=row.get(f"{prefix}duration") or 0.0,
        ascent_m=row.get(f"{prefix}ascent") or 0.0,
    )


def _sums(prefix: str = "", when: Q | None = None) -> dict[str, Any]:
    return {
        f"{prefix}runs": Count("pk", filter=when),
        f"{prefix}distance": Sum("distance_m", filter=when),
        f"{prefix}duration": Sum("duration_s", filter=when),
        f"{prefix}ascent": Sum("total_ascent_m", filter=when),
    }


def _span(first: dt.date, last: dt.date) -> str:
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day}–{last.day} {last:%b %Y}"


def running_periods(*, today: dt.date) -> dict[str, Period | None]:
    """The running totals of the last 7 days and of this calendar month (one query), and — when the
    last 7 days hold no run — the most recent week that does (two more)."""
    runs = Activity.objects.filter(sport__in=running_sports()).order_by()
    week_first, month_first = today - dt.timedelta(days=6), today.replace(day=1)
    in_week = Q(date__gte=week_first, date__lte=today)
    in_month = Q(date__gte=month_first, date__lte=today)
    row = runs.filter(date__gte=min(week_first, month_first), date__lte=today).aggregate(
        **_sums("week_", in_week), **_sums("month_", in_month)
    )
    week = Period(
        "week", f"Last 7 days ({_span(week_first, today)})", week_first, today, _totals(row, "week_")
    )
    month = Period("month", f"{today:%B %Y} so far", month_first, today, _totals(row, "month_"))
    last_week = None
    if not week.totals.runs:
        newest = runs.filter(date__lt=week_first).order_by("-date").values_list("date", flat=True).first()
        if newest is not None:
            first = week_start_of(newest)
            last = first + dt.timedelta(days=6)
            totals = _totals(runs.filter(date__gte=first, date__lte=last).aggregate(**_sums()))
            last_week = Period("last_week", _span(first, last), first, last, totals)
    return {"week": week, "month": month, "last_week": last_week, "periods": [week, month]}


def latest_run(*, before: dt.date) -> Activity | None:
    """The newest run (running of any kind) dated before `before`, for a page whose window is empty."""
    runs = Activity.objects.filter(sport__in=running_sports(), date__lt=before)
    return runs.order_by("-date", "-start_time", "-pk").only("pk", "date", "workout_name", "sport").first()


def activities_with_flags(activities: QuerySet[Activity] | None = None) -> QuerySet[Activity]:
    """Activities annotated with their number of sources and whether a conflict is pending."""
    pending = pending_conflicts().filter(activity=OuterRef("pk"))
    activities = Activity.objects.all() if activities is None else activities
    return (
        activities.select_related("shoe")
        .annotate(source_count=Coalesce(source_count_subquery(), 0), has_pending=Exists(pending))
        .order_by("-date", "-start_time")
    )


def dashboard_summary(*, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, in a handful of queries."""
    today = today or home_today()
    states = list(SyncState.objects.order_by("name"))
    return {
        "today": today,
        **running_periods(today=today),
        "activity_count": Activity.objects.count(),
        "by_source": list(
            ActivitySource.objects.filter(deleted_at__isnull=True)
            .values("source")
            .annotate(n=Count("id"))
            .order_by("source")
        ),
        "pending_conflicts": pending_conflicts().count(),
        "new_value_conflicts": Conflict.objects.filter(has_new_values=True).count(),
        "auto_resolved_unapproved": Conflict.objects.filter(
            status=Conflict.Status.AUTO_RESOLVED, approved_at__isnull=True
        ).count(),
        "log_rows_to_review": log_rows_flagged().count(),
        "activities_needing_review": Activity.objects.filter(needs_review=True).count(),
        "shoes_needing_review": Shoe.objects.filter(needs_review=True).count(),
        "sync_lines": sync_lines(states),
        "failed_files": ProcessedFile.objects.filter(status=ProcessedFile.Status.FAILED).count(),
        "recent": list(activities_with_flags()[:10]),
        "athlete_day": AthleteDay.objects.filter(ctl__isnull=False).order_by("-date").first(),
    }


def log_rows_flagged() -> QuerySet[ActivitySource]:
    """Training-log rows waiting for the runner: flagged by the import (a doubtful reading), or kept as
    a run of their own because they are far from every recording of their day."""
    unmatched = Q(activity__needs_review=True, activity__review_code=Activity.ReviewCode.UNMATCHED)
    return (
        ActivitySource.objects.filter(source="master_xlsx", deleted_at__isnull=True)
        .filter(Q(needs_review=True) | unmatched)
        .select_related("activity", "shoe")
        .order_by("-local_date", "source_id")
    )


def sport_choice(sport: str) -> str:
    """The list's sport filter: "" (no choice made) means running; "all" every sport."""
    return sport or RUNNING


def activity_filter(
    *,
    q: str = "",
    sport: str = "",
    workout_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    needs_review: bool = False,
) -> QuerySet[Activity]:
    """The activities matching the list's filters, unordered and unannotated (for the totals)."""
    activities = Activity.objects.order_by()
    sport = sport_choice(sport)
    if sport == RUNNING:
        activities = activities.filter(sport__in=running_sports())
    elif sport != ALL_SPORTS:
        activities = activities.filter(sport=sport)
    if q:
        by_source_id = ActivitySource.objects.filter(activity=OuterRef("pk"), source_id__icontains=q)
        activities = activities.filter(
            Q(workout_name__icontains=q) | Q(notes__icontains=q) | Exists(by_source_id)
        )
    if workout_type:
        activities = activities.filter(workout_type=workout_type)
    if date_from:
        activities = activities.filter(date__gte=date_from)
    if date_to:
        activities = activities.filter(date__lte=date_to)
    if needs_review:
        pending = pending_conflicts().filter(activity=OuterRef("pk"))
        activities = activities.filter(Q(needs_review=True) | Exists(pending))
    return activities


def sort_key(sort: str) -> str:
    """A known sort key (`distance`, `-pace` …), else the default: newest first."""
    return sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT


def activity_ids(*, sort: str = DEFAULT_SORT, **filters: Any) -> QuerySet:
    """The ids of the filtered activities in the chosen order (empty values last): the list pages over
    these narrow rows, then reads the page's activities with their flags (`activities_in_order`)."""
    sort = sort_key(sort)
    columns = SORTS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    order = [F(c).desc(nulls_last=True) if descending else F(c).asc(nulls_last=True) for c in columns]
    return activity_filter(**filters).order_by(*order, "-pk").values_list("pk", flat=True)


def activities_in_order(ids: list[int]) -> list[Activity]:
    """The activities `ids` name, with their flags, in the order given: one query."""
    found = {a.pk: a for a in activities_with_flags(Activity.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def activity_list(*, sort: str = DEFAULT_SORT, **filters: Any) -> list[Activity]:
    """Every filtered activity with its flags, in the chosen order (for a short list; pages use ids)."""
    return activities_in_order(list(activity_ids(sort=sort, **filters)))


def activity_totals(**filters: Any) -> Totals:
    """Runs, distance, moving time and ascent of the filtered set: one aggregate query."""
    return _totals(activity_filter(**filters).aggregate(**_sums()))

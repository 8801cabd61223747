"""Phase two of a reconcile run: bring one canonical activity up to date with its live records.

Resolves every field (`reconcile.resolver`), keeps conflicts (`reconcile.conflicts`) and intervals
(`reconcile.intervals`) in step, and writes only what differs, so a re-run on unchanged data writes
nothing at all (not even `updated_at`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from activities.analysis.refresh import activity_analysis_refresh
from activities.models import Activity, ActivitySource, Interval, Lap, Stream
from activities.selectors import stream_columns
from ingest.records import sport_family
from reconcile.config import ReconcileConfig
from reconcile.conflicts import ConflictCounts, conflicts_sync
from reconcile.fields import field_attname, field_decode
from reconcile.intervals import (
    IntervalRow,
    interval_row_key,
    intervals_detect,
    intervals_from_laps,
    intervals_from_stream,
    intervals_prescribed,
)
from reconcile.names import workout_plan_for
from reconcile.resolver import activity_values_resolve
from reconcile.workout_names import WorkoutPlan

logger = logging.getLogger("runbase.reconcile")

DETECTED = "interval_detection"  # provenance of a workout type found in the laps or stream
ORPHAN_REASON = "No live source records (deleted at the source or moved to another run): keep or delete it."


@dataclass(slots=True)
class ActivityOutcome:
    changed: bool
    conflicts: ConflictCounts
    flagged: bool = False


def activities_for_resolve(ids: list[int]) -> QuerySet[Activity]:
    """Activities with everything resolution reads, in a fixed number of queries."""
    live = (
        ActivitySource.objects.filter(deleted_at__isnull=True)
        .select_related("runalyze_metrics")
        .defer("raw")
        # Unnamed interval sessions are looked for without a query per record: laps, has a stream.
        .prefetch_related("laps")
        .annotate(has_stream=Exists(Stream.objects.filter(record=OuterRef("pk"))))
    )
    return Activity.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("sources", queryset=live, to_attr="live_sources"),
        "overrides",
        "conflicts",
        "intervals",
    )


def _apply_values(activity: Activity, values: dict[str, Any], provenance: dict[str, str]) -> list[str]:
    changed = []
    for name, value in values.items():
        attname = field_attname(name)
        if getattr(activity, attname) != value:
            setattr(activity, attname, value)
            changed.append(attname)
    if activity.provenance != provenance:
        activity.provenance = provenance
        changed.append("provenance")
    return changed


def _review_flag(activity: Activity, orphan: bool, members: list[ActivitySource] = ()) -> list[str]:
    fields = ["needs_review", "review_reason", "review_code"]
    joined = any(r.start_time is None for r in members) and any(r.start_time for r in members)
    if joined and activity.review_code == Activity.ReviewCode.UNMATCHED:
        # The log row kept apart has found its run since (a recording arrived): nothing to check.
        activity.needs_review, activity.review_reason, activity.review_code = False, "", ""
        return fields
    if orphan and not activity.needs_review:
        activity.needs_review, activity.review_reason = True, ORPHAN_REASON
        activity.review_code = Activity.ReviewCode.ORPHAN
        return fields
    if not orphan and activity.review_code == Activity.ReviewCode.ORPHAN:
        activity.needs_review, activity.review_reason, activity.review_code = False, "", ""
        return fields
    return []


def _lap_rows(
    plan: WorkoutPlan, members: list[ActivitySource], cfg: ReconcileConfig
) -> list[IntervalRow] | None:
    order = cfg.priority("interval_actual_distance")
    candidates = sorted(
        (r for r in members if r.source in order), key=lambda r: (order.index(r.source), r.pk)
    )
    if not candidates:
        return None
    laps_by_record: dict[int, list[Lap]] = {}
    for lap in Lap.objects.filter(record__in=candidates).order_by("record_id", "index"):
        laps_by_record.setdefault(lap.record_id, []).append(lap)
    for record in candidates:
        rows = intervals_from_laps(
            reps=list(plan.reps),
            laps=laps_by_record.get(record.pk, []),
            start=record.start_time,
            tolerance_pct=cfg.interval_lap_tolerance_pct,
        )
        if rows is not None:
            return rows
    for record in candidates:
        columns = stream_columns(record=record)
        if columns is not None:
            rows = intervals_from_stream(reps=list(plan.reps), columns=columns, start=record.start_time)
            if rows is not None:
                return rows
    return None


def _detected_rows(members: list[ActivitySource], cfg: ReconcileConfig) -> list[IntervalRow] | None:
    """An unnamed run's reps found in the best lap source's laps, or without laps in its stream."""
    order = cfg.priority("interval_actual_distance")
    for record in sorted(
        (r for r in members if r.source in order), key=lambda r: (order.index(r.source), r.pk)
    ):
        laps = sorted(record.laps.all(), key=lambda lap: lap.index)
        has_stream = getattr(record, "has_stream", True)
        columns = stream_columns(record=record) if len(laps) <= 1 and has_stream else None
        rows = intervals_detect(laps=laps, columns=columns, start=record.start_time, cfg=cfg)
        if rows is not None or laps or columns:
            return rows  # the best source with laps or a stream decides
    return None


def _detect_session(resolution, plan, members, overrides, cfg) -> list[IntervalRow] | None:
    """A running activity that no name, log row or person types gets `interval` when its pace shows one."""
    if plan is not None or resolution.values.get("workout_type") or "workout_type" in overrides:
        return None
    if sport_family(resolution.values.get("sport")) != "run":
        return None
    rows = _detected_rows(members, cfg)
    if rows:
        resolution.values["workout_type"] = "interval"
        resolution.provenance["workout_type"] = DETECTED
    return rows


def _interval_rows(plan: WorkoutPlan | None, members: list[ActivitySource], cfg: ReconcileConfig) -> list:
    if plan is None or not plan.reps or any(not (r.distance_m or r.duration_s) for r in plan.reps):
        return []
    rows = _lap_rows(plan, members, cfg)
    return rows if rows is not None else intervals_prescribed(reps=list(plan.reps))


def _sync_intervals(activity: Activity, rows: list[IntervalRow]) -> bool:
    existing = sorted(activity.intervals.all(), key=lambda i: (i.rep_number, i.is_recovery))
    if [r.key() for r in rows] == [interval_row_key(i) for i in existing]:
        return False
    Interval.objects.filter(activity=activity).delete()
    Interval.objects.bulk_create(Interval(activity=activity, **row.values()) for row in rows)
    return True


def activity_refresh(
    *,
    activity: Activity,
    cfg: ReconcileConfig,
    now: dt.datetime,
    readings: dict[str, WorkoutPlan] | None = None,
) -> ActivityOutcome:
    """Resolve one prefetched activity (see `activities_for_resolve`) and write what changed."""
    members = list(activity.live_sources)
    overrides = {o.field_name: field_decode(o.field_name, o.value) for o in activity.overrides.all()}
    if not members:
        # Kept with its last values, flagged: a run is never deleted behind the runner's back.
        changed = _review_flag(activity, orphan=True)
        if changed:
            activity.save(update_fields=[*changed, "updated_at"])
        return ActivityOutcome(changed=bool(changed), conflicts=ConflictCounts(), flagged=bool(changed))
    plan = workout_plan_for(members=members, overrides=overrides, cfg=cfg, readings=readings)
    resolution = activity_values_resolve(members=members, overrides=overrides, plan=plan, cfg=cfg)
    detected = _detect_session(resolution, plan, members, overrides, cfg)
    changed = _apply_values(activity, resolution.values, resolution.provenance)
    changed += _review_flag(activity, orphan=False, members=members)
    if changed:
        activity.save(update_fields=[*changed, "updated_at"])
    counts = conflicts_sync(
        activity=activity,
        comparisons=resolution.comparisons,
        overrides=overrides,
        existing=list(activity.conflicts.all()),
        now=now,
    )
    rows = detected if detected else _interval_rows(plan, members, cfg)
    intervals_changed = _sync_intervals(activity, rows)
    activity_analysis_refresh(activity=activity)  # best efforts and load follow the activity
    return ActivityOutcome(changed=bool(changed) or intervals_changed, conflicts=counts)

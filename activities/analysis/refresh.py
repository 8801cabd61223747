"""Keep the stored analysis of an activity (best efforts, load, heart-rate profile) in step with it.

Reconcile calls `activity_analysis_refresh` whenever it brings an activity up to date; the command
`refresh_analysis` runs `analysis_refresh` over every activity (after changing HRrest/HRmax, say, or to
apply a new estimated HRmax). On an unchanged activity a refresh is one query (`_stored_state`): the
streams it could read, and what the stored efforts, load and heart-rate profile were computed from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from activities.analysis.best_efforts import activity_best_efforts_refresh, stream_data, stream_rank
from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.heart_rate import activity_heart_rate_refresh, heart_rate_inputs
from activities.analysis.load import (
    HeartRateLimits,
    activity_load_refresh,
    heart_rate_limits,
    load_inputs,
)
from activities.models import Activity, ActivityLoad, ActivitySource, BestEffort, HeartRateProfile, Stream


@dataclass(slots=True)
class AnalysisRefreshResult:
    activities: int = 0
    best_efforts: int = 0
    loads: int = 0
    heart_rates: int = 0

    def summary(self) -> str:
        return (
            f"activities={self.activities} best_efforts_changed={self.best_efforts} "
            f"loads_changed={self.loads} heart_rates_changed={self.heart_rates}"
        )


def _stored_state(activity_id: int) -> tuple[int | None, set[int], str | None, str | None]:
    """(the stream to read, the streams of the stored efforts, the stored load's inputs, the stored
    heart-rate profile's inputs) in one round trip.

    Plain SQL on purpose: reconcile asks this of every activity it visits, and building three ORM
    queries costs several times what running them does.
    """
    sql = (
        f"SELECT 's', s.id, s.sample_count, r.source FROM {Stream._meta.db_table} s "
        f"JOIN {ActivitySource._meta.db_table} r ON r.id = s.record_id "
        "WHERE r.activity_id = %s AND r.deleted_at IS NULL "
        f"UNION ALL SELECT 'e', stream_id, 0, '' FROM {BestEffort._meta.db_table} WHERE activity_id = %s "
        f"UNION ALL SELECT 'l', 0, 0, inputs FROM {ActivityLoad._meta.db_table} WHERE activity_id = %s "
        f"UNION ALL SELECT 'h', 0, 0, inputs FROM {HeartRateProfile._meta.db_table} WHERE activity_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [activity_id] * 4)
        rows = cursor.fetchall()
    streams = [(pk, count, source) for kind, pk, count, source in rows if kind == "s"]
    best = min(streams, key=lambda s: stream_rank(source=s[2], sample_count=s[1]), default=None)
    efforts = {pk for kind, pk, _, _ in rows if kind == "e"}
    inputs = next((text for kind, _, _, text in rows if kind == "l"), None)
    heart = next((text for kind, _, _, text in rows if kind == "h"), None)
    return (best[0] if best else None), efforts, inputs, heart


def activity_analysis_refresh(
    *,
    activity: Activity,
    cfg: AnalysisConfig | None = None,
    limits: HeartRateLimits | None = None,
    force: bool = False,
    result: AnalysisRefreshResult | None = None,
) -> AnalysisRefreshResult:
    """Refresh one activity's best efforts, load and heart-rate profile, decoding its stream at most once
    and only for a figure that is stale (or every figure with `force`)."""
    result = result or AnalysisRefreshResult()
    result.activities += 1
    cfg = cfg or analysis_config()
    stream_id, effort_streams, inputs, heart = _stored_state(activity.pk)
    efforts_fresh = effort_streams == ({stream_id} if stream_id else set())
    load_fresh = inputs == load_inputs(activity, stream_id, cfg) and not force
    # No stored profile and no stream: nothing to compute.
    heart_fresh = not force and (
        heart == heart_rate_inputs(stream_id, cfg) or (heart is None and not stream_id)
    )
    if efforts_fresh and load_fresh and heart_fresh:
        return result
    cache: dict = {}

    def read_columns() -> dict:
        if "columns" not in cache:
            cache["columns"] = stream_data(stream_id) if stream_id else {}
        return cache["columns"]

    if not efforts_fresh:
        result.best_efforts += activity_best_efforts_refresh(
            activity=activity, stream_id=stream_id, read_columns=read_columns, picked=True
        )
    if not load_fresh:
        result.loads += activity_load_refresh(
            activity=activity,
            stream_id=stream_id,
            read_columns=read_columns,
            cfg=cfg,
            limits=limits,
            force=force,
        )
    if not heart_fresh:
        result.heart_rates += activity_heart_rate_refresh(
            activity=activity,
            stream_id=stream_id,
            read_columns=read_columns,
            cfg=cfg,
            limits=limits,
            stored_inputs=heart,
            force=force,
        )
    return result


def analysis_refresh(*, log: Callable[[str], None] | None = None) -> AnalysisRefreshResult:
    """Recompute every activity's stored analysis: stale best efforts, and every load with the current
    HRrest/HRmax (an estimated HRmax is estimated once, from all activities)."""
    result = AnalysisRefreshResult()
    cfg = analysis_config()
    limits = heart_rate_limits(cfg=cfg)
    for activity in Activity.objects.order_by("pk").iterator(chunk_size=500):
        activity_analysis_refresh(activity=activity, cfg=cfg, limits=limits, force=True, result=result)
    if log is not None:
        log(f"analysis: {result.summary()}")
    return result

"""Keep the stored analysis of an activity (best efforts, load) in step with the activity.

Reconcile calls `activity_analysis_refresh` whenever it brings an activity up to date; the command
`refresh_analysis` runs `analysis_refresh` over every activity (after changing HRrest/HRmax, say, or to
apply a new estimated HRmax). On an unchanged activity a refresh is three small queries: which stream to
read, and what the stored efforts and load were computed from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from activities.analysis.best_efforts import activity_best_efforts_refresh, activity_stream_id, stream_data
from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.load import (
    HeartRateLimits,
    activity_load_refresh,
    heart_rate_limits,
    load_inputs,
)
from activities.models import Activity, ActivityLoad, BestEffort


@dataclass(slots=True)
class AnalysisRefreshResult:
    activities: int = 0
    best_efforts: int = 0
    loads: int = 0

    def summary(self) -> str:
        return (
            f"activities={self.activities} best_efforts_changed={self.best_efforts} "
            f"loads_changed={self.loads}"
        )


def activity_analysis_refresh(
    *,
    activity: Activity,
    cfg: AnalysisConfig | None = None,
    limits: HeartRateLimits | None = None,
    force: bool = False,
    result: AnalysisRefreshResult | None = None,
) -> AnalysisRefreshResult:
    """Refresh one activity's best efforts and load, decoding its stream at most once and only for a
    figure that is stale (or every figure with `force`)."""
    result = result or AnalysisRefreshResult()
    result.activities += 1
    cfg = cfg or analysis_config()
    stream_id = activity_stream_id(activity=activity)
    effort_streams = set(BestEffort.objects.filter(activity=activity).values_list("stream_id", flat=True))
    efforts_fresh = effort_streams == ({stream_id} if stream_id else set())
    inputs = ActivityLoad.objects.filter(activity=activity).values_list("inputs", flat=True).first()
    load_fresh = inputs == load_inputs(activity, stream_id, cfg) and not force
    if efforts_fresh and load_fresh:
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

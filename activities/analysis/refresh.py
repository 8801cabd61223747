"""Keep the stored analysis of an activity (best efforts, load) in step with the activity.

Reconcile calls `activity_analysis_refresh` whenever it brings an activity up to date; the command
`refresh_analysis` runs `analysis_refresh` over every activity (after changing HRrest/HRmax, say).
Each part skips its work when what it was computed from has not changed, so a re-run is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from activities.analysis.best_efforts import activity_best_efforts_refresh, activity_stream_pick, stream_data
from activities.analysis.load import HeartRateLimits, activity_load_refresh, heart_rate_limits
from activities.models import Activity


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
    *, activity: Activity, limits: HeartRateLimits | None = None, result: AnalysisRefreshResult | None = None
) -> AnalysisRefreshResult:
    """Refresh one activity's best efforts and load, decoding its stream at most once."""
    result = result or AnalysisRefreshResult()
    limits = limits or heart_rate_limits()
    stream = activity_stream_pick(activity=activity)
    cache: dict = {}

    def read_columns() -> dict:
        if "columns" not in cache:
            cache["columns"] = stream_data(stream) if stream else {}
        return cache["columns"]

    result.activities += 1
    # Each part decodes the stream only when it is stale, and the other shares that decoding.
    result.best_efforts += activity_best_efforts_refresh(
        activity=activity, stream=stream, read_columns=read_columns
    )
    result.loads += activity_load_refresh(
        activity=activity, stream=stream, read_columns=read_columns, limits=limits
    )
    return result


def analysis_refresh(*, log: Callable[[str], None] | None = None) -> AnalysisRefreshResult:
    """Refresh every activity's stored analysis (one activity per transaction)."""
    result = AnalysisRefreshResult()
    limits = heart_rate_limits()
    for activity in Activity.objects.order_by("pk").iterator(chunk_size=500):
        activity_analysis_refresh(activity=activity, limits=limits, result=result)
    if log is not None:
        log(f"analysis: {result.summary()}")
    return result

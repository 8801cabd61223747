"""Shoe mileage from canonical activities (spreadsheet-only runs included), beside Strava's own figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Sum

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.models import Shoe


@dataclass(frozen=True, slots=True)
class ShoeMileage:
    shoe_id: int
    shoe: str
    distance_m: float
    runs: int
    first_used: dt.date | None
    last_used: dt.date | None
    threshold_m: float
    near_end: bool  # past `shoe_near_end_pct` % of its threshold
    retired: bool
    strava_distance_m: float | None


def shoe_mileage(*, since: dt.date | None = None, cfg: AnalysisConfig | None = None) -> list[ShoeMileage]:
    """Every shoe with its distance, runs, first and last use (of every sport) and retirement state."""
    cfg = cfg or analysis_config()
    used = Q(activities__date__gte=since) if since is not None else Q()
    shoes = Shoe.objects.annotate(
        total=Sum("activities__distance_m", filter=used),
        runs=Count("activities", filter=used),
        first=Min("activities__date", filter=used),
        last=Max("activities__date", filter=used),
    ).order_by("retired", "name")
    out = []
    for shoe in shoes:
        threshold = shoe.retire_at_m or cfg.shoe_threshold_m
        distance = shoe.total or 0.0
        out.append(
            ShoeMileage(
                shoe_id=shoe.pk,
                shoe=shoe.name,
                distance_m=distance,
                runs=shoe.runs,
                first_used=shoe.first,
                last_used=shoe.last,
                threshold_m=threshold,
                near_end=distance >= threshold * cfg.shoe_near_end_pct / 100,
                retired=shoe.retired,
                strava_distance_m=shoe.distance_m,
            )
        )
    return out

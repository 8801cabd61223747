"""What the trends read from an activity's heart-rate stream: time in each heart-rate zone, and the
aerobic decoupling of the run (Friel's Pa:HR).

Zones are bounded by shares of HRmax (`hr_zones_pct`, default 60/70/80/90 %: five zones). A sample
counts until the next one, a pause at most `MAX_GAP_S`, as for TRIMP; a heart rate on a bound belongs
to the zone above it.

Decoupling compares the two halves (by time) of the run: efficiency = speed / heart rate in each, and

    decoupling % = (EF first half − EF second half) / EF first half × 100

Under 5 % on a long steady run is the usual sign of a sound aerobic base; heat, hills and a fast
finish raise it.

Both are stored per activity (`HeartRateProfile`, with what they were computed from) whenever the
analysis refresh reads the stream, so the pages never decode a stream.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.load import MAX_GAP_S, HeartRateLimits, heart_rate_limits
from activities.models import Activity, HeartRateProfile


def zone_bounds(*, cfg: AnalysisConfig, limits: HeartRateLimits | None) -> list[float] | None:
    """The zones' lower bounds in bpm above zone 1 (None without an HRmax)."""
    if limits is None:
        return None
    return [round(limits.max * pct / 100, 1) for pct in cfg.hr_zones_pct]


def time_in_zones(*, times: Sequence, heart_rates: Sequence, bounds: Sequence[float]) -> list[float]:
    """Pure: seconds in each of the len(bounds) + 1 zones (times in s; None values skipped)."""
    zones = [0.0] * (len(bounds) + 1)
    samples = [(t, hr) for t, hr in zip(times, heart_rates, strict=True) if t is not None and hr is not None]
    for (t0, hr), (t1, _) in pairwise(samples):
        zones[bisect.bisect_right(bounds, hr)] += min(t1 - t0, MAX_GAP_S)
    return [round(z, 1) for z in zones]


def _half(samples: list[tuple[float, float, float]]) -> float | None:
    """Efficiency of a stretch: metres per second over its time-weighted heart rate."""
    beats = seconds = 0.0
    for (t0, _, hr), (t1, _, _) in pairwise(samples):
        step = min(t1 - t0, MAX_GAP_S)
        beats, seconds = beats + hr * step, seconds + step
    moved = samples[-1][1] - samples[0][1]
    if seconds <= 0 or beats <= 0 or moved <= 0:
        return None
    return (moved / (samples[-1][0] - samples[0][0])) / (beats / seconds)


def aerobic_decoupling(*, times: Sequence, distances: Sequence, heart_rates: Sequence) -> float | None:
    """Pure: Pa:HR decoupling in % between the two halves (by time) of a run; None when either half has
    fewer than two samples with distance and heart rate."""
    samples = [
        (t, d, hr)
        for t, d, hr in zip(times, distances, heart_rates, strict=True)
        if t is not None and d is not None and hr is not None
    ]
    if len(samples) < 4:
        return None
    middle = samples[0][0] + (samples[-1][0] - samples[0][0]) / 2
    split = bisect.bisect_right([s[0] for s in samples], middle)
    first, second = samples[:split], samples[split - 1 :]  # the halves share the middle sample
    if len(first) < 2 or len(second) < 2:
        return None
    ef1, ef2 = _half(first), _half(second)
    if ef1 is None or ef2 is None:
        return None
    return round((ef1 - ef2) / ef1 * 100, 2)


@dataclass(frozen=True, slots=True)
class HeartRateFigures:
    zone_s: list[float]
    decoupling_pct: float | None


def heart_rate_compute(*, columns: dict, bounds: Sequence[float] | None) -> HeartRateFigures | None:
    """Pure: the figures of one decoded stream, or None when it has no heart rate."""
    heart_rates = columns.get("heart_rate")
    if not heart_rates or all(hr is None for hr in heart_rates):
        return None
    zones = time_in_zones(times=columns["time"], heart_rates=heart_rates, bounds=bounds) if bounds else []
    decoupling = None
    if "distance" in columns:
        decoupling = aerobic_decoupling(
            times=columns["time"], distances=columns["distance"], heart_rates=heart_rates
        )
    return HeartRateFigures(zones, decoupling)


def heart_rate_inputs(stream_id: int | None, cfg: AnalysisConfig) -> str:
    """What the figures are computed from: the stream and the zones (an estimated HRmax enters as `est`,
    as for the load; `refresh_analysis` recomputes with the latest estimate)."""
    zones = "/".join(f"{pct:g}" for pct in cfg.hr_zones_pct)
    return f"{stream_id or '-'}|{zones}|{cfg.hr_max or 'est'}"


def activity_heart_rate_refresh(
    *,
    activity: Activity,
    stream_id: int | None,
    read_columns: Callable[[], dict],
    cfg: AnalysisConfig | None = None,
    limits: HeartRateLimits | None = None,
    stored_inputs: str | None = None,
    force: bool = False,
) -> bool:
    """Store an activity's heart-rate figures when their inputs changed (or `force`); True when they
    changed. `stored_inputs` is what the caller already read of the stored row (None: no row)."""
    cfg = cfg or analysis_config()
    inputs = heart_rate_inputs(stream_id, cfg)
    if stored_inputs == inputs and not force:
        return False
    limits = limits or heart_rate_limits(cfg=cfg)
    if stream_id is None:
        return bool(HeartRateProfile.objects.filter(activity=activity).delete()[0])
    # A stream without heart rate still gets its (empty) row: it is not read again until it changes.
    figures = heart_rate_compute(columns=read_columns(), bounds=zone_bounds(cfg=cfg, limits=limits))
    figures = figures or HeartRateFigures([], None)
    with transaction.atomic():
        values = {"zone_s": figures.zone_s, "decoupling_pct": figures.decoupling_pct, "inputs": inputs}
        stored = HeartRateProfile.objects.filter(activity=activity).first()
        if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
            return False
        HeartRateProfile.objects.update_or_create(activity=activity, defaults=values)
    return True

"""The analysis knobs, read from `settings.RUNBASE_ANALYSIS` (a dict of overrides) over these defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    sport: str = "running"  # the default sport of every figure
    vdot_window_days: int = 42  # the current VDOT is the best of this many days
    vdot_from_best_efforts: bool = False  # also count best efforts of 1,500 m and longer
    race_snap_pct: float = 2.5  # a race within this % of a standard distance counts as that distance
    hr_rest: float = 60.0  # bpm, for the heart-rate reserve of TRIMP
    hr_max: float | None = None  # bpm; None: the highest max HR of the activities (shown as estimated)
    sex: str = "male"  # Banister's weighting: "male" (0.64 e^1.92x) or "female" (0.86 e^1.67x)
    week_start: int = 0  # 0 = Monday (ISO weeks) … 6 = Sunday
    shoe_threshold_m: float = 800_000.0  # retirement distance of a shoe without its own
    shoe_near_end_pct: float = 90.0  # a shoe past this % of its threshold is "near its end"
    easy_hr_max_pct: float = 80.0  # a run averaging at most this % of HRmax counts as easy (trends)
    trend_hr_band: tuple[float, float] = (140.0, 150.0)  # bpm: the band the pace-at-HR trend follows
    hr_zones_pct: tuple[float, ...] = (60.0, 70.0, 80.0, 90.0)  # % of HRmax where zones 2, 3, … start
    long_run_s: float = 5400.0  # a run at least this long (moving time) shows its aerobic decoupling


def analysis_config() -> AnalysisConfig:
    """The settings dict over the defaults; unknown keys are ignored."""
    values = dict(getattr(settings, "RUNBASE_ANALYSIS", {}) or {})
    known = {name: values[name] for name in AnalysisConfig.__dataclass_fields__ if name in values}
    cfg = AnalysisConfig(**known)
    if cfg.sex not in ("male", "female"):
        raise ImproperlyConfigured(f"RUNBASE_ANALYSIS sex={cfg.sex!r}: use male or female")
    if cfg.week_start not in range(7):
        raise ImproperlyConfigured(
            f"RUNBASE_ANALYSIS week_start={cfg.week_start!r}: use 0 (Monday) to 6 (Sunday)"
        )
    if len(cfg.trend_hr_band) != 2 or cfg.trend_hr_band[0] >= cfg.trend_hr_band[1]:
        raise ImproperlyConfigured(
            f"RUNBASE_ANALYSIS trend_hr_band={cfg.trend_hr_band!r}: use (low, high) bpm"
        )
    if list(cfg.hr_zones_pct) != sorted(set(cfg.hr_zones_pct)) or not 0 < cfg.hr_zones_pct[0] < 100:
        raise ImproperlyConfigured(
            f"RUNBASE_ANALYSIS hr_zones_pct={cfg.hr_zones_pct!r}: use rising % of HRmax (60, 70, 80, 90)"
        )
    if cfg.hr_max is not None and cfg.hr_max <= cfg.hr_rest:
        raise ImproperlyConfigured(f"RUNBASE_ANALYSIS hr_max={cfg.hr_max} is not above hr_rest={cfg.hr_rest}")
    return cfg

"""Reconcile's knobs, read once per run from `settings.RUNBASE_RECONCILE` with the plan's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

# The plan's source priority table (seed-plan "Source Priority Table"), highest first; `garmin` (the
# Garmin Connect summary JSON) sits right after `fit_file` (the recording it summarises).
DEFAULT_PRIORITY: dict[str, list[str]] = {
    "distance_m": ["master_xlsx", "workout_name_parse", "fit_file", "garmin", "strava"],
    "duration_s": ["fit_file", "garmin", "strava", "master_xlsx"],
    "elapsed_s": ["fit_file", "garmin", "strava", "master_xlsx"],
    "avg_hr": ["fit_file", "garmin", "strava", "master_xlsx"],
    "max_hr": ["fit_file", "garmin", "strava", "master_xlsx"],
    "avg_cadence_spm": ["fit_file", "garmin", "strava", "master_xlsx"],
    "max_cadence_spm": ["fit_file", "garmin", "strava"],
    "total_ascent_m": ["fit_file", "garmin", "strava"],
    "total_descent_m": ["fit_file", "garmin", "strava"],
    "calories": ["fit_file", "garmin", "strava"],
    "start_time": ["fit_file", "garmin", "strava", "runalyze"],
    "sport": ["fit_file", "garmin", "strava", "runalyze", "master_xlsx"],
    "workout_type": ["master_xlsx", "workout_name_parse", "strava"],
    "workout_name": ["strava", "garmin", "fit_file", "master_xlsx", "runalyze"],
    "shoe": ["strava", "master_xlsx"],
    "intensity_score": ["master_xlsx"],
    "trimp": ["runalyze"],
    "vo2max": ["runalyze"],
    "interval_actual_distance": ["fit_file", "strava"],
    "notes": ["master_xlsx", "strava", "garmin", "fit_file", "runalyze"],
}
# Every field whose sources are compared, and how far apart they may be before a conflict waits for
# the runner ("pct" of the chosen value and/or "abs" in the field's unit; the larger allowance counts).
# Categorical fields have no allowance ({}): their values must be equal after normalisation (case,
# whitespace; the sport by family, the shoe by its id after alias resolution). The start time is
# compared in seconds between recordings (a date-only log row has none).
DEFAULT_TOLERANCES: dict[str, dict[str, float]] = {
    "distance_m": {"pct": 5.0},
    "duration_s": {"pct": 3.0, "abs": 30.0},
    "avg_hr": {"abs": 5.0},
    "max_hr": {"abs": 5.0},
    "avg_cadence_spm": {"abs": 6.0},
    "max_cadence_spm": {"abs": 10.0},
    "total_ascent_m": {"pct": 20.0, "abs": 15.0},
    "total_descent_m": {"pct": 20.0, "abs": 15.0},
    "calories": {"pct": 10.0},
    "start_time": {"abs": 120.0},
    "sport": {},
    "workout_type": {},
    "shoe": {},
}


@dataclass(frozen=True, slots=True)
class ReconcileConfig:
    time_window_s: float = 300.0
    distance_tolerance_pct: float = 5.0
    date_match_max_distance_pct: float = 20.0
    # A log value this far (%) from the recording is a gross error (a typo): while its conflict is
    # pending, the canonical value is the recording's, whatever the field's priority says.
    gross_error_pct: float = 25.0
    ambiguity_margin_pct: float = 1.0
    name_distance_unit: str = "mi"
    name_min_confidence: float = 0.6
    name_llm_retry_s: float = 6 * 3600.0  # a name the model gave no answer for is asked again after this
    interval_lap_tolerance_pct: float = 15.0
    # An unnamed run is an interval session when it has this many work bouts, within this % of each
    # other in length or duration, each this many times as fast as the recoveries between them.
    interval_detect_min_bouts: int = 3
    interval_detect_similar_pct: float = 20.0
    interval_detect_speed_ratio: float = 1.3
    interval_detect_window_s: float = 10.0  # the stream's pace is smoothed over this many seconds
    field_priority: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_PRIORITY))
    tolerances: dict[str, dict[str, float]] = field(default_factory=lambda: dict(DEFAULT_TOLERANCES))

    def priority(self, field_name: str) -> list[str]:
        return self.field_priority.get(field_name) or DEFAULT_PRIORITY.get(field_name, [])


def reconcile_config() -> ReconcileConfig:
    """The settings dict over the defaults; unknown keys are ignored."""
    values = dict(getattr(settings, "RUNBASE_RECONCILE", {}) or {})
    priority = {**DEFAULT_PRIORITY, **(values.pop("field_priority", None) or {})}
    tolerances = {**DEFAULT_TOLERANCES, **(values.pop("tolerances", None) or {})}
    known = {name: values[name] for name in ReconcileConfig.__dataclass_fields__ if name in values}
    return ReconcileConfig(field_priority=priority, tolerances=tolerances, **known)

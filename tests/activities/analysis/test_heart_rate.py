"""Time in heart-rate zones and aerobic decoupling, on synthetic streams whose answers are worked out by
hand, and their stored profile following the activity's stream and the zone settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.analysis.heart_rate import aerobic_decoupling, time_in_zones, zone_bounds
from activities.analysis.load import HeartRateLimits
from activities.analysis.refresh import activity_analysis_refresh, analysis_refresh
from activities.models import HeartRateProfile

BOUNDS = [120.0, 140.0, 160.0, 180.0]  # 60/70/80/90 % of an HRmax of 200


def test_zone_bounds_are_shares_of_hrmax():
    limits = HeartRateLimits(rest=50, max=190, estimated=False)
    assert zone_bounds(cfg=AnalysisConfig(), limits=limits) == [114.0, 133.0, 152.0, 171.0]
    assert zone_bounds(cfg=AnalysisConfig(), limits=None) is None


def test_each_sample_counts_in_its_zone_until_the_next_one():
    # 600 s at 110, 300 s at 120 (on the bound: zone 2), 300 s at 150, 60 s at 185, then the last sample.
    heart_rates = [110] * 600 + [120] * 300 + [150] * 300 + [185] * 60 + [185]
    times = list(range(len(heart_rates)))
    assert time_in_zones(times=times, heart_rates=heart_rates, bounds=BOUNDS) == [600, 300, 300, 0, 60]


def test_a_pause_counts_thirty_seconds_and_a_missing_heart_rate_is_skipped():
    times = [0, 10, 110, 120, 130]
    heart_rates = [130, 130, None, 170, 170]
    # 0→10: 10 s at 130; 10→120 (the 110 s sample has no HR): a pause of 110 s counts 30; 120→130: 10 s.
    assert time_in_zones(times=times, heart_rates=heart_rates, bounds=BOUNDS) == [0, 40, 0, 10, 0]


def test_decoupling_of_a_steady_pace_with_heart_rate_drifting_up():
    # One hour at 3 m/s; heart rate 140 in the first half, 147 in the second:
    # (3/140 − 3/147) / (3/140) = 1 − 140/147 = 4.76 %.
    times = list(range(3601))
    heart_rates = [140 if t < 1800 else 147 for t in times]
    distances = [3.0 * t for t in times]
    assert aerobic_decoupling(times=times, distances=distances, heart_rates=heart_rates) == 4.76


def test_decoupling_of_a_fading_pace_at_a_steady_heart_rate():
    # 3.0 m/s then 2.85 m/s at 150 bpm: the second half's speed per beat is 5 % lower.
    times = list(range(3601))
    distances = [3.0 * t if t <= 1800 else 5400 + 2.85 * (t - 1800) for t in times]
    assert aerobic_decoupling(times=times, distances=distances, heart_rates=[150] * 3601) == 5.0


def test_no_decoupling_without_enough_samples():
    assert aerobic_decoupling(times=[0, 1, 2], distances=[0, 3, 6], heart_rates=[140, 141, 142]) is None


def test_zones_must_rise(settings):
    settings.RUNBASE_ANALYSIS = {"hr_zones_pct": (70, 60)}
    with pytest.raises(ImproperlyConfigured, match="hr_zones_pct"):
        analysis_config()


@pytest.mark.django_db
def test_the_profile_is_stored_once_and_follows_the_zone_settings(reconciled_activity, settings):
    profile = HeartRateProfile.objects.get(activity=reconciled_activity)
    assert len(profile.zone_s) == 5 and sum(profile.zone_s) > 1700  # a 30-minute run at 1 Hz
    assert profile.decoupling_pct is not None and profile.decoupling_pct > 0  # its heart rate drifts up
    assert activity_analysis_refresh(activity=reconciled_activity).heart_rates == 0
    settings.RUNBASE_ANALYSIS = {"hr_zones_pct": (50, 60, 70, 80, 90)}
    assert activity_analysis_refresh(activity=reconciled_activity).heart_rates == 1
    assert len(HeartRateProfile.objects.get(activity=reconciled_activity).zone_s) == 6
    assert analysis_refresh().heart_rates == 0  # recomputed, the same figures

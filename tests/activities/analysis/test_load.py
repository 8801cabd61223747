"""Training load: Banister's TRIMP on hand-computed examples, the method chosen per activity, the stored
figure, and CTL/ATL/TSB and ACWR on hand-computed series."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.analysis.config import AnalysisConfig
from activities.analysis.load import (
    HeartRateLimits,
    activity_load_compute,
    acwr_rolling,
    daily_load,
    heart_rate_limits,
    load_series,
    trimp_from_average,
    trimp_from_stream,
)
from activities.models import Activity, ActivityLoad

# HRrest 60, HRmax 190: 151 bpm is HRr = 91/130 = 0.7.
# Men:   30 min · 0.7 · 0.64 · e^(1.92·0.7) = 30 · 0.7 · 0.64 · 3.83432 = 51.534
# Women: 30 min · 0.7 · 0.86 · e^(1.67·0.7) = 30 · 0.7 · 0.86 · 3.21871 = 58.131
MEN = HeartRateLimits(rest=60, max=190, estimated=False, sex="male")
WOMEN = HeartRateLimits(rest=60, max=190, estimated=False, sex="female")


def test_trimp_of_half_an_hour_at_70_percent_reserve():
    assert trimp_from_average(avg_hr=151, duration_s=1800, limits=MEN) == pytest.approx(51.534, abs=1e-3)
    assert trimp_from_average(avg_hr=151, duration_s=1800, limits=WOMEN) == pytest.approx(58.131, abs=1e-3)


def test_trimp_over_a_stream_sums_each_sample_until_the_next_and_caps_a_pause():
    times = list(range(1801))
    assert trimp_from_stream(times=times, heart_rates=[151] * 1801, limits=MEN) == pytest.approx(
        51.534, abs=1e-3
    )
    # A 10-minute pause after the first 15 minutes counts 30 s, not 10 minutes.
    paused = list(range(901)) + [900 + 600 + i for i in range(1, 901)]
    expected = (1799 + 30) / 60 * 51.534 / 30
    assert trimp_from_stream(times=paused, heart_rates=[151] * 1801, limits=MEN) == pytest.approx(
        expected, abs=1e-3
    )
    # Heart rate under rest or over max is clipped to 0 and 1 of the reserve.
    assert trimp_from_stream(times=[0, 60, 120], heart_rates=[50, 50, 50], limits=MEN) == 0


def _activity(**values) -> Activity:
    return Activity(date=dt.date(2024, 5, 1), sport="running", **values)


def test_the_method_falls_back_from_stream_to_average_to_session_rpe():
    columns = {"time": [0.0, 1800.0], "heart_rate": [151, 151]}
    with_hr = _activity(avg_hr=151, duration_s=1800)
    assert activity_load_compute(activity=with_hr, columns=columns, limits=MEN).method == "trimp_stream"
    figure = activity_load_compute(activity=with_hr, columns=None, limits=MEN)
    assert (figure.method, figure.load) == ("trimp_avg", pytest.approx(51.534, abs=1e-3))
    log_only = _activity(duration_s=2700, intensity_score=6)  # Foster: 6 × 45 min
    figure = activity_load_compute(activity=log_only, columns=None, limits=MEN)
    assert (figure.method, figure.load) == ("srpe", 270.0)
    assert activity_load_compute(activity=_activity(distance_m=5000), columns=None, limits=MEN) is None


@pytest.mark.django_db
def test_hr_max_is_estimated_from_the_data_unless_set(reconciled_activity):
    Activity.objects.create(date=dt.date(2024, 5, 2), sport="running", max_hr=251)  # a strap glitch
    estimated = heart_rate_limits(cfg=AnalysisConfig(hr_rest=50))
    assert (estimated.rest, estimated.max, estimated.estimated) == (50, 171, True)
    assert heart_rate_limits(cfg=AnalysisConfig(hr_max=185)).estimated is False


@pytest.mark.django_db
def test_reconcile_stores_the_load_with_its_method_and_inputs(reconciled_activity):
    load = ActivityLoad.objects.get(activity=reconciled_activity)
    assert (load.method, load.hr_max, load.hr_max_estimated) == ("trimp_stream", 171, True)
    assert load.load > 0
    assert daily_load(sport="running") == {reconciled_activity.date: load.load}


def test_ctl_atl_tsb_follow_a_hand_computed_series():
    # α = 2/43 and 2/8: day 1 CTL = 100·2/43 = 4.651, ATL = 25; then each decays by 41/43 and 6/8.
    days = load_series(daily={dt.date(2024, 1, 1): 100.0}, until=dt.date(2024, 1, 3))
    assert [(d.load, d.ctl, d.atl, d.tsb) for d in days] == [
        (100.0, 4.651, 25.0, -20.349),
        (0.0, 4.435, 18.75, -14.315),
        (0.0, 4.229, 14.062, -9.834),
    ]
    assert days[0].acwr_ewma == round(25.0 / 4.651, 3)


def test_acwr_of_a_hard_week_after_three_steady_ones():
    # 21 days at 40 then 7 at 80: acute 80, chronic (21·40 + 7·80) / 28 = 50, ratio 1.6.
    ratios = acwr_rolling(loads=[40.0] * 21 + [80.0] * 7)
    assert ratios[:27] == [None] * 27
    assert ratios[27] == 1.6


@pytest.mark.django_db
def test_the_settings_override_the_defaults(settings):
    settings.RUNBASE_ANALYSIS = {"hr_rest": 48, "hr_max": 188, "sex": "female", "unknown": 1}
    limits = heart_rate_limits()
    assert (limits.rest, limits.max, limits.estimated, limits.sex) == (48, 188, False, "female")

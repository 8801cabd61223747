"""VDOT against Daniels' published tables (Daniels' Running Formula, 3rd ed., tables 5.1 and 5.2).

The tables are the formula's own output rounded to whole seconds at whole VDOTs, so the equivalent
times must agree within 0.25 % (3 s at 5 km, 30 s at the marathon) and the paces within 2 s per km.
"""

from __future__ import annotations

import datetime as dt

import pytest

from activities.analysis.config import AnalysisConfig
from activities.analysis.vdot import (
    equivalent_time,
    race_distance,
    training_paces,
    vdot_current,
    vdot_from,
    vdot_points,
    vdot_summary,
    vdot_trend,
)
from activities.models import Activity, BestEffort, Stream
from ingest.units import HALF_MARATHON_M, MARATHON_M


def hms(h: int, m: int, s: int) -> float:
    return h * 3600.0 + m * 60.0 + s


def test_a_20_minute_5k_is_vdot_49_8():
    assert vdot_from(distance_m=5000, time_s=hms(0, 20, 0)) == pytest.approx(49.8, abs=0.05)


@pytest.mark.parametrize(
    ("vdot", "distance_m", "published_s"),
    [
        (50, 10000, hms(0, 41, 21)),
        (50, HALF_MARATHON_M, hms(1, 31, 35)),
        (50, MARATHON_M, hms(3, 10, 49)),
        (40, 5000, hms(0, 24, 8)),
        (60, 10000, hms(0, 35, 22)),
    ],
)
def test_equivalent_times_match_daniels_table(vdot, distance_m, published_s):
    assert equivalent_time(vdot=vdot, distance_m=distance_m) == pytest.approx(published_s, rel=0.0025)


def test_equivalent_time_inverts_the_formula():
    time_s = equivalent_time(vdot=47.3, distance_m=15000)
    assert vdot_from(distance_m=15000, time_s=time_s) == pytest.approx(47.3, abs=1e-4)


def test_training_paces_of_vdot_50_match_daniels_table():
    paces = {p.zone: p for p in training_paces(vdot=50)}
    assert list(paces) == ["E", "M", "T", "I", "R"]
    assert paces["M"].fast_s_per_km == pytest.approx(hms(0, 4, 31), abs=2)
    assert paces["T"].fast_s_per_km == pytest.approx(hms(0, 4, 15), abs=2)
    assert paces["I"].fast_s_per_km == pytest.approx(hms(0, 3, 55), abs=2)
    assert paces["R"].fast_s_per_km * 0.4 == pytest.approx(88, abs=1.5)  # R 400 m in 88 s
    assert paces["E"].slow_s_per_km > paces["E"].fast_s_per_km > paces["M"].fast_s_per_km


def test_a_race_near_a_standard_distance_counts_as_that_distance():
    assert race_distance(5080, snap_pct=2.5) == 5000
    assert race_distance(21300, snap_pct=2.5) == HALF_MARATHON_M
    assert race_distance(7000, snap_pct=2.5) == 7000


def _run(day, distance_m, duration_s, workout_type="", sport="running"):
    return Activity.objects.create(
        date=day, sport=sport, distance_m=distance_m, duration_s=duration_s, workout_type=workout_type
    )


@pytest.mark.django_db
def test_vdot_points_come_from_races_at_their_official_distance():
    race = _run(dt.date(2024, 5, 4), 5070, hms(0, 20, 0), "race")
    _run(dt.date(2024, 5, 5), 10000, hms(0, 50, 0))  # not a race
    _run(dt.date(2024, 5, 6), 5000, hms(0, 18, 0), "race", sport="cycling")
    points = vdot_points(sport="running", cfg=AnalysisConfig())
    assert [(p.activity_id, p.distance_m, p.kind) for p in points] == [(race.pk, 5000, "race")]
    assert points[0].vdot == pytest.approx(49.8, abs=0.05)


@pytest.mark.django_db
def test_best_efforts_count_when_configured(reconciled_activity):
    stream = Stream.objects.filter(record__activity=reconciled_activity).first()
    BestEffort.objects.all().delete()
    BestEffort.objects.create(
        activity=reconciled_activity, stream=stream, effort_m=1000, time_s=200, start_offset_s=0
    )
    BestEffort.objects.create(
        activity=reconciled_activity, stream=stream, effort_m=5000, time_s=hms(0, 20, 0), start_offset_s=0
    )
    assert vdot_points(cfg=AnalysisConfig()) == []
    (point,) = vdot_points(cfg=AnalysisConfig(vdot_from_best_efforts=True))
    assert (point.kind, point.distance_m) == ("best effort", 5000)  # 1 km is under 1,500 m


def test_current_vdot_is_the_best_of_the_window_and_the_trend_follows_it():
    from activities.analysis.vdot import VdotPoint

    points = [
        VdotPoint(dt.date(2024, 1, 1), 50.0, 1, 5000, 1190, "race"),
        VdotPoint(dt.date(2024, 2, 1), 48.0, 2, 10000, 2500, "race"),
        VdotPoint(dt.date(2024, 3, 1), 47.0, 3, 5000, 1250, "race"),
    ]
    assert vdot_current(points=points, today=dt.date(2024, 2, 11), window_days=42).vdot == 50.0
    assert vdot_current(points=points, today=dt.date(2024, 2, 12), window_days=42).vdot == 48.0
    assert vdot_current(points=points, today=dt.date(2024, 6, 1), window_days=42) is None
    assert vdot_trend(points=points, window_days=42) == [
        (dt.date(2024, 1, 1), 50.0),
        (dt.date(2024, 2, 1), 50.0),
        (dt.date(2024, 3, 1), 48.0),
    ]


@pytest.mark.django_db
def test_the_summary_gives_equivalents_and_paces_of_the_current_value():
    _run(dt.date(2024, 5, 4), 5000, hms(0, 20, 0), "race")
    summary = vdot_summary(today=dt.date(2024, 5, 10), cfg=AnalysisConfig())
    assert summary.current.vdot == pytest.approx(49.8, abs=0.05)
    assert summary.equivalent_times_s["5 km"] == pytest.approx(1200, abs=0.05)
    assert [p.zone for p in summary.paces] == ["E", "M", "T", "I", "R"]
    assert vdot_summary(today=dt.date(2024, 7, 1), cfg=AnalysisConfig()).current is None

"""Volume by local date (midnight UTC, a time-zone change, the week's first day, a year before) and
shoe mileage from canonical activities (after a shoe merge, after a conflict changes a distance)."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.analysis.config import AnalysisConfig
from activities.analysis.shoes import shoe_mileage
from activities.analysis.volume import daily_distance, volume_by_period
from activities.models import Activity, Shoe
from activities.services import shoe_merge
from reconcile.models import Conflict
from reconcile.services import conflict_resolve, reconcile_run
from tests.support.factories import fit_record

UTC = dt.UTC


@pytest.mark.django_db
def test_a_run_counts_in_the_week_of_its_local_date():
    # Sunday 7 January 2024, 23:30 in California, is Monday 07:30 UTC: it belongs to the week of 1 January.
    fit_record(source_id="a" * 64, start=dt.datetime(2024, 1, 8, 7, 30, tzinfo=UTC), utc_offset_s=-8 * 3600)
    # After flying to Tokyo: Sunday 20:00 UTC is Monday 05:00 local, the week of 8 January.
    fit_record(source_id="b" * 64, start=dt.datetime(2024, 1, 7, 20, 0, tzinfo=UTC), utc_offset_s=9 * 3600)
    reconcile_run()
    assert sorted(Activity.objects.values_list("date", flat=True)) == [
        dt.date(2024, 1, 7),
        dt.date(2024, 1, 8),
    ]
    weeks = volume_by_period(period="weekly", cfg=AnalysisConfig())
    assert [(w.period_start, w.runs) for w in weeks] == [(dt.date(2024, 1, 1), 1), (dt.date(2024, 1, 8), 1)]
    sunday_weeks = volume_by_period(period="weekly", cfg=AnalysisConfig(week_start=6))
    assert [(w.period_start, w.runs) for w in sunday_weeks] == [(dt.date(2024, 1, 7), 2)]


def _run(day: dt.date, km: float, **values) -> Activity:
    return Activity.objects.create(
        date=day, sport=values.pop("sport", "running"), distance_m=km * 1000, duration_s=km * 300, **values
    )


@pytest.mark.django_db
def test_weekly_monthly_yearly_totals_with_the_longest_run_and_the_year_before():
    _run(dt.date(2023, 1, 10), 8, total_ascent_m=50)  # Tuesday of the week of 9 January 2023
    _run(dt.date(2024, 1, 8), 10, total_ascent_m=100)
    long = _run(dt.date(2024, 1, 13), 21, total_ascent_m=None)
    _run(dt.date(2024, 1, 9), 40, sport="cycling")
    weeks = {w.period_start: w for w in volume_by_period(period="weekly", cfg=AnalysisConfig())}
    week = weeks[dt.date(2024, 1, 8)]
    assert (week.distance_m, week.moving_time_s, week.elevation_gain_m, week.runs) == (31000, 9300, 100, 2)
    assert (week.longest_m, week.longest_activity_id) == (21000, long.pk)
    assert (week.last_year.period_start, week.last_year.distance_m) == (dt.date(2023, 1, 9), 8000)
    months = volume_by_period(period="monthly", since=dt.date(2024, 1, 20), cfg=AnalysisConfig())
    assert [(m.period_start, m.distance_m, m.last_year.distance_m) for m in months] == [
        (dt.date(2024, 1, 1), 31000, 8000)
    ]
    years = volume_by_period(period="yearly", sport="cycling", cfg=AnalysisConfig())
    assert [(y.period_start, y.sport, y.distance_m) for y in years] == [
        (dt.date(2024, 1, 1), "cycling", 40000)
    ]
    heat = daily_distance(year=2024, sport="all", cfg=AnalysisConfig())
    assert len(heat) == 366 and heat[dt.date(2024, 1, 9)] == 40000 and heat[dt.date(2024, 1, 10)] == 0


@pytest.mark.django_db
def test_shoe_mileage_after_a_merge_includes_spreadsheet_only_runs():
    peg = Shoe.objects.create(name="Pegasus 38", distance_m=12345.0, retire_at_m=16000)
    written = Shoe.objects.create(name="peg38 (log)", needs_review=True)
    _run(dt.date(2024, 3, 1), 10, shoe=peg)
    _run(dt.date(2024, 3, 9), 5, shoe=written)  # a log-only run, with the log's spelling of the shoe
    shoe_merge(shoes=[written], into=peg)
    (row,) = shoe_mileage(cfg=AnalysisConfig())
    assert (row.shoe, row.distance_m, row.runs) == ("Pegasus 38", 15000, 2)
    assert (row.first_used, row.last_used) == (dt.date(2024, 3, 1), dt.date(2024, 3, 9))
    assert (row.threshold_m, row.near_end, row.strava_distance_m) == (16000, True, 12345.0)  # 15 ≥ 90 % of 16


@pytest.mark.django_db
def test_shoe_mileage_follows_a_conflict_that_changes_the_distance(reconciled_activity):
    shoe = reconciled_activity.shoe
    assert shoe is not None
    before = next(r for r in shoe_mileage(cfg=AnalysisConfig()) if r.shoe_id == shoe.pk)
    assert before.distance_m == pytest.approx(reconciled_activity.distance_m)
    assert (before.threshold_m, before.near_end) == (800_000, False)
    conflict = Conflict.objects.get(activity=reconciled_activity, field_name="distance_m")
    conflict_resolve(conflict=conflict, value=7000.0)
    after = next(r for r in shoe_mileage(cfg=AnalysisConfig()) if r.shoe_id == shoe.pk)
    assert (after.shoe, after.distance_m, after.runs) == (shoe.name, 7000.0, 1)

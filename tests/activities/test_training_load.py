"""RunBase's CTL/ATL/TSB against the oracle series built from the fixture TRIMPs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from activities.models import ActivitySource, AthleteDay, RunalyzeMetrics
from activities.training_load import training_load_recompute, training_load_series


@pytest.fixture
def expected(samples: Path) -> dict:
    """The Runalyze fixture's answer key, with its daily TRIMP and CTL/ATL/TSB series."""
    return json.loads((samples / "runalyze" / "api" / "expected_derived_metrics.json").read_text())


def _daily(expected: dict) -> dict[dt.date, float]:
    return {
        dt.date.fromisoformat(day["date"]): float(day["trimp"])
        for day in expected["tsb_model_daily"]
        if day["trimp"]
    }


def test_the_series_matches_the_expected_daily_ctl_atl_tsb(expected):
    oracle = {dt.date.fromisoformat(day["date"]): day for day in expected["tsb_model_daily"]}
    series = training_load_series(daily_trimp=_daily(expected), until=max(oracle))
    assert series[0].date == dt.date(2026, 4, 19)  # starts on the first day with load, at 0
    for day in series:
        want = oracle[day.date]
        assert (day.trimp, day.ctl, day.atl, day.tsb) == pytest.approx(
            (want["trimp"], want["ctl"], want["atl"], want["tsb"]), abs=0.0015
        ), day.date
    # The days before the first load in the oracle are all zero: starting later changes nothing.
    assert all(
        day["ctl"] == 0
        for day in expected["tsb_model_daily"]
        if dt.date.fromisoformat(day["date"]) < series[0].date
    )


def test_no_trimp_gives_no_series():
    assert training_load_series(daily_trimp={}, until=dt.date(2026, 5, 1)) == []


@pytest.mark.django_db
def test_recompute_sums_trimp_per_local_date_and_is_idempotent():
    for index, (day, trimp) in enumerate([("2026-04-19", 100.0), ("2026-04-19", 50.0), ("2026-04-21", 30.0)]):
        record = ActivitySource.objects.create(source="runalyze", source_id=str(index), local_date=day)
        RunalyzeMetrics.objects.create(record=record, trimp=trimp)

    first = training_load_recompute(until=dt.date(2026, 4, 22))
    second = training_load_recompute(until=dt.date(2026, 4, 22))

    assert (first.created, first.updated) == (4, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    day = AthleteDay.objects.get(date="2026-04-19")
    assert (day.trimp, day.ctl, day.atl, day.tsb) == (
        150.0,
        round(150 * 2 / 43, 3),
        37.5,
        round(150 * 2 / 43 - 37.5, 3),
    )
    assert AthleteDay.objects.get(date="2026-04-20").trimp == 0.0


@pytest.mark.django_db
def test_a_deleted_record_no_longer_counts():
    record = ActivitySource.objects.create(source="runalyze", source_id="1", local_date="2026-04-19")
    RunalyzeMetrics.objects.create(record=record, trimp=100.0)
    training_load_recompute(until=dt.date(2026, 4, 20))
    record.deleted_at = dt.datetime(2026, 4, 21, tzinfo=dt.UTC)
    record.save()

    result = training_load_recompute(until=dt.date(2026, 4, 20))

    assert result.updated == 2
    day = AthleteDay.objects.get(date="2026-04-19")
    assert (day.trimp, day.ctl, day.atl, day.tsb) == (0.0, None, None, None)

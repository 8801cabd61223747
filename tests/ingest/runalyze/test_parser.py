"""The pure Runalyze parser on the shared fixtures: units, offsets, %HRR, the CSV read by header name."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from ingest.records import Device, ParsedActivity, RecordError, SourceError
from ingest.runalyze.parser import (
    HeartRateHistory,
    activity_parse,
    csv_items,
    heart_rate_history_parse,
    statistics_parse,
    vo2max_correction_factor,
)


@pytest.fixture
def api(samples):
    return samples / "runalyze" / "api"


@pytest.fixture
def items(api) -> list[dict]:
    return json.loads((api / "api_v1_activity.page1.order_desc.json").read_text())


@pytest.fixture
def histories(api) -> tuple[HeartRateHistory, HeartRateHistory]:
    hr_max = heart_rate_history_parse(
        payload=json.loads((api / "api_v1_metrics_heartRateMax.json").read_text()), name="max"
    )
    hr_rest = heart_rate_history_parse(
        payload=json.loads((api / "api_v1_metrics_heartRateRest.json").read_text()), name="rest"
    )
    return hr_max, hr_rest


def test_it_parses_an_api_activity_into_the_whole_normalised_record(items, histories):
    item = items[0]  # 191212647, the fartlek of 2026-05-09
    hr_max, hr_rest = histories

    parsed = activity_parse(item=item, hr_max=hr_max, hr_rest=hr_rest)

    assert parsed.activity == ParsedActivity(
        source="runalyze",
        source_id="191212647",
        start_time=dt.datetime(2026, 5, 9, 5, 48, 31, tzinfo=dt.UTC),
        local_date=dt.date(2026, 5, 9),
        utc_offset_s=7200,
        sport="running",
        sub_sport=None,
        distance_m=9800.0,
        duration_s=3050.0,
        elapsed_s=3080.0,
        avg_hr=151.0,
        max_hr=178.0,
        avg_cadence_spm=174.0,  # Runalyze cadence is per leg: 87 rpm
        max_cadence_spm=None,
        avg_speed_mps=pytest.approx(9800 / 3050),
        total_ascent_m=70.0,
        total_descent_m=71.0,
        calories=None,
        avg_power_w=None,
        workout_name="Fartlek in the park",
        workout_type="workout",
        notes='Felt strong.\nLast 2 km with headwind, "heavy" legs.',
        gear="ASICS Novablast 5",
        device=Device(),
        raw=item,
    )
    assert parsed.metrics == {
        "trimp": 95.0,
        "vo2max": 50.21,
        "vo2max_by_time": 38.27,
        "vo2max_with_elevation": 50.64,
        "training_effect": 3.4,
        "anaerobic_training_effect": 2.4,
        "hr_reserve_pct": 72.5,
        "hr_max_pct": 79.5,
        "raw": {
            "use_vo2max": False,
            "fit_vo2max_estimate": 53.0,
            "fit_recovery_time": 840,
            "fit_trimp": None,
            "fit_hrv_analysis": None,
            "fit_performance_condition": None,
            "fit_performance_condition_end": None,
            "rpe": None,
            "subjective_feeling": None,
            "gap": 310.3,
            "climb_score": 1.2,
            "race_result": None,
            "hr_max_used": 190.0,
            "hr_rest_used": 48.0,
        },
    }


def test_it_matches_the_derived_metrics_of_every_fixture_activity(items, histories, expected):
    hr_max, hr_rest = histories
    by_id = {str(entry["id"]): entry for entry in expected["per_activity"]}
    assert len(items) == len(by_id) == 8
    for item in items:
        parsed = activity_parse(item=item, hr_max=hr_max, hr_rest=hr_rest)
        want = by_id[parsed.activity.source_id]
        pace = parsed.activity.duration_s / (parsed.activity.distance_m / 1000)
        assert parsed.metrics["hr_reserve_pct"] == want["hr_reserve_pct"], parsed.activity.source_id
        assert parsed.metrics["hr_max_pct"] == want["hr_max_pct"], parsed.activity.source_id
        assert parsed.metrics["trimp"] == want["trimp"]
        assert round(pace, 1) == want["pace_s_per_km"]
        assert parsed.activity.avg_cadence_spm == want["cadence_spm"]


def test_it_maps_the_race_type_and_keeps_the_race_result(api, histories):
    item = json.loads((api / "api_v1_activity_191207899.json").read_text())
    parsed = activity_parse(item=item, hr_max=histories[0], hr_rest=histories[1])
    assert parsed.activity.workout_type == "race"
    assert parsed.activity.workout_name == "Stadtlauf 10 km"
    assert parsed.metrics["raw"]["race_result"]["name"] == "Stadtlauf Musterstadt 10 km"


def test_heart_rate_in_effect_is_the_last_one_measured_before_the_run_day():
    history = HeartRateHistory(points=[(dt.date(2026, 5, 8), 48.0), (dt.date(2026, 5, 9), 47.0)])
    assert history.on(dt.date(2026, 4, 1)) == 48.0  # older than every measurement: the oldest
    assert history.on(dt.date(2026, 5, 9)) == 48.0  # that day's value includes the run itself
    assert history.on(dt.date(2026, 5, 10)) == 47.0
    assert HeartRateHistory().on(dt.date(2026, 5, 10)) is None


def test_it_leaves_hr_reserve_empty_without_heart_rate_metrics(items):
    parsed = activity_parse(item=items[0])
    assert parsed.metrics["hr_reserve_pct"] is None
    assert parsed.metrics["hr_max_pct"] is None


def test_statistics_snapshot_maps_to_athlete_day_columns(api):
    payload = json.loads((api / "api_v1_statistics_current.json").read_text())
    assert statistics_parse(payload=payload) == {
        "runalyze_fitness": 61.0,
        "runalyze_fatigue": 74.0,
        "runalyze_form": -13.0,
        "runalyze_vo2max": 46.57,
        "runalyze_marathon_shape": 81.0,
    }


def test_the_csv_gives_the_same_records_as_the_api(api, items, histories):
    rows = csv_items(
        data=(api / "internal_data_activities_all.UNVERIFIED_LAYOUT.csv").read_bytes(), name="csv"
    )
    assert [row["id"] for row in rows] == [str(item["id"]) for item in items]
    for row, item in zip(rows, items, strict=True):
        from_csv = activity_parse(item=row, hr_max=histories[0], hr_rest=histories[1])
        from_api = activity_parse(item=item, hr_max=histories[0], hr_rest=histories[1])
        assert dataclasses.replace(from_csv.activity, raw={}) == dataclasses.replace(
            from_api.activity, raw={}
        )
        for name in ("trimp", "vo2max", "hr_reserve_pct", "training_effect"):
            assert from_csv.metrics[name] == from_api.metrics[name]
    race = next(row for row in rows if row["id"] == "191207899")
    assert race["race_result"]["name"] == "Stadtlauf Musterstadt 10 km"
    assert rows[0]["equipment"] == [{"id": "270312", "name": "ASICS Novablast 5", "notes": "bought 2026-02"}]


def test_the_csv_is_read_by_header_name_not_position(api):
    text = (api / "internal_data_activities_all.UNVERIFIED_LAYOUT.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # Put the columns in reverse order: values are found by name wherever their column sits.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reversed(rows[0])), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

    parsed = activity_parse(item=csv_items(data=out.getvalue().encode(), name="csv")[0])

    assert (parsed.activity.source_id, parsed.activity.distance_m, parsed.activity.duration_s) == (
        "191212647",
        9800.0,
        3050.0,
    )


def test_a_csv_without_the_needed_columns_is_rejected_whole():
    with pytest.raises(SourceError, match="missing columns date_time, duration"):
        csv_items(data=b"id,distance,title\n1,10,x\n", name="activities.csv")


def test_an_html_page_instead_of_the_csv_is_rejected():
    with pytest.raises(SourceError, match="HTML page instead of the activity CSV"):
        csv_items(data=b"<!DOCTYPE html><html><body>Dashboard</body></html>", name="activities.csv")


def test_a_bad_value_names_the_activity(items):
    item = {**items[0], "distance": "ten"}
    with pytest.raises(RecordError, match="runalyze:191212647: not a number: 'ten'"):
        activity_parse(item=item)


def test_the_correction_factor_of_the_best_race_gives_the_effective_vo2max(items, expected):
    races = [(item["vo2max_by_time"], item["vo2max"]) for item in items if item["type"]["name"] == "Race"]

    factor = vo2max_correction_factor(races=races)

    assert factor == 0.952372  # as Runalyze's own vo2max history reports it
    by_id = {entry["id"]: entry["effective_vo2max_corrected"] for entry in expected["per_activity"]}
    assert {item["id"]: round(item["vo2max"] * factor, 2) for item in items} == by_id
    assert vo2max_correction_factor(races=[]) is None


def test_an_unreadable_heart_rate_measurement_is_named():
    with pytest.raises(SourceError, match=r"Runalyze metrics/heartRateRest: unreadable measurement"):
        heart_rate_history_parse(
            payload=[{"id": 1, "date_time": "someday", "heart_rate": 48}], name="metrics/heartRateRest"
        )
    with pytest.raises(SourceError, match="expected a list of measurements, got dict"):
        heart_rate_history_parse(payload={"detail": "x"}, name="metrics/heartRateRest")


def test_only_a_run_takes_its_equipment_as_a_shoe(items):
    ride = {**items[0], "sport": {"id": 2, "name": "Cycling"}, "equipment": [{"id": 9, "name": "Canyon"}]}
    parsed = activity_parse(item=ride)
    assert (parsed.activity.sport, parsed.activity.gear) == ("cycling", None)
    assert parsed.activity.raw["equipment"] == [{"id": 9, "name": "Canyon"}]

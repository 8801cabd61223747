"""Every unit conversion of the summary JSON, checked against the sample export's answer key."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ingest.garmin.export import export_summaries
from ingest.garmin.parser import activity_type_sport, summary_is_parent, summary_parse
from ingest.records import RecordError

ZIP = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


@pytest.fixture(scope="module")
def manifest(samples):
    return json.loads((samples / "garmin" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def summaries(samples):
    return {str(item["activityId"]): item for item in export_summaries(samples / ZIP)}


def _expected(manifest):
    return [(str(a["activityId"]), a) for a in manifest["activities"]]


def test_it_reads_every_summary_of_both_fitness_files(summaries, manifest):
    assert sorted(summaries) == sorted(str(a["activityId"]) for a in manifest["activities"])


def test_each_converted_field_equals_the_answer_key(summaries, manifest):
    for activity_id, entry in _expected(manifest):
        parsed = summary_parse(summaries[activity_id])
        expected = entry["expected_SI"]
        got = {
            "distance_m": parsed.distance_m,
            "timer_s": parsed.duration_s,
            "elapsed_s": parsed.elapsed_s,
            "avg_speed_mps": parsed.avg_speed_mps,
            "avg_hr": parsed.avg_hr,
            "cadence_spm": parsed.avg_cadence_spm,
            "elevation_gain_m": parsed.total_ascent_m,
            "calories_kcal": parsed.calories,
        }
        if "start_utc" in expected:
            local = parsed.start_time + dt.timedelta(seconds=parsed.utc_offset_s)
            got["start_utc"] = parsed.start_time.isoformat()
            got["start_local_wallclock"] = local.replace(tzinfo=None).isoformat()
        want = {key: expected[key] for key in got if key in expected}
        assert {k: got[k] for k in want} == pytest.approx(want, abs=1e-6), activity_id


def test_it_keeps_the_name_type_device_and_raw_values(summaries):
    parsed = summary_parse(summaries["412636013"])

    assert parsed.source == "garmin"
    assert parsed.source_id == "412636013"
    assert parsed.workout_name == "Loch Ness tempo 🏃‍♀️ – 4.8 km"
    assert (parsed.sport, parsed.sub_sport) == ("running", None)
    assert parsed.max_hr == 171.0
    assert parsed.total_descent_m == 160.0
    assert (parsed.device.manufacturer, parsed.device.serial) == ("garmin", "3819347952")
    assert parsed.raw == summaries["412636013"]
    assert parsed.samples is None


def test_the_manual_treadmill_run_has_no_device(summaries):
    parsed = summary_parse(summaries["1788750977"])

    assert (parsed.sport, parsed.sub_sport) == ("running", "treadmill")
    assert (parsed.distance_m, parsed.duration_s, parsed.avg_speed_mps) == (5000.0, 1800.0, 2.778)
    assert parsed.start_time == dt.datetime(2017, 6, 14, 18, 30, tzinfo=dt.UTC)
    assert parsed.utc_offset_s == -7 * 3600
    assert parsed.device.serial is None


def test_only_the_multisport_parent_is_a_parent(summaries):
    parents = [key for key, item in summaries.items() if summary_is_parent(item)]

    assert parents == ["949782516"]


@pytest.mark.parametrize(
    ("activity_type", "expected"),
    [
        ("running", ("running", None)),
        ("treadmill_running", ("running", "treadmill")),
        ("trail_running", ("running", "trail")),
        ("cycling", ("cycling", None)),
        ("lap_swimming", ("swimming", "lap_swimming")),
        ("indoor_rowing", ("rowing", "indoor_rowing")),
        ("multi_sport", ("multisport", None)),
        ("transition_v2", ("transition", None)),
        ("other", ("generic", None)),
        ("kite_surfing", ("kite_surfing", None)),
        (None, (None, None)),
    ],
)
def test_activity_types_are_normalised_to_fit_vocabulary(activity_type, expected):
    assert activity_type_sport(activity_type) == expected


def test_single_leg_run_cadence_is_doubled_to_steps_per_minute():
    parsed = summary_parse(
        {"activityId": 1, "startTimeGmt": 1.5e12, "avgRunCadence": 85.0, "maxRunCadence": 90}
    )

    assert (parsed.avg_cadence_spm, parsed.max_cadence_spm) == (170.0, 180.0)


def test_a_zero_heart_rate_is_no_reading():
    parsed = summary_parse({"activityId": 1, "startTimeGmt": 1.5e12, "avgHr": 0, "maxHr": 0})

    assert (parsed.avg_hr, parsed.max_hr) == (None, None)


def test_a_summary_without_an_id_is_refused_by_name():
    with pytest.raises(RecordError, match="garmin summary without an activityId"):
        summary_parse({"name": "x"})


def test_a_non_numeric_value_names_the_activity_and_field():
    with pytest.raises(RecordError, match=r"garmin activity 7: distance='far' is not a number"):
        summary_parse({"activityId": 7, "startTimeGmt": 1.5e12, "distance": "far"})

"""The Strava parser on the shared fixtures: API JSON and export rows to ParsedActivity, traps included."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest

from ingest.records import Device, ParsedLap, RecordError
from ingest.strava.parser import (
    export_rows,
    export_shoe_names,
    parse_api_activity,
    parse_export_row,
    summary_signature,
)

UTC = dt.UTC


@pytest.fixture
def api(samples):
    def load(name):
        return json.loads((samples / "strava" / "api" / name).read_text())

    return load


def _summary(api, activity_id):
    return next(a for a in api("athlete_activities_page1.json") if a["id"] == activity_id)


def test_a_detailed_run_becomes_a_whole_record(api):
    summary = _summary(api, 16188899900)
    detail = api("activity_16188899900_detailed.json")

    parsed = parse_api_activity(summary=summary, detail=detail)

    assert parsed.source == "strava" and parsed.source_id == "16188899900"
    assert parsed.start_time == dt.datetime(2025, 10, 22, 16, 45, 3, tzinfo=UTC)
    assert (parsed.local_date, parsed.utc_offset_s) == (dt.date(2025, 10, 22), 7200)
    assert (parsed.sport, parsed.sub_sport) == ("running", None)
    assert (parsed.distance_m, parsed.duration_s, parsed.elapsed_s) == (9850.2, 2836, 2936)
    assert (parsed.avg_hr, parsed.max_hr, parsed.avg_speed_mps) == (150.9, 175.0, 3.473)
    assert parsed.avg_cadence_spm == pytest.approx(165.6)  # 82.8 per leg
    assert (parsed.total_ascent_m, parsed.calories, parsed.avg_power_w) == (16.4, 712.0, None)
    assert (parsed.workout_name, parsed.workout_type) == ("6x800m", "workout")
    assert parsed.notes == detail["description"]
    assert parsed.gear == "Nike Pegasus 40"
    assert parsed.device == Device(product="Garmin Forerunner 965")
    assert parsed.samples is None
    assert parsed.laps[0] == ParsedLap(
        index=0,
        start_time=dt.datetime(2025, 10, 22, 16, 45, 3, tzinfo=UTC),
        duration_s=672,
        elapsed_s=672,
        distance_m=2000.0,
        avg_hr=137.0,
        max_hr=139.0,
        avg_cadence_spm=162.0,
        avg_speed_mps=2.98,
        max_speed_mps=3.1,
        total_ascent_m=3.0,
    )
    assert len(parsed.laps) == len(detail["laps"])
    assert parsed.raw["sport_type"] == "Run" and parsed.raw["type"] == "Run"
    assert parsed.raw["external_id"] == "garmin_ping_402211334455"
    assert parsed.raw["splits_metric"] == detail["splits_metric"]
    assert parsed.raw["summary_sig"] == summary_signature(summary)
    assert "kudos_count" not in parsed.raw and "map" not in parsed.raw


def test_start_date_local_is_local_time_despite_its_z(api):
    summary = dict(_summary(api, 16241122233))
    del summary["start_date"]  # derive UTC from the local wall clock and the offset

    parsed = parse_api_activity(summary=summary)

    assert parsed.start_time == dt.datetime(2025, 10, 28, 5, 31, 12, tzinfo=UTC)
    assert parsed.local_date == dt.date(2025, 10, 28) and parsed.utc_offset_s == 3600


@pytest.mark.parametrize(
    ("activity_id", "expected"),
    [(16241122233, "default"), (16120034567, "race"), (16150000111, "long"), (16188899900, "workout")],
)
def test_workout_type_codes_become_words(api, activity_id, expected):
    assert parse_api_activity(summary=_summary(api, activity_id)).workout_type == expected


def test_sport_type_wins_over_the_deprecated_type_and_both_are_kept(api):
    summary = dict(_summary(api, 16241122233), sport_type="TrailRun", type="Run")

    parsed = parse_api_activity(summary=summary)

    assert parsed.sport == "trail_running"
    assert (parsed.raw["sport_type"], parsed.raw["type"]) == ("TrailRun", "Run")


def test_a_summary_alone_has_no_calories_and_no_laps(api):
    parsed = parse_api_activity(summary=_summary(api, 16188899900))

    assert parsed.calories is None and parsed.laps == [] and parsed.raw["detail"] is False


def test_a_ride_keeps_rpm_cadence_and_its_bike_is_not_a_shoe(api):
    parsed = parse_api_activity(summary=_summary(api, 16262233445))

    assert (parsed.sport, parsed.avg_cadence_spm, parsed.gear) == ("cycling", 84.6, None)
    assert parsed.raw["gear_id"] == "b11876543" and parsed.avg_power_w == 171.3


def test_streams_become_samples_in_steps_per_minute(api):
    streams = api("activity_16188899900_streams.json")
    summary = _summary(api, 16188899900)

    parsed = parse_api_activity(summary=summary, streams=streams)

    samples = parsed.samples
    assert len(samples) == 2937
    assert samples.time[1] - samples.time[0] == dt.timedelta(seconds=1)
    assert samples.time[0] == parsed.start_time
    assert (samples.lat[0], samples.lon[0]) == (52.3581, 4.876249)
    assert samples.cadence[:3] == [164, 164, 160]
    assert samples.heart_rate[:3] == [99, 101, 103]
    assert samples.speed[0] == 2.949 and samples.distance[1] == 2.9 and samples.altitude[0] == 0.4
    assert samples.power == [None] * 2937


def test_an_activity_without_an_id_is_a_record_error():
    with pytest.raises(RecordError, match="without an id"):
        parse_api_activity(summary={"name": "x"})


@pytest.fixture
def export(samples):
    with zipfile.ZipFile(samples / "strava" / "export" / "export_12345678.zip") as archive:
        return archive.read("activities.csv").decode(), archive.read("shoes.csv").decode()


def test_an_export_row_is_read_by_position(export):
    activities, shoes = export
    row = next(r for r in export_rows(activities) if r.activity_id == "9800242614")

    parsed = parse_export_row(row, shoe_names=export_shoe_names(shoes), file_sha256="ab" * 32)

    assert parsed.start_time == dt.datetime(2011, 6, 26, 21, 18, 39, tzinfo=UTC)
    assert (parsed.sport, parsed.workout_name) == ("cycling", "Afternoon Ride")
    # second `Distance` is metres (the first, 88.80, is km); second `Elapsed Time` has the decimals
    assert (parsed.distance_m, parsed.elapsed_s, parsed.duration_s) == (88797.2, 11741.6, 10699.4)
    assert (parsed.max_hr, parsed.avg_hr, parsed.avg_cadence_spm) == (191, 166, 88)  # rpm on a ride
    assert (parsed.calories, parsed.total_ascent_m, parsed.avg_speed_mps) == (2045, 299, 8.299)
    assert parsed.gear is None and parsed.utc_offset_s is None
    assert parsed.raw == {
        "export": True,
        "activity_type": "Ride",
        "activity_gear": "",
        "filename": "activities/9800242614.fit.gz",
        "commute": False,
        "upload_sha256": "ab" * 32,
    }


def test_export_run_cadence_is_doubled_and_gear_mapped_through_shoes_csv(export):
    activities, shoes = export
    rows = {r.activity_id: r for r in export_rows(activities)}
    names = export_shoe_names(shoes)

    speed = parse_export_row(rows["9800060294"], shoe_names=names)
    easy = parse_export_row(rows["9800120516"], shoe_names=names)

    assert speed.gear == "Race day" and easy.gear == "Nike Pegasus 40"
    assert easy.avg_cadence_spm == 162


def test_a_short_manual_row_parses_without_a_file(export):
    activities, _ = export
    row = next(r for r in export_rows(activities) if r.activity_id == "9800302926")

    parsed = parse_export_row(row)

    assert (parsed.distance_m, parsed.elapsed_s, parsed.duration_s) == (8046.7, 2700.0, 2700.0)
    assert row.filename == "" and "upload_sha256" not in parsed.raw


def test_a_csv_without_activity_ids_is_refused():
    with pytest.raises(RecordError, match="not a Strava export"):
        list(export_rows("Date,Miles\n2020-01-01,3\n"))

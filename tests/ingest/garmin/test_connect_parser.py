"""The Connect API's activity JSON in SI units, checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.garmin.connect_parser import detail_as_list_item, item_is_parent, item_parse
from ingest.placement import record_place
from ingest.records import Device, ParsedActivity, RecordError
from tests.support.fake_garmin_connect import detail_from_item

ITEM = {
    "activityId": 12345678901,
    "activityName": " Tempo 3 x 2 km ",
    "description": "felt strong",
    "startTimeLocal": "2024-03-10 07:01:00",
    "startTimeGMT": "2024-03-10 06:01:00",
    "activityType": {"typeId": 18, "typeKey": "treadmill_running", "parentTypeId": 1},
    "distance": 10012.3456,
    "duration": 2705.25,
    "elapsedDuration": 2800.0,
    "movingDuration": 2650.0,
    "elevationGain": 45.0,
    "elevationLoss": 44.5,
    "averageSpeed": 3.70125,
    "averageHR": 152.0,
    "maxHR": 0.0,
    "calories": 520.44,
    "averageRunningCadenceInStepsPerMinute": 172.0,
    "maxRunningCadenceInStepsPerMinute": 190.0,
    "avgPower": 251.0,
    "deviceId": 3999999999,
    "manufacturer": "GARMIN",
    "parent": False,
}


def test_a_list_item_becomes_the_whole_record_in_si_units():
    parsed = item_parse(dict(ITEM))

    expected = ParsedActivity(
        source="garmin",
        source_id="12345678901",
        start_time=dt.datetime(2024, 3, 10, 6, 1, tzinfo=dt.UTC),
        utc_offset_s=3600,  # local 07:01 - GMT 06:01
        sport="running",
        sub_sport="treadmill",
        distance_m=10012.35,  # metres, to the centimetre as the export's
        duration_s=2705.25,
        elapsed_s=2800.0,
        avg_hr=152.0,
        max_hr=None,  # 0: no strap, not a heart rate
        avg_cadence_spm=172.0,  # already steps per minute
        max_cadence_spm=190.0,
        avg_speed_mps=3.701,
        total_ascent_m=45.0,
        total_descent_m=44.5,
        calories=520.4,  # kcal, not the export's kcal x 4.19
        avg_power_w=251.0,
        workout_name="Tempo 3 x 2 km",
        notes="felt strong",
        device=Device(manufacturer="garmin", serial="3999999999"),
        raw=dict(ITEM),
    )
    assert parsed == expected


def test_a_negative_offset_across_midnight_gives_the_local_date():
    item = dict(ITEM, startTimeGMT="2024-01-01 02:30:00", startTimeLocal="2023-12-31 18:30:00")

    parsed = record_place(item_parse(item), home_tz="UTC")

    assert parsed.utc_offset_s == -8 * 3600
    assert parsed.local_date == dt.date(2023, 12, 31)


def test_without_a_gmt_start_it_reads_begin_timestamp():
    item = {key: value for key, value in ITEM.items() if key != "startTimeGMT"}
    item["beginTimestamp"] = 1710050460000  # 2024-03-10T06:01:00Z in epoch milliseconds

    parsed = item_parse(item)

    assert parsed.start_time == dt.datetime(2024, 3, 10, 6, 1, tzinfo=dt.UTC)
    assert parsed.utc_offset_s == 3600


def test_the_detail_shape_of_a_leg_parses_as_its_list_item():
    detail = detail_from_item(dict(ITEM, parentId=12345678900))
    flattened = detail_as_list_item(detail)

    from_detail, from_list = item_parse(flattened), item_parse(dict(ITEM))

    from_detail.raw = from_list.raw = {}
    assert from_detail == from_list
    assert flattened["parentId"] == 12345678900


def test_a_multisport_parent_is_known_by_either_shape():
    assert item_is_parent({"parent": True, "childIds": [1, 2]})
    assert item_is_parent(detail_as_list_item({"isMultiSportParent": True}))
    assert not item_is_parent(ITEM)


def test_a_value_that_is_not_a_number_is_named():
    with pytest.raises(RecordError, match=r"garmin activity 12345678901: distance='ten k' is not a number"):
        item_parse(dict(ITEM, distance="ten k"))


def test_a_start_that_is_not_a_time_is_named():
    with pytest.raises(RecordError, match=r"startTimeGMT='yesterday' is not a date and time"):
        item_parse(dict(ITEM, startTimeGMT="yesterday"))


def test_an_item_without_an_activity_id_is_refused():
    with pytest.raises(RecordError, match="without an activityId"):
        item_parse({key: value for key, value in ITEM.items() if key != "activityId"})

"""FIT files no sample has: records without a session, device-relative time with nothing to anchor it.
Written with fit-tool (a FIT encoder, test-only)."""

from __future__ import annotations

import datetime as dt

import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

from ingest.fit.parser import ImplausibleDuration
from ingest.parsers import parse_file
from ingest.records import FileHints, SourceError
from tests.support.parsing import expected, summary, utc

FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z as a Unix time


def _fit(first_fit_seconds: int, count: int = 61, extra: tuple = ()) -> bytes:
    """A FIT activity with `count` 1 Hz records from `first_fit_seconds` (FIT time), then `extra`
    messages (no session unless given)."""
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 1623
    file_id.serial_number = 0x12345678
    builder.add(file_id)
    for i in range(count):
        record = RecordMessage()
        record.timestamp = (FIT_EPOCH_S + first_fit_seconds + i) * 1000
        record.distance = 3.0 * i
        record.heart_rate = 140 + i % 10
        record.cadence = 85
        builder.add(record)
    for message in extra:
        builder.add(message)
    return builder.build().to_bytes()


ABSOLUTE = 1_000_000_000  # 2021-09-08T01:46:40Z in FIT time


def test_a_file_without_a_session_is_summarised_from_its_records():
    record = parse_file(name="nosession.fit", data=_fit(ABSOLUTE))[0]

    start = dt.datetime(1989, 12, 31, tzinfo=dt.UTC) + dt.timedelta(seconds=ABSOLUTE)
    assert start == utc(2021, 9, 8, 1, 46, 40)
    assert summary(record) == expected(
        start_time=start,
        distance_m=180.0,
        duration_s=60.0,
        elapsed_s=60.0,
        avg_hr=144,  # 6 x (140..149) + 140 over 61 records = 144.4 -> 144
        max_hr=149,
        avg_speed_mps=3.0,
        device=("garmin", "fr620", "305419896"),  # garmin_product 1623
        samples=61,
    )
    assert record.raw["derived_from_records"] == [
        "start_time",
        "elapsed_s",
        "duration_s",
        "distance_m",
        "heart_rate",
        "avg_speed_mps",
    ]
    # no sport known: cadence stays as written
    assert record.samples.cadence[0] == 85


def test_device_relative_time_with_nothing_to_anchor_it_fails_clearly():
    with pytest.raises(SourceError) as raised:
        parse_file(name="fr70.fit", data=_fit(5000))

    assert str(raised.value) == (
        "fr70.fit: timestamps count seconds since the device's power-on and the file holds no absolute "
        "time (no timestamp_correlation, no local_timestamp): it cannot be placed in time"
    )


def test_device_relative_time_is_placed_by_the_route_start():
    start = utc(2012, 2, 13, 10, 0)

    record = parse_file(name="fr70.fit", data=_fit(5000), hints=FileHints(start_time=start))[0]

    assert record.start_time == start
    assert record.samples.time[-1] == start + dt.timedelta(seconds=60)
    assert min(record.samples.time).year == 2012


def _treadmill_messages(start_ms: int) -> tuple:
    workout = WorkoutMessage()
    workout.workout_name = "6x800m @ 5k"  # FIT workout.wkt_name
    session = SessionMessage()
    session.timestamp = start_ms + 60_000
    session.start_time = start_ms
    session.sport = Sport.FITNESS_EQUIPMENT
    session.sub_sport = SubSport.TREADMILL
    session.total_elapsed_time = 60.0
    session.total_timer_time = 60.0
    session.total_distance = 180.0
    session.avg_cadence = 85
    session.avg_heart_rate = 144
    session.max_heart_rate = 149
    activity = ActivityMessage()
    activity.timestamp = start_ms + 60_000
    activity.local_timestamp = ABSOLUTE + 60 + 2 * 3600  # FIT seconds, local = UTC + 2 h
    return workout, session, activity


def test_a_treadmill_session_is_a_run_with_steps_per_minute_and_its_workout_name():
    start_ms = (FIT_EPOCH_S + ABSOLUTE) * 1000
    data = _fit(ABSOLUTE, extra=_treadmill_messages(start_ms))

    record = parse_file(name="treadmill.fit", data=data)[0]

    assert summary(record) == expected(
        start_time=utc(2021, 9, 8, 1, 46, 40),
        utc_offset_s=7200,
        sport="running",
        sub_sport="treadmill",
        distance_m=180.0,
        duration_s=60.0,
        elapsed_s=60.0,
        avg_hr=144,
        max_hr=149,
        avg_cadence_spm=170.0,  # 85 per leg
        avg_speed_mps=3.0,
        workout_name="6x800m @ 5k",
        device=("garmin", "fr620", "305419896"),
        samples=61,
    )
    assert record.samples.cadence[0] == 170.0


# --- durations a device got wrong ------------------------------------------------------------------------

START_MS = (FIT_EPOCH_S + ABSOLUTE) * 1000  # the first record of _fit(ABSOLUTE): 2021-09-08T01:46:40Z
DAY_S = 86400


def _session(timer: float, elapsed: float) -> SessionMessage:
    session = SessionMessage()
    session.timestamp = START_MS + 60_000
    session.start_time = START_MS
    session.sport = Sport.RUNNING
    session.total_timer_time = timer
    session.total_elapsed_time = elapsed
    session.total_distance = 180.0
    return session


def _lap(timer: float, elapsed: float) -> LapMessage:
    lap = LapMessage()
    lap.timestamp = START_MS + 60_000
    lap.start_time = START_MS
    lap.total_timer_time = timer
    lap.total_elapsed_time = elapsed
    return lap


def test_a_timer_time_above_the_elapsed_time_is_read_as_swapped():
    data = _fit(ABSOLUTE, extra=(_lap(75.0, 60.0), _session(75.0, 60.0)))

    record = parse_file(name="swapped.fit", data=data)[0]

    # the smaller is the moving time, the larger the elapsed time; 180 m / 60 s
    assert (record.duration_s, record.elapsed_s, record.avg_speed_mps) == (60.0, 75.0, 3.0)
    assert (record.laps[0].duration_s, record.laps[0].elapsed_s) == (60.0, 75.0)
    assert record.raw["timer_elapsed_swapped"] == {"total_timer_time": 75.0, "total_elapsed_time": 60.0}


def test_a_timer_time_below_the_elapsed_time_is_left_alone():
    record = parse_file(name="paused.fit", data=_fit(ABSOLUTE, extra=(_session(50.0, 60.0),)))[0]

    assert (record.duration_s, record.elapsed_s) == (50.0, 60.0)
    assert "timer_elapsed_swapped" not in record.raw
    assert "clamped_to_records" not in record.raw


def test_a_session_of_weeks_is_clamped_to_its_records_time_span():
    data = _fit(ABSOLUTE, extra=(_session(55.0, 30 * DAY_S),))

    record = parse_file(name="clock-jump.fit", data=data)[0]

    # 61 records one second apart: 60 s from first to last
    assert (record.duration_s, record.elapsed_s) == (55.0, 60.0)
    assert record.raw["clamped_to_records"] == {"elapsed_s": 30 * DAY_S}
    assert record.distance_m == 180.0


def test_a_swapped_pair_of_weeks_is_clamped_then_ordered():
    data = _fit(ABSOLUTE, extra=(_session(30 * DAY_S, 55.0),))

    record = parse_file(name="clock-jump.fit", data=data)[0]

    assert (record.duration_s, record.elapsed_s) == (55.0, 60.0)
    assert record.raw["clamped_to_records"] == {"duration_s": 30 * DAY_S}
    assert record.raw["timer_elapsed_swapped"] == {"total_timer_time": 30 * DAY_S, "total_elapsed_time": 55.0}


def test_a_session_of_weeks_whose_records_also_span_weeks_is_refused():
    late = RecordMessage()
    late.timestamp = START_MS + 10 * DAY_S * 1000
    late.heart_rate = 140
    data = _fit(ABSOLUTE, extra=(late, _session(10 * DAY_S, 10 * DAY_S)))

    with pytest.raises(ImplausibleDuration) as raised:
        parse_file(name="weeks.fit", data=data)

    assert str(raised.value) == (
        "weeks.fit: a session lasting 10.0 days (total_elapsed_time 864000 s), longer than 7 days: "
        "a device clock error, and its records do not give the real span"
    )


def test_a_session_of_weeks_without_records_is_refused():
    data = _fit(ABSOLUTE, count=0, extra=(_session(9 * DAY_S, 9 * DAY_S),))

    with pytest.raises(ImplausibleDuration, match=r"^norecords\.fit: a session lasting 9\.0 days"):
        parse_file(name="norecords.fit", data=data)

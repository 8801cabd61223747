"""FIT files from devices beyond the first samples (`fit/devices/`): a FR935 swim with chained `hr`
messages, a COROS ride with misaligned fields, a Wahoo ELEMNT ride, an Edge 500 ride.

The figures below were read by hand from each file's session message with fitparse (which the
parser does not use), and agree with the answer key of `garmin/second-export` built from these files;
`test_the_table_is_what_fitparse_reads` keeps them honest.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from pathlib import Path

import fitparse
import pytest

from ingest.records import ParsedActivity
from tests.support.parsing import parse, utc

# file: (sport, start UTC, distance m or None, timer s, elapsed s, avg HR, max HR, laps, records)
DEVICES = {
    # lap swimming without lengths: total_distance 0.0 means not measured
    "garmin-fr935-cr.fit": (
        "swimming",
        utc(2018, 3, 24, 11, 2, 35),
        None,
        7552.97,
        7552.97,
        80,
        151,
        89,
        7515,
    ),
    # the session has max_heart_rate 168 but no avg_heart_rate field at all
    "coros-pace-2-cycling-misaligned-fields.fit": (
        "cycling",
        utc(2020, 10, 25, 11, 10, 19),
        32145.76,
        11287.0,
        12719.0,
        None,
        168,
        4,
        11272,
    ),
    "2019-02-17-062644-ELEMNT-297E-195-0.fit": (
        "cycling",
        utc(2019, 2, 17, 6, 26, 44),
        78940.55,
        13471.0,
        23595.0,
        124,
        170,
        1,
        13471,
    ),
    "garmin-edge-500-activity.fit": (
        "cycling",
        utc(2011, 9, 25, 13, 0, 21),
        92622.34,
        10641.06,
        12691.28,
        162,
        189,
        9,
        10686,
    ),
}


@functools.cache
def _read(path: Path) -> dict[str, list[dict]]:
    """Session, lap and record messages as fitparse reads them, one pass per file (fitparse is slow)."""
    found: dict[str, list[dict]] = {"session": [], "lap": [], "record": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fitparse warns about the COROS file's odd field sizes
        for message in fitparse.FitFile(str(path)).get_messages(list(found)):
            found[message.name].append(message.get_values())
    return found


def _messages(path: Path, name: str) -> list[dict]:
    return _read(path)[name]


@functools.cache
def _parsed(path: Path) -> ParsedActivity:
    """RunBase's one record of the file, parsed once for this module."""
    (record,) = parse(path)
    return record


@pytest.mark.parametrize("name", DEVICES)
def test_the_table_is_what_fitparse_reads(samples, name):
    path = samples / "fit" / "devices" / name
    (session,) = _messages(path, "session")
    sport, start, distance, timer, elapsed, avg_hr, max_hr, laps, records = DEVICES[name]

    assert session["sport"] == sport
    assert session["start_time"].replace(tzinfo=dt.UTC) == start
    assert (session["total_distance"] or None) == distance
    assert (session["total_timer_time"], session["total_elapsed_time"]) == (timer, elapsed)
    assert (session.get("avg_heart_rate"), session["max_heart_rate"]) == (avg_hr, max_hr)
    assert (len(_messages(path, "lap")), len(_messages(path, "record"))) == (laps, records)


@pytest.mark.parametrize("name", DEVICES)
def test_a_device_file_gives_its_session_values(samples, name):
    sport, start, distance, timer, elapsed, avg_hr, max_hr, laps, records = DEVICES[name]

    record = _parsed(samples / "fit" / "devices" / name)

    assert (record.sport, record.start_time, record.distance_m) == (sport, start, distance)
    assert (record.duration_s, record.elapsed_s, record.max_hr) == (timer, elapsed, max_hr)
    assert (len(record.laps), len(record.samples)) == (laps, records)
    if avg_hr is not None:
        assert record.avg_hr == avg_hr


def test_a_session_with_a_maximum_but_no_average_heart_rate_takes_the_average_from_its_records(samples):
    path = samples / "fit" / "devices" / "coros-pace-2-cycling-misaligned-fields.fit"
    rates = [r["heart_rate"] for r in _messages(path, "record") if r.get("heart_rate")]

    record = _parsed(path)

    assert len(rates) == 8946
    assert record.avg_hr == round(sum(rates) / len(rates)) == 132  # 131.94
    assert record.max_hr == 168  # the session's own
    assert record.raw["derived_from_records"] == ["avg_hr"]


def test_a_zero_cadence_or_power_average_is_no_sensor_not_a_value(samples):
    # the COROS session writes avg_cadence 0, max_cadence 0 and avg_power 0: it had neither sensor
    record = _parsed(samples / "fit" / "devices" / "coros-pace-2-cycling-misaligned-fields.fit")

    assert (record.avg_cadence_spm, record.max_cadence_spm, record.avg_power_w) == (None, None, None)


def test_the_wahoo_ride_keeps_its_offset_workout_name_and_rpm(samples):
    record = _parsed(samples / "fit" / "devices" / "2019-02-17-062644-ELEMNT-297E-195-0.fit")

    # activity.local_timestamp 14:26:44 at 06:26:44 UTC; the Garmin export key says the same
    assert record.utc_offset_s == 8 * 3600
    assert record.workout_name == "自行车"  # "bicycle"
    assert (record.avg_cadence_spm, record.avg_power_w) == (131.0, 102)  # a ride: rpm, not doubled


def test_the_swim_keeps_the_heart_rate_its_records_carry(samples):
    path = samples / "fit" / "devices" / "garmin-fr935-cr.fit"
    with_hr = sum(1 for r in _messages(path, "record") if r.get("heart_rate"))

    record = _parsed(path)

    assert with_hr == 5298
    assert sum(1 for h in record.samples.heart_rate if h) == with_hr
    assert record.avg_speed_mps is None  # avg_speed 0.0 with no distance

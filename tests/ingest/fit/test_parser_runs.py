"""FIT running files: every value checked against the file's own messages (read with fitparse by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.records import FileHints, ParsedLap
from tests.support.parsing import every_datetime, expected, parse, place, summary, utc

SEMI = 180.0 / 2**31

# session values as the files hold them; cadence is (avg_running_cadence + fractional) x 2 steps/min
RUNS = {
    "2013-02-06-12-11-14.fit": expected(
        start_time=utc(2013, 2, 6, 12, 11, 14),
        sport="running",
        distance_m=4835.38,
        duration_s=2625.14,
        elapsed_s=2625.14,
        avg_hr=147,
        max_hr=171,
        avg_speed_mps=1.842,
        total_ascent_m=168,
        total_descent_m=160,
        calories=336,
        device=("garmin", "fr110", "3819347952"),
        laps=5,
        samples=590,
    ),
    # no session HR: derived from the 2808 record heart rates (mean 153.98 -> 154, max 178);
    # no session speed: 9008.22 m / 2832 s
    "activity-small-fenix2-run.fit": expected(
        start_time=utc(2015, 8, 15, 14, 45, 8),
        utc_offset_s=7200,  # local_timestamp 17:32:46 - timestamp 15:32:46
        sport="running",
        distance_m=9008.22,
        duration_s=2832.0,
        elapsed_s=2832.0,
        avg_hr=154,
        max_hr=178,
        avg_cadence_spm=162.0,  # 81 x 2
        max_cadence_spm=192.0,  # 96 x 2
        avg_speed_mps=3.181,
        total_ascent_m=64,
        total_descent_m=61,
        calories=516,
        device=("garmin", "fenix2", "3882015183"),
        laps=4,
        samples=2809,
    ),
    # Stryd: calories 0 means not measured; HR derived from records (mean 130.84 -> 131, max 146)
    "developer-types-sample.fit": expected(
        start_time=utc(2017, 1, 17, 17, 6, 47),
        sport="running",
        distance_m=6753.99,
        duration_s=3424.0,
        elapsed_s=3424.0,
        avg_hr=131,
        max_hr=146,
        avg_cadence_spm=148.0,  # 74 x 2
        avg_speed_mps=1.964,
        avg_power_w=218,
        device=("stryd", None, "2147483647"),
        laps=1,
        samples=3424,
    ),
    "garmin-fenix-5-run.fit": expected(
        start_time=utc(2017, 6, 11, 14, 34, 9),
        utc_offset_s=-25200,
        sport="running",
        distance_m=157.56,
        duration_s=56.887,
        elapsed_s=56.887,
        avg_hr=90,
        max_hr=112,
        avg_cadence_spm=167.34375,  # (83 + 0.671875) x 2
        max_cadence_spm=191.0,  # (95 + 0.5) x 2
        avg_speed_mps=2.77,
        total_ascent_m=2,
        total_descent_m=0,
        calories=5,
        device=("garmin", "fenix5", "3945849289"),
        laps=1,
        samples=21,
    ),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_run_gives_its_exact_values(samples, name):
    records = parse(samples / "fit" / "runs" / name)

    assert len(records) == 1
    assert summary(records[0]) == RUNS[name]


def test_a_run_keeps_its_laps_and_first_and_last_samples(samples):
    record = parse(samples / "fit" / "runs" / "2013-02-06-12-11-14.fit")[0]

    assert record.laps[0] == ParsedLap(
        index=0,
        start_time=utc(2013, 2, 6, 12, 11, 14),
        duration_s=578.73,
        elapsed_s=579.2,
        distance_m=1000.0,
        avg_hr=146,
        max_hr=165,
        avg_speed_mps=1.727,
        max_speed_mps=2.855,
        total_ascent_m=58,
        trigger="distance",
        intensity="active",
    )
    assert [lap.index for lap in record.laps] == [0, 1, 2, 3, 4]
    assert sum(lap.distance_m for lap in record.laps) == pytest.approx(4835.38, abs=0.01)
    s = record.samples
    first = (s.time[0], s.lat[0], s.lon[0], s.altitude[0], s.heart_rate[0], s.speed[0], s.distance[0])
    assert first == (
        utc(2013, 2, 6, 12, 11, 14),
        684625107 * SEMI,
        -52850940 * SEMI,
        279.6,
        73,
        0.0,
        0.0,
    )
    assert (s.time[-1], s.heart_rate[-1], s.distance[-1]) == (utc(2013, 2, 6, 12, 54, 58), 149, 4835.38)
    assert s.lat[0] == pytest.approx(57.38461, abs=1e-5)  # degrees, not semicircles


def test_running_cadence_samples_are_steps_per_minute(samples):
    record = parse(samples / "fit" / "runs" / "garmin-fenix-5-run.fit")[0]

    # last record: cadence 88, fractional_cadence 0.0 -> 176 steps/min
    assert record.samples.cadence[-1] == 176.0
    assert record.samples.cadence[0] == 0.0
    assert record.laps[0].avg_cadence_spm == 167.34375


def test_a_run_keeps_the_file_summary_in_raw(samples):
    record = parse(samples / "fit" / "runs" / "garmin-fenix-5-run.fit")[0]

    assert record.raw["file_name"] == "garmin-fenix-5-run.fit"
    assert record.raw["file_id"] == {
        "serial_number": 3945849289,
        "time_created": "2017-06-11T14:34:09",
        "manufacturer": "garmin",
        "garmin_product": "fenix5",
        "type": "activity",
    }
    assert record.raw["session"]["sport_profile_name"] == "Run"
    assert record.raw["activity"]["local_timestamp"] == "2017-06-11T07:35:24"
    assert "record" not in record.raw
    # a sport profile name ("Run") is not a workout name
    assert record.workout_name is None


FR70 = {
    # activity.local_timestamp 2012-02-13 12:21:03 is wall-clock time at the relative activity.timestamp;
    # start = local_timestamp - (activity.timestamp - session.start_time)
    "antfs-dump.63.fit": (
        expected(
            local_date=dt.date(2012, 2, 13),
            sport="running",
            duration_s=3426.898,
            elapsed_s=3426.898,
            avg_hr=162,
            max_hr=195,
            calories=708,
            device=("garmin", "fr70", "1215347"),
            laps=1,
        ),
        "2012-02-13T11:23:51",  # 12:21:03 - (16444673 - 16441241) s
        16441241,
        16441242,
    ),
    "compressed-speed-distance.fit": (
        expected(
            local_date=dt.date(2012, 2, 13),
            sport="running",
            distance_m=10248.67,
            duration_s=3772.75,
            elapsed_s=3883.273,
            avg_hr=170,
            max_hr=190,
            avg_cadence_spm=176.0,
            max_cadence_spm=202.0,
            avg_speed_mps=2.735,
            calories=708,
            device=("garmin", "fr70", "1215347"),
            laps=11,
        ),
        "2012-02-13T11:16:16",  # 12:21:03 - (17221751 - 17217864) s
        17217864,
        17217864,
    ),
}


@pytest.mark.parametrize("name", sorted(FR70))
def test_a_device_relative_file_is_placed_on_its_local_date_only(samples, name):
    record = parse(samples / "fit" / "runs" / name)[0]
    summary_values, local_start, _, _ = FR70[name]

    assert summary(record) == summary_values
    assert record.raw["local_start"] == local_start
    assert record.raw["time_base"] == "device_relative (local_timestamp_only)"
    assert all(lap.start_time is None for lap in record.laps)


@pytest.mark.parametrize("name", sorted(FR70))
def test_a_device_relative_file_is_placed_in_utc_from_the_route_start(samples, name):
    _, _, start_rel, first_record_rel = FR70[name]
    start = utc(2012, 2, 13, 10, 23, 51)

    record = place(samples / "fit" / "runs" / name, hints=FileHints(start_time=start, utc_offset_s=3600))[0]

    assert record.start_time == start
    assert (record.utc_offset_s, record.local_date) == (3600, dt.date(2012, 2, 13))
    assert record.samples.time[0] == start + dt.timedelta(seconds=first_record_rel - start_rel)
    assert record.laps[0].start_time == start
    assert record.raw["time_base"] == "device_relative (hint_start_time)"


def test_a_device_relative_file_is_placed_from_its_local_time_and_the_route_offset(samples):
    record = place(samples / "fit" / "runs" / "antfs-dump.63.fit", hints=FileHints(utc_offset_s=3600))[0]

    assert record.start_time == utc(2012, 2, 13, 10, 23, 51)
    assert record.utc_offset_s == 3600
    assert len(record.samples) == 686
    assert record.samples.time[-1] == utc(2012, 2, 13, 10, 23, 51) + dt.timedelta(seconds=16444667 - 16441241)


@pytest.mark.parametrize("name", sorted(FR70))
@pytest.mark.parametrize("hints", [None, FileHints(utc_offset_s=-18000)])
def test_a_device_relative_file_is_never_dated_1989(samples, name, hints):
    record = parse(samples / "fit" / "runs" / name, hints=hints)[0]

    assert all(t.year == 2012 for t in every_datetime(record))
    assert (record.local_date or record.start_time.date()).year == 2012

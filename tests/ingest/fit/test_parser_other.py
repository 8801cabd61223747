"""FIT files of other sports, the multisport file, files that are not activities and broken files."""

from __future__ import annotations

import pytest

from ingest.records import NotAnActivity, SourceError
from tests.support.parsing import expected, parse, summary, utc

OTHER = {
    # fitness_equipment/indoor_rowing is rowing; distance 0.0 and speed 0.0 mean not measured;
    # cadence is strokes/min, not doubled: 8 + 0.6171875
    "20170518-191602-1740899583.fit": expected(
        start_time=utc(2017, 5, 18, 16, 37, 30),
        utc_offset_s=3600,
        sport="rowing",
        sub_sport="indoor_rowing",
        duration_s=1707.308,
        elapsed_s=1707.308,
        avg_hr=132,
        max_hr=179,
        avg_cadence_spm=8.6171875,
        max_cadence_spm=66.5,
        total_ascent_m=0,
        total_descent_m=0,
        calories=286,
        device=("garmin", "vivo_active_hr", "3924130195"),
        laps=8,
        samples=1641,
    ),
    "event_timestamp.fit": expected(
        start_time=utc(2017, 6, 13, 13, 42, 30),
        utc_offset_s=-14400,
        sport="swimming",
        sub_sport="lap_swimming",
        distance_m=2606.04,
        duration_s=4371.56,
        elapsed_s=4567.485,
        avg_hr=142,
        max_hr=161,
        avg_speed_mps=0.945,
        calories=268,
        device=("garmin", "fr735xt", "3924789282"),
        laps=99,
        samples=4376,
    ),
    # walking cadence is per leg like running: (61 + 0.2265625) x 2
    "garmin-fenix-5-walk.fit": expected(
        start_time=utc(2017, 6, 11, 14, 32, 51),
        utc_offset_s=-25200,
        sport="walking",
        distance_m=67.85,
        duration_s=45.379,
        elapsed_s=45.379,
        avg_hr=75,
        max_hr=82,
        avg_cadence_spm=122.453125,
        max_cadence_spm=149.0,
        avg_speed_mps=1.495,
        total_ascent_m=1,
        total_descent_m=0,
        calories=4,
        device=("garmin", "fenix5", "3945849289"),
        laps=1,
        samples=17,
    ),
    # cycling cadence stays rpm
    "sample-activity-indoor-trainer.fit": expected(
        start_time=utc(2011, 11, 2, 12, 54, 19),
        sport="cycling",
        duration_s=2261.85,
        elapsed_s=2261.85,
        avg_hr=148,
        max_hr=176,
        avg_cadence_spm=82.0,
        max_cadence_spm=108.0,
        total_ascent_m=4,
        total_descent_m=0,
        calories=379,
        avg_power_w=201,
        device=("garmin", "edge800", "3818583228"),
        laps=5,
        samples=2263,
    ),
    "sample-activity.fit": expected(
        start_time=utc(2011, 6, 26, 21, 18, 39),
        sport="cycling",
        distance_m=88797.21,
        duration_s=10699.36,
        elapsed_s=11741.57,
        avg_hr=166,
        max_hr=191,
        avg_cadence_spm=88.0,
        max_cadence_spm=115.0,
        avg_speed_mps=8.299,
        total_ascent_m=299,
        total_descent_m=287,
        calories=2045,
        device=("garmin", "edge500", "3820987521"),
        laps=4,
        samples=3098,
    ),
}


@pytest.mark.parametrize("name", sorted(OTHER))
def test_another_sport_gives_its_exact_values(samples, name):
    records = parse(samples / "fit" / "other-sports" / name)

    assert len(records) == 1
    assert summary(records[0]) == OTHER[name]


# (sport, start, distance, timer, records in the session's time range, HR derived from those records)
MULTISPORT = [
    ("generic", utc(2015, 8, 29, 8, 0, 1), 25072.07, 11738.24, 11685, 135, 165, 1370, 122, 139),
    ("transition", utc(2015, 8, 29, 10, 30, 24), 224.24, 334.79, 284, 108, 131, 29, 30, 18),
    ("running", utc(2015, 8, 29, 10, 36), 2245.23, 2294.84, 2199, 164, 172, 539, 732, 0),
    ("transition", utc(2015, 8, 29, 11, 14, 16), 3.63, 4.3, 4, 164, 164, None, 0, 0),
    ("running", utc(2015, 8, 29, 11, 14, 21), 12740.37, 6764.48, 6695, 158, 168, 1390, 455, 802),
    ("transition", utc(2015, 8, 29, 13, 7, 7), 617.55, 269.81, 241, 145, 167, 53, 6, 12),
    ("cycling", utc(2015, 8, 29, 13, 11, 37), 28928.27, 3211.0, 3131, 154, 171, 698, 234, 613),
]


@pytest.fixture(scope="module")
def multisport(samples):
    return parse(samples / "fit" / "other-sports" / "activity-large-fenxi2-multisport.fit")


def test_each_session_of_a_multisport_file_is_its_own_record(multisport):
    records = multisport
    sha = records[0].source_id.split("#")[0]

    assert [r.source_id for r in records] == [f"{sha}#{i}" for i in range(7)]
    for record, (sport, start, dist, timer, n, avg_hr, max_hr, kcal, up, down) in zip(
        records, MULTISPORT, strict=True
    ):
        assert summary(record) == expected(
            start_time=start,
            utc_offset_s=7200,
            sport=sport,
            distance_m=dist,
            duration_s=timer,
            elapsed_s=timer,
            avg_hr=avg_hr,
            max_hr=max_hr,
            avg_speed_mps=round(dist / timer, 3),
            total_ascent_m=up,
            total_descent_m=down,
            calories=kcal,
            device=("garmin", "fenix2", "3882015183"),
            laps=1,
            samples=n,
        )
        assert record.raw["session_count"] == 7
        assert record.raw["derived_from_records"] == ["heart_rate", "avg_speed_mps"]


def test_a_multisport_session_gets_the_laps_and_samples_of_its_own_time_range(multisport):
    records = multisport

    run = records[2]
    assert run.laps[0].start_time == utc(2015, 8, 29, 10, 36)
    assert run.laps[0].distance_m == 2245.57
    assert (run.samples.time[0], run.samples.time[-1]) == (
        utc(2015, 8, 29, 10, 36, 1),
        utc(2015, 8, 29, 11, 14, 16),
    )
    # the first session starts with the recording, before its (device-written) start_time
    assert records[0].samples.time[0] == utc(2015, 8, 29, 7, 14, 44)
    assert sum(len(r.samples) for r in records) == 24239


NOT_ACTIVITIES = {
    "MonitoringFile.fit": "MonitoringFile.fit: a FIT monitoring_b file, not an activity: skipped",
    "Settings.fit": "Settings.fit: a FIT settings file, not an activity: skipped",
    "WeightScaleSingleUser.fit": "WeightScaleSingleUser.fit: a FIT weight file, not an activity: skipped",
    "WorkoutRepeatSteps.fit": "WorkoutRepeatSteps.fit: a FIT workout file, not an activity: skipped",
}


@pytest.mark.parametrize("name", sorted(NOT_ACTIVITIES))
def test_it_recognises_a_fit_file_that_is_not_an_activity(samples, name):
    with pytest.raises(NotAnActivity) as raised:
        parse(samples / "fit" / "not-activities" / name)

    assert str(raised.value) == NOT_ACTIVITIES[name]


INVALID = {
    "activity-filecrc.fit": (
        "activity-filecrc.fit: CRC mismatch, the file is damaged "
        "(CRC Mismatch [computed: 0xA1D5, read: 0xB1D5])"
    ),
    "activity-settings-corruptheader.fit": (
        "activity-settings-corruptheader.fit: invalid FIT header (chained part at byte 771): "
        "not a FIT file or the header is corrupt"
    ),
    "activity-settings-nodata.fit": (
        "activity-settings-nodata.fit: truncated: unexpected end of file (chained part at byte 771): "
        "only 3 of 68 bytes of data and no checksum"
    ),
    "activity-unexpected-eof.fit": (
        "activity-unexpected-eof.fit: truncated: unexpected end of file: "
        "only 756 of 757 bytes of data and no checksum"
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_it_fails_a_broken_fit_file_naming_the_file_and_the_fault(samples, name):
    with pytest.raises(SourceError) as raised:
        parse(samples / "fit" / "invalid" / name)

    assert not isinstance(raised.value, NotAnActivity)
    assert str(raised.value) == INVALID[name]


def test_it_fails_a_file_that_is_not_fit_at_all_with_an_invalid_header():
    from ingest.parsers import parse_file

    with pytest.raises(SourceError, match=r"^notes\.fit: invalid FIT header: not a FIT file"):
        parse_file(name="notes.fit", data=b"hello, this is a text file and not a FIT file")


def test_it_fails_a_fit_file_cut_in_its_header():
    from ingest.parsers import parse_file

    with pytest.raises(SourceError, match=r"^cut\.fit: invalid FIT header"):
        parse_file(name="cut.fit", data=b"\x0e\x10\x00\x00")


def _fit_with_one_definition(field_def: bytes) -> bytes:
    """A FIT file holding one definition message (local 0, an unknown global number 0xFF00) with
    valid header and file checksums."""
    import struct

    from fitparse.records import Crc

    body = b"\x40\x00\x00" + struct.pack("<HB", 0xFF00, 1) + field_def
    header = struct.pack("<BBHI4s", 14, 0x10, 2093, len(body), b".FIT")
    header += struct.pack("<H", Crc.calculate(header))
    return header + body + struct.pack("<H", Crc.calculate(header + body))


def test_it_fails_an_unknown_field_whose_size_does_not_fit_its_type_with_a_named_error():
    # field 1, 3 bytes, base type uint16 (0x84): fitparse trips over its own warning (found by fuzzing)
    from ingest.parsers import parse_file

    data = _fit_with_one_definition(b"\x01\x03\x84")
    with pytest.raises(SourceError, match=r"^odd\.fit: not a readable FIT file \(AttributeError"):
        parse_file(name="odd.fit", data=data)


def _definition(local: int, global_number: int, fields: list[tuple[int, int, int]]) -> bytes:
    import struct

    body = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_number, len(fields))
    return body + b"".join(struct.pack("<3B", *field) for field in fields)


def _fit_bytes(messages: bytes) -> bytes:
    import struct

    from fitparse.records import Crc

    header = struct.pack("<BBHI4s", 14, 0x10, 2093, len(messages), b".FIT")
    header += struct.pack("<H", Crc.calculate(header))
    return header + messages + struct.pack("<H", Crc.calculate(header + messages))


def test_a_session_field_written_as_an_array_is_unreadable_and_derived_from_the_records():
    """A damaged definition gives the session's total_distance 8 bytes (two uint32): fitparse returns a
    tuple, which crashed the parser (TypeError; found by fuzzing). It is dropped, as if unwritten."""
    import struct

    from ingest.parsers import parse_file

    t0 = 1_000_000_000  # FIT seconds: 2021-09-09T01:46:40Z
    messages = _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (4, 4, 0x86)])  # file_id
    messages += struct.pack("<BBHI", 0, 4, 1, t0)  # activity file, Garmin
    messages += _definition(1, 20, [(253, 4, 0x86), (5, 4, 0x86), (3, 1, 0x02)])  # record
    for second in range(61):
        messages += struct.pack("<BIIB", 1, t0 + second, second * 300, 150)  # 3 m/s (distance in cm)
    session_fields = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 8, 0x86), (5, 1, 0x00)]
    messages += _definition(2, 18, session_fields)
    messages += struct.pack("<BIIIIIIB", 2, t0 + 60, t0, 60_000, 60_000, 18_000, 18_000, 1)

    (record,) = parse_file(name="array-distance.fit", data=_fit_bytes(messages))

    assert record.distance_m == 180.0
    assert record.duration_s == 60.0
    assert "distance_m" in record.raw["derived_from_records"]

"""TCX: a run with heart rate, the same run without, a stand-up-paddle activity (Sport="Other")."""

from __future__ import annotations

import pytest

from ingest.parsers import parse_file
from ingest.records import NotAnActivity, ParsedLap, SourceError
from tests.support.parsing import expected, parse, summary, utc

FORERUNNER = (None, "Forerunner 410", "3854007508")  # <Creator><Name>Forerunner 410 Software Version 2.20


def _run(**values):
    # laps: 608.47 + 714.80 + 669.51 s; 1609.34399414 + 1609.34399414 + 1470.5546875 m; 94 + 151 + 134 kcal
    return expected(
        start_time=utc(2012, 12, 26, 21, 29, 53),
        sport="running",
        distance_m=4689.243,
        duration_s=1992.78,
        elapsed_s=1992.78,
        avg_speed_mps=2.353,
        total_ascent_m=133.0,  # smoothed climb over the 383 trackpoint altitudes
        total_descent_m=145.5,
        calories=379.0,
        notes="Aerobics",
        device=FORERUNNER,
        laps=3,
        samples=384,
        **values,
    )


def test_a_run_with_heart_rate_gives_its_lap_totals(samples):
    records = parse(samples / "tcx" / "test.tcx")

    assert len(records) == 1
    # lap HR 139/172/167 weighted by lap time = 160.24; max of the laps' maxima
    assert summary(records[0]) == _run(avg_hr=160.2, max_hr=189.0)
    assert records[0].laps[0] == ParsedLap(
        index=0,
        start_time=utc(2012, 12, 26, 21, 29, 53),
        duration_s=608.47,
        distance_m=1609.34399414,
        avg_hr=139.0,
        max_hr=189.0,
        avg_speed_mps=2.645,
        max_speed_mps=4.55431461334,
        trigger="distance",
        intensity="active",
    )
    s = records[0].samples
    assert (s.time[0], s.lat[0], s.lon[0], s.altitude[0], s.distance[0], s.heart_rate[0]) == (
        utc(2012, 12, 26, 21, 29, 53),
        35.951880198,
        -79.0931872185,
        178.942626953,
        0.0,
        62,
    )
    # the last trackpoint has only a time
    assert (s.time[-1], s.lat[-1], s.distance[-1], s.heart_rate[-1]) == (
        utc(2012, 12, 26, 22, 3, 5),
        None,
        None,
        None,
    )


def test_a_run_without_heart_rate_has_none(samples):
    records = parse(samples / "tcx" / "no_hr.tcx")

    assert summary(records[0]) == _run()
    assert not records[0].samples.has("heart_rate")
    assert [lap.avg_hr for lap in records[0].laps] == [None, None, None]


def test_a_sup_activity_is_a_generic_sport_with_speed_from_the_extension(samples):
    records = parse(samples / "tcx" / "sup_activity_1.tcx")

    assert summary(records[0]) == expected(
        start_time=utc(2022, 7, 16, 16, 8, 25),
        sport="generic",  # Sport="Other"
        distance_m=1157.51,
        duration_s=1112.335,
        elapsed_s=1113.539,  # second lap start + its time
        avg_hr=87.9,
        max_hr=108.0,
        avg_speed_mps=1.041,
        calories=92.0,
        device=(None, "vívoactive HR", "3937453043"),
        laps=2,
        samples=111,
    )
    assert records[0].laps[0].avg_speed_mps == 1.034000039100647  # <ns3:LX><ns3:AvgSpeed>
    assert records[0].samples.speed[0] == 0.2680000066757202  # <ns3:TPX><ns3:Speed>


def test_run_cadence_in_a_tcx_is_doubled_to_steps_per_minute(samples):
    text = (samples / "tcx" / "test.tcx").read_text()
    text = text.replace(
        "<TriggerMethod>Distance</TriggerMethod>",
        "<TriggerMethod>Distance</TriggerMethod><Extensions><ax:LX "
        'xmlns:ax="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        "<ax:AvgRunCadence>85</ax:AvgRunCadence></ax:LX></Extensions>",
        1,
    )
    text = text.replace(
        "<DistanceMeters>0.0</DistanceMeters>",
        "<DistanceMeters>0.0</DistanceMeters><Extensions><TPX "
        'xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><RunCadence>86</RunCadence>'
        "<Watts>250</Watts></TPX></Extensions>",
        1,
    )

    record = parse_file(name="cadence.tcx", data=text.encode())[0]

    assert record.laps[0].avg_cadence_spm == 170.0
    assert record.laps[1].avg_cadence_spm is None
    assert (record.samples.cadence[0], record.samples.power[0]) == (172.0, 250)
    assert record.avg_cadence_spm == 170.0


def test_a_truncated_tcx_fails_naming_the_file(samples):
    data = (samples / "tcx" / "test.tcx").read_bytes()[:5000]

    with pytest.raises(SourceError) as raised:
        parse_file(name="cut.tcx", data=data)

    assert not isinstance(raised.value, NotAnActivity)
    assert str(raised.value).startswith("cut.tcx: malformed or truncated TCX:")


def test_a_tcx_without_activities_is_not_an_activity():
    data = (
        b'<?xml version="1.0"?><TrainingCenterDatabase '
        b'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Courses/></TrainingCenterDatabase>'
    )

    with pytest.raises(NotAnActivity, match=r"^course\.tcx: a TCX with no activity laps"):
        parse_file(name="course.tcx", data=data)


# --- files from other devices: built here, each with values written by hand ---------------------------

TCX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
)


def _trackpoint(time: str, distance: str, hr: str | None = None) -> str:
    heart = f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>" if hr is not None else ""
    return f"<Trackpoint><Time>{time}</Time><DistanceMeters>{distance}</DistanceMeters>{heart}</Trackpoint>"


def _activity(sport: str, start: str, seconds: str, metres: str, avg_hr: str, points: list[str]) -> str:
    return (
        f'<Activity Sport="{sport}"><Id>{start}</Id><Lap StartTime="{start}">'
        f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{metres}</DistanceMeters>"
        f"<AverageHeartRateBpm><Value>{avg_hr}</Value></AverageHeartRateBpm>"
        f"<Track>{''.join(points)}</Track></Lap></Activity>"
    )


def _tcx(activities: str) -> bytes:
    return f"{TCX_HEAD}<Activities>{activities}</Activities></TrainingCenterDatabase>".encode()


BIKE = _activity(
    "Biking",
    "2021-06-06T07:00:00Z",
    "1800",
    "15000",
    "140",
    [_trackpoint("2021-06-06T07:00:00Z", "0"), _trackpoint("2021-06-06T07:30:00Z", "15000")],
)
RUN = _activity(
    "Running",
    "2021-06-06T07:31:30Z",
    "1200",
    "4000",
    "160",
    [_trackpoint("2021-06-06T07:31:30Z", "0", "150"), _trackpoint("2021-06-06T07:51:30Z", "4000", "170")],
)
MULTISPORT = (
    "<MultiSportSession><Id>2021-06-06T07:00:00Z</Id>"
    f"<FirstSport>{BIKE}</FirstSport>"
    "<NextSport><Transition><TotalTimeSeconds>90</TotalTimeSeconds><DistanceMeters>120</DistanceMeters>"
    f"</Transition>{RUN}</NextSport></MultiSportSession>"
)


def test_a_multisport_session_gives_one_record_per_leg():
    bike, run = parse_file(name="brick.tcx", data=_tcx(MULTISPORT))

    assert summary(bike) == expected(
        start_time=utc(2021, 6, 6, 7, 0, 0),
        sport="cycling",
        distance_m=15000.0,
        duration_s=1800.0,
        elapsed_s=1800.0,
        avg_hr=140.0,
        avg_speed_mps=8.333,
        laps=1,
        samples=2,
    )
    assert summary(run) == expected(
        start_time=utc(2021, 6, 6, 7, 31, 30),
        sport="running",
        distance_m=4000.0,
        duration_s=1200.0,
        elapsed_s=1200.0,
        avg_hr=160.0,
        max_hr=170,
        avg_speed_mps=3.333,
        laps=1,
        samples=2,
    )
    assert bike.raw["multisport"] == {"id": "2021-06-06T07:00:00Z", "leg": 0, "legs": 2}
    assert run.raw["multisport"] == {"id": "2021-06-06T07:00:00Z", "leg": 1, "legs": 2}
    assert run.raw["transition"] == {"duration_s": 90.0, "distance_m": 120.0}
    assert "transition" not in bike.raw


def test_a_multisport_session_beside_a_plain_activity_keeps_file_order():
    records = parse_file(name="day.tcx", data=_tcx(RUN + MULTISPORT))

    assert [(r.sport, r.start_time.hour, r.start_time.minute) for r in records] == [
        ("running", 7, 31),
        ("cycling", 7, 0),
        ("running", 7, 31),
    ]
    assert [r.source_id.split("#")[1] for r in records] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "head", [b"\xef\xbb\xbf", b"\r\n  \n", b"\xef\xbb\xbf\n"], ids=["bom", "blank", "both"]
)
def test_whitespace_or_a_byte_order_mark_before_the_declaration_is_accepted(head):
    record = parse_file(name="lead.tcx", data=head + _tcx(RUN))[0]

    assert (record.start_time, record.distance_m, record.avg_hr) == (
        utc(2021, 6, 6, 7, 31, 30),
        4000.0,
        160.0,
    )


def test_a_nan_or_garbage_value_drops_that_value_not_the_file():
    points = [
        _trackpoint("2021-06-06T07:00:00Z", "0", "NaN"),
        _trackpoint("2021-06-06T07:00:05Z", "abc", "150"),
        _trackpoint("not a time", "30", "151"),
        _trackpoint("2021-06-06T07:00:10Z", "40", "154"),
    ]
    data = _tcx(_activity("Running", "2021-06-06T07:00:00Z", "10", "40", "NaN", points))

    record = parse_file(name="nan.tcx", data=data)[0]

    assert record.samples.heart_rate == [None, 150, 154]
    assert record.samples.distance == [0.0, None, 40.0]
    assert record.laps[0].avg_hr is None  # the lap's own <Value>NaN</Value>
    assert (record.avg_hr, record.max_hr, record.distance_m) == (None, 154, 40.0)

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

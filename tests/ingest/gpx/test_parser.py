"""GPX: tracks with and without times, routes, waypoint-only files, extensions, BOM, truncation.

Expected figures were cross-checked with gpxpy's own track methods (length_2d, get_duration,
get_uphill_downhill), which the parser does not call.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parsers import file_records, parse_file
from ingest.records import FileHints, NotAnActivity, SourceError
from tests.support.parsing import expected, parse, summary, utc

# (track index, start, distance, timer = elapsed, points, ascent, descent)
CERKNICKO = [
    (1, utc(2010, 8, 5, 14, 23, 59), 1914.5, 2469.0, 173, 50.0, 49.1),
    (2, utc(2010, 8, 5, 15, 11, 36), 874.18, 155.0, 52, 6.7, 2.4),
    (3, utc(2010, 8, 5, 15, 24, 25), 30.24, 21.0, 2, 37.5, 0.0),
    (4, utc(2010, 8, 5, 15, 38, 49), 1353.63, 288.0, 44, 12.8, 2.7),
    (5, utc(2010, 8, 5, 15, 58, 31), 31.95, 201.0, 2, 30.8, 0.0),
    (6, utc(2010, 8, 5, 16, 4, 51), 28.64, 13.0, 2, 0.0, 1.0),
    (7, utc(2010, 8, 5, 16, 5, 37), 347.0, 1092.0, 21, 85.7, 34.2),
]


def _track(start, distance, timer, points, ascent, descent):
    return expected(
        start_time=start,
        distance_m=distance,
        duration_s=timer,
        elapsed_s=timer,
        avg_speed_mps=round(distance / timer, 3),
        total_ascent_m=ascent,
        total_descent_m=descent,
        samples=points,
    )


def test_each_track_with_points_is_its_own_record_and_an_empty_track_is_skipped(samples):
    records = parse(samples / "gpx" / "cerknicko-jezero.gpx")
    sha = records[0].source_id.split("#")[0]

    assert [r.source_id for r in records] == [f"{sha}#{i}" for i in range(7)]
    for record, (index, *values) in zip(records, CERKNICKO, strict=True):
        assert summary(record) == _track(*values)
        assert record.raw["track_index"] == index
        assert record.raw["creator"] == "GPSBabel - http://www.gpsbabel.org"


def test_a_track_without_times_is_skipped_and_the_timed_tracks_are_kept(samples):
    records = parse(samples / "gpx" / "korita-zbevnica.gpx")

    assert [summary(r) for r in records] == [
        _track(utc(2010, 10, 3, 9, 36, 30), 2284.6, 4552.0, 176, 216.6, 21.5),
        _track(utc(2010, 10, 3, 10, 57, 10), 3983.95, 8541.0, 337, 91.0, 280.8),
    ]
    assert [r.raw["track_name"] for r in records] == ["ACTIVE LOG", "ACTIVE LOG #2"]
    assert records[0].raw["tracks_without_times_skipped"] == 1
    # <type>jkljkl</type> and <type>...</type> name no sport: no guess
    assert {r.sport for r in records} == {None}


def test_a_gpx_without_times_fails_with_a_clear_reason(samples):
    with pytest.raises(SourceError) as raised:
        parse(samples / "gpx" / "cerknicko-without-times.gpx")

    assert not isinstance(raised.value, NotAnActivity)
    assert str(raised.value) == (
        "cerknicko-without-times.gpx: no track has a time at its first point, so no activity can be "
        "placed in time (a GPX without times; import it through a route that knows its start)"
    )


def test_an_empty_segment_is_skipped_not_fatal(samples):
    records = parse(samples / "gpx" / "track-with-empty-segment.gpx")

    assert len(records) == 1
    assert summary(records[0]) == _track(utc(2013, 7, 6, 17, 26, 26), 85.95, 76.0, 9, 0.0, 0.0)
    assert records[0].samples.distance[0] == 0.0
    assert records[0].samples.distance[-1] == pytest.approx(85.95, abs=0.005)


def test_a_route_is_not_an_activity(samples):
    with pytest.raises(NotAnActivity, match=r"^route\.gpx: a GPX route \(a planned course\)"):
        parse(samples / "gpx" / "route.gpx")


def test_a_file_with_a_bom_is_read_and_its_lone_waypoint_is_not_an_activity(samples):
    with pytest.raises(NotAnActivity) as raised:
        parse(samples / "gpx" / "unicode_with_bom.gpx")

    assert str(raised.value) == (
        "unicode_with_bom.gpx: a GPX with no track points (waypoints only: 1), not an activity"
    )


def test_a_truncated_gpx_fails_naming_the_file(samples):
    with pytest.raises(SourceError) as raised:
        parse(samples / "gpx" / "truncated.gpx")

    assert not isinstance(raised.value, NotAnActivity)
    assert str(raised.value).startswith("truncated.gpx: malformed or truncated GPX: Error parsing XML")


def test_the_garmin_extension_sample_is_a_waypoint_not_an_activity(samples):
    with pytest.raises(NotAnActivity, match="waypoints only: 1"):
        parse(samples / "gpx" / "gpx_with_garmin_extension.gpx")


def _extension_track(samples) -> bytes:
    """The Garmin-extension sample's waypoint as a track point, plus a second point written with an
    `ns3` prefix and a cadence, as Garmin Connect exports do."""
    text = (samples / "gpx" / "gpx_with_garmin_extension.gpx").read_text()
    text = text.replace(
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"',
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"',
    )
    start, end = text.index("<wpt"), text.index("</wpt>") + len("</wpt>")
    point = text[start:end].replace("<wpt", "<trkpt").replace("</wpt>", "</trkpt>")
    second = (
        '<trkpt lat="37.778659000" lon="-122.391386000"><ele>3.6</ele><time>2016-06-17T23:41:13Z</time>'
        "<extensions><ns3:TrackPointExtension><ns3:hr>173</ns3:hr><ns3:cad>88</ns3:cad>"
        "</ns3:TrackPointExtension></extensions></trkpt>"
    )
    track = f"<trk><type>running</type><trkseg>{point}{second}</trkseg></trk>"
    return (text[:start] + track + text[end:]).encode()


def test_it_reads_garmin_heart_rate_and_cadence_whatever_the_prefix(samples):
    record = parse_file(name="runkeeper.gpx", data=_extension_track(samples))[0]

    assert record.samples.heart_rate == [171, 173]
    # TrackPointExtension cad counts one leg on a run: 88 -> 176 steps/min
    assert record.samples.cadence == [None, 176.0]
    assert summary(record) == expected(
        start_time=utc(2016, 6, 17, 23, 41, 3),
        sport="running",
        distance_m=44.53,  # 0.0004 degrees of latitude, haversine on a 6378.137 km sphere
        duration_s=10.0,
        elapsed_s=10.0,
        avg_hr=172.0,
        max_hr=173,
        avg_cadence_spm=176.0,
        max_cadence_spm=176.0,
        avg_speed_mps=4.453,
        total_ascent_m=0.2,
        total_descent_m=0.0,
        samples=2,
    )


def test_a_ride_keeps_its_cadence_in_rpm(samples):
    data = _extension_track(samples).replace(b"<type>running</type>", b"<type>cycling</type>")

    record = parse_file(name="ride.gpx", data=data)[0]

    assert record.sport == "cycling"
    assert record.samples.cadence == [None, 88.0]


def test_an_untimed_single_track_is_placed_at_the_route_start(samples):
    text = (samples / "gpx" / "track-with-empty-segment.gpx").read_text()
    untimed = "\n".join(line for line in text.splitlines() if "<time>" not in line).encode()
    start = utc(2013, 7, 6, 17, 26, 26)

    assert parse_file(name="untimed.gpx", data=untimed)[0].start_time is None  # the file has no time

    record = file_records(
        name="untimed.gpx", data=untimed, hints=FileHints(start_time=start, utc_offset_s=7200), home_tz="UTC"
    )[0]

    assert summary(record) == expected(
        start_time=start,
        local_date=dt.date(2013, 7, 6),
        utc_offset_s=7200,
        distance_m=85.95,
        total_ascent_m=0.0,
        total_descent_m=0.0,
    )
    assert record.raw["start_from"] == "hint"


def test_the_healthfit_gpx_sidecar_parses_as_a_track(samples):
    path = next((samples / "healthfit").rglob("*.gpx"))

    records = parse(path)

    assert [summary(r) for r in records] == [
        _track(utc(2015, 8, 15, 14, 45, 8), 9006.26, 2833.0, 2809, 220.5, 216.9)
    ]
    assert records[0].raw["creator"] == "Garmin Connect"

"""GPX: tracks with and without times, routes, waypoint-only files, extensions, BOM, truncation.

Expected figures were cross-checked with gpxpy's own track methods (length_2d, get_duration,
get_uphill_downhill), which the parser does not call.
"""

from __future__ import annotations

import datetime as dt
import re

import gpxpy
import gpxpy.gpx
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
        "cerknicko-without-times.gpx: no timestamps: no track has a time at its first point, so no "
        "activity can be placed in time (import it through a route that knows its start)"
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


# --- files from other devices: built here, each with values written by hand ---------------------------

TPX1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
GPXDATA = "http://www.cluetrust.com/XML/GPXDATA/1/0"
VENDOR = "http://example.com/some-watch/1"


def _gpx(points: list[str], *, before_tracks: str = "", sport: str = "running", head: str = "") -> bytes:
    """A GPX 1.1 document with one track of `points` (inner XML of each `<trkpt>`), at 46.000, 46.001, …
    north and 14 east, ten seconds apart from 2020-05-01T06:00:00Z."""
    trkpts = "".join(
        f'<trkpt lat="{46 + i / 1000:.3f}" lon="14.0">'
        f"<time>2020-05-01T06:00:{10 * i:02d}Z</time>{inner}</trkpt>"
        for i, inner in enumerate(points)
    )
    return (
        f'{head}<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:gpxtpx="{TPX1}" xmlns:tpx2="{TPX2}" xmlns:gpxdata="{GPXDATA}" xmlns:v="{VENDOR}">'
        f"{before_tracks}<trk><type>{sport}</type><trkseg>{trkpts}</trkseg></trk></gpx>"
    ).encode()


EXTENSION_STYLES = {
    "garmin TrackPointExtension v1": (
        "<extensions><gpxtpx:TrackPointExtension><gpxtpx:atemp>{temp}</gpxtpx:atemp><gpxtpx:hr>{hr}</gpxtpx:hr>"
        "<gpxtpx:cad>{cad}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
    ),
    "garmin TrackPointExtension v2": (
        "<extensions><tpx2:TrackPointExtension><tpx2:atemp>{temp}</tpx2:atemp><tpx2:hr>{hr}</tpx2:hr>"
        "<tpx2:cad>{cad}</tpx2:cad><tpx2:speed>3.1</tpx2:speed></tpx2:TrackPointExtension></extensions>"
    ),
    "cluetrust gpxdata": (
        "<extensions><gpxdata:hr>{hr}</gpxdata:hr><gpxdata:cadence>{cad}</gpxdata:cadence>"
        "<gpxdata:temp>{temp}</gpxdata:temp></extensions>"
    ),
    "plain elements": (
        "<extensions><hr>{hr}</hr><cad>{cad}</cad><temp>{temp}</temp><power>{power}</power></extensions>"
    ),
    "vendor namespace": (
        "<extensions><v:heartrate>{hr}</v:heartrate><v:cadence>{cad}</v:cadence><v:atemp>{temp}</v:atemp>"
        "<v:power>{power}</v:power></extensions>"
    ),
}


@pytest.mark.parametrize("style", EXTENSION_STYLES)
def test_it_reads_heart_rate_cadence_power_and_temperature_from_every_common_extension(style):
    template = EXTENSION_STYLES[style]
    points = [
        template.format(hr=150, cad=85, temp=21, power=250),
        template.format(hr=154, cad=86, temp=22, power=262),
        template.format(hr=152, cad=87, temp=24, power=256),
    ]

    record = parse_file(name="watch.gpx", data=_gpx(points))[0]

    assert record.samples.heart_rate == [150, 154, 152]
    # one-leg cadence, as TrackPointExtension's cad, on a run: doubled to steps/min
    assert record.samples.cadence == [170.0, 172.0, 174.0]
    has_power = "{power}" in template
    assert record.samples.power == ([250, 262, 256] if has_power else [None, None, None])
    assert record.raw["temperature_c"] == {"avg": 22.3, "min": 21.0, "max": 24.0}
    assert (record.avg_hr, record.max_hr) == (152.0, 154)
    assert (record.avg_cadence_spm, record.max_cadence_spm) == (172.0, 174.0)


def test_a_gpxdata_cadence_on_a_ride_stays_rpm():
    point = "<extensions><gpxdata:cadence>{}</gpxdata:cadence></extensions>"

    record = parse_file(name="ride.gpx", data=_gpx([point.format(90), point.format(92)], sport="cycling"))[0]

    assert record.samples.cadence == [90.0, 92.0]


def test_a_value_that_is_not_a_number_drops_only_that_value():
    points = [
        "<extensions><hr>NaN</hr><cad>85</cad></extensions>",
        "<extensions><hr>151</hr><cad>n/a</cad><temp>inf</temp></extensions>",
        "<extensions><hr>153</hr><cad>86</cad></extensions>",
    ]

    record = parse_file(name="nan.gpx", data=_gpx(points))[0]

    assert record.samples.heart_rate == [None, 151, 153]
    assert record.samples.cadence == [170.0, None, 172.0]
    assert "temperature_c" not in record.raw
    assert (record.avg_hr, record.max_hr) == (152.0, 153)


# two points 0.001 degrees of latitude apart: 6378137 m x pi / 180 x 0.001 = 111.32 m, in 10 s
TWO_POINTS = expected(
    start_time=utc(2020, 5, 1, 6, 0, 0),
    sport="running",
    distance_m=111.32,
    duration_s=10.0,
    elapsed_s=10.0,
    avg_speed_mps=11.132,
    samples=2,
)


@pytest.mark.parametrize(
    "broken",
    [
        '<wpt lat="abc" lon="14.0"><name>start</name></wpt>',
        '<wpt lon="14.0"><name>no latitude</name></wpt>',
        '<wpt lat="46.0" lon="14.0"><ele>n/a</ele></wpt>',
        '<metadata><bounds minlat="x" minlon="14" maxlat="46.1" maxlon="14.1"/></metadata>',
    ],
)
def test_a_broken_waypoint_or_metadata_element_does_not_refuse_the_track(broken):
    data = _gpx(["", ""], before_tracks=broken)
    with pytest.raises(gpxpy.gpx.GPXException):
        gpxpy.parse(data.decode())  # what refused the whole file before

    record = parse_file(name="broken-wpt.gpx", data=data)[0]

    assert summary(record) == TWO_POINTS
    assert record.raw["read_with"].startswith("tracks only: gpxpy refused the document (")


def test_the_tolerant_read_leaves_out_a_point_without_a_position_and_keeps_the_others():
    data = _gpx(["", "", ""], before_tracks='<wpt lat="abc" lon="1"/>').replace(
        b'lat="46.001"', b'lat="north"'
    )

    record = parse_file(name="bad-point.gpx", data=data)[0]

    # 46.000 and 46.002: 222.64 m in 20 s
    assert (record.distance_m, record.duration_s, len(record.samples)) == (222.64, 20.0, 2)


@pytest.mark.parametrize(
    "head", [b"\xef\xbb\xbf", b"\n\n  ", b"\xef\xbb\xbf\r\n"], ids=["bom", "blank", "both"]
)
def test_whitespace_or_a_byte_order_mark_before_the_declaration_is_accepted(head):
    data = head + _gpx(["", ""])

    assert summary(parse_file(name="lead.gpx", data=data)[0]) == TWO_POINTS


def test_a_lone_track_without_times_fails_with_no_timestamps_and_gets_no_start():
    data = re.sub(rb"<time>[^<]*</time>", b"", _gpx(["", ""]))

    assert parse_file(name="untimed.gpx", data=data)[0].start_time is None
    with pytest.raises(SourceError, match=r"^untimed\.gpx: no timestamps: "):
        file_records(name="untimed.gpx", data=data, home_tz="UTC")


@pytest.mark.parametrize(
    "namespace",
    ['xmlns:bad="http://example.com/a|b"', 'xmlns:bad="http://example.com/\x01"'],  # found by fuzzing
)
def test_a_damaged_namespace_declaration_fails_as_malformed_not_as_a_parser_crash(namespace):
    data = _gpx(["", ""]).replace(b"<gpx ", f"<gpx {namespace} ".encode(), 1)
    with pytest.raises(ValueError):
        gpxpy.parse(data.decode())  # lxml's register_namespace refuses it: escaped as a crash before

    with pytest.raises(SourceError, match=r"^bad-ns\.gpx: malformed or truncated GPX: "):
        parse_file(name="bad-ns.gpx", data=data)


def test_a_gpx_1_0_point_keeps_its_own_speed():
    data = (
        b'<?xml version="1.0"?><gpx version="1.0" creator="old logger" xmlns="http://www.topografix.com/GPX/1/0">'
        b'<trk><trkseg><trkpt lat="46.000" lon="14.0"><time>2020-05-01T06:00:00Z</time>'
        b"<speed>3.2</speed></trkpt>"
        b'<trkpt lat="46.001" lon="14.0"><time>2020-05-01T06:00:10Z</time><speed>3.4</speed></trkpt>'
        b"</trkseg></trk></gpx>"
    )

    record = parse_file(name="gpx10.gpx", data=data)[0]

    assert record.samples.speed == [3.2, 3.4]
    assert record.samples.heart_rate == [None, None]


@pytest.mark.parametrize("lon", ["inf", "nan", "-inf", "200"])
def test_a_point_with_no_place_on_earth_loses_its_position_not_the_file(lon):
    data = _gpx(["", "", ""]).replace(b'lat="46.002" lon="14.0"', f'lat="46.002" lon="{lon}"'.encode())
    record = parse_file(name="odd-point.gpx", data=data)[0]  # a math domain error before (found by fuzzing)
    assert record.samples.lat[2] is None and record.samples.lon[2] is None
    assert record.distance_m == pytest.approx(111.32, abs=0.01)  # counted between the first two only
    assert record.duration_s == 20.0


@pytest.mark.parametrize("ele", ["inf", "nan"])
def test_an_elevation_that_is_not_a_number_is_dropped_from_its_point(ele):
    data = _gpx(["<ele>100</ele>", f"<ele>{ele}</ele>", "<ele>110</ele>"])
    record = parse_file(name="odd-ele.gpx", data=data)[0]
    assert record.samples.altitude == [100.0, None, 110.0]
    assert record.total_ascent_m == pytest.approx(10.0)


def test_a_latin_1_gpx_is_read_in_the_encoding_its_declaration_names():
    data = _gpx(["", ""]).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    data = data.replace(b"<trk>", "<trk><name>Café à Cerknica</name>".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # what refused the file before

    record = parse_file(name="latin1.gpx", data=data)[0]

    assert record.raw["track_name"] == "Café à Cerknica"
    assert summary(record) == TWO_POINTS


def test_a_gpx_whose_bytes_do_not_match_its_declared_encoding_fails_naming_it():
    data = _gpx(["", ""]).replace(b"<trk>", "<trk><name>Café</name>".encode("latin-1"))

    with pytest.raises(SourceError, match=r"^bad\.gpx: not UTF-8 text \("):
        parse_file(name="bad.gpx", data=data)


def test_a_gpx_declaring_an_unknown_encoding_fails_naming_it():
    data = _gpx(["", ""]).replace(b'encoding="UTF-8"', b'encoding="klingon-8"')

    with pytest.raises(SourceError, match=r"^odd\.gpx: unknown text encoding 'klingon-8' in the XML"):
        parse_file(name="odd.gpx", data=data)


def test_the_tolerant_read_keeps_the_point_extensions():
    template = EXTENSION_STYLES["garmin TrackPointExtension v1"]
    points = [template.format(hr=150, cad=85, temp=21), template.format(hr=154, cad=86, temp=23)]

    record = parse_file(name="wpt.gpx", data=_gpx(points, before_tracks='<wpt lat="abc" lon="14"/>'))[0]

    assert record.raw["read_with"].startswith("tracks only:")
    assert (record.samples.heart_rate, record.samples.cadence) == ([150, 154], [170.0, 172.0])
    assert record.raw["temperature_c"] == {"avg": 22.0, "min": 21.0, "max": 23.0}

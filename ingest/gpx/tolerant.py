"""A tolerant second reading of a GPX that gpxpy refuses: only its tracks, read with lxml.

gpxpy reads the whole document strictly, so one bad value anywhere outside the track refuses the file:
`<wpt lat="abc">`, a waypoint without `lat`, `<ele>n/a</ele>` in a waypoint, `<bounds minlat="x">` in the
metadata. The track is what RunBase wants; this reader builds gpxpy's track objects from the `<trk>`
elements alone, so the rest of the GPX parser reads them as usual. A point whose position cannot be
read is left out; an unreadable elevation or time is dropped from its point, not the point.
It does not repair broken XML: a truncated or malformed document stays refused.
"""

from __future__ import annotations

import datetime as dt

import gpxpy.gpx
from gpxpy.gpxfield import parse_time
from lxml import etree

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def _local(element: etree._Element) -> str | None:
    return etree.QName(element).localname if isinstance(element.tag, str) else None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    if not found or found[0].text is None:
        return None
    return found[0].text.strip() or None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _time(text: str | None) -> dt.datetime | None:
    try:
        return parse_time(text) if text else None
    except (gpxpy.gpx.GPXException, ValueError):
        return None


def _point(element: etree._Element) -> gpxpy.gpx.GPXTrackPoint | None:
    # <trkpt lat="46.0" lon="14.0"><ele>512.3</ele><time>…Z</time><extensions>…</extensions></trkpt>
    lat, lon = _float(element.get("lat")), _float(element.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    point = gpxpy.gpx.GPXTrackPoint(
        latitude=lat,
        longitude=lon,
        elevation=_float(_text(element, "ele")),
        time=_time(_text(element, "time")),
    )
    for extensions in _children(element, "extensions"):
        point.extensions.extend(child for child in extensions if isinstance(child.tag, str))
    return point


def _track(element: etree._Element) -> gpxpy.gpx.GPXTrack:
    track = gpxpy.gpx.GPXTrack(name=_text(element, "name"))
    track.type = _text(element, "type")
    for segment_xml in _children(element, "trkseg"):
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [p for p in (_point(x) for x in _children(segment_xml, "trkpt")) if p is not None]
        track.segments.append(segment)
    return track


def gpx_tracks_only(data: bytes) -> gpxpy.gpx.GPX | None:
    """The document's tracks as a gpxpy GPX (no waypoints, routes or metadata), or None when the XML
    itself cannot be read or holds no track point."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        return None
    if _local(root) != "gpx":
        return None
    gpx = gpxpy.gpx.GPX()
    gpx.creator, gpx.version = root.get("creator"), root.get("version")
    gpx.tracks = [_track(trk) for trk in _children(root, "trk")]
    if not any(segment.points for track in gpx.tracks for segment in track.segments):
        return None
    return gpx

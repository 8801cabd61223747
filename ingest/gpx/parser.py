"""GPX -> one ParsedActivity per recorded track (`<trk>`), read with gpxpy.

A GPX has no laps and no summary: distance is the cumulative haversine over the points (segments are
pauses, no distance across them), elapsed time is last - first point time, timer time the sum of the
segments' spans, ascent gpxpy's smoothed climb.

Per-point values come from any element inside a point's `<extensions>`, matched by local name in any
namespace: Garmin's TrackPointExtension v1/v2 (`gpxtpx:hr`, `ns3:cad`, `gpxtpx:atemp`…), Cluetrust
gpxdata (`gpxdata:hr`, `gpxdata:cadence`, `gpxdata:temp`) and plain or vendor elements (`<hr>`,
`<heartrate>`, `<cad>`, `<cadence>`, `<power>`, `<temp>`, `<atemp>`). Every GPX cadence is taken as the
one-leg count TrackPointExtension's `cad` is, so it is doubled on a run or walk (and on a track naming
no sport); a ride keeps rpm. A value that is not a finite number is dropped from its point. Temperature
has no stream column: its average, minimum and maximum (°C) go to raw `temperature_c`.

Decisions: a route (`<rte>`) or waypoints alone are not an activity. When gpxpy refuses the document
because of something outside the tracks (a bad waypoint, bounds or metadata value), the tracks are read
again tolerantly (`ingest.gpx.tolerant`), noted in raw `read_with`. A track whose first point has no
time has no start: beside timed tracks it is skipped; as the file's only track it is returned without a
start, for `ingest.placement` to place from what the route knows (a HealthFit file name) or for the
file to fail there with "no timestamps"; a file of several tracks none of which is timed fails with
"no timestamps". Later points without a time are left out of the samples. An empty track or segment is
skipped. The sport comes from `<type>` when it names one; otherwise it is None, not guessed.
"""

from __future__ import annotations

import math
import re
from typing import Any

import gpxpy
import gpxpy.gpx

from ingest.gpx.tolerant import gpx_tracks_only
from ingest.gpx.track import (
    ascent_descent,
    cadence_is_per_leg,
    cumulative_distance,
    hr_stats,
    largest,
    mean,
    sport_from_word,
    to_utc,
)
from ingest.records import NotAnActivity, ParsedActivity, Samples, SourceError

# <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>171</gpxtpx:hr><gpxtpx:cad>88</gpxtpx:cad>…
# <extensions><gpxdata:hr>150</gpxdata:hr><gpxdata:cadence>85</gpxdata:cadence><gpxdata:temp>21</…
_EXTENSION_FIELDS = {
    "hr": "heart_rate",
    "heartrate": "heart_rate",
    "cad": "cadence",
    "cadence": "cadence",
    "power": "power",
    "watts": "power",
    "powerinwatts": "power",  # Garmin PowerExtension
    "speed": "speed",
    "temp": "temperature",
    "atemp": "temperature",
    "wtemp": "temperature",
    "temperature": "temperature",
}


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _extensions(point: gpxpy.gpx.GPXTrackPoint) -> dict[str, float]:
    found: dict[str, float] = {}
    for element in point.extensions:
        for node in element.iter():
            key = _EXTENSION_FIELDS.get(_local_name(node.tag))
            if key and node.text and key not in found:
                value = _finite(node.text)
                if value is not None:
                    found[key] = value
    return found


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# <?xml version="1.0" encoding="ISO-8859-1"?>: older loggers and desktop tools write Latin-1
_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding=["']([A-Za-z0-9._-]+)["'][^>]*\?>""")


def _text(name: str, data: bytes) -> str:
    """The document as text in the encoding its declaration names (UTF-8 when it names none), without
    the declaration: gpxpy would hand lxml the text re-encoded as UTF-8 under the old label."""
    match = _DECLARATION.match(data)
    encoding = match.group(1).decode() if match else "utf-8"
    try:
        return data[match.end() if match else 0 :].decode(encoding)
    except LookupError as exc:
        raise SourceError(f"{name}: unknown text encoding {encoding!r} in the XML declaration") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: not {encoding} text ({exc})") from exc


def _decode(name: str, data: bytes) -> tuple[gpxpy.gpx.GPX, str | None]:
    """The document and, when gpxpy refused it and only its tracks could be read, gpxpy's complaint."""
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()  # a BOM or blank lines before <?xml …?>
    try:
        return gpxpy.parse(_text(name, data)), None
    # ValueError: gpxpy hands every xmlns declaration to lxml's register_namespace, which refuses a
    # damaged prefix or URI (`xmlns:gpxtpx="http://…|tension/v1"`); found by fuzzing.
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        tracks = gpx_tracks_only(data)
        if tracks is None:
            raise SourceError(f"{name}: malformed or truncated GPX: {exc}") from exc
        return tracks, str(exc)


def _is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _position(point: gpxpy.gpx.GPXTrackPoint) -> tuple[float | None, float | None]:
    """The point's (lat, lon), or (None, None) for no place on Earth (`lon="inf"`, `lat="95"`): the
    point keeps its time and values, no distance is counted to or from it (found by fuzzing)."""
    lat, lon = point.latitude, point.longitude
    if not (_is_finite(lat) and _is_finite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None, None
    return lat, lon


def _track_samples(
    track: gpxpy.gpx.GPXTrack, per_leg: bool, temperatures: list[float | None]
) -> tuple[Samples, set[int], list[Any]]:
    """All timed points in file order; `breaks` marks where a new segment starts. Each timed point's
    temperature (or None) is appended to `temperatures`."""
    samples = Samples()
    breaks: set[int] = set()
    untimed: list[Any] = []
    for segment in track.segments:
        if not segment.points:
            continue
        breaks.add(len(samples))
        for point in segment.points:
            if point.time is None:
                untimed.append(point)
                continue
            ext = _extensions(point)
            cadence = ext.get("cadence")
            hr = ext.get("heart_rate")
            lat, lon = _position(point)
            samples.append(
                to_utc(point.time),
                lat=lat,
                lon=lon,
                altitude=point.elevation if _is_finite(point.elevation) else None,
                heart_rate=round(hr) if hr else None,
                cadence=cadence * 2 if cadence is not None and per_leg else cadence,
                speed=ext.get("speed", point.speed),  # GPX 1.0 has <speed> in the point itself
                power=round(ext["power"]) if "power" in ext else None,
            )
            temperatures.append(ext.get("temperature"))
    return samples, breaks, untimed


def _segment_time(track: gpxpy.gpx.GPXTrack) -> float:
    total = 0.0
    for segment in track.segments:
        times = [p.time for p in segment.points if p.time is not None]
        if len(times) > 1:
            total += (times[-1] - times[0]).total_seconds()
    return total


def _track_activity(
    gpx: gpxpy.gpx.GPX, index: int, track: gpxpy.gpx.GPXTrack, alone: bool
) -> ParsedActivity | None:
    sport = sport_from_word(track.type)
    temperatures: list[float | None] = []
    samples, breaks, untimed = _track_samples(track, cadence_is_per_leg(sport), temperatures)
    points = [p for s in track.segments for p in s.points]
    positions = [_position(p) for p in points]
    distance = cumulative_distance(
        [lat for lat, _ in positions], [lon for _, lon in positions], _point_breaks(track)
    )[-1]
    raw: dict[str, Any] = {
        "creator": gpx.creator,
        "gpx_version": gpx.version,
        "track_index": index,
        "track_name": track.name,
        "track_type": track.type,
        "points": len(points),
        "timed_points": len(samples),
        "temperature_c": _temperature(temperatures),
    }
    ascent, descent = ascent_descent([p.elevation if _is_finite(p.elevation) else None for p in points])
    if untimed:
        raw["points_without_time"] = len(untimed)
    if len(samples) and points[0].time is not None:
        samples.distance[:] = cumulative_distance(samples.lat, samples.lon, breaks)
        start, end = samples.time[0], samples.time[-1]
        elapsed = (end - start).total_seconds()
        timer = _segment_time(track)
    elif alone:
        start, elapsed, timer, samples = None, None, None, None  # placement may know when it began
    else:
        return None
    avg_hr, max_hr = hr_stats(samples) if samples is not None else (None, None)
    return ParsedActivity(
        start_time=start,
        sport=sport,
        distance_m=round(distance, 2),
        duration_s=timer,
        elapsed_s=elapsed,
        avg_hr=avg_hr,
        max_hr=max_hr,
        avg_cadence_spm=mean(samples.cadence) if samples is not None else None,
        max_cadence_spm=largest(samples.cadence) if samples is not None else None,
        avg_speed_mps=round(distance / timer, 3) if timer else None,
        total_ascent_m=ascent,
        total_descent_m=descent,
        workout_name=None,
        samples=samples,
        raw={k: v for k, v in raw.items() if v is not None},
    )


def _temperature(values: list[float | None]) -> dict[str, float] | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return {"avg": round(sum(present) / len(present), 1), "min": min(present), "max": max(present)}


def _point_breaks(track: gpxpy.gpx.GPXTrack) -> set[int]:
    breaks: set[int] = set()
    count = 0
    for segment in track.segments:
        breaks.add(count)
        count += len(segment.points)
    return breaks


def parse_gpx(*, name: str, data: bytes) -> list[ParsedActivity]:
    """One record per track that has points and a time at its first one (or the file's only track)."""
    gpx, refused = _decode(name, data)
    tracks = [t for t in gpx.tracks if any(s.points for s in t.segments)]
    if not tracks:
        if gpx.routes:
            raise NotAnActivity(f"{name}: a GPX route (a planned course), not a recorded activity")
        raise NotAnActivity(
            f"{name}: a GPX with no track points (waypoints only: {len(gpx.waypoints)}), not an activity"
        )
    parsed = [
        _track_activity(gpx, gpx.tracks.index(track), track, alone=len(tracks) == 1) for track in tracks
    ]
    placed = [p for p in parsed if p is not None]
    if not placed:
        raise SourceError(
            f"{name}: no timestamps: no track has a time at its first point, so no activity can be "
            "placed in time (import it through a route that knows its start)"
        )
    skipped = len(parsed) - len(placed)
    for record in placed:
        if skipped:
            record.raw["tracks_without_times_skipped"] = skipped
        if refused:
            record.raw["read_with"] = f"tracks only: gpxpy refused the document ({refused})"
    return placed

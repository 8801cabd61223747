"""TCX (Garmin Training Center) -> one ParsedActivity per `<Activity>`, read with lxml.

Namespaces vary between writers (`ns3:TPX`, `ext:TPX`, `ax:`…), so tags are matched by local name.
The summary is the laps' totals: timer time and distance summed, calories summed, average heart rate
weighted by lap time, maximum the laps' maximum. Running cadence in TCX (`RunCadence`, and `Cadence`
on a run) counts one leg: it is doubled to steps/min; a ride's cadence stays rpm.

A multisport session (`<MultiSportSession>` with `<FirstSport>` and `<NextSport>`, each holding an
`<Activity>`) gives one record per leg, in file order; raw `multisport` names the session and the leg,
and a leg's `<Transition>` lap (the time before it) goes to its raw `transition`. A value that is not a
finite number (`<Value>NaN</Value>`, `abc` in DistanceMeters) is dropped from its trackpoint or lap, not
the file; a trackpoint whose time cannot be read is left out. Blank lines or a byte-order mark before the
XML declaration are accepted.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from lxml import etree

from ingest.gpx.track import ascent_descent, cadence_is_per_leg, largest, mean, sport_from_word, to_utc
from ingest.records import Device, NotAnActivity, ParsedActivity, ParsedLap, Samples, SourceError

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def _root(name: str, data: bytes) -> etree._Element:
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()  # a BOM or blank lines before <?xml …?>
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{name}: malformed or truncated TCX: {exc}") from exc
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _number(element: etree._Element | None, path: str) -> float | None:
    text = _text(element, path)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return to_utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def _cadence(element: etree._Element, per_leg: bool, *paths: str) -> float | None:
    for path in paths:
        value = _number(element, path)
        if value is not None:
            return value * 2 if per_leg else value
    return None


def _trackpoints(activity: etree._Element, per_leg: bool) -> Samples:
    # <Trackpoint><Time/><Position><LatitudeDegrees/><LongitudeDegrees/></Position><AltitudeMeters/>
    #   <DistanceMeters/><HeartRateBpm><Value/></HeartRateBpm><Cadence/>
    #   <Extensions><TPX><Speed/><RunCadence/><Watts/></TPX></Extensions></Trackpoint>
    samples = Samples()
    for point in activity.iterfind("Lap/Track/Trackpoint"):
        time = _time(_text(point, "Time"))
        if time is None:
            continue
        hr = _number(point, "HeartRateBpm/Value")
        watts = _number(point, "Extensions/TPX/Watts")
        samples.append(
            time,
            lat=_number(point, "Position/LatitudeDegrees"),
            lon=_number(point, "Position/LongitudeDegrees"),
            altitude=_number(point, "AltitudeMeters"),
            heart_rate=int(hr) if hr else None,
            cadence=_cadence(point, per_leg, "Extensions/TPX/RunCadence", "Cadence"),
            speed=_number(point, "Extensions/TPX/Speed"),
            distance=_number(point, "DistanceMeters"),
            power=int(watts) if watts is not None else None,
        )
    return samples


def _lap(lap: etree._Element, index: int, per_leg: bool) -> ParsedLap:
    # <Lap StartTime=""><TotalTimeSeconds/><DistanceMeters/><MaximumSpeed/><Calories/>
    #   <AverageHeartRateBpm><Value/></AverageHeartRateBpm><MaximumHeartRateBpm>…<Intensity/><Cadence/>
    #   <TriggerMethod/><Extensions><LX><AvgSpeed/><AvgRunCadence/></LX></Extensions></Lap>
    timer = _number(lap, "TotalTimeSeconds")
    distance = _number(lap, "DistanceMeters")
    avg_speed = _number(lap, "Extensions/LX/AvgSpeed")
    if avg_speed is None and timer and distance is not None:
        avg_speed = round(distance / timer, 3)
    intensity = _text(lap, "Intensity")
    trigger = _text(lap, "TriggerMethod")
    return ParsedLap(
        index=index,
        start_time=_time(lap.get("StartTime")),
        duration_s=timer,
        distance_m=distance,
        avg_hr=_number(lap, "AverageHeartRateBpm/Value") or None,
        max_hr=_number(lap, "MaximumHeartRateBpm/Value") or None,
        avg_cadence_spm=_cadence(lap, per_leg, "Extensions/LX/AvgRunCadence", "Cadence"),
        avg_speed_mps=avg_speed,
        max_speed_mps=_number(lap, "MaximumSpeed"),
        trigger=trigger.lower() if trigger else None,
        intensity=intensity.lower() if intensity else None,
    )


def _weighted_hr(laps: list[ParsedLap]) -> float | None:
    pairs = [(lap.avg_hr, lap.duration_s or 0.0) for lap in laps if lap.avg_hr]
    weight = sum(w for _, w in pairs)
    if not pairs or not weight:
        return None
    return round(sum(hr * w for hr, w in pairs) / weight, 1)


def _device(activity: etree._Element) -> tuple[Device, dict[str, Any]]:
    # <Creator xsi:type="Device_t"><Name>Forerunner 410 Software Version 2.20</Name><UnitId/><ProductID/>
    creator = activity.find("Creator")
    raw = {
        "name": _text(creator, "Name"),
        "unit_id": _text(creator, "UnitId"),
        "product_id": _text(creator, "ProductID"),
    }
    raw = {k: v for k, v in raw.items() if v}
    product = raw.get("name")
    if product and " Software Version" in product:
        product = product.split(" Software Version", 1)[0]
    return Device(manufacturer=None, product=product, serial=raw.get("unit_id")), raw


def _elapsed(
    start: dt.datetime | None, laps: list[ParsedLap], samples: Samples, timer: float | None
) -> float | None:
    """Start to the last trackpoint or the end of the last lap, never below the timer time."""
    if start is None:
        return None
    spans = [timer or 0.0]
    if len(samples):
        spans.append((samples.time[-1] - start).total_seconds())
    last = laps[-1]
    if last.start_time is not None and last.duration_s is not None:
        spans.append((last.start_time - start).total_seconds() + last.duration_s)
    return round(max(spans), 3)


def _sum(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present), 3) if present else None


def _activity(activity: etree._Element, context: dict[str, Any]) -> ParsedActivity | None:
    laps_xml = activity.findall("Lap")
    if not laps_xml:
        return None
    sport_word = activity.get("Sport")
    sport = sport_from_word(sport_word)
    per_leg = cadence_is_per_leg(sport)
    laps = [_lap(lap, i, per_leg) for i, lap in enumerate(laps_xml)]
    samples = _trackpoints(activity, per_leg)
    start = laps[0].start_time or _time(_text(activity, "Id")) or (samples.time[0] if len(samples) else None)
    timer = _sum([lap.duration_s for lap in laps])
    distance = _sum([lap.distance_m for lap in laps])
    elapsed = _elapsed(start, laps, samples, timer)
    ascent, descent = ascent_descent(samples.altitude)
    device, creator = _device(activity)
    max_hrs = [lap.max_hr for lap in laps]
    calories = _sum([_number(lap, "Calories") for lap in laps_xml])
    raw: dict[str, Any] = {"sport": sport_word, "id": _text(activity, "Id"), "laps": len(laps), **context}
    if creator:
        raw["creator"] = creator
    return ParsedActivity(
        start_time=start,
        sport=sport,
        distance_m=distance,
        duration_s=timer,
        elapsed_s=elapsed,
        avg_hr=_weighted_hr(laps),
        max_hr=largest(max_hrs) or largest([h or None for h in samples.heart_rate]),
        avg_cadence_spm=mean([lap.avg_cadence_spm for lap in laps]) or mean(samples.cadence),
        max_cadence_spm=largest(samples.cadence),
        avg_speed_mps=round(distance / timer, 3) if distance is not None and timer else None,
        total_ascent_m=ascent,
        total_descent_m=descent,
        calories=calories,
        notes=_text(activity, "Notes"),
        device=device,
        laps=laps,
        samples=samples if len(samples) else None,
        raw={k: v for k, v in raw.items() if v is not None},
    )


def _activities(root: etree._Element) -> list[tuple[etree._Element, dict[str, Any]]]:
    """Every `<Activity>` in file order with what raw should say of where it sits."""
    # <Activities><Activity Sport="Running">…</Activity>
    #   <MultiSportSession><Id/><FirstSport><Activity/></FirstSport>
    #     <NextSport><Transition>(a lap)</Transition><Activity/></NextSport>…</MultiSportSession></Activities>
    found: list[tuple[etree._Element, dict[str, Any]]] = []
    for child in root.iterfind("Activities/*"):
        if child.tag == "Activity":
            found.append((child, {}))
        elif child.tag == "MultiSportSession":
            found.extend(_legs(child))
    return found


def _legs(session: etree._Element) -> list[tuple[etree._Element, dict[str, Any]]]:
    sports = [s for s in session if s.tag in ("FirstSport", "NextSport") and s.find("Activity") is not None]
    legs = []
    for index, sport in enumerate(sports):
        context: dict[str, Any] = {
            "multisport": {"id": _text(session, "Id"), "leg": index, "legs": len(sports)}
        }
        transition = sport.find("Transition")
        if transition is not None:
            moved = {"duration_s": _number(transition, "TotalTimeSeconds")}
            moved["distance_m"] = _number(transition, "DistanceMeters")
            context["transition"] = {k: v for k, v in moved.items() if v is not None}
        legs.append((sport.find("Activity"), context))
    return legs


def parse_tcx(*, name: str, data: bytes) -> list[ParsedActivity]:
    """One record per `<Activity>` with laps (a multisport session's legs included); courses and
    workouts are not activities."""
    root = _root(name, data)
    parsed = [a for a in (_activity(*item) for item in _activities(root)) if a is not None]
    if not parsed:
        raise NotAnActivity(
            f"{name}: a TCX with no activity laps (a course or workout file), not an activity"
        )
    for record in parsed:
        if record.start_time is None:
            raise SourceError(f"{name}: a TCX activity without a start time (no Lap StartTime, Id or Time)")
    return parsed

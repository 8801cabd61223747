"""An activity's route for the map: a stream's positions thinned for the page, in the order run.

The page draws the route with Leaflet on a plain background (or on map tiles when a tile URL is set),
so the payload is plain latitude/longitude pairs. Thinning keeps the start, the finish and every lap
or rep boundary, so a highlighted lap starts and ends exactly where its band does on the charts.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

MAX_ROUTE_POINTS = 1000
DECIMALS = 5  # 1e-5° ≈ 1 m: finer than GPS, and it keeps the payload short


def _point(lat: float, lon: float) -> list[float]:
    return [round(lat, DECIMALS), round(lon, DECIMALS)]


def _positions(columns: dict) -> list[int]:
    lat, lon = columns.get("lat") or [], columns.get("lon") or []
    return [i for i, (a, b) in enumerate(zip(lat, lon, strict=False)) if a is not None and b is not None]


def _nearest_position(positions: list[int], index: int) -> int:
    """The index of `positions` holding the sample nearest `index` (a sample may lack a fix)."""
    k = bisect_left(positions, index)
    if k == len(positions):
        return k - 1
    if k > 0 and index - positions[k - 1] < positions[k] - index:
        return k - 1
    return k


def route_payload(
    columns: dict,
    *,
    moments: Sequence[int] = (),
    spans: Sequence[tuple[str, int, float, float]] = (),
    max_points: int = MAX_ROUTE_POINTS,
) -> dict | None:
    """The map's data, or None when the stream has fewer than two positions (treadmill, log only).

    `moments` are the stream indexes the charts' cursor stops at: `cursor[k]` is where the runner was at
    moment k. `spans` are (kind, number, start_s, end_s) laps or reps in seconds from the stream's start;
    each comes back as [first, last] indexes into `route`.
    """
    positions = _positions(columns)
    if len(positions) < 2:
        return None
    lat, lon, times = columns["lat"], columns["lon"], columns["time"]
    boundaries = set()
    for _, _, start_s, end_s in spans:
        for seconds in (start_s, end_s):
            boundaries.add(_nearest_position(positions, bisect_left(times, seconds)))
    stride = max(1, math.ceil(len(positions) / max(2, max_points - len(boundaries))))
    kept = sorted({0, len(positions) - 1, *range(0, len(positions), stride), *boundaries})
    route = [_point(lat[positions[k]], lon[positions[k]]) for k in kept]
    place = {k: n for n, k in enumerate(kept)}
    cursor = []
    for index in moments:
        k = _nearest_position(positions, index)
        cursor.append(_point(lat[positions[k]], lon[positions[k]]))
    marks: dict[str, list] = {"lap": [], "rep": []}
    for kind, number, start_s, end_s in spans:
        first = place[_nearest_position(positions, bisect_left(times, start_s))]
        last = place[_nearest_position(positions, bisect_left(times, end_s))]
        marks.setdefault(kind, []).append({"n": number, "from": first, "to": last})
    return {"route": route, "cursor": cursor, "laps": marks["lap"], "reps": marks["rep"]}

"""The route payload the map draws: thinned to at most 1000 points, ends and lap boundaries kept exactly,
the chart cursor's moments placed, nothing at all without GPS."""

from __future__ import annotations

from activities.routes import MAX_ROUTE_POINTS, route_payload


def gps_columns(seconds: int = 3600) -> dict:
    """An hour at 1 Hz heading north: sample i is at latitude 47 + i × 0.00001 (about 1.1 m a second)."""
    n = seconds + 1
    return {
        "time": [float(i) for i in range(n)],
        "lat": [47.0 + i * 0.00001 for i in range(n)],
        "lon": [8.5] * n,
    }


def test_an_hour_at_1_hz_is_thinned_to_at_most_1000_points_keeping_both_ends():
    payload = route_payload(gps_columns())
    route = payload["route"]
    assert len(route) <= MAX_ROUTE_POINTS
    assert len(route) >= 900  # thinned, not gutted: a point every 4 s
    assert route[0] == [47.0, 8.5]
    assert route[-1] == [47.036, 8.5]  # 3600 × 0.00001


def test_lap_boundaries_are_kept_exactly_and_point_into_the_route():
    spans = [("lap", 0, 0.0, 1001.0), ("lap", 1, 1001.0, 3600.0), ("rep", 42, 1501.0, 1803.0)]
    payload = route_payload(gps_columns(), spans=spans)
    route = payload["route"]
    first_lap, second_lap = payload["laps"]
    assert first_lap["n"] == 0 and route[first_lap["from"]] == [47.0, 8.5]
    assert route[first_lap["to"]] == [47.01001, 8.5]  # sample 1001, not a neighbour of it
    assert second_lap["from"] == first_lap["to"]
    (rep,) = payload["reps"]
    assert rep["n"] == 42
    assert route[rep["from"]] == [47.01501, 8.5] and route[rep["to"]] == [47.01803, 8.5]


def test_the_cursor_gives_the_position_at_each_chart_moment():
    payload = route_payload(gps_columns(), moments=[0, 1234, 3600])
    assert payload["cursor"] == [[47.0, 8.5], [47.01234, 8.5], [47.036, 8.5]]


def test_a_moment_without_a_fix_is_shown_at_the_nearest_fix():
    columns = gps_columns(seconds=10)
    for i in (4, 5, 6):
        columns["lat"][i] = columns["lon"][i] = None
    payload = route_payload(columns, moments=[5, 6])
    # Samples 4–6 have no fix; the nearest fixes are 3 and 7: 6 is nearer 7, and 5 (a tie) takes the later.
    assert payload["cursor"] == [[47.00007, 8.5], [47.00007, 8.5]]
    assert [47.00005, 8.5] not in payload["route"]


def test_positions_are_rounded_to_about_a_metre():
    columns = gps_columns(seconds=1)
    columns["lat"] = [47.123456789, 47.123466789]
    assert route_payload(columns)["route"][0] == [47.12346, 8.5]


def test_a_treadmill_run_has_no_route():
    assert route_payload({"time": [0.0, 1.0], "lat": [None, None], "lon": [None, None]}) is None
    assert route_payload({"time": [0.0, 1.0]}) is None
    one_fix = gps_columns(seconds=1)
    one_fix["lat"][1] = None
    assert route_payload(one_fix) is None

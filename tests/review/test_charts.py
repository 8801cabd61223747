"""The activity charts: ticks a runner reads, thinning that keeps the extremes, lap and rep bands where
the laps are, and readouts in both unit systems — each checked against values worked out by hand."""

from __future__ import annotations

import json
import math
import re

from review.charts import (
    HEIGHT,
    PACE_STEPS,
    TIME_STEPS,
    WHOLE_STEPS,
    Span,
    activity_charts,
    centred_mean,
    minmax_downsample,
    nice_ticks,
    reading_moments,
)

SPEED = 10 / 3  # m/s: exactly 5:00 /km


def steady_run(seconds: int = 480, **extra) -> dict:
    """A 1 Hz stream at 5:00 /km on the flat: 100 m up, HR 150, cadence 170."""
    times = list(range(seconds + 1))
    columns = {
        "time": [float(t) for t in times],
        "distance": [t * SPEED for t in times],
        "speed": [SPEED] * len(times),
        "altitude": [100.0] * len(times),
        "heart_rate": [150.0] * len(times),
        "cadence": [170.0] * len(times),
    }
    columns.update(extra)
    return columns


def _by_key(chart_set):
    return {chart.key: chart for chart in chart_set.charts}


def _rects(svg: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', rect)) for rect in re.findall(r"<rect [^>]*>", svg)]


# --- ticks ---------------------------------------------------------------------------------------------


def test_a_6_km_axis_gets_a_tick_every_kilometre():
    assert nice_ticks(0, 5.96, most=6) == [0, 1, 2, 3, 4, 5]


def test_a_half_hour_axis_gets_a_tick_every_ten_minutes():
    assert nice_ticks(0, 1800, steps=TIME_STEPS, most=6) == [0, 600, 1200, 1800]


def test_pace_ticks_fall_on_quarter_minutes():
    # 4:45 to 5:30 /km with at most four labels: every 15 s (every 10 s would need five).
    assert nice_ticks(285, 330, steps=PACE_STEPS, most=4) == [285, 300, 315, 330]


def test_the_axes_labels_are_in_the_runners_units():
    metric = activity_charts(steady_run(seconds=1800), units="metric")
    imperial = activity_charts(steady_run(seconds=1800), units="imperial")
    # 1800 s at 10/3 m/s = 6 km = 3.728 mi.
    # 6 km: seven whole kilometres would be one label too many, so every 2 km; 3.73 mi: every mile.
    assert [t.label for t in metric.x_ticks] == ["0 km", "2 km", "4 km", "6 km"]
    assert [t.label for t in imperial.x_ticks] == ["0 mi", "1 mi", "2 mi", "3 mi"]
    # 1 mi of 3.728 mi is 26.82 % along the axis.
    assert imperial.x_ticks[1].at == 26.82
    time_axis = activity_charts(steady_run(seconds=1800), x_axis="time", units="metric")
    assert [t.label for t in time_axis.x_ticks] == ["0:00", "10:00", "20:00", "30:00"]


def test_the_pace_axis_is_labelled_in_minutes_per_unit_with_faster_on_top():
    columns = steady_run(seconds=480)
    # First half at 5:00 /km, second at 4:00 /km (4.1667 m/s).
    columns["speed"] = [SPEED] * 240 + [1000 / 240] * 241
    pace = _by_key(activity_charts(columns, units="metric"))["pace"]
    assert pace.title == "Pace (min/km)"
    labels = [t.label for t in pace.y_ticks]
    assert labels == ["4:00", "4:30", "5:00"]
    positions = [t.at for t in pace.y_ticks]
    assert positions == sorted(positions)  # 4:00 is the top label: faster is up


# --- thinning --------------------------------------------------------------------------------------------


def test_thinning_keeps_the_peak_the_dip_and_both_ends():
    xs = [float(i) for i in range(10_000)]
    ys = [math.sin(i / 50) for i in range(10_000)]
    ys[5003], ys[7001] = 100.0, -50.0
    out_x, out_y = minmax_downsample(xs, ys, buckets=300)
    assert len(out_x) <= 602
    assert (5003.0, 100.0) in zip(out_x, out_y, strict=True)
    assert (7001.0, -50.0) in zip(out_x, out_y, strict=True)
    assert out_x[0] == 0.0 and out_x[-1] == 9999.0
    assert out_x == sorted(out_x)


def test_a_short_series_is_drawn_as_is():
    assert minmax_downsample([0.0, 1.0, 2.0], [5.0, 6.0, 4.0]) == ([0.0, 1.0, 2.0], [5.0, 6.0, 4.0])


def test_a_chart_line_has_at_most_about_600_points_for_an_hour_at_1_hz():
    chart_set = activity_charts(steady_run(seconds=3600), units="metric")
    for chart in chart_set.charts:
        points = chart.svg.split('points="')[1].split('"')[0].split()
        assert len(points) <= 602
    assert len(chart_set.samples) == 500


def test_the_pace_line_is_a_centred_mean_that_skips_standing():
    assert centred_mean([1.0, 2.0, 3.0, None, 5.0], 3) == [1.5, 2.0, 2.5, None, 5.0]


def test_reading_moments_spread_evenly_from_first_to_last():
    assert reading_moments(3) == [0, 1, 2]
    assert reading_moments(1001, most=5) == [0, 250, 500, 750, 1000]


# --- bands ------------------------------------------------------------------------------------------------


def test_lap_bands_and_rep_bands_sit_where_the_laps_and_reps_are():
    # 1000 s at 2 m/s: 2 km. Lap 0 is the first 500 s (the first km), lap 1 the rest; a rep 200–300 s.
    columns = steady_run(seconds=1000, distance=[t * 2.0 for t in range(1001)], speed=[2.0] * 1001)
    spans = [Span(0, 500, "lap", 0), Span(500, 1000, "lap", 1), Span(200, 300, "rep", 7)]
    for units in ("metric", "imperial"):
        for x_axis in ("distance", "time"):
            svg = activity_charts(columns, x_axis=x_axis, spans=spans, units=units).charts[0].svg
            lap0, lap1, rep = _rects(svg)
            assert (lap0["data-lap"], lap0["x"], lap0["width"]) == ("0", "0.0", "500.0")
            assert (lap1["data-lap"], lap1["x"], lap1["width"]) == ("1", "500.0", "500.0")
            assert (rep["data-rep"], rep["x"], rep["width"]) == ("7", "200.0", "100.0")
    # Laps alternate plain and shaded; the rep is highlighted.
    assert lap0["fill"] == "none" and lap1["fill"] != "none" and rep["class"] == "band rep-band"


# --- readouts ---------------------------------------------------------------------------------------------


def test_the_readout_says_every_value_at_the_cursor_in_metric():
    charts = _by_key(activity_charts(steady_run(), units="metric"))
    # 481 samples: every one is a moment; sample 300 is 5:00 in and 1000 m along the 1600 m run.
    at = 300
    assert charts["pace"].readout["labels"][at] == "5:00 /km · 1.00 km · 5:00"
    assert charts["hr"].readout["labels"][at] == "150 bpm · 1.00 km · 5:00"
    assert charts["elevation"].readout["labels"][at] == "100 m · 1.00 km · 5:00"
    assert charts["cadence"].readout["labels"][at] == "170 spm · 1.00 km · 5:00"
    assert charts["pace"].readout["x"][at] == 625.0  # 1.0 of 1.6 km across a 1000-unit plot
    # HR 150 in a range widened to 145–155 (plus 6 % padding) sits in the middle of the 200-unit plot.
    assert charts["hr"].readout["y"][at] == HEIGHT / 2


def test_the_readout_says_every_value_at_the_cursor_in_imperial():
    chart_set = activity_charts(steady_run(), units="imperial")
    charts = _by_key(chart_set)
    # 5:00 /km × 1.609344 = 482.8 s → 8:03 /mi; 1000 m = 0.62 mi; 100 m = 328 ft.
    assert charts["pace"].readout["labels"][300] == "8:03 /mi · 0.62 mi · 5:00"
    assert charts["elevation"].readout["labels"][300] == "328 ft · 0.62 mi · 5:00"
    assert charts["pace"].title == "Pace (min/mi)" and charts["elevation"].title == "Elevation (ft)"


def test_without_distance_the_charts_run_over_time_and_the_readout_says_the_time():
    columns = steady_run()
    del columns["distance"]
    chart_set = activity_charts(columns, x_axis="distance", units="metric")
    assert chart_set.x_axis == "time" and not chart_set.has_distance
    # No distance column: the pace comes from the speed column; the position is the time alone.
    assert _by_key(chart_set)["hr"].readout["labels"][300] == "150 bpm · 5:00"


def test_a_stream_without_a_column_gets_no_chart_for_it():
    columns = steady_run()
    del columns["cadence"]
    columns["heart_rate"] = [None] * len(columns["time"])
    assert [c.key for c in activity_charts(columns, units="metric").charts] == ["pace", "elevation"]


def test_a_stream_of_one_sample_draws_nothing():
    assert activity_charts({"time": [0.0], "distance": [0.0]}, units="metric") is None


def test_the_readout_json_cannot_close_its_script_element():
    chart = activity_charts(steady_run(), units="metric").charts[0]
    chart.readout["labels"][0] = "</script><b>"
    assert "</script>" not in chart.readout_json
    assert json.loads(chart.readout_json)["labels"][0] == "</script><b>"


def test_on_a_crowded_axis_every_other_label_is_minor():
    # 6 km: ticks 0, 2, 4, 6 — few enough to keep all; 3.73 mi over time: 0, 10, 20, 30 min likewise.
    assert not any(t.minor for t in activity_charts(steady_run(seconds=1800), units="metric").x_ticks)
    # 2.97 km gives 0, 0.5 … 2.5: six labels, of which a phone shows 0, 1 and 2 km.
    ticks = activity_charts(steady_run(seconds=891), units="metric").x_ticks
    assert [(t.label, t.minor) for t in ticks] == [
        ("0 km", False),
        ("0.5 km", True),
        ("1 km", False),
        ("1.5 km", True),
        ("2 km", False),
        ("2.5 km", True),
    ]


def test_the_distance_axis_starts_at_zero_even_when_the_first_sample_is_a_few_metres_in():
    columns = steady_run(seconds=1800)
    columns["distance"] = [d + 3.3 for d in columns["distance"]]
    chart_set = activity_charts(columns, units="metric")
    assert chart_set.x_ticks[0].label == "0 km" and chart_set.x_ticks[0].at == 0
    # The line starts 3.3 m of 6003.3 m along: at x 0.5 of the 1000-unit plot.
    assert chart_set.charts[0].svg.split('points="')[1].startswith("0.5,")


def test_without_a_speed_column_the_pace_comes_from_the_distance():
    # Some GPX files carry positions (hence distance) but no speed: 10/3 m/s is still 5:00 /km.
    columns = steady_run()
    del columns["speed"]
    pace = _by_key(activity_charts(columns, units="metric"))["pace"]
    assert pace.readout["labels"][300] == "5:00 /km · 1.00 km · 5:00"


def test_heart_rate_ticks_are_whole_beats():
    # HR 141–151 padded to 140.4–151.6: every 2.5 would label 142.5 and 147.5 (shown rounded, wrongly).
    assert nice_ticks(140.4, 151.6, steps=WHOLE_STEPS, most=4) == [145, 150]
    columns = steady_run(heart_rate=[141.0 + (t % 11) for t in range(481)])
    hr = _by_key(activity_charts(columns, units="metric"))["hr"]
    assert [t.label for t in hr.y_ticks] == ["145", "150"]

"""The analysis pages' SVG builders: round axis values, readouts safe inside a script element, bars and
ghosts where the numbers put them, gaps in lines, a heat-map's weeks."""

from __future__ import annotations

import datetime as dt
import json
import re

from activities.analysis.trends import TrendMonth
from activities.analysis.volume import PeriodVolume
from activities.formatting import units_in_force
from review.analysis_charts import Line, bar_chart, heat_map, line_chart, nice_ticks, readout_json
from review.templatetags.analysis_tags import trend_chart, volume_chart


def test_axis_values_are_round_numbers_covering_the_data():
    assert nice_ticks(0, 73) == [0, 20, 40, 60, 80]
    assert nice_ticks(0.8, 1.6) == [0.8, 1.0, 1.2, 1.4, 1.6]
    assert nice_ticks(-20, 10) == [-20, -10, 0, 10]


def test_a_readout_cannot_close_its_script_element():
    text = readout_json([1.0], ["</script><b>&"])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": [1.0], "labels": ["</script><b>&"]}


def test_bars_stand_on_the_axis_at_the_centre_of_their_slot():
    chart = bar_chart(
        values=[40, 0, 20], ghosts=[20, 0, 0], labels=["a", "b", "c"], x_ticks=[(0, "Jan")],
        y_format=str, group="g",
    )  # fmt: skip
    # The plot is 720 − 4 − 4 = 712 wide: three slots of 237.33, centres at 122.7, 360.0 and 597.3.
    assert json.loads(chart.readout)["x"] == [122.7, 360.0, 597.3]
    # Axis 0–40 over 180 − 18 − 22 = 140 high: 40 reaches the top (y 18), 20 half-way (y 88).
    # A bar is half its slot wide (118.67), a ghost 86 % of it (204.11).
    assert chart.svg.count('class="bar"') == 2 and chart.svg.count('class="ghost"') == 1
    assert 'class="bar" x="63.3" y="18.0" width="118.7" height="140.0"' in chart.svg
    assert 'class="ghost" x="20.6" y="88.0" width="204.1" height="70.0"' in chart.svg


def test_a_missing_value_breaks_the_line_and_a_lone_value_is_a_dot():
    chart = line_chart(
        lines=[Line([1.0, 2.0, None, 3.0], "ctl", "CTL")], labels=list("abcd"), x_ticks=[], y_format=str,
        group="g", band=(0.8, 1.3), rules=[(1.5, "warning")],
    )  # fmt: skip
    assert chart.svg.count("<polyline") == 1 and chart.svg.count("<circle") == 1
    assert 'class="band"' in chart.svg and 'class="rule warning"' in chart.svg


def test_a_heat_map_has_a_cell_per_day_and_a_readout_per_week():
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=i), float(i % 3)) for i in range(14)]  # two ISO weeks
    chart = heat_map(
        days=days, week_start=0, day_label=lambda d, v: f"{d} {v}", week_label=lambda d, v: f"{d} {v:g}",
        group="heat",
    )  # fmt: skip
    assert chart.svg.count("<rect") == 14
    # Week of 1 January: 0+1+2+0+1+2+0 = 6; of 8 January: 1+2+0+1+2+0+1 = 7.
    assert json.loads(chart.readout)["labels"] == ["2024-01-01 6", "2024-01-08 7"]


def test_a_whole_number_axis_never_steps_by_a_fraction():
    # One month's pace of 319.6 s: a plain axis steps by 0.25 s, a whole one by 1 s around it.
    assert nice_ticks(319.6, 319.6) == [319.5, 319.75, 320.0, 320.25, 320.5, 320.75]
    assert nice_ticks(319.6, 319.6, whole=True) == [319, 320, 321]
    # 0–9 s in four steps is 2.25 each: 2.5 is not whole, so 5; one run at most counts 0, 1.
    assert nice_ticks(300, 309, whole=True) == [300, 305, 310]
    assert nice_ticks(0, 1, whole=True) == [0, 1]


def _axis_values(svg: str) -> list[str]:
    return re.findall(r'<text class="value"[^>]*>([^<]*)</text>', svg)


def test_a_months_pace_at_the_band_has_one_label_per_second():
    """A single month (5:19.6 /km) gave the axis 5:19, 5:19, 5:20, 5:20, 5:20: one m:ss a quarter
    second apart. Each label now names its own second, in either unit."""
    trend = [TrendMonth(month=dt.date(2025, 10, 1), value=319.6, runs=3)]
    with units_in_force("metric"):
        labels = _axis_values(trend_chart(trend, "pace").svg)
    # Ticks 319, 320, 321 s; faster is up, so 321 is the bottom one, left out over the x labels.
    assert labels == ["5:19", "5:20"]
    with units_in_force("imperial"):
        labels = _axis_values(trend_chart(trend, "pace").svg)
    # 319.6 s/km × 1.609344 = 514.35 s/mi: ticks 514, 515, 516 s = 8:34, 8:35 (8:36 left out).
    assert labels == ["8:34", "8:35"]


def _volume(start: dt.date, runs: int) -> PeriodVolume:
    before = PeriodVolume(period_start=start.replace(year=start.year - 1), sport="running")
    return PeriodVolume(period_start=start, sport="running", runs=runs, last_year=before)


def test_the_runs_axis_counts_whole_runs():
    weeks = [_volume(dt.date(2025, 10, 6), runs=1), _volume(dt.date(2025, 10, 13), runs=0)]
    assert _axis_values(volume_chart(weeks, "runs", "weekly").svg) == ["1"]  # not 0.25, 0.5, 0.75, 1

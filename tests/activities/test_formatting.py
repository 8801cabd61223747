"""Display units and local times, checked against hand-computed conversions (1 mi = 1609.344 m,
1 ft = 0.3048 m exactly)."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.formatting import (
    display_units,
    field_label,
    format_distance,
    format_elevation,
    format_field,
    format_local_time,
    format_pace,
    format_utc,
    units_in_force,
)


@pytest.mark.parametrize(
    ("metres", "units", "shown"),
    [
        (5012.3, "metric", "5.01 km"),
        (10000.0, "imperial", "6.21 mi"),  # 10000 / 1609.344 = 6.2137
        (42195.0, "imperial", "26.22 mi"),  # the marathon: 26.2188 mi
        (1609.344, "imperial", "1.00 mi"),
        (None, "imperial", "—"),
    ],
)
def test_distance_in_either_unit(metres, units, shown):
    assert format_distance(metres, units) == shown


@pytest.mark.parametrize(
    ("seconds_per_km", "units", "shown"),
    [
        (300.0, "metric", "5:00 /km"),
        (300.0, "imperial", "8:03 /mi"),  # 300 × 1.609344 = 482.8 s
        (240.0, "imperial", "6:26 /mi"),  # 386.2 s
        (372.8, "imperial", "10:00 /mi"),  # 600 / 1.609344 = 372.82 s/km
        (None, "metric", "—"),
    ],
)
def test_pace_per_km_or_per_mile(seconds_per_km, units, shown):
    assert format_pace(seconds_per_km, units) == shown


@pytest.mark.parametrize(
    ("metres", "units", "shown"),
    [(123.4, "metric", "123 m"), (100.0, "imperial", "328 ft"), (8848.0, "imperial", "29029 ft")],
)
def test_elevation_in_metres_or_feet(metres, units, shown):
    assert format_elevation(metres, units) == shown


def test_units_follow_the_setting_and_the_request(settings):
    settings.RUNBASE_UNITS = "imperial"
    assert display_units() == "imperial"
    assert format_field("distance_m", 10000.0) == "6.21 mi"
    with units_in_force("metric"):
        assert format_field("distance_m", 10000.0) == "10.00 km"
        assert format_field("total_ascent_m", 100.0) == "100 m"
    assert format_field("total_ascent_m", 100.0) == "328 ft"


def test_local_time_from_the_runs_own_offset():
    """An evening run in California: 02:40 UTC on the 10th is 19:40 on Thursday the 9th at UTC−07:00."""
    start = dt.datetime(2025, 10, 10, 2, 40, tzinfo=dt.UTC)
    assert format_local_time(start, -7 * 3600) == "Thu 9 Oct 2025, 19:40 (UTC\u221207:00)"
    assert format_local_time(start, 2 * 3600) == "Fri 10 Oct 2025, 04:40 (UTC+02:00)"
    assert format_local_time(start, 5 * 3600 + 1800) == "Fri 10 Oct 2025, 08:10 (UTC+05:30)"
    assert format_utc(start) == "2025-10-10 02:40:00 UTC"


def test_local_time_without_an_offset_uses_the_home_zone(settings):
    settings.RUNBASE_HOME_TZ = "Europe/Berlin"
    winter = dt.datetime(2025, 1, 15, 6, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2025, 7, 15, 6, 0, tzinfo=dt.UTC)
    assert format_local_time(winter, None) == "Wed 15 Jan 2025, 07:00 (UTC+01:00)"
    assert format_local_time(summer, None) == "Tue 15 Jul 2025, 08:00 (UTC+02:00)"
    assert format_local_time(None, None) == "—"


def test_field_labels_are_plain_words():
    assert field_label("distance_m") == "Distance"
    assert field_label("duration_s") == "Moving time"
    assert field_label("total_descent_m") == "Descent"
    assert field_label("avg_power_w") == "Avg power"
    assert field_label("avg_pace_s_per_km") == "Pace"

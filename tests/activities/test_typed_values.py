"""Values typed by hand, read into SI: checked against conversions worked out by hand."""

import pytest

from activities.typed_values import (
    TypedValueError,
    distance_read,
    duration_read,
    elevation_read,
    pace_read,
    typed_text,
    typed_value,
)

# 1 mile = 1609.344 m exactly; 1 ft = 0.3048 m exactly.


@pytest.mark.parametrize(
    ("text", "units", "metres"),
    [
        ("6.2 mi", "metric", 9977.93),  # 6.2 × 1609.344 = 9977.9328
        ("6.2", "imperial", 9977.93),  # a bare number is in the runner's unit
        ("6.2", "metric", 6200.0),
        ("6,2 km", "imperial", 6200.0),  # a decimal comma
        ("10 km", "imperial", 10000.0),
        ("10k", "metric", 10000.0),
        ("10K", "metric", 10000.0),
        ("400 m", "imperial", 400.0),
        ("3 miles", "metric", 4828.03),  # 3 × 1609.344 = 4828.032
    ],
)
def test_a_distance_is_read_in_the_unit_written_else_the_runners(text, units, metres):
    assert distance_read(text, units) == pytest.approx(metres, abs=0.005)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("42:15", 2535.0), ("1:02:03", 3723.0), ("45 min", 2700.0), ("90 s", 90.0), ("1.5 h", 5400.0)],
)
def test_a_duration_is_read_as_a_clock_or_an_amount_of_a_unit(text, seconds):
    assert duration_read(text) == seconds


@pytest.mark.parametrize(
    ("text", "units", "seconds_per_km"),
    [
        ("7:45 /mi", "metric", 288.94),  # 465 s / 1.609344 km = 288.9376
        ("7:45", "imperial", 288.94),
        ("7:45 min/mile", "metric", 288.94),
        ("4:50/km", "imperial", 290.0),
        ("4:50", "metric", 290.0),
    ],
)
def test_a_pace_is_read_per_the_unit_written_else_the_runners(text, units, seconds_per_km):
    assert pace_read(text, units) == pytest.approx(seconds_per_km, abs=0.005)


@pytest.mark.parametrize(
    ("text", "units", "metres"),
    [
        ("400 ft", "metric", 121.92),
        ("400", "imperial", 121.92),
        ("120", "metric", 120.0),
        ("120 m", "imperial", 120.0),
    ],
)
def test_an_elevation_is_read_in_metres_or_feet(text, units, metres):
    assert elevation_read(text, units) == pytest.approx(metres)


@pytest.mark.parametrize(
    ("field_name", "text", "message"),
    [
        ("distance_m", "abc", "Not a distance: 'abc' — try 6.2 mi or 10 km"),
        ("distance_m", "10 parsecs", "Not a distance: '10 parsecs' — try 6.2 mi or 10 km"),
        ("distance_m", "6000", "6000 mi is further than any run — write the unit, e.g. 6000 m"),
        ("duration_s", "42", "Not a duration: '42' — try 42:15, 1:02:03 or 45 min"),
        ("duration_s", "42:75", "Not a duration: '42:75' — try 42:15, 1:02:03 or 45 min"),
        ("avg_pace_s_per_km", "fast", "Not a pace: 'fast' — try 7:45 (per mi), 7:45 /mi or 4:50 /km"),
        ("total_ascent_m", "high", "Not an elevation: 'high' — try 400 ft or 120 m"),
        ("avg_hr", "one fifty", "Not a number: 'one fifty' — try 152 or 152.5"),
    ],
)
def test_a_value_that_cannot_be_read_says_what_was_expected(field_name, text, message):
    with pytest.raises(TypedValueError) as error:
        typed_value(field_name, text, "imperial")
    assert str(error.value) == message


def test_a_value_is_shown_back_as_the_runner_would_type_it():
    assert typed_text("distance_m", 9977.9328, "imperial") == "6.20 mi"
    assert typed_text("distance_m", 9977.9328, "metric") == "9.98 km"
    assert typed_text("duration_s", 2535.0) == "42:15"
    assert typed_text("avg_pace_s_per_km", 288.9376, "imperial") == "7:45 /mi"
    assert typed_text("total_ascent_m", 121.92, "imperial") == "400 ft"

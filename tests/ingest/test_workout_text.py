"""The workout-text grammar on its own: each shape with hand-written inputs and the values expected."""

from __future__ import annotations

import re

import pytest

from ingest.units import MILE_M, to_metres, to_seconds, unit_name
from ingest.workout_text import (
    LADDER,
    RACE,
    RACE_ANY,
    RACE_NAMED,
    RACE_THEN_DISTANCE,
    REPS,
    SETS,
    TARGET,
    TIMED_REPS,
    Distance,
    distance,
    distance_of,
    distance_read,
    duration,
    duration_of,
    ladder_distances,
    pace,
    pace_plausible,
    pace_seconds,
    pace_unit,
    race_label,
    race_metres,
    race_word_metres,
    recovery,
    recovery_find,
    rep_time_as_pace,
)


@pytest.mark.parametrize(
    ("word", "unit"),
    [
        ("m", "m"),
        ("metres", "m"),
        ("Meters", "m"),
        ("k", "km"),
        ("KM", "km"),
        ("kms", "km"),
        ("mi", "mi"),
        ("mile", "mi"),
        ("Miles", "mi"),
    ],
)
def test_every_spelling_of_a_unit_has_one_canonical_name(word, unit):
    assert unit_name(word) == unit


def test_units_convert_to_metres_and_seconds():
    assert MILE_M == 1609.344
    assert to_metres("1.5", "k") == 1500.0
    assert to_metres(2, "miles") == pytest.approx(3218.688)
    assert to_seconds("90", "s") == 90.0
    assert to_seconds(3, "min") == 180.0
    assert to_seconds(2, "'") == 120.0


@pytest.mark.parametrize(
    ("number", "unit", "default_unit", "expected"),
    [
        ("800", "m", "mi", Distance("800", "m")),
        ("1", "mile", "km", Distance("1", "mi")),
        ("1.5", "k", "mi", Distance("1.5", "km")),
        ("400", None, "mi", Distance("400", "m")),  # 100 or more without a unit: metres
        ("6", None, "mi", Distance("6", "mi", assumed=True)),
        ("6", None, "km", Distance("6", "km", assumed=True)),
    ],
)
def test_a_distance_is_read_with_its_unit_or_the_callers_default(number, unit, default_unit, expected):
    assert distance_read(number, unit, default_unit=default_unit) == expected


def test_a_distance_knows_its_metres_and_its_label():
    assert Distance("1.50", "km").metres == 1500.0
    assert Distance("1.50", "km").label == "1.5km"
    assert Distance("2.0", "mi").label == "2mi"
    assert Distance("800", "m").label == "800m"


def test_a_distance_fragment_ends_with_its_word():
    pattern = re.compile(distance("d"), re.I)
    assert distance_of(pattern.match("800 meters"), "d", default_unit="mi") == Distance("800", "m")
    assert distance_of(pattern.match("3mi"), "d", default_unit="km") == Distance("3", "mi")
    assert pattern.fullmatch("3min") is None  # 3 min is a duration, not 3 m
    assert re.compile(distance("d", unit_required=True), re.I).match("10 ") is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90.0), ("3 min", 180.0), ("2:00", 120.0), ('45"', 45.0), ("2 minutes", 120.0)],
)
def test_a_duration_is_read_in_seconds(text, seconds):
    assert duration_of(re.compile(duration("t"), re.I).fullmatch(text), "t") == seconds


@pytest.mark.parametrize(
    ("text", "seconds", "written_unit"),
    [
        ("7:45", 465, None),
        ("7.45", 465, None),  # the typo for 7:45
        ("7'45\"", 465, None),
        ("7:45/mi", 465, "mi"),
        ("3:10 per km", 190, "km"),
        ("7:45 min/mile", 465, "mile"),
    ],
)
def test_a_pace_is_a_clock_with_an_optional_unit(text, seconds, written_unit):
    match = re.compile(pace("p"), re.I).fullmatch(text)
    assert (pace_seconds(match["p"]), match["p_unit"]) == (seconds, written_unit)


def test_a_pace_is_not_part_of_a_longer_time():
    assert re.compile(pace("p")).search("1:32:10") is None


def test_the_unit_a_pace_is_per():
    assert pace_unit(None, "km") == "km"
    assert pace_unit("mile", "km") == "mi"
    assert pace_unit("K", "mi") == "km"


def test_a_plausible_pace_and_a_rep_time_read_as_a_pace():
    assert pace_plausible(465, "mi")
    assert not pace_plausible(185, "mi")  # 3:05 per mile: a rep's time, not a pace
    assert not pace_plausible(800, "km")
    assert rep_time_as_pace(185, 800.0, "mi") == pytest.approx(372.2, abs=0.1)
    assert rep_time_as_pace(85, 400.0, "km") == 212.5


@pytest.mark.parametrize(
    ("text", "count", "rep"),
    [
        ("6x800m", 6, Distance("800", "m")),
        ("4 x 1 mile", 4, Distance("1", "mi")),
        ("12 × 400", 12, Distance("400", "m")),
        ("3X1.5K", 3, Distance("1.5", "km")),
        ("WU 2mi, 5x1k, CD", 5, Distance("1", "km")),
        ("8x2", 8, Distance("2", "mi", assumed=True)),
    ],
)
def test_reps_are_a_count_times_a_distance(text, count, rep):
    match = REPS.search(text)
    assert (int(match["count"]), distance_of(match, "rep", default_unit="mi")) == (count, rep)


@pytest.mark.parametrize("text", ["2013x400", "1.5x400", "6x3min", "6x400s"])
def test_what_is_not_a_rep_shape(text):
    assert REPS.search(text) is None


def test_sets_of_reps_and_timed_reps():
    sets = SETS.search("2x(4x400)")
    assert (sets["sets"], sets["count"], sets["rep"]) == ("2", "4", "400")
    timed = TIMED_REPS.search("6 x 3 min w/ 2:00 jog")
    assert (timed["count"], duration_of(timed, "rep")) == ("6", 180.0)
    assert duration_of(TIMED_REPS.search("8x1:00"), "rep") == 60.0


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("400-800-1200-800-400", [400.0, 800.0, 1200.0, 800.0, 400.0]),
        ("1-2-3-2-1k", [1000.0, 2000.0, 3000.0, 2000.0, 1000.0]),
        ("200-400-600m pyramid", [200.0, 400.0, 600.0]),
        ("1-2-3 miles", [MILE_M, 2 * MILE_M, 3 * MILE_M]),
    ],
)
def test_a_ladder_takes_the_last_unit_written_for_every_rung(text, metres):
    rungs = ladder_distances(LADDER.search(text)["ladder"], default_unit="mi")
    assert [rung.metres for rung in rungs] == pytest.approx(metres)


def test_a_date_is_no_ladder():
    assert ladder_distances(LADDER.search("2013-02-06")["ladder"], default_unit="mi") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6x400 w/ 200 jog", (200.0, None)),
        ("5x1k /90s", (None, 90.0)),
        ("6 x 3 min w/ 2:00", (None, 120.0)),
        ("4x1mi 400m rec", (400.0, None)),
        ("8x200 w/ 200", (200.0, None)),  # a bare number after w/ is metres
        ("10x100 + 100 float", (100.0, None)),
    ],
)
def test_the_recovery_after_reps(text, expected):
    found = recovery_find(text, REPS.search(text).end())
    assert (found.distance_m, found.seconds) == expected


def test_reps_without_a_recovery():
    assert recovery_find("6x800 @ 3:10", 5) is None


def test_a_recovery_fragment_needs_a_recovery_word():
    pattern = re.compile(recovery("rec"), re.I)
    assert pattern.match("w/ 400 jog")["rec"] == "400 jog"
    assert pattern.match(", 90s rest")["rec"] == "90s rest"
    assert pattern.match(", 7:45") is None  # a pace after a comma is no recovery


@pytest.mark.parametrize(
    ("text", "pace_text", "named"),
    [
        ("@ 3:10", "3:10", None),
        ("at 6:45/mi", "6:45", None),
        ("@ 10k pace", None, "10k pace"),
        ("@ HMP pace", None, "HMP pace"),
        ("at marathon race pace", None, "marathon race pace"),
    ],
)
def test_what_reps_are_run_at(text, pace_text, named):
    match = TARGET.search(text)
    assert (match["target_pace"], match["target"]) == (pace_text, named)


def test_a_target_needs_at_as_a_word():
    assert TARGET.search("treat 7:45") is None


@pytest.mark.parametrize(
    ("text", "metres", "label"),
    [
        ("10k race", 10000.0, "10K"),
        ("5 mile race", 5 * MILE_M, "5 mi"),
        ("Half-Marathon race", 21097.5, "half marathon"),
        ("hm race", 21097.5, "half marathon"),
        ("mile race", MILE_M, "mile"),
        ("5k tt", 5000.0, "5K"),
        ("800m time trial", 800.0, "800m"),
    ],
)
def test_a_race_with_its_distance_before_it(text, metres, label):
    match = RACE.search(text)
    assert (race_metres(match), race_label(match)) == (pytest.approx(metres), label)


def test_a_race_with_its_distance_after_it():
    assert race_metres(RACE_THEN_DISTANCE.search("race: 10 mile")) == pytest.approx(10 * MILE_M)


@pytest.mark.parametrize(
    ("text", "metres"), [("Boston Marathon", 42195.0), ("half marathon", 21097.5), ("parkrun", 5000.0)]
)
def test_a_race_by_its_name(text, metres):
    assert race_word_metres(RACE_NAMED.search(text)["race_word"]) == metres


@pytest.mark.parametrize("text", ["marathon pace run", "half marathon effort", "marathon tempo"])
def test_a_race_pace_is_no_race(text):
    assert RACE_NAMED.search(text) is None


def test_the_bare_race_words():
    assert RACE_ANY.search("racing the sunset")
    assert RACE_ANY.search("5k time trial")
    assert RACE_ANY.search("embraced the rain") is None

"""The workout-name parser: every form named in the issue, and names it must leave alone."""

from __future__ import annotations

import pytest

from reconcile.workout_names import MILE_M, Rep, workout_name_is_unusual, workout_name_parse


def _reps(count: int, distance: float, **recovery) -> tuple[Rep, ...]:
    return tuple(Rep(distance_m=distance, **recovery) for _ in range(count))


@pytest.mark.parametrize(
    ("name", "workout_type", "reps", "distance_m", "confidence"),
    [
        ("6x800m", "interval", _reps(6, 800.0), None, 0.95),
        ("4x400", "interval", _reps(4, 400.0), None, 0.95),
        ("8 x 400m w/ 200 jog", "interval", _reps(8, 400.0, recovery_distance_m=200.0), None, 0.95),
        ("5x1k @ 10k pace /90s", "interval", _reps(5, 1000.0, recovery_s=90.0), None, 0.95),
        ("3x1mi", "interval", _reps(3, MILE_M), None, 0.95),
        ("2x(4x400)", "interval", _reps(8, 400.0), None, 0.95),
        (
            "400-800-1200-800-400",
            "interval",
            tuple(Rep(distance_m=d) for d in (400.0, 800.0, 1200.0, 800.0, 400.0)),
            None,
            0.95,
        ),
        ("tempo 5", "tempo", (), 5 * MILE_M, 0.85),
        ("10k race", "race", (), 10000.0, 0.95),
        ("Half marathon", "race", (), 21097.5, 0.95),
        ("easy 6", "easy", (), 6 * MILE_M, 0.85),
        ("long 14", "long", (), 14 * MILE_M, 0.85),
        ("recovery 3", "recovery", (), 3 * MILE_M, 0.85),
        ("fartlek", "fartlek", (), None, 0.95),
        ("8x hill repeats", "hills", tuple(Rep() for _ in range(8)), None, 0.95),
    ],
)
def test_it_reads_the_names_runners_write(name, workout_type, reps, distance_m, confidence):
    plan = workout_name_parse(name)
    assert plan is not None
    assert plan.workout_type == workout_type
    assert plan.reps == reps
    assert plan.distance_m == pytest.approx(distance_m) if distance_m else plan.distance_m is None
    assert plan.confidence == confidence
    assert plan.method == "regex"


def test_the_pace_target_is_kept_and_not_read_as_a_race():
    plan = workout_name_parse("5x1k @ 10k pace /90s")
    assert plan.target == "10k pace"
    assert plan.canonical_distance_m is None


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("10k race", 10000.0),
        ("Half marathon", 21097.5),
        ("Boston Marathon", 42195.0),
        ("5k race", 5000.0),
        ("mile race", MILE_M),
        ("Race: 10 mile", 10 * MILE_M),
        ("parkrun", 5000.0),
    ],
)
def test_a_race_name_gives_the_canonical_distance(name, canonical):
    assert workout_name_parse(name).canonical_distance_m == pytest.approx(canonical)


def test_only_a_race_distance_is_canonical():
    assert workout_name_parse("easy 6").canonical_distance_m is None
    assert workout_name_parse("tempo 5").canonical_distance_m is None


def test_an_explicit_unit_beats_the_default_and_km_can_be_the_default():
    assert workout_name_parse("easy 10 km").distance_m == 10000.0
    assert workout_name_parse("5 mi tempo").distance_m == pytest.approx(5 * MILE_M)
    assert workout_name_parse("easy 6", default_unit="km").distance_m == 6000.0


def test_timed_reps_and_plural_distances():
    plan = workout_name_parse("6 x 3 min w/ 2:00 jog")
    assert plan.reps == tuple(Rep(duration_s=180.0, recovery_s=120.0) for _ in range(6))
    assert workout_name_parse("10x400s").reps == _reps(10, 400.0)


def test_a_name_with_other_words_is_read_with_less_confidence():
    plan = workout_name_parse("Loch Ness tempo 🏃‍♀️ – 4.8 km")
    assert plan.workout_type == "tempo"
    assert plan.confidence == 0.75


@pytest.mark.parametrize(
    "name", ["Morning Run", "Evening Run", "Run", "", None, "2013-02-06 run", "Portland Cycling"]
)
def test_generic_names_give_no_plan(name):
    assert workout_name_parse(name) is None
    assert not workout_name_is_unusual(name)


@pytest.mark.parametrize("name", ["Yasso 800s x10", "Marathon pace 10 mi"])
def test_names_that_look_like_workouts_but_do_not_parse_are_unusual(name):
    assert workout_name_parse(name) is None
    assert workout_name_is_unusual(name)


def test_marathon_pace_is_not_a_marathon():
    assert workout_name_parse("marathon pace run") is None


@pytest.mark.parametrize(
    ("name", "workout_type", "count", "rep"),
    [
        ("12x400", "interval", 12, Rep(distance_m=400.0)),
        ("10 x 1 min on/1 min off", "interval", 10, Rep(duration_s=60.0, recovery_s=60.0)),
        ("3 x 2 mile @ T", "interval", 3, Rep(distance_m=2 * MILE_M)),
        ("WU 2mi, 4x1mi @ 10k, CD 2mi", "interval", 4, Rep(distance_m=MILE_M)),
        ("3x10min @ threshold", "interval", 3, Rep(duration_s=600.0)),
    ],
)
def test_more_rep_shapes(name, workout_type, count, rep):
    plan = workout_name_parse(name)
    assert (plan.workout_type, len(plan.reps), plan.reps[0]) == (workout_type, count, rep)


@pytest.mark.parametrize(
    ("name", "workout_type", "distance_m"),
    [
        ("Tempo run 6 mi", "tempo", 6 * MILE_M),
        ("5K tempo", "tempo", 5000.0),
        ("Long Run", "long", None),
        ("Recovery jog", "recovery", None),
        ("Turkey trot 5k race", "race", 5000.0),
        ("10 mile race", "race", 10 * MILE_M),
    ],
)
def test_more_steady_runs_and_races(name, workout_type, distance_m):
    plan = workout_name_parse(name)
    assert plan.workout_type == workout_type
    assert plan.distance_m == pytest.approx(distance_m) if distance_m else plan.distance_m is None

import pytest

from ingest.xlsx.notes import NotesParse, notes_parse, pace_seconds, workout_type_hint


def _values(result: NotesParse) -> dict:
    """The parse without its bookkeeping, empty fields dropped, for whole-result comparisons."""
    return {
        k: v
        for k, v in result.as_dict().items()
        if k not in ("issues", "confidence") and v not in (None, False)
    }


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "7:45; 152; 178; felt good, legs heavy",
            dict(pace_s=465, pace_unit="mi", avg_hr=152, cadence_spm=178, comment="felt good, legs heavy"),
        ),
        (
            "8:21;;182; with the group",
            dict(pace_s=501, pace_unit="mi", cadence_spm=182, comment="with the group"),
        ),
        ("6:53; 181; 175", dict(pace_s=413, pace_unit="mi", avg_hr=181, cadence_spm=175)),
        (
            "8:18 pace / 154 bpm / 178 spm great run",
            dict(pace_s=498, pace_unit="mi", avg_hr=154, cadence_spm=178, comment="great run"),
        ),
        (
            "7:50/mi, HR 144, cad 185. hilly route",
            dict(pace_s=470, pace_unit="mi", avg_hr=144, cadence_spm=185, comment="hilly route"),
        ),
        (
            "pace 8:05 hr 152 cadence 175 legs heavy",
            dict(pace_s=485, pace_unit="mi", avg_hr=152, cadence_spm=175, comment="legs heavy"),
        ),
        ("4:50/km", dict(pace_s=290, pace_unit="km")),
        ("pace 7:45", dict(pace_s=465, pace_unit="mi")),
        ("7:45/mi", dict(pace_s=465, pace_unit="mi")),
        ("HR 152", dict(avg_hr=152)),
        ("152bpm", dict(avg_hr=152)),
        ("avg hr 150 felt ok", dict(avg_hr=150, comment="felt ok")),
        ("max hr 182, avg hr 160", dict(avg_hr=160, max_hr=182)),
        ("cad 178", dict(cadence_spm=178)),
        ("178 spm", dict(cadence_spm=178)),
        ("ok", dict(comment="ok")),
        ("treadmill ok", dict(treadmill=True, comment="ok")),
        (
            "treadmill 7:33; 150; 183",
            dict(pace_s=453, pace_unit="mi", avg_hr=150, cadence_spm=183, treadmill=True),
        ),
    ],
)
def test_it_reads_each_note_shape(note, expected):
    assert _values(notes_parse(note)) == expected


def test_the_typo_7_45_is_read_as_7_45_with_a_small_confidence_cost():
    result = notes_parse("7.45; 151; 180; calf tight")
    assert (result.pace_s, result.avg_hr, result.cadence_spm) == (465, 151, 180)
    assert result.comment == "calf tight"
    assert result.confidence == 0.9
    assert result.issues == ["pace 7.45 read as 7:45"]


def test_sixty_seconds_is_read_as_written():
    assert notes_parse("7:60; 153; 172").pace_s == 480


def test_a_pace_inside_an_interval_description_is_the_rep_pace_not_the_average():
    result = notes_parse("4x400 @ 6:32 w/ 400 jog; 162; 174; felt good")
    assert _values(result) == dict(
        rep_pace_s=392,
        rep_pace_unit="mi",
        avg_hr=162,
        cadence_spm=174,
        workout="4x400m",
        workout_text="4x400 @ 6:32 w/ 400 jog",
        workout_type="interval",
        comment="felt good",
    )
    assert result.pace_s is None


def test_a_rep_time_too_fast_to_be_a_mile_pace_is_read_as_the_time_of_each_rep():
    result = notes_parse("6x800 @ 3:05 w/ 400 jog")
    assert result.workout == "6x800m"
    assert result.rep_pace_s == 372  # 3:05 per 800 m = 6:12 per mile
    assert result.pace_s is None
    assert result.confidence == 0.85


def test_interval_units_are_normalised():
    assert notes_parse("5x1k @ 4:10/km w/ 2:00 rest").workout == "5x1km"
    assert notes_parse("5x1k @ 4:10/km w/ 2:00 rest").rep_pace_unit == "km"
    assert notes_parse("6x1 mile @ 6:10 w/ 90s jog").workout == "6x1mi"
    assert notes_parse("10x200m strides").comment == "strides"


@pytest.mark.parametrize(
    ("note", "workout"),
    [
        ("10K race! 6:30; 173; 175; calf tight", "10K race"),
        ("5k race", "5K race"),
        ("half marathon race! 6:53; 181; 175", "half marathon race"),
        ("Half-Marathon race", "half marathon race"),
        ("marathon race! 6:30; 174; 179", "marathon race"),
    ],
)
def test_races_are_workout_hints(note, workout):
    result = notes_parse(note)
    assert (result.workout, result.workout_type) == (workout, "race")


def test_a_race_note_keeps_its_values_and_comment():
    result = notes_parse("10K race! 6:30; 173; 175; calf tight")
    assert (result.pace_s, result.avg_hr, result.cadence_spm, result.comment) == (390, 173, 175, "calf tight")


def test_a_per_leg_cadence_is_doubled_and_flagged():
    result = notes_parse("4:50/km, HR 150, cad 88")
    assert result.cadence_spm == 176
    assert result.confidence == 0.9
    assert "per leg" in result.issues[0]


def test_the_triple_without_semicolons_is_read_by_position():
    result = notes_parse("7:45 152 178 felt good")
    assert (result.pace_s, result.avg_hr, result.cadence_spm, result.comment) == (465, 152, 178, "felt good")
    assert result.confidence == 0.9


def test_a_lone_number_in_the_hr_range_is_the_heart_rate_with_a_small_confidence_cost():
    result = notes_parse("152")
    assert (result.avg_hr, result.cadence_spm, result.comment) == (152, None, None)
    assert result.confidence == 0.85
    assert result.issues == ["152 read as the heart rate: no label"]


def test_a_lone_number_is_the_cadence_once_the_hr_is_known_or_cadence_is_named():
    assert _values(notes_parse("HR 150, 180")) == dict(avg_hr=150, cadence_spm=180)
    assert _values(notes_parse("quick turnover, 182")) == dict(cadence_spm=182, comment="quick")
    assert notes_parse("HR 150, 120").cadence_spm is None  # below 150: no cadence guessed


def test_a_number_with_others_left_is_not_alone_and_nothing_is_guessed():
    result = notes_parse("ran with Bob, 2 laps, 152")
    assert result.avg_hr is None
    assert result.comment == "ran with Bob, 2 laps, 152"
    assert result.confidence == 0.4  # two numbers left unexplained: below the LLM threshold
    assert result.issues == ["numbers the regex pass did not understand: 2, 152"]


def test_numbers_that_are_no_values_of_the_run_are_explained_and_kept_in_the_comment():
    result = notes_parse("6am with 12 others, 25°C, 2nd loop 90% effort")
    assert result.comment == "6am with 12 others, 25°C, 2nd loop 90% effort"
    assert result.confidence == 0.5  # only the 12 is unexplained


def test_two_bare_numbers_are_guessed_as_hr_and_cadence_below_the_threshold():
    result = notes_parse("152 178 felt good")
    assert (result.avg_hr, result.cadence_spm, result.comment) == (152, 178, "felt good")
    assert result.confidence < 0.7


def test_a_segment_pace_is_not_taken_for_the_runs_average():
    result = notes_parse("Tempo 3 mi @ 6:50", distance=7.0)
    assert _values(result) == dict(
        rep_pace_s=410,
        rep_pace_unit="mi",
        workout="3mi",
        workout_text="3 mi @ 6:50",
        workout_type="tempo",
        comment="Tempo",
    )


def test_a_segment_as_long_as_the_run_is_the_runs_pace():
    result = notes_parse("10 mi @ 7:30 long run", distance=10.0)
    assert _values(result) == dict(
        pace_s=450, pace_unit="mi", distance=10.0, distance_unit="mi", workout_type="long", comment="long run"
    )


def test_numbers_written_before_their_labels_and_minute_second_marks():
    result = notes_parse("7:45 pace, 152 avg HR, 178 cadence")
    assert (result.pace_s, result.avg_hr, result.cadence_spm, result.comment) == (465, 152, 178, None)
    result = notes_parse("4'50\"/km; 150; 180")
    assert (result.pace_s, result.pace_unit, result.avg_hr, result.cadence_spm) == (290, "km", 150, 180)


def test_a_total_time_is_a_duration():
    result = notes_parse("ran 1:32:10 half marathon race")
    assert result.duration_s == 5530
    assert result.comment == "ran"


def test_an_implausible_pace_is_dropped_and_flagged():
    result = notes_parse("pace 1:10")
    assert result.pace_s is None
    assert result.confidence <= 0.6


def test_a_bare_pace_is_per_km_on_a_km_sheet():
    result = notes_parse("4:50; 150; 180", default_unit="km")
    assert (result.pace_s, result.pace_unit) == (290, "km")


def test_an_empty_note_is_certain_and_empty():
    assert notes_parse(None) == NotesParse()
    assert notes_parse("   ").confidence == 1.0


def test_pace_seconds_and_workout_hints():
    assert pace_seconds("7:45") == pace_seconds("7.45") == 465
    assert workout_type_hint("Tempo") == "tempo"
    assert workout_type_hint("8x400") == "interval"
    assert workout_type_hint("Long run") == "long"
    assert workout_type_hint("") is None


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("avg HR was around 152", dict(avg_hr=152)),
        ("heart rate stayed around 145 the whole way", dict(avg_hr=145, comment="the whole way")),
        ("Cadence was 182ish, HR 149", dict(avg_hr=149, cadence_spm=182, comment="ish")),
        (
            "Avg HR: 151 | Cadence: 176 | Pace: 8:02",
            dict(pace_s=482, pace_unit="mi", avg_hr=151, cadence_spm=176),
        ),
        (
            "easy run (avg HR 141, cad 174)",
            dict(avg_hr=141, cadence_spm=174, workout_type="easy", comment="easy run"),
        ),
        ("Puls 152, Kadenz 178", dict(avg_hr=152, cadence_spm=178)),
        ("FC moy 155, allure 5:12/km", dict(pace_s=312, pace_unit="km", avg_hr=155)),
        ("9:05 a mile with the dog", dict(pace_s=545, pace_unit="mi", comment="with the dog")),
        ("7.5 min/mile", dict(pace_s=450, pace_unit="mi")),
        ("HR: 152 (max 171)", dict(avg_hr=152, max_hr=171)),
    ],
)
def test_a_label_takes_the_nearest_number_across_filler_words(note, expected):
    assert _values(notes_parse(note)) == expected


def test_a_number_between_two_labels_goes_the_way_that_explains_more_numbers():
    assert _values(notes_parse("152 HR 178 cadence")) == dict(avg_hr=152, cadence_spm=178)
    assert _values(notes_parse("HR 152 cadence 178")) == dict(avg_hr=152, cadence_spm=178)


def test_a_label_words_apart_still_reads_with_a_small_cost():
    result = notes_parse("quick turnover today, 182")
    assert (result.cadence_spm, result.comment, result.confidence) == (182, "quick; today", 0.95)


def test_a_range_is_read_as_its_middle_rounded_half_up():
    result = notes_parse("hr 140 - 146, cad 176-180")
    assert (result.avg_hr, result.cadence_spm) == (143, 178)
    assert notes_parse("HR 150-155").avg_hr == 153
    assert result.confidence == 0.8


def test_decimal_commas_and_the_notes_own_distance():
    result = notes_parse("8,5 km easy, 5:40/km", default_unit="km")
    assert _values(result) == dict(
        pace_s=340, pace_unit="km", distance=8.5, distance_unit="km", workout_type="easy", comment="easy"
    )
    assert notes_parse("5,30 min/km, 145 bpm").pace_s == 330
    assert _values(notes_parse("Nice 6 miler")) == dict(distance=6.0, distance_unit="mi", comment="Nice")
    assert notes_parse("at 10k pace").distance is None  # a pace's name, not a distance


def test_a_splits_list_is_not_the_average_pace_and_stays_in_the_comment():
    result = notes_parse("splits 7:50, 7:45, 7:38, 7:30; HR 155")
    assert (result.pace_s, result.avg_hr, result.confidence) == (None, 155, 1.0)
    assert result.comment == "splits 7:50, 7:45, 7:38, 7:30"
    assert notes_parse("mile splits 8:01/7:55/7:49 avg 7:55").pace_s == 475


@pytest.mark.parametrize(
    ("note", "rep_pace_s"),
    [
        ("reps at 6:05, avg HR 158", 365),
        ("mile repeats @ 6:10", 370),
        ("intervals at 5:50 pace", 350),
        ("800s at 3:05, 2 min jog", 372),  # 3:05 per 800 m is 6:12 per mile
        ("8x400 in 1:32", 370),
        ("tempo 20 min @ 6:45", 405),
    ],
)
def test_a_pace_in_a_rep_shape_is_the_rep_pace(note, rep_pace_s):
    result = notes_parse(note)
    assert (result.rep_pace_s, result.pace_s) == (rep_pace_s, None)


def test_timed_reps_are_a_workout():
    result = notes_parse("Fartlek 10x1min hard, HR 158")
    assert (result.workout, result.workout_type, result.avg_hr) == ("10x1min", "interval", 158)


def test_a_clock_from_20_minutes_is_the_total_time_even_beside_a_pace():
    result = notes_parse("parkrun 21:45, 4:21/km")
    assert (result.duration_s, result.pace_s, result.pace_unit) == (1305, 261, "km")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("5x(1000m @ 3:40/km), 2' rest", dict(workout="5x1000m", rep_pace_s=220, rep_pace_unit="km")),
        ("4 mi tempo @ 6:50/mi", dict(workout="4mi", rep_pace_s=410, rep_pace_unit="mi")),
        ("9 mi w/ 6 @ MP (7:05)", dict(workout="6mi", rep_pace_s=425, rep_pace_unit="mi")),
        ("tempo @ 6:40 for 4 mi", dict(workout="4mi", rep_pace_s=400, rep_pace_unit="mi")),
    ],
)
def test_a_stretch_at_a_pace_is_kept_as_the_rep_pace(note, expected):
    result = notes_parse(note, distance=9.0)
    assert {name: getattr(result, name) for name in expected} == expected
    assert result.pace_s is None


def test_a_label_glued_to_its_number_by_a_colon():
    result = notes_parse("hr:147 cad:179 p:8:03")
    assert (result.avg_hr, result.cadence_spm, result.pace_s) == (147, 179, 483)


def test_a_segment_as_long_as_the_run_gives_the_note_its_distance_in_the_sheets_unit():
    result = notes_parse("E 8 @ 8:45 avg, 141", distance=8.0)
    assert (result.pace_s, result.distance, result.distance_unit, result.avg_hr) == (525, 8.0, "mi", 141)


def test_a_number_a_word_follows_counts_that_word_and_is_no_heart_rate():
    result = notes_parse("with 150 others")
    assert (result.avg_hr, result.comment, result.confidence) == (None, "with 150 others", 0.5)


def test_elevation_energy_and_weight_are_no_values_of_the_run():
    result = notes_parse("180 ft gain, 650 cal, HR 150")
    assert (result.avg_hr, result.cadence_spm, result.comment, result.confidence) == (
        150,
        None,
        "180 ft gain, 650 cal",
        1.0,
    )


def test_a_race_time_from_12_minutes_is_the_finish_time_not_a_pace():
    result = notes_parse("5k race 19:45")
    assert (result.duration_s, result.pace_s, result.workout) == (1185, None, "5K race")


def test_a_pace_range_is_its_middle_and_a_progression_no_pace_at_all():
    result = notes_parse("3 x 2 mi @ 6:45-6:50, HR 168")
    assert (result.rep_pace_s, result.pace_s, result.confidence) == (408, None, 0.9)
    result = notes_parse("8 mi progression from 8:30 to 7:15")
    assert (result.pace_s, result.distance, result.confidence) == (None, 8.0, 1.0)
    assert result.comment == "progression from 8:30 to 7:15"


def test_minute_and_second_marks_and_zones():
    result = notes_parse("Pace 5'05''/km")
    assert (result.pace_s, result.pace_unit, result.comment) == (305, "km", None)
    result = notes_parse("10 x 1' on / 1' off, HR 165")
    assert (result.workout, result.avg_hr, result.confidence) == ("10x1'", 165, 1.0)  # minutes, not miles
    result = notes_parse("Z2 run, HR 135-140, Easy 45' run")
    assert (result.avg_hr, result.confidence) == (138, 0.9)  # the zone and the minutes are explained


def test_the_triple_between_pipes_or_in_parentheses_is_read_by_position():
    assert _values(notes_parse("7:55 | 150 | 181 | good")) == dict(
        pace_s=475, pace_unit="mi", avg_hr=150, cadence_spm=181, comment="good"
    )
    result = notes_parse("7:45 (152/178)")
    assert (result.pace_s, result.avg_hr, result.cadence_spm, result.confidence) == (465, 152, 178, 0.9)


def test_a_distance_at_a_time_is_a_stretch_whose_pace_is_written_after_it_or_worked_out():
    result = notes_parse("tempo 5k @ 20:30 (6:36/mi), HR 172")
    assert (result.rep_pace_s, result.pace_s, result.workout, result.distance) == (396, None, "5km", None)
    assert result.confidence == 1.0
    result = notes_parse("tempo 5k @ 20:30")
    assert (result.rep_pace_s, result.confidence) == (396, 0.9)  # 20:30 over 5 km is 6:36 per mile

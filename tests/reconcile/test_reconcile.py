"""reconcile_run: matching, resolution, conflicts and the hard cases of the issue, each named."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity, ActivitySource, RunalyzeMetrics, Shoe
from ingest.store import record_mark_deleted
from reconcile.canonical import ORPHAN_REASON
from reconcile.matching import AMBIGUOUS_REASON
from reconcile.models import Conflict
from reconcile.services import conflict_resolve, reconcile_run
from tests.support.records import MILE, PACIFIC, fit, stored, strava, xlsx

pytestmark = pytest.mark.django_db

# 2024-05-01 06:30 in California (UTC−7) is 13:30 UTC.
MORNING = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)
MAY_1 = dt.date(2024, 5, 1)
SHA_A, SHA_B, SHA_C = "a" * 64, "b" * 64, "c" * 64


def _snapshot() -> dict:
    """Everything reconcile could write, to prove a re-run wrote nothing."""
    return {
        "activities": list(Activity.objects.order_by("pk").values()),
        "conflicts": list(Conflict.objects.order_by("pk").values()),
        "records": list(
            ActivitySource.objects.order_by("pk").values("pk", "activity_id", "reconciled_at", "updated_at")
        ),
        "intervals": list(
            Activity.objects.order_by("pk").values_list("intervals__pk", "intervals__duration_s")
        ),
    }


def test_one_run_from_three_sources_is_one_activity_with_each_field_from_its_best_source():
    shoe = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g123")
    fit(
        SHA_A,
        MORNING,
        8050.0,
        duration_s=2400.0,
        avg_hr=148.0,
        max_hr=171.0,
        avg_cadence_spm=176.0,
        calories=520.0,
    )
    strava(
        "9001",
        MORNING + dt.timedelta(seconds=20),
        8061.0,
        duration_s=2405.0,
        avg_hr=147.0,
        workout_name="Shakeout by the bay",
        workout_type="default",
        notes="Lovely morning.",
        gear="g123",
        shoe=shoe,
    )
    xlsx(MAY_1, 5.0, intensity_score=4.0, gear="Peg 40", notes="Lovely morning.  legs heavy")

    result = reconcile_run()

    assert result.created == 1 and result.failed == 0
    activity = Activity.objects.get()
    assert activity.date == MAY_1
    assert activity.start_time == MORNING
    assert activity.utc_offset_s == PACIFIC
    assert activity.sport == "running"
    assert activity.distance_m == pytest.approx(5 * MILE)
    assert activity.duration_s == 2400.0
    assert activity.avg_pace_s_per_km == pytest.approx(2400.0 / (5 * MILE / 1000))
    assert (activity.avg_hr, activity.max_hr, activity.avg_cadence_spm) == (148.0, 171.0, 176.0)
    assert activity.calories == 520.0
    assert activity.workout_name == "Shakeout by the bay"
    assert activity.workout_type == ""
    assert activity.intensity_score == 4.0
    assert activity.shoe == shoe
    assert activity.notes == "Lovely morning.  legs heavy"
    assert activity.provenance == {
        "date": "fit_file",
        "start_time": "fit_file",
        "utc_offset_s": "fit_file",
        "sport": "fit_file",
        "distance_m": "master_xlsx",
        "duration_s": "fit_file",
        "avg_hr": "fit_file",
        "max_hr": "fit_file",
        "avg_cadence_spm": "fit_file",
        "total_ascent_m": "fit_file",
        "calories": "fit_file",
        "workout_name": "strava",
        "intensity_score": "master_xlsx",
        "shoe": "strava",
        "notes": "master_xlsx",
        "avg_pace_s_per_km": "derived",
    }
    assert set(ActivitySource.objects.values_list("activity_id", flat=True)) == {activity.pk}
    distance = Conflict.objects.get(field_name="distance_m")
    assert distance.status == Conflict.Status.AUTO_RESOLVED
    assert distance.source_values == {"master_xlsx": 8046.72, "fit_file": 8050.0, "strava": 8061.0}
    assert (distance.resolved_source, distance.resolved_value) == ("master_xlsx", 8046.72)


def test_doubles_stay_two_activities_and_each_spreadsheet_row_joins_the_closer_run():
    evening = MORNING + dt.timedelta(hours=10)
    fit(SHA_A, MORNING, 10020.0)
    fit(SHA_B, evening, 5010.0)
    xlsx(MAY_1, 3.1, row=2, notes="evening shakeout")
    xlsx(MAY_1, 6.2, row=3, notes="morning 10k")

    reconcile_run()

    morning_run = Activity.objects.get(start_time=MORNING)
    evening_run = Activity.objects.get(start_time=evening)
    assert Activity.objects.count() == 2
    assert morning_run.notes == "morning 10k" and morning_run.distance_m == pytest.approx(6.2 * MILE)
    assert evening_run.notes == "evening shakeout" and evening_run.distance_m == pytest.approx(3.1 * MILE)


def test_an_evening_run_in_california_is_not_tomorrows_run():
    # 21:30 on 1 May in California is 04:30 UTC on 2 May.
    late = dt.datetime(2024, 5, 2, 4, 30, tzinfo=dt.UTC)
    fit(SHA_A, late, 8040.0, utc_offset_s=PACIFIC)
    xlsx(MAY_1, 5.0, row=2, notes="night run")
    xlsx(dt.date(2024, 5, 2), 5.0, row=3, notes="next day")

    reconcile_run()

    night = Activity.objects.get(start_time=late)
    assert night.date == MAY_1
    assert night.notes == "night run"
    assert Activity.objects.get(date=dt.date(2024, 5, 2)).notes == "next day"


def test_a_treadmill_run_6_pct_off_the_spreadsheet_joins_it_with_a_pending_distance_conflict():
    fit(SHA_A, MORNING, 5 * MILE * 1.06, sub_sport="treadmill", total_ascent_m=0.0)
    xlsx(MAY_1, 5.0)

    result = reconcile_run()

    activity = Activity.objects.get()
    assert activity.sub_sport == "treadmill"
    assert activity.distance_m == pytest.approx(5 * MILE)  # the spreadsheet outranks the footpod
    conflict = Conflict.objects.get(activity=activity)
    assert conflict.field_name == "distance_m"
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {"master_xlsx": 8046.72, "fit_file": 8529.52}
    assert conflict.resolved_value is None
    assert result.conflicts == 1


def test_a_manual_override_survives_a_reimport_and_a_full_reconcile():
    fit(SHA_A, MORNING, 5 * MILE * 1.06)
    xlsx(MAY_1, 5.0, notes="treadmill")
    reconcile_run()
    conflict = Conflict.objects.get()
    conflict_resolve(conflict=conflict, source="fit_file")
    activity = Activity.objects.get()
    assert activity.distance_m == 8529.52
    assert activity.provenance["distance_m"] == "manual_override"

    xlsx(MAY_1, 5.0, notes="treadmill, re-imported")  # the spreadsheet is imported again, changed
    reconcile_run()
    reconcile_run(all=True)

    activity.refresh_from_db()
    assert activity.distance_m == 8529.52
    assert activity.provenance["distance_m"] == "manual_override"
    assert activity.notes == "treadmill, re-imported"
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.MANUAL_RESOLVED
    assert not conflict.has_new_values


def test_a_source_value_changing_after_a_manual_resolution_keeps_it_and_marks_new_values():
    fit(SHA_A, MORNING, 5 * MILE * 1.06)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    conflict_resolve(conflict=Conflict.objects.get(), value=8200.0)

    xlsx(MAY_1, 5.1)  # the runner corrected the spreadsheet
    result = reconcile_run()

    conflict = Conflict.objects.get()
    assert conflict.status == Conflict.Status.MANUAL_RESOLVED
    assert conflict.resolved_value == 8200.0
    assert conflict.has_new_values
    assert conflict.source_values == {"master_xlsx": 8207.65, "fit_file": 8529.52}
    assert Activity.objects.get().distance_m == 8200.0
    assert result.new_values == 1


def test_ids_stay_stable_when_new_sources_arrive():
    fit(SHA_A, MORNING, 8050.0)
    reconcile_run()
    first = Activity.objects.get()

    strava("9001", MORNING + dt.timedelta(seconds=5), 8070.0)
    xlsx(MAY_1, 5.0)
    result = reconcile_run()

    assert list(Activity.objects.values_list("pk", flat=True)) == [first.pk]
    assert ActivitySource.objects.filter(activity=first).count() == 3
    assert (result.created, result.updated) == (0, 1)


def test_reconcile_twice_changes_nothing():
    fit(SHA_A, MORNING, 8050.0, workout_name="6x800m")
    strava("9001", MORNING, 8100.0)
    xlsx(MAY_1, 5.0, notes="good")
    fit(SHA_B, MORNING + dt.timedelta(days=1), 5000.0, sub_sport="treadmill")
    xlsx(MAY_1 + dt.timedelta(days=1), 3.3)
    reconcile_run()
    before = _snapshot()

    again = reconcile_run()
    everything = reconcile_run(all=True)

    assert _snapshot() == before
    assert again.summary().startswith("created=0 updated=0 unchanged=0 conflicts=0")
    assert everything.summary().startswith("created=0 updated=0 unchanged=2 conflicts=0")


def test_a_record_that_fits_two_activities_equally_is_flagged_not_guessed():
    fit(SHA_A, MORNING, 8046.0)
    fit(SHA_B, MORNING + dt.timedelta(hours=9), 8047.0)
    xlsx(MAY_1, 5.0)

    result = reconcile_run()

    assert Activity.objects.count() == 3
    runs = list(Activity.objects.filter(start_time__isnull=False).order_by("pk").values_list("pk", flat=True))
    flagged = Activity.objects.get(needs_review=True)
    assert flagged.start_time is None and flagged.provenance["distance_m"] == "master_xlsx"
    assert flagged.review_reason == AMBIGUOUS_REASON.format(ids=", ".join(f"#{pk}" for pk in runs))
    assert result.review == 1


def test_rerunning_never_duplicates_a_conflict():
    fit(SHA_A, MORNING, 5 * MILE * 1.06)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    fit(SHA_A, MORNING, 8610.0)  # the same file id with new values
    reconcile_run()
    reconcile_run(all=True)

    conflict = Conflict.objects.get()
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values["fit_file"] == 8610.0


def test_a_conflict_goes_away_when_the_sources_come_to_agree():
    fit(SHA_A, MORNING, 5 * MILE * 1.06)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    xlsx(MAY_1, 5 * 1.06)
    reconcile_run()
    assert not Conflict.objects.exists()


def test_two_files_of_one_recording_join_one_activity():
    fit(SHA_A, MORNING, 8050.0, route="healthfit")
    fit(SHA_B, MORNING + dt.timedelta(seconds=1), 8050.0, route="garmin_export")
    reconcile_run()
    assert Activity.objects.count() == 1
    assert Activity.objects.get().sources.count() == 2


def test_a_walk_and_a_run_at_the_same_time_stay_apart():
    fit(SHA_A, MORNING, 8050.0)
    stored(source="strava", source_id="77", start_time=MORNING, distance_m=8050.0, sport="walking")
    reconcile_run()
    assert Activity.objects.count() == 2


def test_a_record_deleted_at_its_source_leaves_its_activity():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8070.0, workout_name="Hills!")
    reconcile_run()
    activity = Activity.objects.get()
    record_mark_deleted(source="strava", source_ids=["9001"])

    reconcile_run()

    activity.refresh_from_db()
    assert ActivitySource.objects.get(source="strava").activity is None
    assert activity.workout_name == ""
    assert activity.distance_m == 8050.0
    assert not activity.needs_review


def test_an_activity_whose_sources_were_all_deleted_is_kept_and_flagged():
    fit(SHA_A, MORNING, 8050.0)
    reconcile_run()
    record_mark_deleted(source="fit_file", source_ids=[SHA_A])

    result = reconcile_run()

    activity = Activity.objects.get()
    assert activity.distance_m == 8050.0
    assert activity.needs_review and activity.review_reason == ORPHAN_REASON
    assert result.review == 1


def test_a_changed_record_that_no_longer_fits_leaves_and_the_activity_keeps_its_id():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    activity = Activity.objects.get()

    fit(SHA_A, MORNING + dt.timedelta(days=3), 8050.0)  # the clock of the watch was fixed
    result = reconcile_run()

    assert result.moved == 1
    activity.refresh_from_db()
    assert list(activity.sources.values_list("source", flat=True)) == ["master_xlsx"]
    assert activity.start_time is None and activity.date == MAY_1
    assert Activity.objects.exclude(pk=activity.pk).get().date == dt.date(2024, 5, 4)


def test_a_race_name_gives_the_canonical_distance_above_gps():
    fit(SHA_A, MORNING, 10123.0, workout_name="Bay 10k race")
    reconcile_run()
    activity = Activity.objects.get()
    assert activity.distance_m == 10000.0
    assert activity.provenance["distance_m"] == "workout_name_parse"
    assert activity.workout_type == "race"
    assert activity.provenance["workout_type"] == "workout_name_parse"
    assert Conflict.objects.get().source_values == {"workout_name_parse": 10000.0, "fit_file": 10123.0}


def test_the_spreadsheet_workout_type_beats_the_name_and_strava():
    fit(SHA_A, MORNING, 8050.0, workout_name="tempo 5")
    strava("9001", MORNING, 8050.0, workout_type="workout")
    xlsx(MAY_1, 5.0, workout_type="threshold")
    reconcile_run()
    assert Activity.objects.get().workout_type == "threshold"


def test_trimp_and_vo2max_come_from_runalyze_only():
    fit(SHA_A, MORNING, 8050.0)
    record = stored(
        source="runalyze", source_id="r1", start_time=MORNING, distance_m=8000.0, route="runalyze_api"
    )
    RunalyzeMetrics.objects.create(record=record, trimp=88.0, vo2max=51.3)
    reconcile_run()
    activity = Activity.objects.get()
    assert (activity.trimp, activity.vo2max) == (88.0, 51.3)
    assert activity.provenance["trimp"] == "runalyze"
    assert activity.distance_m == 8050.0  # Runalyze is not trusted for distance


def test_notes_are_merged_without_repeating_text():
    fit(SHA_A, MORNING, 8050.0, notes="Felt good")
    strava("9001", MORNING, 8050.0, notes="felt good")
    xlsx(MAY_1, 5.0, notes="7:45; 152; 178; felt good, legs heavy")
    reconcile_run()
    assert Activity.objects.get().notes == "7:45; 152; 178; felt good, legs heavy"


def test_incremental_reconcile_only_touches_the_activities_of_new_records():
    for day in range(5):
        fit(f"{day:064d}", MORNING + dt.timedelta(days=day), 8000.0 + day)
    reconcile_run()
    strava("9001", MORNING + dt.timedelta(days=2), 8010.0)

    result = reconcile_run()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)


def test_since_limits_the_run_to_later_records():
    fit(SHA_A, MORNING, 8000.0)
    fit(SHA_B, MORNING + dt.timedelta(days=10), 8000.0)
    result = reconcile_run(since=dt.date(2024, 5, 5))
    assert result.created == 1
    assert Activity.objects.get().date == dt.date(2024, 5, 11)


def test_a_recording_arriving_after_the_spreadsheet_joins_the_spreadsheets_activity():
    xlsx(MAY_1, 5.0, notes="from the log")
    reconcile_run()
    logged = Activity.objects.get()
    assert logged.start_time is None and logged.provenance["date"] == "master_xlsx"

    fit(SHA_A, MORNING, 8050.0)
    reconcile_run()

    assert list(Activity.objects.values_list("pk", flat=True)) == [logged.pk]
    logged.refresh_from_db()
    assert logged.start_time == MORNING and logged.provenance["start_time"] == "fit_file"


def test_a_record_restored_at_its_source_rejoins_a_run():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8070.0)
    reconcile_run()
    record_mark_deleted(source="strava", source_ids=["9001"])
    reconcile_run()
    strava("9001", MORNING, 8070.0, notes="back again")  # re-synced: the store revives it

    reconcile_run()

    assert Activity.objects.count() == 1
    assert Activity.objects.get().sources.count() == 2


def test_a_gpx_without_sport_joins_only_by_start_time_never_by_date():
    fit(SHA_A, MORNING, 8050.0)
    stored(
        source="fit_file",
        source_id=SHA_B,
        start_time=MORNING + dt.timedelta(seconds=3),
        distance_m=8040.0,
        sport="",
    )
    stored(
        source="fit_file",
        source_id=SHA_C,
        start_time=MORNING + dt.timedelta(hours=5),
        distance_m=8040.0,
        sport="",
    )
    reconcile_run()
    assert sorted(a.sources.count() for a in Activity.objects.all()) == [1, 2]


def test_one_broken_activity_never_aborts_the_run_and_is_retried_next_time():
    from reconcile.models import ManualOverride

    fit(SHA_A, MORNING, 8050.0)
    reconcile_run()
    broken = Activity.objects.get()
    ManualOverride.objects.create(activity=broken, field_name="distance_m", value="a lot")  # corrupt by hand
    fit(SHA_A, MORNING, 8060.0)  # its record changes: the activity must be resolved again
    fit(SHA_B, MORNING + dt.timedelta(days=1), 5000.0)

    result = reconcile_run()

    assert (result.created, result.failed) == (1, 1)
    assert result.errors == [
        f"activity #{broken.pk} (2024-05-01): could not convert string to float: 'a lot'"
    ]
    assert (
        ActivitySource.objects.get(source_id=SHA_A).reconciled_at
        < ActivitySource.objects.get(source_id=SHA_A).changed_at
    )  # left for the next run


def test_a_typo_in_the_log_joins_the_days_only_run_and_the_recording_keeps_the_distance():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 15.0, notes="easy, typo for 5")  # 24.1 km: far beyond every matching limit

    result = reconcile_run()

    activity = Activity.objects.get()
    assert ActivitySource.objects.filter(activity=activity).count() == 2
    assert not activity.needs_review
    assert activity.notes == "easy, typo for 5"
    # Beyond the gross-error tolerance the recording's distance stands: the typo never inflates totals.
    assert activity.distance_m == 8050.0 and activity.provenance["distance_m"] == "fit_file"
    conflict = Conflict.objects.get(activity=activity, field_name="distance_m")
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {"master_xlsx": pytest.approx(15 * MILE, abs=0.01), "fit_file": 8050.0}
    assert result.conflicts == 1 and result.review == 0


def test_the_typo_row_arriving_first_is_joined_by_its_recording_and_keeps_its_id():
    xlsx(MAY_1, 15.0)
    reconcile_run()
    row_activity = Activity.objects.get()
    fit(SHA_A, MORNING, 8050.0)

    reconcile_run()

    assert list(Activity.objects.values_list("pk", flat=True)) == [row_activity.pk]
    row_activity.refresh_from_db()
    assert row_activity.start_time == MORNING and row_activity.distance_m == 8050.0


def test_resolving_a_typo_conflict_with_the_log_value_overrides_the_recording():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 15.0)
    reconcile_run()
    conflict = Conflict.objects.get(field_name="distance_m")

    conflict_resolve(conflict=conflict, source="master_xlsx")
    reconcile_run(all=True)

    activity = Activity.objects.get()
    assert activity.distance_m == pytest.approx(15 * MILE, abs=0.01)
    assert activity.provenance["distance_m"] == "manual_override"


def test_a_double_day_with_one_recording_joins_the_closer_row_and_flags_the_other():
    from reconcile.matching import UNMATCHED_REASON

    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 5.0, row=2, notes="morning")
    xlsx(MAY_1, 3.0, row=3, notes="evening, watch flat")

    result = reconcile_run()

    run = Activity.objects.get(start_time=MORNING)
    apart = Activity.objects.get(start_time__isnull=True)
    assert run.notes == "morning" and run.distance_m == pytest.approx(5 * MILE)
    assert apart.notes == "evening, watch flat" and apart.distance_m == pytest.approx(3 * MILE)
    assert apart.needs_review and apart.review_code == Activity.ReviewCode.UNMATCHED
    assert apart.review_reason == UNMATCHED_REASON.format(ids=f"#{run.pk}")
    assert not run.needs_review
    assert result.review == 1


def test_two_far_rows_and_one_recording_are_not_guessed():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 15.0, row=2)
    xlsx(MAY_1, 2.0, row=3)

    reconcile_run()

    assert Activity.objects.count() == 3
    assert Activity.objects.filter(start_time__isnull=True, needs_review=True).count() == 2


def test_a_log_row_on_a_day_with_only_a_ride_stays_apart_flagged():
    fit(SHA_A, MORNING, 30000.0, sport="cycling")
    xlsx(MAY_1, 5.0)

    reconcile_run()

    row = Activity.objects.get(start_time__isnull=True)
    assert row.needs_review and row.review_code == Activity.ReviewCode.UNMATCHED
    assert Activity.objects.get(start_time=MORNING).sport == "cycling"


def test_a_treadmill_day_7_pct_off_joins_and_the_log_distance_stands():
    fit(SHA_A, MORNING, 5 * MILE * 1.07, sub_sport="treadmill", total_ascent_m=0.0)
    xlsx(MAY_1, 5.0)

    reconcile_run()

    activity = Activity.objects.get()
    assert activity.distance_m == pytest.approx(5 * MILE)  # within the gross-error tolerance: priority
    assert activity.provenance["distance_m"] == "master_xlsx"
    assert Conflict.objects.get(field_name="distance_m").status == Conflict.Status.PENDING


def test_a_flagged_row_joined_by_a_later_recording_is_no_longer_flagged():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 5.0, row=2)
    xlsx(MAY_1, 3.0, row=3)
    reconcile_run()
    apart = Activity.objects.get(start_time__isnull=True)
    assert apart.needs_review
    fit(SHA_B, MORNING + dt.timedelta(hours=10), 3 * MILE * 1.01)

    reconcile_run()

    apart.refresh_from_db()
    assert apart.start_time == MORNING + dt.timedelta(hours=10)
    assert (apart.needs_review, apart.review_code, apart.review_reason) == (False, "", "")


def test_a_typo_row_edited_later_stays_with_its_run():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 15.0)
    reconcile_run()
    activity = Activity.objects.get()
    xlsx(MAY_1, 15.0, notes="legs heavy")  # the same row, changed

    result = reconcile_run()

    assert list(Activity.objects.values_list("pk", flat=True)) == [activity.pk]
    assert result.moved == 0
    assert Activity.objects.get().notes == "legs heavy"

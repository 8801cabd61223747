"""Conflicts on every field that can disagree: numbers, start time, sport, workout type and shoe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, Shoe
from reconcile.models import Conflict, ManualOverride
from reconcile.services import activity_merge, conflict_resolve, reconcile_run
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)
MAY_1 = dt.date(2024, 5, 1)
SHA_A = "a" * 64


def _conflict(field_name: str) -> Conflict:
    return Conflict.objects.get(field_name=field_name)


def test_recordings_more_than_two_minutes_apart_make_a_pending_start_time_conflict():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING + dt.timedelta(seconds=180), 8050.0)

    reconcile_run()

    conflict = _conflict("start_time")
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {
        "fit_file": "2024-05-01T13:30:00+00:00",
        "strava": "2024-05-01T13:33:00+00:00",
    }
    assert Activity.objects.get().start_time == MORNING


def test_a_start_a_minute_apart_is_auto_resolved_and_a_log_row_has_no_start_time_to_compare():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING + dt.timedelta(seconds=60), 8050.0)
    xlsx(MAY_1, 5.0)

    reconcile_run()

    conflict = _conflict("start_time")
    assert conflict.status == Conflict.Status.AUTO_RESOLVED
    assert set(conflict.source_values) == {"fit_file", "strava"}
    assert conflict.resolved_source == "fit_file"


def test_calories_descent_and_max_cadence_are_compared_within_their_tolerances():
    fit(SHA_A, MORNING, 8050.0, calories=520.0, total_descent_m=40.0, max_cadence_spm=184.0)
    strava(
        "9001",
        MORNING,
        8050.0,
        calories=600.0,
        total_descent_m=90.0,
        max_cadence_spm=210.0,
        duration_s=2415.0,
    )

    reconcile_run()

    for name in ("calories", "total_descent_m", "max_cadence_spm"):
        assert _conflict(name).status == Conflict.Status.PENDING, name
    activity = Activity.objects.get()
    assert (activity.calories, activity.total_descent_m, activity.max_cadence_spm) == (520.0, 40.0, 184.0)
    assert activity.provenance["max_cadence_spm"] == "fit_file"


def test_calories_within_ten_pct_are_auto_resolved():
    fit(SHA_A, MORNING, 8050.0, calories=520.0)
    strava("9001", MORNING, 8050.0, calories=560.0)

    reconcile_run()

    assert _conflict("calories").status == Conflict.Status.AUTO_RESOLVED


def test_workout_types_are_compared_after_normalisation():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, workout_type="Tempo ")
    xlsx(MAY_1, 5.0, workout_type="tempo")

    reconcile_run()

    assert not Conflict.objects.filter(field_name="workout_type").exists()


def test_a_log_and_strava_naming_different_workout_types_wait_for_the_runner_and_the_choice_survives():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, workout_type="race")
    xlsx(MAY_1, 5.0, workout_type="long")
    reconcile_run()
    conflict = _conflict("workout_type")
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {"master_xlsx": "long", "strava": "race"}
    assert Activity.objects.get().workout_type == "long"  # priority until the runner decides

    conflict_resolve(conflict=conflict, source="strava")
    strava("9001", MORNING, 8050.0, workout_type="race", notes="re-imported")  # a changed re-import
    reconcile_run(all=True)

    activity = Activity.objects.get()
    assert activity.workout_type == "race" and activity.provenance["workout_type"] == "manual_override"
    assert _conflict("workout_type").status == Conflict.Status.MANUAL_RESOLVED


def test_shoes_are_compared_by_id_after_alias_resolution():
    shoe = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g1")
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, gear="g1", shoe=shoe)
    xlsx(MAY_1, 5.0, gear="peg 40", shoe=shoe)  # the log's alias resolved to the same shoe

    reconcile_run()

    assert not Conflict.objects.filter(field_name="shoe").exists()


def test_two_different_shoes_make_a_pending_conflict_resolved_on_the_review_page_by_name(admin_client):
    pegasus = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g1")
    vaporfly = Shoe.objects.create(name="Vaporfly 3")
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, gear="g1", shoe=pegasus)
    xlsx(MAY_1, 5.0, gear="vaporfly", shoe=vaporfly)
    reconcile_run()
    conflict = _conflict("shoe")
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {"strava": pegasus.pk, "master_xlsx": vaporfly.pk}
    page = admin_client.get(reverse("review:conflict_detail", args=[conflict.pk]))
    assert [c.label for c in page.context["choices"]] == ["Pegasus 40", "Vaporfly 3"]
    assert page.context["average"] is None

    response = admin_client.post(
        reverse("review:conflict_resolve", args=[conflict.pk]),
        {"choice": "custom", "custom_value": " VAPORFLY-3 "},
    )

    assert response.status_code == 302
    assert (
        "Shoe of Wed 1 May 2024 · Morning Run · 8.05 km set to Vaporfly 3."
        in admin_client.get(response["Location"]).content.decode()
    )
    assert Activity.objects.get().shoe == vaporfly
    assert ManualOverride.objects.get(field_name="shoe").value == vaporfly.pk


def test_an_unknown_shoe_name_is_refused_on_the_review_page(admin_client):
    pegasus = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g1")
    vaporfly = Shoe.objects.create(name="Vaporfly 3")
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, gear="g1", shoe=pegasus)
    xlsx(MAY_1, 5.0, gear="vaporfly", shoe=vaporfly)
    reconcile_run()

    response = admin_client.post(
        reverse("review:conflict_resolve", args=[_conflict("shoe").pk]),
        {"choice": "custom", "custom_value": "Clifton 9"},
    )

    assert "No shoe is called &#x27;Clifton 9&#x27;." in response.content.decode()
    assert not ManualOverride.objects.exists()


def test_a_typed_start_time_needs_its_offset(admin_client):
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING + dt.timedelta(seconds=180), 8050.0)
    reconcile_run()
    url = reverse("review:conflict_resolve", args=[_conflict("start_time").pk])

    refused = admin_client.post(url, {"choice": "custom", "custom_value": "2024-05-01T06:31:00"})
    accepted = admin_client.post(url, {"choice": "custom", "custom_value": "2024-05-01T06:31:00-07:00"})

    assert "has no UTC offset" in refused.content.decode()
    assert accepted.status_code == 302
    assert Activity.objects.get().start_time == MORNING + dt.timedelta(seconds=60)


def test_merged_runs_of_different_sports_make_a_sport_conflict_resolved_in_the_admin(admin_client):
    fit(SHA_A, MORNING, 30000.0, sport="cycling")
    strava("9001", MORNING + dt.timedelta(hours=3), 8050.0)
    reconcile_run()
    ride, run = Activity.objects.order_by("pk")
    activity_merge(activity=run, into=ride)
    conflict = _conflict("sport")
    assert conflict.status == Conflict.Status.PENDING
    assert conflict.source_values == {"fit_file": "cycling", "strava": "running"}

    page = admin_client.post(
        reverse("admin:reconcile_conflict_changelist"),
        {"action": "resolve_with_strava", "_selected_action": [conflict.pk]},
        follow=True,
    ).content.decode()

    assert "Resolved 1 conflict(s) with the strava value; skipped 0." in page
    assert Activity.objects.get().sport == "running"
    reconcile_run(all=True)
    assert Activity.objects.get().sport == "running"


def test_a_trail_run_and_a_road_run_of_one_recording_are_one_family_auto_resolved():
    fit(SHA_A, MORNING, 8050.0, sport="trail_running")
    strava("9001", MORNING, 8050.0)

    reconcile_run()

    conflict = _conflict("sport")
    assert conflict.status == Conflict.Status.AUTO_RESOLVED and conflict.resolved_value == "trail_running"


def test_a_distance_typo_conflict_still_counts_the_recording_with_every_new_field_compared():
    fit(SHA_A, MORNING, 8050.0)
    xlsx(MAY_1, 15.0)

    reconcile_run()

    assert Activity.objects.get().distance_m == 8050.0
    assert set(Conflict.objects.values_list("field_name", flat=True)) == {"distance_m"}
    assert _conflict("distance_m").source_values["master_xlsx"] == pytest.approx(15 * MILE, abs=0.01)


def test_the_review_pages_name_the_shoes_of_a_shoe_conflict(admin_client):
    pegasus = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g1")
    vaporfly = Shoe.objects.create(name="Vaporfly 3")
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, gear="g1", shoe=pegasus)
    xlsx(MAY_1, 5.0, gear="vaporfly", shoe=vaporfly)
    reconcile_run()

    listing = admin_client.get(reverse("review:conflict_list")).content.decode()
    detail = admin_client.get(reverse("review:activity_detail", args=[Activity.objects.get().pk]))
    admin_list = admin_client.get(reverse("admin:reconcile_conflict_changelist")).content.decode()

    assert "Strava: Pegasus 40" in listing and "Training log: Vaporfly 3" in listing
    for page in (detail.content.decode(), admin_list):
        assert "Pegasus 40" in page and "Vaporfly 3" in page


def test_a_workout_type_conflict_is_resolved_on_the_review_page_by_source_or_typed_value(admin_client):
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, workout_type="race")
    xlsx(MAY_1, 5.0, workout_type="long")
    reconcile_run()
    url = reverse("review:conflict_resolve", args=[_conflict("workout_type").pk])

    admin_client.post(url, {"choice": "source:strava"})
    assert Activity.objects.get().workout_type == "race"
    admin_client.post(url, {"choice": "custom", "custom_value": "  Tempo  "})
    assert Activity.objects.get().workout_type == "tempo"
    assert ManualOverride.objects.get(field_name="workout_type").value == "tempo"


def test_stravas_generic_workout_type_agrees_with_a_specific_one():
    fit(SHA_A, MORNING, 8050.0)
    strava("9001", MORNING, 8050.0, workout_type="workout")
    xlsx(MAY_1, 5.0, workout_type="interval")

    reconcile_run()

    assert not Conflict.objects.filter(field_name="workout_type").exists()
    assert Activity.objects.get().workout_type == "interval"

"""Admin edits and actions on activities: an edit becomes an override; review flags; merging."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity
from reconcile.models import ManualOverride
from reconcile.services import reconcile_run
from tests.support.admin_forms import activity_admin_edit
from tests.support.factories import T0, fit_record, strava_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(reconciled_activity):
    return reconciled_activity


def test_editing_a_field_in_the_admin_becomes_an_override_that_survives_reconcile(admin_client, activity):
    response = activity_admin_edit(admin_client, activity, distance_m="6000", workout_type="interval")
    assert response.status_code == 200
    assert "Manual override set for: distance_m." in response.content.decode()
    override = ManualOverride.objects.get()
    assert (override.field_name, override.value, override.created_by.username) == (
        "distance_m",
        6000.0,
        "admin",
    )
    reconcile_run(all=True)
    activity.refresh_from_db()
    assert activity.distance_m == 6000.0
    assert activity.provenance["distance_m"] == "manual_override"
    assert activity.avg_pace_s_per_km == pytest.approx(1800 / 6)


def test_saving_an_unchanged_activity_creates_no_override(admin_client, activity):
    activity_admin_edit(admin_client, activity)
    assert not ManualOverride.objects.exists()


def test_editing_review_flags_saves_them_without_an_override(admin_client, activity):
    activity_admin_edit(admin_client, activity, needs_review="on", review_reason="check the shoe")
    activity.refresh_from_db()
    assert activity.needs_review and activity.review_reason == "check the shoe"
    assert not ManualOverride.objects.exists()


def test_merge_action_joins_two_activities_into_the_oldest(admin_client):
    fit_record()
    strava_record(start=T0 + dt.timedelta(hours=3))  # too far apart to match: two activities
    reconcile_run()
    first, second = Activity.objects.order_by("pk")
    page = admin_client.post(
        reverse("admin:activities_activity_changelist"),
        {"action": "merge_activities", "_selected_action": [first.pk, second.pk]},
        follow=True,
    ).content.decode()
    assert f"Merged 1 activity into #{first.pk}." in page
    assert list(Activity.objects.values_list("pk", flat=True)) == [first.pk]
    assert sorted(first.sources.values_list("source", flat=True)) == ["fit_file", "strava"]

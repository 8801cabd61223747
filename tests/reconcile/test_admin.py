"""Conflict and override admin actions: approve, resolve with a source or the priority, clear, re-resolve."""

import pytest
from django.urls import reverse

from activities.models import Activity
from reconcile.models import Conflict, ManualOverride
from tests.support.admin_forms import activity_admin_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(reconciled_activity):
    return reconciled_activity


def _act(admin_client, action, conflicts):
    return admin_client.post(
        reverse("admin:reconcile_conflict_changelist"),
        {"action": action, "_selected_action": [c.pk for c in conflicts]},
        follow=True,
    ).content.decode()


def test_approve_action_approves_the_auto_resolved_conflicts_and_reports_the_count(admin_client, activity):
    conflicts = list(Conflict.objects.all())
    assert {c.status for c in conflicts} == {Conflict.Status.AUTO_RESOLVED} and len(conflicts) == 3
    confirmation = _act(admin_client, "approve_auto_resolved", conflicts)
    assert "Approve automatic choices" in confirmation and "Distance" in confirmation
    assert not Conflict.objects.filter(approved_at__isnull=False).exists()  # nothing before confirming
    page = admin_client.post(
        reverse("admin:reconcile_conflict_changelist"),
        {
            "action": "approve_auto_resolved",
            "_selected_action": [c.pk for c in conflicts],
            "confirmed": [c.pk for c in conflicts],
            "post": "yes",
        },
        follow=True,
    ).content.decode()
    assert "Approved 3 auto-resolved conflict(s)." in page
    assert all(c.approved_at and c.approved_by.username == "admin" for c in Conflict.objects.all())
    again = _act(admin_client, "approve_auto_resolved", conflicts)
    assert "None of the selected conflicts is an auto-resolved value awaiting approval." in again


def test_resolve_with_a_chosen_source_overrides_the_field(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    page = _act(admin_client, "resolve_with_strava", [conflict, Conflict.objects.get(field_name="avg_hr")])
    assert "Resolved 2 conflict(s) with the strava value; skipped 0." in page
    activity.refresh_from_db()
    assert activity.distance_m == 6100.0 and activity.avg_hr == 146.0
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_source) == (Conflict.Status.MANUAL_RESOLVED, "strava")


def test_resolve_with_a_source_that_has_no_value_skips_the_conflict(admin_client, activity):
    page = _act(admin_client, "resolve_with_runalyze", [Conflict.objects.get(field_name="distance_m")])
    assert "Resolved 0 conflict(s) with the runalyze value; skipped 1." in page
    assert not ManualOverride.objects.exists()


def test_resolve_with_the_highest_priority_value(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    conflict.source_values["master_xlsx"] = 5800.0
    conflict.save()
    page = _act(admin_client, "resolve_with_preferred", [conflict])
    assert "Resolved 1 conflict(s) with the highest-priority source value." in page
    assert ManualOverride.objects.get().value == 5800.0


def test_clearing_an_override_hands_the_field_back_to_the_sources(admin_client, activity):
    activity_admin_edit(admin_client, activity, distance_m="6000")
    override = ManualOverride.objects.get()
    page = admin_client.post(
        reverse("admin:reconcile_manualoverride_changelist"),
        {"action": "clear_overrides", "_selected_action": [override.pk]},
        follow=True,
    ).content.decode()
    assert "Cleared 1 override(s)." in page
    activity.refresh_from_db()
    assert activity.distance_m == pytest.approx(5955.84)


def test_re_resolve_action_recomputes_fields_from_the_sources(admin_client, activity):
    Activity.objects.filter(pk=activity.pk).update(distance_m=1.0, avg_hr=None)
    page = admin_client.post(
        reverse("admin:activities_activity_changelist"),
        {"action": "re_resolve", "_selected_action": [activity.pk]},
        follow=True,
    ).content.decode()
    assert "Re-resolved 1 activity." in page
    activity.refresh_from_db()
    assert activity.distance_m == pytest.approx(5955.84) and activity.avg_hr == 145.0


def test_conflicts_are_filtered_by_the_fields_label(admin_client, activity):
    url = reverse("admin:reconcile_conflict_changelist")
    page = admin_client.get(url).content.decode()
    assert ">Distance</a>" in page and ">Avg HR</a>" in page
    filtered = admin_client.get(url, {"field_name": "distance_m"})
    assert [c.field_name for c in filtered.context["cl"].result_list] == ["distance_m"]

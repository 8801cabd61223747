"""The decision views without a browser: refusals shown as messages, nothing changed by a bad request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, ActivitySource
from reconcile.detach import record_detach
from reconcile.models import Conflict, Decision, ManualOverride, RecordPin
from reconcile.services import activity_merge, conflict_resolve, reconcile_run
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def treadmill() -> Activity:
    fit("a" * 64, START, 5 * MILE * 1.06)
    strava("9", START, 5 * MILE * 1.06)
    xlsx(dt.date(2024, 5, 1), 5.0)
    reconcile_run()
    return Activity.objects.get()


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_an_edit_naming_an_unknown_shoe_is_refused_and_changes_nothing(admin_client, treadmill):
    url = reverse("review:activity_edit", args=[treadmill.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, {"workout_name": "New name", "shoe": "Clifton 9"}, follow=True)
    assert "No shoe is called &#x27;Clifton 9&#x27;" in response.content.decode()
    treadmill.refresh_from_db()
    assert treadmill.workout_name == "Morning Run" and not Decision.objects.exists()


def test_an_unchanged_edit_form_records_nothing(admin_client, treadmill):
    values = {"workout_name": "Morning Run", "workout_type": "", "shoe": "", "notes": "", "rpe": ""}
    admin_client.post(reverse("review:activity_edit", args=[treadmill.pk]), values)
    assert not ManualOverride.objects.exists() and not Decision.objects.exists()


def test_a_record_joins_the_run_picked_and_a_record_of_another_run_is_not_found(admin_client, treadmill):
    other = Activity.objects.create(date=dt.date(2024, 5, 2), sport="running")
    record = ActivitySource.objects.get(source="strava")
    url = reverse("review:record_detach", args=[treadmill.pk])
    response = admin_client.post(url, {"record": record.pk, "into": other.pk}, follow=True)
    assert f'joined <a href="{reverse("review:activity_detail", args=[other.pk])}">' in _messages(response)
    assert RecordPin.objects.get(record=record).activity == other
    assert admin_client.post(url, {"record": record.pk}).status_code == 404  # it is on `other` now


def test_an_undo_that_is_refused_says_why(admin_client, treadmill):
    conflict = Conflict.objects.get(field_name="distance_m")
    conflict_resolve(conflict=conflict, source="fit_file")
    conflict_resolve(conflict=conflict, source="strava")
    first = Decision.objects.order_by("pk").first()
    response = admin_client.post(reverse("review:decision_undo", args=[first.pk]), follow=True)
    assert "cannot be undone: undo the later decision first" in _messages(response)
    assert response.redirect_chain[-1][0] == reverse("review:activity_detail", args=[treadmill.pk])


def test_a_decided_custom_value_is_shown_in_the_runners_units_and_checked(admin_client, treadmill):
    conflict = Conflict.objects.get(field_name="distance_m")
    conflict_resolve(conflict=conflict, value=9977.9328)
    page = admin_client.get(reverse("review:conflict_detail", args=[conflict.pk])).content.decode()
    assert 'value="custom" checked' in page and 'value="9.98 km"' in page
    assert 'value="source:master_xlsx" checked' not in page


def test_the_approval_page_says_when_nothing_waits(admin_client, treadmill):
    Conflict.objects.filter(status=Conflict.Status.AUTO_RESOLVED).delete()
    page = admin_client.get(reverse("review:conflicts_approve_all")).content.decode()
    assert "No automatic choice waits for approval." in page


def test_the_admin_detaches_records_through_the_same_service(admin_client, treadmill):
    record = ActivitySource.objects.get(source="strava")
    response = admin_client.post(
        reverse("admin:activities_activitysource_changelist"),
        {"action": "detach_records", "_selected_action": [record.pk]},
        follow=True,
    )
    assert "Detached 1 record(s) into runs of their own." in response.content.decode()
    record.refresh_from_db()
    assert record.activity_id != treadmill.pk
    assert Decision.objects.get().kind == Decision.Kind.DETACH


def test_a_merge_keeps_the_records_placed_by_hand_where_the_merge_puts_them(treadmill):
    record = ActivitySource.objects.get(source="strava")
    own = record_detach(record=record)
    merged = activity_merge(activity=own, into=treadmill)
    assert RecordPin.objects.get(record=record).activity == merged
    reconcile_run(all=True)
    record.refresh_from_db()
    assert record.activity_id == treadmill.pk


def test_an_approve_all_button_that_lists_nothing_leads_to_the_confirmation_page(admin_client, treadmill):
    url = reverse("review:conflicts_approve_all")
    response = admin_client.post(url)  # as the dashboard's button sends it
    assert response.status_code == 302 and response["Location"] == url
    assert not Conflict.objects.filter(approved_at__isnull=False).exists()


def test_a_pending_conflict_says_how_far_apart_its_sources_are(admin_client, treadmill):
    conflict = Conflict.objects.get(field_name="distance_m")
    page = admin_client.get(reverse("review:conflict_detail", args=[conflict.pk])).content.decode()
    # the log's 5.0 mi (8,046.7 m) and the watch's 5.3 mi (8,529.5 m): 482.8 m, 6 % of the smaller
    assert "Your sources disagree by 6 % (0.48 km): pick the right value." in page


def test_the_edit_form_marks_the_fields_holding_the_runners_own_value(admin_client, treadmill):
    url = reverse("review:activity_detail", args=[treadmill.pk])
    assert 'class="badge">yours<' not in admin_client.get(url).content.decode()
    admin_client.post(reverse("review:activity_edit", args=[treadmill.pk]), {"workout_name": "Tempo 5"})
    page = admin_client.get(url).content.decode()
    assert '<span>Name <span class="badge">yours</span></span>' in page
    assert page.count('class="badge">yours<') == 1  # the fields left as they were stay the sources'


def test_an_auto_resolved_conflict_is_approved_alone_from_its_page(admin_client, treadmill):
    hr = Conflict.objects.get(field_name="avg_hr")
    page = admin_client.get(reverse("review:conflict_detail", args=[hr.pk])).content.decode()
    assert "Approve 148" in page
    form = page.split('class="approve"')[1].split("</form>")[0]
    assert f'name="conflict" value="{hr.pk}"' in form
    response = admin_client.post(reverse("review:conflicts_approve_all"), {"conflict": [hr.pk]}, follow=True)
    assert "Approved 1 auto-resolved conflict(s)." in _messages(response)
    assert Conflict.objects.filter(approved_at__isnull=False).get() == hr
    again = admin_client.get(reverse("review:conflict_detail", args=[hr.pk])).content.decode()
    assert "Approve 148" not in again and "Approved by admin." in again

"""The activity page says what dated a run when its start's own record could not: another record's UTC
offset, or (no source stating one) the home time zone, a guess the runner should know about."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity
from reconcile.services import reconcile_run
from review.templatetags.review_tags import date_evidence, source_label
from tests.support.records import stored

pytestmark = pytest.mark.django_db
BERLIN_RUN = dt.datetime(2024, 4, 9, 5, 45, tzinfo=dt.UTC)  # 07:45 CEST


@pytest.fixture(autouse=True)
def at_home_in_california(settings):
    settings.RUNBASE_HOME_TZ = "America/Los_Angeles"


def _page(client, activity: Activity) -> str:
    return client.get(reverse("review:activity_detail", args=[activity.pk])).content.decode()


def test_a_run_dated_by_another_records_offset_names_that_source(admin_client):
    stored(source="fit_file", source_id="g" * 64, start_time=BERLIN_RUN, distance_m=10000.0, sport="")  # GPX
    stored(source="garmin", source_id="5", start_time=BERLIN_RUN, utc_offset_s=7200, distance_m=10000.0)
    reconcile_run()
    activity = Activity.objects.get()

    assert date_evidence(activity) == f"UTC offset from {source_label('garmin')}"
    page = _page(admin_client, activity)
    assert 'Tue 9 Apr 2024, 07:45 (UTC+02:00)</time> <span class="muted small">(UTC offset from' in page


def test_a_run_no_source_could_date_says_the_home_zone_did(admin_client):
    stored(source="strava", source_id="1", start_time=BERLIN_RUN, distance_m=10000.0, route="strava_export")
    reconcile_run()
    activity = Activity.objects.get()

    assert activity.date == dt.date(2024, 4, 8)  # 22:45 in California: the guess
    assert "dated by the home time zone: no source states its UTC offset" in _page(admin_client, activity)


def test_a_run_dated_by_its_own_start_record_says_nothing_more():
    activity = Activity(start_time=BERLIN_RUN, utc_offset_s=7200, provenance={"start_time": "fit_file"})
    activity.provenance["utc_offset_s"] = "fit_file"

    assert date_evidence(activity) == ""
    assert date_evidence(Activity(date=dt.date(2024, 4, 9))) == ""  # a log row's date: nothing to explain

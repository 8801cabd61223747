"""What the pages say after an action names the run as a runner does ("Wed 1 May 2024 · Morning Run ·
8.05 km"), never the model's own string ("2024-05-01 running 8.05 km") nor an id ("activity #9"); a
moved record's message links the run it went to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, ActivitySource
from reconcile.models import Conflict
from reconcile.services import reconcile_run
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def treadmill(settings) -> Activity:
    """The watch and Strava say 5.3 mi, the log 5 mi: one run, its distance disputed."""
    settings.RUNBASE_UNITS = "metric"
    fit("a" * 64, START, 5 * MILE * 1.06)
    strava("9", START, 5 * MILE * 1.06)
    xlsx(dt.date(2024, 5, 1), 5.0)
    reconcile_run()
    return Activity.objects.get()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_resolving_a_conflict_names_the_run(admin_client, treadmill):
    conflict = Conflict.objects.get(activity=treadmill, field_name="distance_m")
    url = reverse("review:conflict_resolve", args=[conflict.pk])
    response = admin_client.post(url, {"choice": "source:master_xlsx"}, follow=True)
    # 5 mi = 8046.72 m: "8.05 km", the run as the activity list names it.
    assert _messages(response) == ["Distance of Wed 1 May 2024 · Morning Run · 8.05 km set to 8.05 km."]


def test_marking_a_run_reviewed_names_it(admin_client, treadmill):
    Activity.objects.filter(pk=treadmill.pk).update(needs_review=True)
    response = admin_client.post(reverse("review:activity_reviewed", args=[treadmill.pk]), follow=True)
    assert _messages(response) == ["Wed 1 May 2024 · Morning Run · 8.05 km marked as reviewed."]


def test_a_detached_record_says_where_it_went_with_a_link(admin_client, treadmill):
    url = reverse("review:record_detach", args=[treadmill.pk])
    record = ActivitySource.objects.get(source="strava")
    response = admin_client.post(url, {"record": record.pk}, follow=True)
    alone = ActivitySource.objects.get(pk=record.pk).activity
    assert alone.pk != treadmill.pk
    link = f'<a href="{reverse("review:activity_detail", args=[alone.pk])}">Wed 1 May 2024 · '
    page = response.content.decode()
    assert "is now a run of its own: " + link in page  # a link, not escaped text
    assert "It stays there on every re-run." in page and "#" + str(alone.pk) not in _messages(response)[0]

    back = reverse("review:record_detach", args=[alone.pk])
    response = admin_client.post(back, {"record": record.pk, "into": treadmill.pk}, follow=True)
    link = f'<a href="{reverse("review:activity_detail", args=[treadmill.pk])}">Wed 1 May 2024 · '
    assert " joined " + link in response.content.decode()

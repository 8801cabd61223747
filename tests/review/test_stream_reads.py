"""A stream blob is read only where a page draws it, and then once: a 3-hour 1 Hz run is ~100 KB."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ActivitySource
from tests.support.factories import T0, fit_record, run_samples

pytestmark = pytest.mark.django_db

THREE_HOURS = 3 * 3600
# The blob column selected as a value; LENGTH("…"."data") is computed in the database and moves no blob.
BLOB_READ = re.compile(r'(?<!LENGTH\()"activities_stream"\."data"', re.IGNORECASE)


@pytest.fixture
def long_run() -> Activity:
    """A 3-hour 1 Hz watch recording and a shorter second recording of the same run, both with streams."""
    watch = fit_record(samples=run_samples(seconds=THREE_HOURS), name="long run")
    phone = fit_record(source_id="b" * 64, samples=run_samples(seconds=600), name="phone")
    activity = Activity.objects.create(date=dt.date(2024, 5, 1), start_time=T0, sport="running")
    ActivitySource.objects.filter(pk__in=[watch.pk, phone.pk]).update(activity=activity)
    return activity


def _blob_reads(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if BLOB_READ.search(q["sql"])]


def test_the_activity_page_reads_one_stream_blob_once(admin_client, long_run):
    reads = _blob_reads(admin_client, reverse("review:activity_detail", args=[long_run.pk]))
    assert len(reads) == 1
    watch = long_run.sources.get(workout_name="long run")
    assert str(watch.pk) in reads[0]  # the longest, most trusted recording is the one charted


def test_the_admin_activity_page_reads_no_stream_blob(admin_client, long_run):
    assert _blob_reads(admin_client, reverse("admin:activities_activity_change", args=[long_run.pk])) == []


def test_the_admin_record_page_reads_no_stream_blob(admin_client, long_run):
    record = long_run.sources.get(workout_name="long run")
    assert (
        _blob_reads(admin_client, reverse("admin:activities_activitysource_change", args=[record.pk])) == []
    )


def test_the_admin_stream_page_reads_its_blob_once(admin_client, long_run):
    stream = long_run.sources.get(workout_name="long run").stream
    assert len(_blob_reads(admin_client, reverse("admin:activities_stream_change", args=[stream.pk]))) == 1

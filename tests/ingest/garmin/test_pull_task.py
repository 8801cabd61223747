"""The daily pull: its django-q2 task resumes itself after a 429; its schedule waits for a sign-in."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from activities.models import ActivitySource
from ingest import tasks
from ingest.garmin.tokens import tokens_save
from ingest.locks import sync_lock
from ingest.watch import watched_sources
from tests.support.fake_http import FakeResponse

pytestmark = pytest.mark.django_db

GARMIN_SCHEDULE = "runbase: pull Garmin Connect + reconcile"


def test_a_rate_limited_task_schedules_its_own_resume(garmin_signed_in):
    garmin_signed_in.fail(
        r"/download-service/files/activity/1779790804",
        FakeResponse.json({"message": "Too Many Requests"}, 429, {"Retry-After": "600"}),
    )

    summary = tasks.sync_garmin_connect(reconcile=True)

    assert "stopped_by_rate_limit" in summary and " | reconcile: created=" in summary
    resume = Schedule.objects.get(name=tasks.GARMIN_RESUME)
    assert (resume.schedule_type, resume.func) == (Schedule.ONCE, "ingest.tasks.sync_garmin_connect")
    assert resume.kwargs == "reconcile=True"
    tasks.sync_garmin_connect(reconcile=True)  # the resumed run finishes; no second resume row
    assert Schedule.objects.filter(name=tasks.GARMIN_RESUME).count() == 1


def test_the_daily_schedule_is_off_until_garmin_tokens_are_stored(garmin_connect):
    out = io.StringIO()
    call_command("install_schedules", stdout=out)
    assert not Schedule.objects.filter(name=GARMIN_SCHEDULE).exists()
    assert f"{GARMIN_SCHEDULE}: off until garmin_tokens_stored()" in out.getvalue()

    call_command("garmin_login", email="runner@example.com", password="correct horse", stdout=io.StringIO())
    call_command("install_schedules", "--quiet", stdout=io.StringIO())

    daily = Schedule.objects.get(name=GARMIN_SCHEDULE)
    assert (daily.func, daily.schedule_type, daily.kwargs) == (
        "ingest.tasks.sync_garmin_connect",
        Schedule.DAILY,
        "reconcile=True",
    )


def test_the_command_prints_the_summary_and_reconciles(garmin_signed_in):
    out = io.StringIO()
    call_command("sync_garmin_connect", "--quiet", "--reconcile", stdout=out)
    text = out.getvalue()
    assert "Garmin Connect: activities: created=6" in text and "reconcile: created=" in text


def test_the_command_without_a_sign_in_fails_with_what_to_do(garmin_connect):
    with pytest.raises(Exception, match="garmin_login` first"):
        call_command("sync_garmin_connect", "--quiet", stdout=io.StringIO())


def test_health_watches_the_pull_once_it_is_set_up(garmin_connect):
    assert "garmin_connect" not in [source.name for source in watched_sources()]
    tokens_save(garmin_connect.stored_tokens())
    watched = {source.name: source.max_age for source in watched_sources()}
    assert watched["garmin_connect"] == dt.timedelta(days=3)  # a few daily runs may be missed


def test_the_pull_waits_for_a_running_export_import(garmin_signed_in):
    with sync_lock(name="garmin_export"), pytest.raises(CommandError, match="garmin_export sync is already"):
        call_command("sync_garmin_connect", "--quiet", stdout=io.StringIO())
    assert not ActivitySource.objects.exists()


def test_the_command_says_when_a_rate_limited_run_goes_on(garmin_signed_in):
    garmin_signed_in.fail(
        r"/activitylist-service/activities/search/activities",
        FakeResponse.json({"message": "Too Many Requests"}, 429, {"Retry-After": "3600"}),
    )
    out = io.StringIO()

    call_command("sync_garmin_connect", "--quiet", stdout=out)

    text = out.getvalue()
    assert "stopped_by_rate_limit resume_after=" in text
    assert "Stopped by Garmin's rate limit; run again after" in text and "continues where" in text

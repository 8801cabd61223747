"""The hourly notification checks: each raises its notification once, with hand-computed figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity, Shoe
from ingest.models import Notification, SyncState
from reconcile.models import Conflict
from reconcile.notices import notices_check
from tests.support.factories import strava_record
from tests.support.fake_ntfy import fake_ntfy, messages

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def every_event(settings, tmp_path):
    settings.RUNBASE_NOTIFY_EVENTS = ["source_quiet", "conflicts", "new_activities", "shoe", "weekly"]
    settings.RUNBASE_NOTIFY_URLS = ""
    settings.HEALTHFIT_DIR = tmp_path / "no HealthFit here"


def _run(day: dt.date, km: float, sport: str = "running", shoe: Shoe | None = None) -> Activity:
    start = dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC)
    return Activity.objects.create(date=day, start_time=start, sport=sport, distance_m=km * 1000, shoe=shoe)


def _titles(event: str) -> list[str]:
    return list(Notification.objects.filter(event=event).order_by("pk").values_list("title", flat=True))


def test_the_weekly_summary_covers_the_week_that_ended_once(settings):
    settings.RUNBASE_NOTIFY_EVENTS = ["weekly"]
    _run(dt.date(2026, 11, 22), 30.0)  # the week before
    _run(dt.date(2026, 11, 24), 10.0)
    _run(dt.date(2026, 11, 25), 40.0, sport="cycling")
    _run(dt.date(2026, 11, 26), 5.5)
    _run(dt.date(2026, 11, 29), 21.1)
    _run(dt.date(2026, 11, 30), 8.0)  # this week

    with fake_ntfy() as ntfy:
        settings.RUNBASE_NOTIFY_URLS = ntfy.ntfy_url
        notices_check(now=MONDAY)
        notices_check(now=MONDAY + dt.timedelta(hours=1))
        sent = messages(ntfy)

    # 10 + 5.5 + 21.1 = 36.6 km in three runs, the longest on Sunday 29 November.
    assert [(m["title"], m["message"]) for m in sent] == [
        (
            "RunBase: week of 23 Nov 2026: 36.6 km in 3 running run(s)",
            "Distance 36.6 km, runs 3, longest 21.1 km on Sun 29 Nov. Conflicts to review: 0.",
        )
    ]


def test_a_shoe_past_its_threshold_is_notified_once(settings):
    shoe = Shoe.objects.create(name="Pegasus 40", retire_at_m=50_000)
    worn = Shoe.objects.create(name="Old trainer", retire_at_m=10_000, retired=True)
    for day, km in ((1, 20.0), (2, 20.0), (3, 12.5)):
        _run(dt.date(2026, 11, day), km, shoe=shoe)
    _run(dt.date(2026, 11, 4), 30.0, shoe=worn)

    notices_check(now=MONDAY)
    notices_check(now=MONDAY)

    assert _titles("shoe") == ["RunBase: Pegasus 40 is past 50.0 km"]
    assert Notification.objects.get(event="shoe").body.startswith("52.5 km in 3 run(s) since 2026-11-01.")


def test_new_conflicts_make_one_digest_a_day(review_data):
    notices_check()
    notices_check()

    assert _titles("conflicts") == ["RunBase: 1 new conflict(s) to review"]
    assert Notification.objects.get(event="conflicts").body == (
        "distance_m (1). 1 pending in all: open Conflicts on the review pages."
    )
    assert Conflict.objects.filter(status=Conflict.Status.PENDING).count() == 1


def test_new_activities_are_off_by_default_and_listed_when_on(settings):
    _run(dt.date(2026, 11, 29), 21.1)
    settings.RUNBASE_NOTIFY_EVENTS = ["weekly"]
    notices_check()
    assert not Notification.objects.filter(event="new_activities").exists()

    settings.RUNBASE_NOTIFY_EVENTS = ["new_activities"]
    notices_check()
    notices_check()

    assert _titles("new_activities") == ["RunBase: 1 new activity"]
    assert Notification.objects.get(event="new_activities").body == "Sun 29 Nov running 21.1 km"


def test_healthfit_gone_quiet_while_strava_records_runs(settings, tmp_path):
    settings.HEALTHFIT_DIR = tmp_path
    now = timezone.now()
    SyncState.objects.create(name="icloud", last_activity_at=now - dt.timedelta(days=6))
    notices_check()
    assert not _titles("source_quiet")  # nobody ran since: quiet is fine

    strava_record(start=now - dt.timedelta(days=2))
    notices_check()
    notices_check()

    assert _titles("source_quiet") == ["RunBase: no new HealthFit workout for 6 days"]


def test_icloud_files_pending_for_over_a_day(settings, tmp_path):
    settings.HEALTHFIT_DIR = tmp_path
    long_ago = (timezone.now() - dt.timedelta(hours=30)).isoformat()
    just_now = timezone.now().isoformat()
    SyncState.objects.create(
        name="icloud",
        cursor={"pending": ["a.fit", "b.fit"], "pending_since": {"a.fit": long_ago, "b.fit": just_now}},
    )

    notices_check()
    notices_check()

    assert _titles("source_quiet") == ["RunBase: 1 HealthFit file(s) waiting for iCloud for over a day"]


def test_no_weekly_summary_before_anything_is_recorded(settings):
    settings.RUNBASE_NOTIFY_EVENTS = ["weekly"]

    assert notices_check(now=MONDAY).raised == []
    assert not Notification.objects.exists()

"""The Garmin Connect pull's behaviour as a sync: cursor, re-reads, shoes and every fault, on a light
account (five small files and a manual run of the sample export)."""

from __future__ import annotations

import datetime as dt
import json
import stat
import time

import pytest

from activities.models import ActivitySource, Shoe
from ingest.garmin.client import GarminAuthError, GarminChallenge, GarminError
from ingest.garmin.connect_parser import item_start
from ingest.garmin.pull import SYNC_NAME, garmin_connect_sync
from ingest.garmin.tokens import token_path, tokens_save
from ingest.models import Notification, SyncState
from tests.support.fake_garmin_connect import jwt
from tests.support.fake_http import FakeResponse

pytestmark = pytest.mark.django_db

LOCH_NESS = "412636013"  # 2013, far below any re-read window
FENIX_RUN, FENIX_BIKE, EDGE_BIKE = "1779790804", "1782817975", "1782865334"


def _pull(**kwargs):
    kwargs.setdefault("page_size", 2)
    kwargs.setdefault("workers", 1)
    return garmin_connect_sync(**kwargs)


def _garmin_ids() -> set[str]:
    return set(ActivitySource.objects.filter(source="garmin").values_list("source_id", flat=True))


def test_paging_lists_every_page(garmin_signed_in):
    result = _pull(page_size=4)

    lists = [r for r in garmin_signed_in.api_requests() if r.path.endswith("/search/activities")]
    assert [r.query["start"][0] for r in lists] == ["0", "4"]  # six activities: a full page, a short one
    assert _garmin_ids() == {str(i["activityId"]) for i in garmin_signed_in.listed()}
    assert (result.created, result.downloaded, result.without_file) == (6, 5, 1)


def test_a_second_pull_downloads_nothing_and_changes_nothing(garmin_signed_in):
    _pull()
    before = sorted(ActivitySource.objects.values_list("source", "source_id", "content_hash"))
    calls = len(garmin_signed_in.api_requests())

    again = _pull(all=True)

    assert sorted(ActivitySource.objects.values_list("source", "source_id", "content_hash")) == before
    assert (again.created, again.updated, again.unchanged, again.downloaded) == (0, 0, 6, 0)
    assert not [r for r in garmin_signed_in.api_requests()[calls:] if "download-service" in r.path]


def test_an_incremental_pull_lists_down_to_the_reread_window_only(garmin_signed_in):
    _pull()
    newest = item_start(garmin_signed_in.listed()[0])
    assert SyncState.objects.get(name=SYNC_NAME).cursor["newest"] == newest.timestamp()
    new = dict(garmin_signed_in.items[FENIX_RUN])
    new.update(activityId=99000001, activityName="New tempo", startTimeGMT="2018-01-02 07:00:00")
    new.update(startTimeLocal="2018-01-02 08:00:00")
    garmin_signed_in.add(new, garmin_signed_in.originals[FENIX_RUN])
    garmin_signed_in.items[FENIX_BIKE]["activityName"] = "Renamed on Garmin"
    calls = len(garmin_signed_in.api_requests())

    result = _pull(page_size=2)

    listed = garmin_signed_in.listed()
    below = next(i for i, item in enumerate(listed) if item_start(item) < newest - dt.timedelta(days=7))
    lists = [r for r in garmin_signed_in.api_requests()[calls:] if r.path.endswith("/search/activities")]
    assert [int(r.query["start"][0]) for r in lists] == list(range(0, below + 1, 2))  # not one page more
    assert (result.created, result.updated) == (1, 1)
    assert (
        ActivitySource.objects.get(source="garmin", source_id=FENIX_BIKE).workout_name == "Renamed on Garmin"
    )
    assert ActivitySource.objects.get(source="garmin", source_id="99000001").utc_offset_s == 3600
    assert result.files.already_seen == 1  # the same bytes as an earlier run: one file, one record


def test_shoes_come_from_garmin_gear(garmin_signed_in):
    garmin_signed_in.add_shoe("a1b2-shoe", "Asics Gel Nimbus", [FENIX_RUN, LOCH_NESS])
    garmin_signed_in.add_shoe("c3d4-shoe", "Nike Pegasus", ["1788750977"], retired=True)

    _pull()

    nimbus = Shoe.objects.get(garmin_gear_uuid="a1b2-shoe")
    assert (nimbus.name, nimbus.brand, nimbus.model, nimbus.retired) == (
        "Asics Gel Nimbus",
        "Asics",
        "Gel Nimbus",
        False,
    )
    assert Shoe.objects.get(garmin_gear_uuid="c3d4-shoe").retired
    worn = ActivitySource.objects.filter(source="garmin", shoe=nimbus).values_list("source_id", "gear")
    assert sorted(worn) == sorted([(FENIX_RUN, "Asics Gel Nimbus"), (LOCH_NESS, "Asics Gel Nimbus")])
    assert ActivitySource.objects.filter(source="garmin", shoe__isnull=True).count() == 3

    garmin_signed_in.gear[0]["displayName"] = "Nimbus (retired soon)"  # renamed on Garmin
    _pull(all=True)

    assert Shoe.objects.count() == 2
    assert ActivitySource.objects.get(source="garmin", source_id=FENIX_RUN).shoe == nimbus


def test_a_429_stops_cleanly_and_the_next_run_goes_on(garmin_signed_in):
    garmin_signed_in.fail(
        rf"/download-service/files/activity/{FENIX_RUN}",
        FakeResponse.json({"message": "Too Many Requests"}, 429, {"Retry-After": "1800"}),
    )
    before = dt.datetime.now(dt.UTC)

    stopped = _pull()

    assert stopped.resume_at is not None
    assert dt.timedelta(minutes=29) < stopped.resume_at - before < dt.timedelta(minutes=31)
    assert "stopped_by_rate_limit" in stopped.summary()
    done = _garmin_ids()
    assert FENIX_RUN not in done and 0 < len(done) < 6
    state = SyncState.objects.get(name=SYNC_NAME)
    assert "resume_at" in state.cursor and "newest" not in state.cursor
    assert "429" in state.last_error

    finished = _pull()

    assert finished.resume_at is None and finished.created == 6 - len(done)
    assert len(_garmin_ids()) == 6
    assert "resume_at" not in SyncState.objects.get(name=SYNC_NAME).cursor


def test_a_429_without_retry_after_pauses_for_the_configured_time(garmin_signed_in, settings):
    settings.GARMIN_RATE_LIMIT_PAUSE_S = 7200
    garmin_signed_in.fail(r"/activitylist-service/activities/search/activities", FakeResponse.json({}, 429))
    before = dt.datetime.now(dt.UTC)

    stopped = _pull()

    assert dt.timedelta(minutes=119) < stopped.resume_at - before < dt.timedelta(minutes=121)
    assert _garmin_ids() == set()


def test_a_broken_download_fails_that_activity_alone_until_it_downloads(garmin_signed_in):
    garmin_signed_in.broken.add(LOCH_NESS)

    result = _pull()

    assert result.failed == 1 and LOCH_NESS in result.errors[0] and "broken" in result.errors[0]
    assert LOCH_NESS not in _garmin_ids() and len(_garmin_ids()) == 5
    retry = SyncState.objects.get(name=SYNC_NAME).cursor["retry"]
    assert retry == {LOCH_NESS: int(dt.datetime(2013, 2, 6, 12, 11, 14, tzinfo=dt.UTC).timestamp())}

    garmin_signed_in.broken.clear()
    again = _pull()  # incremental: the failed 2013 activity lies far below the re-read window

    assert (again.created, again.failed) == (1, 0) and LOCH_NESS in _garmin_ids()
    assert SyncState.objects.get(name=SYNC_NAME).cursor["retry"] == {}


def test_an_access_token_garmin_refuses_is_renewed_and_stored_owner_only(garmin_signed_in):
    garmin_signed_in.expire_access_token()  # the stored one now gets 401
    refresh_token = garmin_signed_in.refresh_token

    _pull()

    assert garmin_signed_in.refreshes == 1
    stored = json.loads(token_path().read_text())
    assert stored["di_token"] == garmin_signed_in.access_token
    assert stored["di_refresh_token"] != refresh_token
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(token_path().parent.stat().st_mode) == 0o700


def test_an_access_token_about_to_expire_is_renewed_before_the_first_call(garmin_connect):
    stale = garmin_connect.access_token = jwt(exp=time.time() + 60)  # renewed when < 15 minutes are left
    tokens_save(garmin_connect.stored_tokens())

    _pull()

    assert garmin_connect.refreshes == 1
    assert all(r.headers["authorization"] != f"Bearer {stale}" for r in garmin_connect.api_requests())
    assert json.loads(token_path().read_text())["di_token"] == garmin_connect.access_token


def test_a_revoked_sign_in_says_to_run_garmin_login_again(garmin_signed_in):
    garmin_signed_in.expire_access_token()
    garmin_signed_in.refresh_token = "revoked"

    with pytest.raises(GarminAuthError, match="garmin_login` again"):
        _pull()
    assert "garmin_login" in SyncState.objects.get(name=SYNC_NAME).last_error
    assert _garmin_ids() == set()
    notified = Notification.objects.get(subject=SYNC_NAME)
    assert notified.event == "credentials" and "garmin_login" in notified.body


def test_no_stored_tokens_says_to_sign_in_first(garmin_connect):
    with pytest.raises(GarminAuthError, match=r"run `python manage\.py garmin_login` first"):
        _pull()


def test_an_unreadable_token_file_says_to_sign_in_again(garmin_connect):
    token_path().parent.mkdir(parents=True)
    token_path().write_text("{not json")
    with pytest.raises(GarminAuthError, match=r"unreadable .*garmin_login` again"):
        _pull()


def test_a_403_says_what_to_do(garmin_signed_in):
    garmin_signed_in.fail(
        r"/userprofile-service/socialProfile",
        FakeResponse.json({"message": "Forbidden", "error": "ForbiddenException"}, 403),
    )
    with pytest.raises(GarminAuthError, match=r"403: Forbidden.*garmin_login"):
        _pull()


def test_a_login_challenge_page_is_named(garmin_signed_in):
    page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>"
    garmin_signed_in.fail(
        r"/activitylist-service/activities/search/activities",
        FakeResponse(403, page, {"Content-Type": "text/html; charset=UTF-8"}),
    )
    with pytest.raises(GarminChallenge, match=r"web page \('Just a moment\.\.\.', HTTP 403\)"):
        _pull()


def test_5xx_is_retried_then_given_up_with_a_message(garmin_signed_in, sleeps):
    oops = FakeResponse.json({"message": "Internal Server Error"}, 500)
    garmin_signed_in.fail(r"/userprofile-service/socialProfile", oops, times=2)

    _pull(sleep=sleeps)
    assert sleeps == [2, 4]

    sleeps.clear()
    garmin_signed_in.fail(r"/activitylist-service/activities/search/activities", oops, times=4)
    with pytest.raises(GarminError, match=r"HTTP 500 after 4 attempts; progress is kept"):
        _pull(sleep=sleeps)
    assert sleeps == [2, 4, 8]


def test_a_timeout_is_retried_then_given_up_with_a_message(garmin_signed_in, sleeps, settings):
    settings.GARMIN_TIMEOUT_S = 0.1
    garmin_signed_in.server.route("GET", r"/userprofile-service/socialProfile", lambda request: _slow(0.4))

    with pytest.raises(GarminError, match=r"ReadTimeout after 4 attempts"):
        _pull(sleep=sleeps)
    assert sleeps == [2, 4, 8]


def _slow(seconds: float) -> FakeResponse:
    time.sleep(seconds)
    return FakeResponse.json({})


def test_a_backfill_reports_its_progress_against_the_activity_count(garmin_signed_in):
    seen, lines = [], []

    _pull(progress=seen.append, log=lines.append)

    assert [(s.listed, s.total) for s in seen] == [(2, 6), (4, 6), (6, 6)]  # a batch per page of two
    assert (seen[-1].downloaded, seen[-1].failed) == (5, 0)
    assert any(line.startswith("garmin: 2/6 listed, ") and ", ETA " in line for line in lines)

    seen.clear()
    _pull(progress=seen.append)  # incremental: no count asked, no total
    assert seen and all(s.total is None for s in seen)

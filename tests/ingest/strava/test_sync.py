"""strava_sync against the fake Strava: real HTTP through stravalib, no patching."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import stat
import time

import pytest

from activities.models import ActivitySource, Shoe
from activities.selectors import stream_columns
from ingest.models import SyncState
from ingest.strava.client import StravaError, StravaInactive
from ingest.strava.sync import strava_sync
from ingest.strava.tokens import StravaAuthError, tokens_load, tokens_save
from tests.support.fake_http import FakeResponse

pytestmark = pytest.mark.django_db


def _outcomes(result) -> tuple[int, int, int]:
    return result.created, result.updated, result.unchanged


def test_a_first_sync_stores_every_activity_with_its_detail(strava, tokens, sleeps):
    result = strava_sync(sleep=sleeps)

    assert result.summary().startswith("created=6 updated=0 unchanged=0 failed=0 missing=0 deleted=0")
    record = ActivitySource.objects.get(source="strava", source_id="16188899900")
    assert (record.route, record.workout_name, record.workout_type) == ("strava_api", "6x800m", "workout")
    assert (record.calories, record.distance_m, record.duration_s, record.elapsed_s) == (
        712.0,
        9850.2,
        2836,
        2936,
    )
    assert record.avg_cadence_spm == pytest.approx(165.6)
    assert record.utc_offset_s == 7200 and record.local_date == dt.date(2025, 10, 22)
    assert record.notes.startswith("6x800m @ ~3:25/km")
    assert record.raw["external_id"] == "garmin_ping_402211334455"
    assert len(record.raw["splits_metric"]) > 0
    assert record.shoe.strava_gear_id == "g14823571" and record.shoe.name == "Nike Pegasus 40"
    assert record.laps.count() == len(strava.details[16188899900]["laps"])
    assert stream_columns(record=record) is None  # no --streams
    assert sleeps == []
    state = SyncState.objects.get(name="strava")
    assert state.cursor["after"] == int(dt.datetime(2025, 10, 29, 15, 10, 5, tzinfo=dt.UTC).timestamp())
    assert state.locked_by == ""


def test_a_ride_with_a_bike_makes_no_shoe(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)

    ride = ActivitySource.objects.get(source_id="16262233445")
    assert ride.shoe is None and ride.sport == "cycling"
    assert not Shoe.objects.filter(name="Canyon Endurace").exists()
    assert ride.avg_cadence_spm == 84.6  # rpm, not doubled


def test_running_the_sync_twice_changes_nothing(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    before = {r.source_id: (r.content_hash, r.updated_at) for r in ActivitySource.objects.all()}
    calls_before = len(strava.api_requests())

    second = strava_sync(sleep=sleeps)

    assert _outcomes(second) == (0, 0, 4)  # listed from 7 days before the newest stored activity
    assert {r.source_id: (r.content_hash, r.updated_at) for r in ActivitySource.objects.all()} == before
    second_calls = [r.path for r in strava.api_requests()[calls_before:]]
    assert second_calls == ["/api/v3/athlete", "/api/v3/athlete/activities"]  # summaries unchanged


def test_the_window_details_are_re_read_hourly_for_detail_only_edits(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    strava.details[16241122233]["description"] = "Legs felt heavy"
    soon = strava_sync(sleep=sleeps)
    later = time.time() + 3601

    result = strava_sync(sleep=sleeps, clock=lambda: later)

    assert soon.updated == 0 and (result.updated, result.unchanged) == (1, 3)
    assert ActivitySource.objects.get(source_id="16241122233").notes == "Legs felt heavy"
    re_read = [r.path for r in strava.api_requests()[-4:]]
    assert all(path.startswith("/api/v3/activities/") for path in re_read)


def test_a_rename_in_the_reread_window_is_picked_up(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    strava.edit(16241122233, name="Easy 8k with strides", workout_type=2)

    result = strava_sync(sleep=sleeps)

    assert _outcomes(result) == (0, 1, 3)
    record = ActivitySource.objects.get(source_id="16241122233")
    assert (record.workout_name, record.workout_type) == ("Easy 8k with strides", "long")


def test_the_reread_window_starts_from_the_cursor(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    page_requests = [r for r in strava.api_requests() if r.path.endswith("/activities")]
    strava_sync(sleep=sleeps)

    second_page = [r for r in strava.api_requests() if r.path.endswith("/activities")][len(page_requests)]
    newest = SyncState.objects.get(name="strava").cursor["after"]
    assert second_page.query["after"] == [str(newest - 7 * 86400)]
    assert second_page.query["per_page"] == ["200"]


def test_paging_reads_200_per_page_until_the_empty_last_page(strava, tokens, sleeps):
    strava.read_limits = strava.overall_limits = (2000, 20000)
    template = strava.summaries[16241122233]
    strava.summaries.clear()
    strava.details.clear()
    start = dt.datetime(2024, 1, 1, 6, 0, tzinfo=dt.UTC)
    for i in range(400):
        summary = copy.deepcopy(template)
        when = start + dt.timedelta(days=i)
        summary.update(id=1000 + i, name=f"Run {i}", start_date=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        summary["start_date_local"] = (when + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        strava.add(summary)

    result = strava_sync(sleep=sleeps)

    pages = [r for r in strava.api_requests() if r.path == "/api/v3/athlete/activities"]
    assert [r.query["page"] for r in pages] == [["1"], ["2"], ["3"]]
    assert result.created == 400 and ActivitySource.objects.count() == 400
    assert SyncState.objects.get(name="strava").cursor["after"] == int(
        (start + dt.timedelta(days=399)).timestamp()
    )


def test_an_expiring_token_is_refreshed_and_the_rotated_refresh_token_stored(strava, tokens, sleeps):
    expiring = tokens_load()
    expiring.expires_at = int(time.time()) + 60
    tokens_save(expiring)
    old_refresh = expiring.refresh_token

    result = strava_sync(sleep=sleeps)

    assert result.created == 6
    stored = tokens_load()
    assert stored.refresh_token != old_refresh and stored.refresh_token == strava.refresh_token
    assert stored.access_token == strava.access_token and stored.expires_at > time.time() + 3600
    assert stored.scope == tokens.scope and stored.athlete_id == 48213576
    from django.conf import settings

    assert stat.S_IMODE(settings.STRAVA_TOKEN_FILE.stat().st_mode) == 0o600
    assert strava.refreshes == 1


def test_a_dead_refresh_token_tells_the_user_to_run_strava_auth(strava, tokens, sleeps):
    expired = tokens_load()
    expired.expires_at = int(time.time()) - 10
    expired.refresh_token = "revoked-refresh-token"
    tokens_save(expired)

    with pytest.raises(StravaAuthError, match=r"refresh token.*strava_auth"):
        strava_sync(sleep=sleeps)
    assert SyncState.objects.get(name="strava").last_error.startswith("Strava refused the stored refresh")


def test_a_401_refreshes_once_and_carries_on(strava, tokens, sleeps):
    strava.access_token = "revoked-by-strava"  # the stored access token no longer works

    result = strava_sync(sleep=sleeps)

    assert result.created == 6 and strava.refreshes == 1
    assert tokens_load().refresh_token == strava.refresh_token


def test_a_401_after_the_refresh_asks_to_reauthorise(strava, tokens, sleeps):
    strava.fail(r"/api/v3/athlete", strava.fault("fault_401_invalid_token.json", 401), times=2)

    with pytest.raises(StravaAuthError, match=r"even after a refresh.*strava_auth"):
        strava_sync(sleep=sleeps)
    assert strava.refreshes == 1


def test_a_missing_scope_names_the_permission_to_grant(strava, tokens, sleeps):
    strava.fail(r"/api/v3/athlete/activities", strava.fault("fault_401_missing_scope.json", 401), times=2)

    with pytest.raises(StravaAuthError, match=r"lacks a permission.*strava_auth"):
        strava_sync(sleep=sleeps)


def test_an_inactive_application_points_to_the_subscription_and_the_export(strava, tokens, sleeps):
    inactive = {
        "message": "Forbidden",
        "errors": [{"resource": "Application", "field": "Status", "code": "Inactive"}],
    }
    strava.fail(r"/api/v3/athlete", FakeResponse.json(inactive, status=403))

    with pytest.raises(StravaInactive) as error:
        strava_sync(sleep=sleeps)
    message = str(error.value)
    assert "30 June 2026" in message and "subscription" in message and "import_strava_export" in message


def test_a_404_detail_is_skipped_and_recorded(strava, tokens, sleeps):
    strava.fail(r"/api/v3/activities/16213344556", strava.fault("fault_404_activity.json", 404))

    result = strava_sync(sleep=sleeps)

    assert (result.created, result.missing) == (5, 1)
    assert "16213344556" in result.errors[0]
    assert "16213344556" in SyncState.objects.get(name="strava").last_error
    assert not ActivitySource.objects.filter(source_id="16213344556").exists()


def test_a_5xx_is_retried_with_the_injected_sleep(strava, tokens, sleeps):
    strava.fail(
        r"/api/v3/activities/16188899900", FakeResponse.json({"message": "oops"}, status=503), times=2
    )

    result = strava_sync(sleep=sleeps)

    assert result.created == 6 and sleeps == [2, 4]


def test_a_persistent_5xx_stops_after_bounded_retries(strava, tokens, sleeps):
    strava.fail(r"/api/v3/athlete/activities", FakeResponse.json({"message": "down"}, status=502), times=9)

    with pytest.raises(StravaError, match="HTTP 502 after 4 attempts; try again later"):
        strava_sync(sleep=sleeps)
    assert sleeps == [2, 4, 8]


def test_a_timeout_is_retried(strava, tokens, sleeps):
    strava.delay["/api/v3/athlete"] = 2.0  # the client's timeout is 1 s in tests

    result = strava_sync(sleep=sleeps)

    assert result.created == 6 and sleeps == [2]


def test_a_429_keeps_the_work_done_and_the_cursor_and_says_when_to_resume(strava, tokens, samples, sleeps):
    headers = json.loads((samples / "strava/api/headers.json").read_text())["rate_limited_429_read"]
    headers = {k: v for k, v in headers.items() if k.startswith("X-")}
    # oldest first: the 12, 19 and 22 October runs are stored, then 429 on the 25 October one
    strava.fail(r"/api/v3/activities/16213344556", strava.fault("fault_429_rate_limit.json", 429, headers))

    result = strava_sync(sleep=sleeps)

    assert result.resume_at is not None and result.resume_at.minute % 15 == 0
    assert result.created == 3 and "rate limit" in result.stopped
    assert "resume_after" in result.summary()
    state = SyncState.objects.get(name="strava")
    assert "after" not in state.cursor  # the page was not finished: the cursor stays
    assert state.cursor["resume_at"] == result.resume_at.isoformat()
    assert "rate limit" in state.last_error
    assert sleeps == []


def test_the_budget_stops_before_the_window_is_exhausted(strava, tokens, sleeps):
    strava.read_limits = (6, 1000)  # athlete, stats, page, two details: one call left is kept spare

    result = strava_sync(sleep=sleeps)

    assert result.resume_at is not None and result.created == 2
    assert strava.reads == 5  # never a 429


def test_a_stopped_backfill_continues_where_it_stopped(strava, tokens, sleeps):
    strava.read_limits = (6, 1000)
    first = strava_sync(sleep=sleeps)
    strava.read_limits = (100, 1000)

    result = strava_sync(sleep=sleeps)

    assert first.created == 2 and (result.created, result.unchanged) == (4, 2)
    assert ActivitySource.objects.filter(source="strava").count() == 6


def test_all_marks_activities_deleted_on_strava_without_deleting_them(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    strava.delete(16150000111)

    result = strava_sync(all=True, sleep=sleeps)

    assert result.deleted == 1 and result.unchanged == 5
    gone = ActivitySource.objects.get(source_id="16150000111")
    assert gone.deleted_at is not None and gone.workout_name == "Sunday Long Run"


def test_streams_become_samples_with_steps_per_minute(strava, tokens, sleeps):
    result = strava_sync(streams=True, sleep=sleeps)

    record = ActivitySource.objects.get(source_id="16188899900")
    columns = stream_columns(record=record)
    raw = strava.streams[16188899900]
    assert len(columns["time"]) == len(raw["time"]["data"]) == 2937
    assert columns["cadence"][0] == raw["cadence"]["data"][0] * 2
    assert columns["heart_rate"][:3] == raw["heartrate"]["data"][:3]
    assert result.missing == 0  # the other activities have no streams on the fake: stored without


def test_a_retired_shoe_is_named_through_the_gear_endpoint(strava, tokens, sleeps):
    retired = dict(strava.gear["g15520933"], id="g99887766", name="Old Kinvara", retired=True)
    strava.gear["g99887766"] = retired
    strava.edit(16120034567, gear_id="g99887766")
    strava.details[16120034567].pop("gear", None)

    strava_sync(sleep=sleeps)

    shoe = ActivitySource.objects.get(source_id="16120034567").shoe
    assert (shoe.name, shoe.strava_gear_id, shoe.retired) == ("Old Kinvara", "g99887766", True)
    assert any(r.path == "/api/v3/gear/g99887766" for r in strava.api_requests())


def test_without_tokens_it_says_to_run_strava_auth(strava, sleeps):
    with pytest.raises(StravaAuthError, match=r"no Strava tokens.*strava_auth"):
        strava_sync(sleep=sleeps)


def test_tokens_never_reach_the_log(strava, tokens, sleeps, caplog):
    lines: list[str] = []
    caplog.set_level("DEBUG")
    expiring = tokens_load()
    expiring.expires_at = 0
    tokens_save(expiring)

    strava_sync(sleep=sleeps, log=lines.append)

    text = "\n".join(lines) + caplog.text + repr(tokens_load())
    for secret in (tokens.access_token, tokens.refresh_token, strava.access_token, strava.refresh_token):
        assert secret not in text
    from django.conf import settings

    assert json.loads(settings.STRAVA_TOKEN_FILE.read_text())["refresh_token"] == strava.refresh_token


class _Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _many(strava, count: int) -> None:
    template = strava.summaries[16241122233]
    strava.summaries.clear()
    strava.details.clear()
    start = dt.datetime(2024, 1, 1, 6, 0, tzinfo=dt.UTC)
    for i in range(count):
        when = start + dt.timedelta(days=i)
        summary = dict(template, id=1000 + i, name=f"Run {i}", start_date=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        strava.add(summary)
    strava.stats = {"all_run_totals": {"count": count}}


def test_a_backfill_bigger_than_a_window_finishes_over_runs_reading_each_detail_once(strava, tokens, sleeps):
    clock = _Clock(time.time())
    strava.clock = clock
    _many(strava, 250)
    lines: list[str] = []

    runs = 0
    while True:
        result = strava_sync(sleep=sleeps, clock=clock, log=lines.append)
        runs += 1
        if result.resume_at is None:
            break
        assert result.resume_at.timestamp() > clock.now
        clock.now = result.resume_at.timestamp()

    assert ActivitySource.objects.filter(source="strava").count() == 250
    details = [r.path for r in strava.api_requests() if re.fullmatch(r"/api/v3/activities/\d+", r.path)]
    assert len(set(details)) == 250
    assert len(details) <= 250 + 2 * 8  # plus the 7-day re-read window after each finished page
    assert runs == 3 and sleeps == []
    eta_lines = [line for line in lines if "ETA" in line]
    assert eta_lines[0].startswith("stopped: 97 listed") and "~154 to go, ETA 0:" in eta_lines[0]


def test_an_answer_that_is_not_json_is_a_clear_error(strava, tokens, sleeps):
    strava.fail(
        r"/api/v3/athlete", FakeResponse(200, "<html>captive portal</html>", {"Content-Type": "text/html"})
    )

    with pytest.raises(StravaError, match="the answer is not JSON"):
        strava_sync(sleep=sleeps)


def test_a_refresh_during_an_outage_is_a_clear_error(strava, tokens, sleeps):
    expiring = tokens_load()
    expiring.expires_at = 0
    tokens_save(expiring)
    strava.server.route("POST", r"/oauth/token", FakeResponse.json({"message": "down"}, status=503))

    with pytest.raises(StravaError, match=r"could not refresh the access token .*try again later"):
        strava_sync(sleep=sleeps)
    assert tokens_load().refresh_token == expiring.refresh_token  # the old pair is kept


def test_a_shoe_gone_from_the_athletes_list_is_checked_and_marked_retired(strava, tokens, sleeps):
    strava_sync(sleep=sleeps)
    strava.athlete["shoes"] = strava.athlete["shoes"][:1]
    strava.gear["g15520933"]["retired"] = True

    strava_sync(sleep=sleeps)

    shoe = Shoe.objects.get(strava_gear_id="g15520933")
    assert shoe.retired and (shoe.brand, shoe.model) == ("Saucony", "Endorphin Pro 3")
    assert not Shoe.objects.get(strava_gear_id="g14823571").retired


def test_an_implausible_activity_fails_alone_with_its_id(strava, tokens, sleeps):
    strava.details[16213344556]["average_heartrate"] = 400.0

    result = strava_sync(sleep=sleeps)

    assert (result.created, result.failed) == (5, 1)
    assert result.errors == ["activity 16213344556: strava:16213344556 has an implausible avg_hr: 400.0"]

"""`sync_runalyze` through the Personal API against the fake Runalyze server."""

from __future__ import annotations

import copy
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from activities.models import Activity, ActivitySource, AthleteDay, RunalyzeMetrics, Shoe
from activities.training_load import home_today
from ingest.locks import sync_lock
from ingest.models import SyncState
from ingest.records import SourceError
from ingest.runalyze.client import RunalyzeClient
from ingest.runalyze.sync import runalyze_sync
from tests.support.fake_http import FakeResponse, FakeServer

pytestmark = pytest.mark.django_db


def _sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_runalyze", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    """Everything a sync writes, with the timestamps that betray a rewrite."""
    return {
        "records": list(ActivitySource.objects.order_by("source_id").values()),
        "metrics": list(RunalyzeMetrics.objects.order_by("record_id").values()),
        "days": list(AthleteDay.objects.order_by("date").values()),
    }


def test_it_stores_every_activity_with_its_values(fake_runalyze, samples):
    output = _sync()

    assert (
        output.splitlines()[-1]
        == "Runalyze (api): created=8 updated=0 unchanged=0 failed=0 deleted=0 requests=5"
    )
    assert "created runalyze:191212647 2026-05-09 Fartlek in the park" in output
    assert ActivitySource.objects.filter(source="runalyze").count() == 8
    record = ActivitySource.objects.get(source="runalyze", source_id="191212647")
    item = next(item for item in fake_runalyze.items if item["id"] == 191212647)
    values = model_to_dict(record, exclude=["id", "content_hash", "changed_at", "shoe"])
    assert values == {
        "activity": None,
        "source": "runalyze",
        "source_id": "191212647",
        "route": "runalyze_api",
        "file": None,
        "start_time": dt.datetime(2026, 5, 9, 5, 48, 31, tzinfo=dt.UTC),
        "local_date": dt.date(2026, 5, 9),
        "utc_offset_s": 7200,
        "sport": "running",
        "sub_sport": "",
        "distance_m": 9800.0,
        "duration_s": 3050.0,
        "elapsed_s": 3080.0,
        "avg_pace_s_per_km": pytest.approx(3050 / 9.8),
        "avg_hr": 151.0,
        "max_hr": 178.0,
        "avg_cadence_spm": 174.0,
        "max_cadence_spm": None,
        "avg_speed_mps": pytest.approx(9800 / 3050),
        "total_ascent_m": 70.0,
        "total_descent_m": 71.0,
        "calories": None,
        "avg_power_w": None,
        "workout_name": "Fartlek in the park",
        "workout_type": "workout",
        "notes": 'Felt strong.\nLast 2 km with headwind, "heavy" legs.',
        "gear": "ASICS Novablast 5",
        "intensity_score": None,
        "parse_confidence": None,
        "device_manufacturer": "",
        "device_product": "",
        "device_serial": "",
        "raw": item,
        "needs_review": False,
        "review_reason": "",
        "deleted_at": None,
        "reconciled_at": None,
    }
    assert record.shoe == Shoe.objects.get(name="ASICS Novablast 5")
    metrics = model_to_dict(record.runalyze_metrics, exclude=["id", "record", "raw"])
    assert metrics == {
        "trimp": 95.0,
        "vo2max": 50.21,
        "vo2max_by_time": 38.27,
        "vo2max_with_elevation": 50.64,
        "training_effect": 3.4,
        "anaerobic_training_effect": 2.4,
        "hr_reserve_pct": 72.5,
        "hr_max_pct": 79.5,
    }
    assert record.runalyze_metrics.raw["hr_rest_used"] == 48.0
    assert record.changed_at is not None


def test_the_metrics_of_every_activity_match_the_derived_values(fake_runalyze, expected):
    _sync("--quiet")
    for want in expected["per_activity"]:
        metrics = RunalyzeMetrics.objects.get(record__source_id=str(want["id"]))
        assert (metrics.hr_reserve_pct, metrics.hr_max_pct, metrics.trimp) == (
            want["hr_reserve_pct"],
            want["hr_max_pct"],
            want["trimp"],
        )
        assert metrics.record.avg_cadence_spm == want["cadence_spm"]
        assert round(metrics.record.avg_pace_s_per_km, 1) == want["pace_s_per_km"]


def test_it_stores_the_athlete_values_per_day(fake_runalyze, expected):
    _sync("--quiet")

    today = AthleteDay.objects.get(date=home_today())
    assert (
        today.runalyze_fitness,
        today.runalyze_fatigue,
        today.runalyze_form,
        today.runalyze_vo2max,
        today.runalyze_marathon_shape,
    ) == (61.0, 74.0, -13.0, 46.57, 81.0)
    assert today.raw["runalyze_statistics"]["fitnessMaximum"] == 78
    assert AthleteDay.objects.get(date="2025-09-14").hr_max == 190.0
    assert AthleteDay.objects.get(date="2026-05-08").hr_rest == 48.0
    assert AthleteDay.objects.get(date="2026-05-09").hr_rest == 47.0
    # RunBase's own CTL/ATL/TSB beside it, day by day from the fixture TRIMPs.
    for want in expected["tsb_model_daily"]:
        day = AthleteDay.objects.filter(date=want["date"]).first()
        if day is None:
            assert want["ctl"] == 0.0  # before the first run: no row, load 0
            continue
        assert (day.trimp, day.ctl, day.atl, day.tsb) == pytest.approx(
            (want["trimp"], want["ctl"], want["atl"], want["tsb"]), abs=0.0015
        ), want["date"]
    assert AthleteDay.objects.filter(ctl__isnull=False).latest("date").date == home_today()


def test_a_second_sync_changes_nothing(fake_runalyze):
    _sync("--quiet")
    before = _snapshot()

    output = _sync()

    # The first page is re-read (no extra request): its runs are unchanged; page 2 is never fetched.
    last = output.splitlines()[-1]
    assert last == "Runalyze (api): created=0 updated=0 unchanged=8 failed=0 deleted=0 requests=4"
    assert _snapshot() == before


def test_an_incremental_sync_stops_at_the_page_of_the_first_stored_id(fake_runalyze):
    fake_runalyze.page_size = 3
    _sync("--quiet")
    newest = copy.deepcopy(fake_runalyze.items[0])
    newest.update(id=191213834, date_time="2026-05-11T07:00:00+02:00", title="Easy shakeout", trimp=40)
    fake_runalyze.items.append(newest)
    fake_runalyze.server.requests.clear()

    result = runalyze_sync()

    # Page 1 = the new run + the two newest stored ones; pages 2-4 are not fetched.
    assert (result.created, result.updated, result.unchanged, result.stopped_at) == (1, 0, 2, "191212647")
    assert [r.query["page"] for r in fake_runalyze.activity_requests] == [["1"]]
    assert AthleteDay.objects.get(date="2026-05-11").trimp == 40.0


def test_all_rereads_every_page_and_picks_up_older_edits(fake_runalyze):
    fake_runalyze.page_size = 3
    _sync("--quiet")
    fake_runalyze.items[3]["title"] = "Recovery jog (renamed)"  # the 4th newest: on page 2
    fake_runalyze.items[0]["title"] = "Fartlek in the park (edited)"  # the newest: on page 1

    incremental = _sync("--quiet")
    fake_runalyze.server.requests.clear()
    output = _sync("--all")

    assert "created=0 updated=1 unchanged=2" in incremental  # page 1 only: the recent edit
    assert ActivitySource.objects.get(source_id="191212647").workout_name == "Fartlek in the park (edited)"
    last = output.splitlines()[-1]
    assert last == "Runalyze (api): created=0 updated=1 unchanged=7 failed=0 deleted=0 requests=7"
    assert "updated runalyze:191209086 2026-04-29 Recovery jog (renamed)" in output
    assert [r.query["page"] for r in fake_runalyze.activity_requests] == [["1"], ["2"], ["3"], ["4"]]
    assert ActivitySource.objects.get(source_id="191209086").workout_name == "Recovery jog (renamed)"


def test_pages_are_followed_until_an_empty_page_and_the_order_is_newest_first(fake_runalyze):
    fake_runalyze.page_size = 3

    result = runalyze_sync()

    assert (result.created, result.pages, result.requests) == (8, 3, 7)
    assert [r.query for r in fake_runalyze.activity_requests] == [
        {"page": [str(n)], "order[id]": ["desc"]} for n in (1, 2, 3, 4)
    ]


def test_an_interrupted_first_sync_resumes_past_the_stored_ids(fake_runalyze):
    fake_runalyze.page_size = 3
    # Page 2 keeps failing: the first run stores page 1 (3 runs) and stops with an error.
    real_page = fake_runalyze.activity_page

    def failing(request):
        if request.query.get("page") == ["2"]:
            return FakeResponse(503, {"detail": "down"})
        return real_page(request)

    fake_runalyze.server.route("GET", "/api/v1/activity", fake_runalyze._api(failing))
    with pytest.raises(SourceError, match="failed with 503 after 4 tries"):
        runalyze_sync(sleep=lambda _s: None)
    assert ActivitySource.objects.count() == 3
    fake_runalyze.server.route("GET", "/api/v1/activity", fake_runalyze._api(real_page))

    result = runalyze_sync()

    assert (result.created, result.unchanged, result.stopped_at) == (5, 3, None)
    assert SyncState.objects.get(name="runalyze").cursor == {"backfill_complete": True}


def test_transient_server_errors_are_retried_a_bounded_number_of_times(fake_runalyze):
    pauses: list[float] = []
    fake_runalyze.failures = [502, 503, 429]

    result = runalyze_sync(sleep=pauses.append)

    assert result.created == 8
    assert pauses == [2.0, 4.0, 8.0]


def test_it_gives_up_after_the_retries_with_a_clear_message(fake_runalyze):
    pauses: list[float] = []
    fake_runalyze.failures = [502] * 10

    with pytest.raises(SourceError, match=r"metrics/heartRateMax failed with 502 after 4 tries: Bad Gateway"):
        runalyze_sync(sleep=pauses.append)

    assert pauses == [2.0, 4.0, 8.0]
    assert ActivitySource.objects.count() == 0
    assert "502" in SyncState.objects.get(name="runalyze").last_error


def test_a_wrong_token_stops_with_what_to_do(fake_runalyze, settings):
    settings.RUNALYZE_TOKEN = "expired"

    with pytest.raises(
        CommandError, match=r"Runalyze refused the token \(403: Access Denied\.\).*RUNALYZE_TOKEN"
    ):
        _sync()

    assert ActivitySource.objects.count() == 0


def test_a_missing_token_is_named(fake_runalyze, settings):
    settings.RUNALYZE_TOKEN = ""

    with pytest.raises(CommandError, match="RUNALYZE_TOKEN is not set"):
        _sync()

    assert fake_runalyze.server.requests == []


def test_the_client_sends_the_token_header_and_says_what_a_404_means(fake_runalyze):
    client = RunalyzeClient(sleep=lambda _s: None)

    assert client.get_json("/api/v1/activity/191207899")["title"] == "Stadtlauf 10 km"
    with pytest.raises(SourceError, match=r"Runalyze has no /api/v1/activity/1 \(404"):
        client.get_json("/api/v1/activity/1")
    sent = fake_runalyze.server.requests[0].headers
    assert sent["token"] == "personal-token-for-tests"
    assert sent["user-agent"].startswith("RunBase/")


def test_without_the_token_header_the_server_answers_no_valid_token(fake_runalyze):
    client = RunalyzeClient(sleep=lambda _s: None)
    del client.session.headers["token"]

    with pytest.raises(SourceError, match=r"\(401: No valid token\)"):
        client.get_json("/api/v1/activity")


def test_a_bad_activity_is_counted_and_the_rest_is_stored(fake_runalyze):
    fake_runalyze.items[2]["date_time"] = "yesterday"

    output = _sync()

    assert "created=7 updated=0 unchanged=0 failed=1" in output
    assert "failed runalyze:" in output and "bad date_time 'yesterday'" in output


def test_a_running_sync_blocks_a_second_one(fake_runalyze):
    with sync_lock(name="runalyze"), pytest.raises(CommandError, match="already running"):
        _sync()
    assert ActivitySource.objects.count() == 0


def test_quiet_prints_only_the_summary(fake_runalyze):
    output = _sync("--quiet")
    assert output.strip().splitlines() == [
        "Runalyze (api): created=8 updated=0 unchanged=0 failed=0 deleted=0 requests=5"
    ]


def test_reconcile_runs_after_the_sync_only_when_asked(fake_runalyze):
    assert _sync("--quiet").strip().splitlines()[-1].startswith("Runalyze (api): created=8 ")
    assert not Activity.objects.exists()

    lines = _sync("--quiet", "--reconcile").strip().splitlines()

    assert lines[0].startswith("Runalyze (api): created=0 updated=0 unchanged=8 ")
    assert lines[1].startswith("reconcile: created=8 ")
    assert Activity.objects.count() == 8


def test_the_raw_item_is_kept_verbatim(fake_runalyze, samples):
    _sync("--quiet")
    page = json.loads((samples / "runalyze/api/api_v1_activity.page1.order_desc.json").read_text())
    for item in page:
        assert ActivitySource.objects.get(source_id=str(item["id"])).raw == item


def test_all_marks_activities_gone_from_runalyze_as_deleted_and_drops_their_load(fake_runalyze):
    _sync("--quiet")
    fake_runalyze.items = [item for item in fake_runalyze.items if item["id"] != 191210273]

    assert "deleted=0" in _sync("--quiet")  # an incremental sync cannot know
    output = _sync("--all")

    assert "deleted runalyze:191210273 (no longer on Runalyze; kept, marked deleted)" in output
    assert output.splitlines()[-1].startswith(
        "Runalyze (api): created=0 updated=0 unchanged=7 failed=0 deleted=1"
    )
    assert ActivitySource.objects.get(source_id="191210273").deleted_at is not None
    assert AthleteDay.objects.get(date="2026-05-03").trimp == 0.0
    assert "deleted=0" in _sync("--all", "--quiet")


def test_the_vo2max_correction_factor_is_kept_on_today(fake_runalyze):
    _sync("--quiet")
    assert AthleteDay.objects.get(date=home_today()).raw["vo2max_correction_factor"] == 0.952372


def test_a_server_that_does_not_answer_is_retried_then_named():
    with FakeServer() as gone:
        url = gone.url  # closed again on exit: connections are refused
    pauses: list[float] = []
    client = RunalyzeClient(token="t", base_url=url, sleep=pauses.append)

    with pytest.raises(SourceError, match=r"no answer after 4 tries \(ConnectionError\); try again later"):
        client.get_json("/api/v1/activity")

    assert (pauses, client.calls) == ([2.0, 4.0, 8.0], 4)


def test_a_429_waits_as_long_as_retry_after_says(fake_runalyze):
    answers = iter([FakeResponse.json({"detail": "slow down"}, 429, {"Retry-After": "17"})])
    real = fake_runalyze.activity_page
    fake_runalyze.server.route(
        "GET", "/api/v1/activity", fake_runalyze._api(lambda request: next(answers, None) or real(request))
    )
    pauses: list[float] = []

    result = runalyze_sync(sleep=pauses.append)

    assert (result.created, pauses) == (8, [17.0])

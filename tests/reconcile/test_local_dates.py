"""A record's local date from its own evidence, in order: its own UTC offset > the offset of the recording
it carries or is paired with > Strava's start_date_local > the activity it joins > the home time zone.

The runner lives in California (home zone America/Los_Angeles). Their Berlin morning run starts at
07:45 CEST on 9 April 2024 = 05:45 UTC = 22:45 PDT on the 8th: the home zone puts it on the wrong day.
Their California evening run starts at 20:30 PDT on 9 April = 03:30 UTC on the 10th.
"""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity, ActivitySource
from ingest.placement import record_place
from ingest.records import FileHints, ParsedActivity
from ingest.strava.parser import parse_api_activity, start_date_local_hints
from reconcile.config import ReconcileConfig
from reconcile.matcher import ActivityIndex, Fit, RecordFacts, activity_fit, match_decide
from reconcile.services import reconcile_run
from tests.support.records import MILE, fit, stored, xlsx

LA = "America/Los_Angeles"
BERLIN_RUN = dt.datetime(2024, 4, 9, 5, 45, tzinfo=dt.UTC)  # 07:45 CEST, 22:45 PDT the evening before
CEST, PDT = 7200, -25200
RUN_DAY, HOME_EVE = dt.date(2024, 4, 9), dt.date(2024, 4, 8)
CFG = ReconcileConfig()


def _strava_row(**values) -> ParsedActivity:
    """A Strava export row: a UTC start and nothing else about time."""
    return ParsedActivity(source="strava", source_id="1", start_time=BERLIN_RUN, **values)


def _placed(record: ParsedActivity) -> tuple:
    return record.utc_offset_s, record.local_date, record.raw


# --- 1-3: what ingest knows ------------------------------------------------------------------------


def test_its_own_offset_beats_the_recording_it_is_paired_with():
    hints = FileHints(utc_offset_s=PDT, local_start=dt.datetime(2024, 4, 8, 22, 45), label="upload")

    record = record_place(_strava_row(utc_offset_s=CEST), hints=hints, home_tz=LA)

    assert _placed(record) == (CEST, RUN_DAY, {})


def test_the_paired_recordings_offset_beats_a_stated_local_start():
    # The local start says California (a profile zone); the upload's FIT says Berlin.
    hints = FileHints(utc_offset_s=CEST, local_start=dt.datetime(2024, 4, 8, 22, 45), label="upload")

    record = record_place(_strava_row(), hints=hints, home_tz=LA)

    assert _placed(record) == (CEST, RUN_DAY, {"utc_offset_from": "upload"})


def test_start_date_local_gives_the_offset_when_strava_states_none():
    summary = {
        "id": 1,
        "sport_type": "Run",
        "start_date": "2024-04-09T05:45:00Z",
        "start_date_local": "2024-04-09T07:45:00Z",  # local wall clock despite the Z
        "distance": 10000.0,
    }
    parsed = parse_api_activity(summary=summary)

    record = record_place(parsed, hints=start_date_local_hints(summary), home_tz=LA)

    assert (record.utc_offset_s, record.local_date) == (CEST, RUN_DAY)
    assert record.raw["utc_offset_from"] == "start_date_local"


def test_with_no_evidence_the_home_zone_dates_it_and_says_so_but_gives_no_offset():
    record = record_place(_strava_row(), home_tz=LA)

    assert _placed(record) == (None, HOME_EVE, {"local_date_from": "home time zone"})


# --- 4: the activity it joins (reconcile) ---------------------------------------------------------


def _facts(id: int, *, offset: int | None, day: dt.date, start=BERLIN_RUN, source="strava") -> RecordFacts:
    return RecordFacts(id, source, "run", start, day, 10000.0, utc_offset_s=offset)


def test_a_home_zone_date_follows_the_offset_of_the_activity_it_joins_and_leaves_with_it():
    index = ActivityIndex()
    row = _facts(1, offset=None, day=HOME_EVE)
    watch = _facts(2, offset=CEST, day=RUN_DAY, source="fit_file")
    index.add(row, 7)
    assert (row.local_date, dict(index.by_day)) == (HOME_EVE, {HOME_EVE: {7}})

    index.add(watch, 7)
    assert row.local_date == RUN_DAY and index.by_day[RUN_DAY] == {7} and not index.by_day[HOME_EVE]

    index.remove(watch)
    assert row.local_date == HOME_EVE and index.by_day[HOME_EVE] == {7} and not index.by_day[RUN_DAY]


def test_a_log_row_is_not_held_to_a_sportless_upload_of_its_run():
    # A Strava GPX upload names no sport; it joined the watch's recording by the clock.
    row = RecordFacts(9, "master_xlsx", "run", None, RUN_DAY, 10000.0)
    watch, gpx = _facts(1, offset=CEST, day=RUN_DAY), _facts(2, offset=None, day=RUN_DAY, source="fit_file")
    gpx.family = "unknown"

    assert activity_fit(row, [watch, gpx], 7, CFG) is not None
    assert activity_fit(gpx, [watch, row], 7, CFG) is not None  # the upload arriving after the row
    assert activity_fit(row, [gpx], 8, CFG) is None  # alone, it could be a ride
    assert activity_fit(gpx, [row], 9, CFG) is None


@pytest.fixture
def at_home_in_california(settings):
    settings.RUNBASE_HOME_TZ = LA


@pytest.mark.django_db
def test_a_strava_row_without_evidence_takes_its_activitys_date_so_the_log_row_joins(at_home_in_california):
    row = stored(
        source="strava", source_id="1", start_time=BERLIN_RUN, distance_m=10010.0, route="strava_export"
    )
    assert (row.local_date, row.utc_offset_s) == (HOME_EVE, None)  # the home zone's guess
    fit("w" * 64, BERLIN_RUN, 10000.0, utc_offset_s=CEST)
    xlsx(RUN_DAY, 6.2)

    reconcile_run()

    activity = Activity.objects.get()
    assert activity.sources.count() == 3
    assert (activity.date, activity.utc_offset_s, activity.provenance["date"]) == (RUN_DAY, CEST, "fit_file")


@pytest.mark.django_db
def test_a_strava_row_without_evidence_joins_a_run_reconciled_before_it_with_its_log_row(
    at_home_in_california,
):
    fit("w" * 64, BERLIN_RUN, 10000.0, utc_offset_s=CEST)
    xlsx(RUN_DAY, 6.2)
    reconcile_run()
    activity = Activity.objects.get()

    stored(source="strava", source_id="1", start_time=BERLIN_RUN, distance_m=10010.0, route="strava_export")
    reconcile_run()

    assert Activity.objects.get() == activity and activity.sources.count() == 3


@pytest.mark.django_db
def test_the_activitys_date_comes_from_a_stated_offset_even_when_the_start_record_states_none(
    at_home_in_california,
):
    # A GPX upload (a recording without an offset) starts the run; the Garmin summary states the offset.
    stored(source="fit_file", source_id="g" * 64, start_time=BERLIN_RUN, distance_m=10000.0, sport="")
    stored(source="garmin", source_id="5", start_time=BERLIN_RUN, utc_offset_s=CEST, distance_m=10000.0)

    reconcile_run()

    activity = Activity.objects.get()
    assert (activity.start_time, activity.date, activity.utc_offset_s) == (BERLIN_RUN, RUN_DAY, CEST)
    assert (activity.provenance["start_time"], activity.provenance["date"]) == ("fit_file", "garmin")


@pytest.mark.django_db
def test_a_berlin_double_day_joins_each_log_row_to_its_own_run(at_home_in_california):
    # 06:30 CEST = 04:30 UTC = 21:30 PDT the day before; 19:00 CEST = 17:00 UTC = 10:00 PDT the same day.
    morning, evening = BERLIN_RUN - dt.timedelta(minutes=75), BERLIN_RUN + dt.timedelta(hours=11, minutes=15)
    for n, start, metres in ((1, morning, 12000.0), (2, evening, 6000.0)):
        stored(source="strava", source_id=str(n), start_time=start, distance_m=metres, route="strava_export")
        fit(str(n) * 64, start, metres, utc_offset_s=CEST)
    xlsx(RUN_DAY, round(6000 / MILE, 1), row=2)
    xlsx(RUN_DAY, round(12000 / MILE, 1), row=3)

    reconcile_run()

    runs = {a.start_time: a for a in Activity.objects.all()}
    assert len(runs) == 2
    for start, metres in ((morning, 12000.0), (evening, 6000.0)):
        assert runs[start].date == RUN_DAY
        sources = dict(runs[start].sources.values_list("source", "distance_m"))
        assert sources["strava"] == sources["fit_file"] == metres
        assert sources["master_xlsx"] == pytest.approx(metres, rel=0.02)


def test_a_recording_that_started_with_the_record_beats_a_log_row_met_by_date_alone():
    by_clock, by_date = Fit(1, 0.4, 3.0, 0.09), Fit(2, 0.2, None, 0.04)

    assert match_decide([by_clock, by_date], CFG).activity_key == 1


@pytest.mark.django_db
def test_a_watch_file_arriving_last_joins_the_strava_row_it_started_with_not_a_guess(at_home_in_california):
    # The Strava row (no evidence: dated the evening before) and the log row came first, apart.
    stored(source="strava", source_id="1", start_time=BERLIN_RUN, distance_m=10010.0, route="strava_export")
    xlsx(RUN_DAY, 6.2)
    reconcile_run()
    strava_run = ActivitySource.objects.get(source="strava").activity

    fit("w" * 64, BERLIN_RUN, 10000.0, utc_offset_s=CEST)
    reconcile_run()

    strava_run.refresh_from_db()
    assert sorted(strava_run.sources.values_list("source", flat=True)) == ["fit_file", "strava"]
    assert (strava_run.date, strava_run.utc_offset_s, strava_run.needs_review) == (RUN_DAY, CEST, False)
    # The log row stays in its own activity: existing activities are never merged behind the runner's back.
    assert Activity.objects.count() == 2


# --- 5: the home zone, last -----------------------------------------------------------------------


@pytest.mark.django_db
def test_with_nothing_but_the_home_zone_the_log_row_of_the_berlin_date_stays_apart(at_home_in_california):
    stored(source="strava", source_id="1", start_time=BERLIN_RUN, distance_m=10010.0, route="strava_export")
    xlsx(RUN_DAY, 6.2)

    reconcile_run()

    dates = sorted(Activity.objects.values_list("date", flat=True))
    assert dates == [HOME_EVE, RUN_DAY]
    assert ActivitySource.objects.filter(activity__isnull=True).count() == 0

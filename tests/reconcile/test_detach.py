"""Detaching a wrongly matched record: its own run or the run the runner picks, pinned for good."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from activities.models import Activity, ActivitySource
from reconcile.decisions import decision_undo
from reconcile.detach import record_detach
from reconcile.errors import ReconcileError
from reconcile.models import Decision, RecordPin
from reconcile.services import activity_merge, reconcile_run
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)
MAY_1 = dt.date(2024, 5, 1)


@pytest.fixture
def person():
    return get_user_model().objects.create_user("runner")


@pytest.fixture
def morning() -> Activity:
    """A watch file, Strava and the log's row, matched into one run."""
    fit("a" * 64, START, 8050.0)
    strava("9", START, 8050.0)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    return Activity.objects.get()


def _strava() -> ActivitySource:
    return ActivitySource.objects.get(source="strava")


def test_a_detached_record_becomes_its_own_run_and_stays_one_after_reconcile_all(morning, person):
    own = record_detach(record=_strava(), detached_by=person)

    assert own.pk != morning.pk
    assert (own.date, own.distance_m, own.provenance["distance_m"]) == (MAY_1, 8050.0, "strava")
    assert set(morning.sources.values_list("source", flat=True)) == {"fit_file", "master_xlsx"}
    decision = Decision.objects.get()
    assert (decision.kind, decision.activity, decision.other_activity, decision.made_by) == (
        Decision.Kind.DETACH,
        morning,
        own,
        person,
    )
    assert decision.summary == "Moved Strava · Morning Run to its own activity"

    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=2 conflicts=0")
    assert _strava().activity_id == own.pk


def test_a_detached_record_does_not_rejoin_when_it_changes_at_its_source(morning):
    own = record_detach(record=_strava())
    strava("9", START, 8060.0)  # edited on Strava and synced again: a changed record
    reconcile_run()
    assert _strava().activity_id == own.pk
    reconcile_run(all=True)
    assert _strava().activity_id == own.pk


def test_a_record_attached_by_hand_stays_on_the_run_chosen(morning):
    evening = START + dt.timedelta(hours=9)
    fit("b" * 64, evening, 5000.0)
    reconcile_run()
    later = Activity.objects.get(start_time=evening)

    record_detach(record=_strava(), into=later)

    assert _strava().activity_id == later.pk
    assert RecordPin.objects.get().activity == later
    reconcile_run(all=True)
    assert _strava().activity_id == later.pk
    later.refresh_from_db()
    assert later.provenance["workout_name"] == "strava"


def test_a_run_more_than_a_day_away_is_refused(morning):
    far = Activity.objects.create(date=MAY_1 + dt.timedelta(days=3), sport="running")
    with pytest.raises(ReconcileError, match="pick a run within a day of it"):
        record_detach(record=_strava(), into=far)
    with pytest.raises(ReconcileError, match="already part of activity"):
        record_detach(record=_strava(), into=morning)
    assert _strava().activity_id == morning.pk and not Decision.objects.exists()


def test_undoing_a_detach_puts_the_record_back_and_removes_the_run_it_made(morning, person):
    before = (morning.distance_m, morning.provenance, ActivitySource.objects.filter(activity=morning).count())
    own = record_detach(record=_strava(), detached_by=person)

    decision_undo(decision=Decision.objects.get(), undone_by=person)

    morning.refresh_from_db()
    assert _strava().activity_id == morning.pk
    assert not Activity.objects.filter(pk=own.pk).exists()
    assert not RecordPin.objects.exists()
    assert (morning.distance_m, morning.provenance, morning.sources.count()) == before
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=1 conflicts=0")


def test_a_log_row_detached_keeps_its_miles(morning):
    row = ActivitySource.objects.get(source="master_xlsx")
    own = record_detach(record=row)
    assert own.distance_m == pytest.approx(5 * MILE)
    reconcile_run(all=True)
    row.refresh_from_db()
    assert row.activity_id == own.pk


def test_undoing_a_detach_after_its_run_was_merged_resolves_the_run_it_leaves(morning):
    evening = START + dt.timedelta(hours=9)
    fit("b" * 64, evening, 5000.0)
    reconcile_run()
    later = Activity.objects.get(start_time=evening)
    own = record_detach(record=_strava())
    activity_merge(activity=own, into=later)  # the runner merged the detached record's run by hand

    decision_undo(decision=Decision.objects.get(kind=Decision.Kind.DETACH))

    later.refresh_from_db()
    assert _strava().activity_id == morning.pk
    assert later.provenance.get("workout_name") != "strava"  # resolved again without the record
    assert later.sources.count() == 1

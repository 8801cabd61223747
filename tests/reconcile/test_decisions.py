"""The runner's decisions: resolving and approving conflicts, editing fields, clearing overrides."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from activities.models import Activity, Shoe
from ingest.locks import sync_lock
from reconcile.errors import ReconcileError
from reconcile.models import Conflict, ManualOverride
from reconcile.services import (
    activity_edit,
    activity_merge,
    conflict_approve,
    conflict_resolve,
    override_clear,
    reconcile_run,
)
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def runner():
    return get_user_model().objects.create_user("runner")


@pytest.fixture
def treadmill() -> Activity:
    """A run whose spreadsheet distance is 6 % below the footpod's: a pending distance conflict."""
    fit("a" * 64, START, 5 * MILE * 1.06, avg_hr=150.0)
    strava("9", START, 5 * MILE * 1.06, avg_hr=152.0)
    xlsx(dt.date(2024, 5, 1), 5.0)
    reconcile_run()
    return Activity.objects.get()


def test_resolving_with_a_source_makes_its_value_an_override(treadmill, runner):
    conflict = Conflict.objects.get(field_name="distance_m")
    conflict_resolve(conflict=conflict, source="fit_file", resolved_by=runner)

    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.MANUAL_RESOLVED
    assert (conflict.resolved_value, conflict.resolved_source, conflict.resolved_by) == (
        8529.52,
        "fit_file",
        runner,
    )
    override = ManualOverride.objects.get()
    assert (override.field_name, override.value, override.created_by) == ("distance_m", 8529.52, runner)
    treadmill.refresh_from_db()
    assert treadmill.distance_m == 8529.52
    assert treadmill.avg_pace_s_per_km == pytest.approx(treadmill.duration_s / 8.52952)


def test_resolving_with_an_own_value(treadmill):
    conflict_resolve(conflict=Conflict.objects.get(field_name="distance_m"), value="8300")
    treadmill.refresh_from_db()
    assert treadmill.distance_m == 8300.0


def test_resolving_with_an_unknown_source_says_which_sources_there_are(treadmill):
    conflict = Conflict.objects.get(field_name="distance_m")
    with pytest.raises(
        ReconcileError, match=r"no value from 'garmin' \(sources: master_xlsx, fit_file, strava\)"
    ):
        conflict_resolve(conflict=conflict, source="garmin")


def test_resolving_without_a_value_or_source_is_refused(treadmill):
    with pytest.raises(ReconcileError, match="give a value or pick a source"):
        conflict_resolve(conflict=Conflict.objects.get(field_name="distance_m"))


def test_approving_an_auto_resolved_conflict(treadmill, runner):
    hr = Conflict.objects.get(field_name="avg_hr")
    assert hr.status == Conflict.Status.AUTO_RESOLVED
    conflict_approve(conflict=hr, approved_by=runner)
    hr.refresh_from_db()
    assert hr.approved_at is not None and hr.approved_by == runner


def test_a_pending_conflict_cannot_be_approved(treadmill):
    with pytest.raises(ReconcileError, match="is pending, not auto-resolved"):
        conflict_approve(conflict=Conflict.objects.get(field_name="distance_m"))


def test_an_edit_in_the_admin_is_an_override_that_survives_a_full_reconcile(treadmill, runner):
    shoe = Shoe.objects.create(name="Ghost 15")
    activity_edit(
        activity=treadmill,
        changes={"workout_type": "tempo", "shoe": shoe, "rpe": 7, "distance_m": 8400.0},
        edited_by=runner,
    )
    reconcile_run(all=True)

    treadmill.refresh_from_db()
    assert (treadmill.workout_type, treadmill.shoe, treadmill.rpe, treadmill.distance_m) == (
        "tempo",
        shoe,
        7,
        8400.0,
    )
    assert {treadmill.provenance[f] for f in ("workout_type", "shoe", "rpe", "distance_m")} == {
        "manual_override"
    }
    conflict = Conflict.objects.get(field_name="distance_m")
    assert (conflict.status, conflict.resolved_value) == (Conflict.Status.MANUAL_RESOLVED, 8400.0)


def test_an_edit_of_an_unknown_field_is_refused(treadmill):
    with pytest.raises(ReconcileError, match="provenance cannot be edited by hand"):
        activity_edit(activity=treadmill, changes={"provenance": {}})


def test_an_edit_with_a_value_of_the_wrong_kind_is_refused(treadmill):
    with pytest.raises(ReconcileError, match="'fast' is not a valid value for distance_m"):
        activity_edit(activity=treadmill, changes={"distance_m": "fast"})


def test_clearing_an_override_hands_the_field_back_to_the_sources(treadmill):
    conflict_resolve(conflict=Conflict.objects.get(field_name="distance_m"), source="fit_file")
    override_clear(activity=treadmill, field_name="distance_m")

    treadmill.refresh_from_db()
    assert treadmill.distance_m == pytest.approx(5 * MILE)
    assert treadmill.provenance["distance_m"] == "master_xlsx"
    assert Conflict.objects.get(field_name="distance_m").status == Conflict.Status.PENDING


def test_clearing_a_missing_override_is_refused(treadmill):
    with pytest.raises(ReconcileError, match="has no manual value for calories"):
        override_clear(activity=treadmill, field_name="calories")


def test_the_command_prints_one_line_per_activity_and_a_summary(treadmill):
    fit("b" * 64, START + dt.timedelta(days=1), 8000.0)
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("created #") and "2024-05-02 running 8.00 km" in lines[0]
    assert lines[-1].startswith("created=1 updated=0 unchanged=0 conflicts=0")


def test_the_command_is_quiet_on_request_and_rejects_a_bad_date():
    out = io.StringIO()
    call_command("reconcile", "--all", "--quiet", stdout=out)
    assert out.getvalue().startswith("created=0 ")
    with pytest.raises(CommandError, match="--since '1st May' is not a date"):
        call_command("reconcile", "--since", "1st May")


def test_a_second_reconcile_at_the_same_time_is_refused():
    with (
        sync_lock(name="reconcile"),
        pytest.raises(ReconcileError, match="reconcile sync is already running"),
    ):
        reconcile_run()


def test_the_q2_task_runs_a_full_reconcile_and_returns_its_summary(treadmill):
    from reconcile.tasks import reconcile_all

    assert reconcile_all().startswith("created=0 updated=0 unchanged=1 conflicts=0")


def test_merging_two_activities_the_runner_says_are_one_run():
    fit("a" * 64, START, 8046.0)
    fit("b" * 64, START + dt.timedelta(hours=9), 8047.0)
    xlsx(dt.date(2024, 5, 1), 5.0, notes="which one?")
    reconcile_run()
    flagged = Activity.objects.get(needs_review=True)
    evening = Activity.objects.get(start_time=START + dt.timedelta(hours=9))
    activity_edit(activity=flagged, changes={"rpe": 4})

    merged = activity_merge(activity=flagged, into=evening)

    assert not Activity.objects.filter(pk=flagged.pk).exists()
    assert merged.pk == evening.pk
    assert (merged.notes, merged.rpe, merged.distance_m) == ("which one?", 4, pytest.approx(5 * MILE))
    assert merged.sources.count() == 2
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=2 conflicts=0")
    with pytest.raises(ReconcileError, match="cannot be merged into itself"):
        activity_merge(activity=merged, into=merged)

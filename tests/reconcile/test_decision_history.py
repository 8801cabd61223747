"""Every decision of the runner is kept in a history and can be undone, exactly, from the activity page.

Undoing puts back the overrides and conflict rows the decision replaced and resolves the run again, so
the result is what reconcile would give had the decision never been made (a re-import since counts).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from activities.models import Activity, Shoe
from reconcile.decision_selectors import activity_decisions_context
from reconcile.decisions import decision_undo
from reconcile.errors import ReconcileError
from reconcile.models import Conflict, Decision, ManualOverride
from reconcile.services import (
    activity_edit,
    conflict_approve,
    conflict_resolve,
    conflicts_approve,
    reconcile_run,
)
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)
MAY_1 = dt.date(2024, 5, 1)


@pytest.fixture
def person():
    return get_user_model().objects.create_user("runner")


@pytest.fixture
def treadmill() -> Activity:
    """The footpod says 6 % more than the log's 5.0 mi: a pending distance conflict, and an HR one
    within tolerance (auto-resolved)."""
    fit("a" * 64, START, 5 * MILE * 1.06, avg_hr=150.0)
    strava("9", START, 5 * MILE * 1.06, avg_hr=152.0)
    xlsx(MAY_1, 5.0)
    reconcile_run()
    return Activity.objects.get()


def _distance() -> Conflict:
    return Conflict.objects.get(field_name="distance_m")


def _state(activity: Activity) -> dict:
    """What a decision may change, for comparing before and after."""
    activity.refresh_from_db()
    conflict = _distance()
    return {
        "distance": activity.distance_m,
        "pace": activity.avg_pace_s_per_km,
        "provenance": dict(activity.provenance),
        "overrides": list(ManualOverride.objects.values_list("field_name", "value")),
        "conflict": (
            conflict.status,
            conflict.resolved_value,
            conflict.resolved_source,
            conflict.source_values,
        ),
    }


def test_a_resolution_is_recorded_with_who_and_what(treadmill, person):
    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    decision = Decision.objects.get()
    assert (decision.kind, decision.made_by, decision.activity) == (Decision.Kind.RESOLVE, person, treadmill)
    assert decision.summary == "Distance set to 8.53 km (Watch file)"
    assert decision.keys == ["field:distance_m"]


def test_undoing_a_resolution_puts_back_the_pending_conflict_and_the_sources_value(treadmill, person):
    before = _state(treadmill)
    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    decision = Decision.objects.get()
    assert _state(treadmill) != before

    undo = decision_undo(decision=decision, undone_by=person)

    assert _state(treadmill) == before
    assert (undo.kind, undo.undoes, undo.made_by) == (Decision.Kind.UNDO, decision, person)
    assert undo.summary == "Undid: Distance set to 8.53 km (Watch file)"
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=1 conflicts=0")
    assert _state(treadmill) == before


def test_undo_after_a_reimport_gives_what_reconcile_gives_without_the_decision(treadmill, person):
    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    xlsx(MAY_1, 4.9)  # the log row corrected and imported again
    reconcile_run()
    assert _distance().has_new_values

    decision_undo(decision=Decision.objects.get(kind=Decision.Kind.RESOLVE), undone_by=person)

    treadmill.refresh_from_db()
    conflict = _distance()
    assert treadmill.distance_m == pytest.approx(4.9 * MILE)
    assert (treadmill.provenance["distance_m"], conflict.status, conflict.has_new_values) == (
        "master_xlsx",
        Conflict.Status.PENDING,
        False,
    )
    assert conflict.source_values["master_xlsx"] == pytest.approx(4.9 * MILE, abs=0.01)
    assert not ManualOverride.objects.exists()
    undone = _state(treadmill)
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=1 conflicts=0")
    assert _state(treadmill) == undone


def test_undoing_the_second_of_two_resolutions_restores_the_first(treadmill, person):
    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    conflict_resolve(conflict=_distance(), value=8000.0, resolved_by=person)
    first, second = Decision.objects.order_by("pk")
    with pytest.raises(ReconcileError, match=r"undo the later decision first: Distance set to 8\.00 km"):
        decision_undo(decision=first)

    decision_undo(decision=second)

    treadmill.refresh_from_db()
    assert treadmill.distance_m == 8529.52
    assert (_distance().status, _distance().resolved_source) == (Conflict.Status.MANUAL_RESOLVED, "fit_file")
    decision_undo(decision=first)
    assert _distance().status == Conflict.Status.PENDING


def test_a_decision_is_undone_once_and_an_undo_is_not_undone(treadmill):
    conflict_resolve(conflict=_distance(), source="strava")
    decision = Decision.objects.get()
    undo = decision_undo(decision=decision)
    with pytest.raises(ReconcileError, match="it was undone already"):
        decision_undo(decision=decision)
    with pytest.raises(ReconcileError, match="an undo is not undone"):
        decision_undo(decision=undo)


def test_undoing_an_approval_leaves_the_value_unapproved(treadmill, person):
    hr = Conflict.objects.get(field_name="avg_hr")
    conflict_approve(conflict=hr, approved_by=person)
    decision = Decision.objects.get()
    assert (decision.kind, decision.summary) == (
        Decision.Kind.APPROVE,
        "Approved Avg HR set to 150 (Watch file)",
    )

    decision_undo(decision=decision)

    hr.refresh_from_db()
    assert (hr.status, hr.approved_at, hr.approved_by) == (Conflict.Status.AUTO_RESOLVED, None, None)


def test_bulk_approval_approves_only_the_conflicts_shown_that_still_await_it(treadmill, person):
    hr = Conflict.objects.get(field_name="avg_hr")
    result = conflicts_approve(conflict_ids=[hr.pk, _distance().pk, 99999], approved_by=person)
    assert (result.approved, result.skipped) == (1, 2)  # the pending distance and an unknown id
    hr.refresh_from_db()
    assert hr.approved_by == person
    assert conflicts_approve(conflict_ids=[hr.pk]).summary() == "approved=0 skipped=1 failed=0"


def test_edits_are_recorded_together_and_undone_together(treadmill, person):
    shoe = Shoe.objects.create(name="Ghost 15")
    activity_edit(
        activity=treadmill,
        changes={"workout_name": "Treadmill 5", "shoe": shoe, "rpe": 6, "notes": ""},
        edited_by=person,
    )
    decision = Decision.objects.get()
    assert decision.summary == "Workout name set to Treadmill 5; Shoe set to Ghost 15; RPE set to 6"
    treadmill.refresh_from_db()
    assert (treadmill.workout_name, treadmill.shoe, treadmill.rpe) == ("Treadmill 5", shoe, 6)

    decision_undo(decision=decision, undone_by=person)

    treadmill.refresh_from_db()
    assert (treadmill.workout_name, treadmill.shoe, treadmill.rpe) == ("Morning Run", None, None)
    assert not ManualOverride.objects.exists()


def test_the_activity_page_lists_the_history_newest_first_with_undo_where_it_may(treadmill, person):
    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    conflict_resolve(conflict=_distance(), source="strava", resolved_by=person)
    rows = activity_decisions_context(activity=treadmill)["decision_history"]
    assert [(r.who, r.refusal) for r in rows] == [
        ("runner", ""),
        ("runner", "undo the later decision first: Distance set to 8.53 km (Strava)"),
    ]


def test_the_history_is_read_in_the_same_number_of_queries_however_long_it_is(treadmill, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            activity_decisions_context(activity=treadmill)
        return len(captured)

    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    few = queries()
    for source in ("strava", "master_xlsx", "fit_file", "strava"):
        conflict_resolve(conflict=_distance(), source=source, resolved_by=person)
    decision_undo(decision=Decision.objects.order_by("pk").last(), undone_by=person)
    assert len(activity_decisions_context(activity=treadmill)["decision_history"]) == 6
    assert queries() == few


def test_an_undo_restores_a_decision_of_someone_whose_account_is_gone_as_nobodys(treadmill, person):
    from django.db import connection

    conflict_resolve(conflict=_distance(), source="fit_file", resolved_by=person)
    conflict_resolve(conflict=_distance(), source="strava")
    person.delete()

    decision_undo(decision=Decision.objects.order_by("pk").last())

    connection.check_constraints()  # no reference to the deleted account is written back
    override = ManualOverride.objects.get()
    assert (override.value, override.created_by) == (8529.52, None)
    assert (_distance().resolved_source, _distance().resolved_by) == ("fit_file", None)

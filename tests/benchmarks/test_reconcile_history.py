"""The reconcile benchmark's generated history reconciles as designed (the timing is the benchmark)."""

from __future__ import annotations

import pytest

from activities.models import Activity, Interval
from reconcile.models import Conflict
from reconcile.services import reconcile_run
from tests.benchmarks.reconcile import history_generate

pytestmark = pytest.mark.django_db


def test_the_generated_history_gives_one_activity_per_run():
    assert history_generate(runs=60) == 180
    result = reconcile_run()
    assert (result.created, result.failed, result.review) == (60, 0, 0)
    assert all(a.sources.count() == 3 for a in Activity.objects.all())
    # Runs 7 and 57 are treadmill runs 7 % off the log: the only pending conflicts.
    assert Conflict.objects.filter(status="pending", field_name="distance_m").count() == 2
    assert Conflict.objects.filter(status="pending").count() == 2
    sessions = Activity.objects.filter(workout_name="6x800m")
    assert sessions.exists()
    assert Interval.objects.filter(activity__in=sessions, is_recovery=False).count() == 6 * sessions.count()
    assert not Interval.objects.exclude(detection="laps").exists()
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=60 conflicts=0")

"""While distance or time is disputed, the canonical pace comes from one source's distance and time."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity
from reconcile.models import Conflict
from reconcile.services import conflict_resolve, reconcile_run
from tests.support.records import MILE, fit, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def treadmill() -> Activity:
    """The watch: 8,529.5 m in 42:39 (exactly 5:00 /km); the log: 5.0 mi (8,046.7 m), 6 % less."""
    fit("a" * 64, START, 5 * MILE * 1.06, duration_s=5 * MILE * 1.06 * 0.3)
    xlsx(dt.date(2024, 5, 1), 5.0, duration_s=2500.0)
    reconcile_run()
    return Activity.objects.get()


def test_a_pending_distance_conflict_takes_the_pace_from_the_watch_alone(treadmill):
    assert Conflict.objects.get(field_name="distance_m").status == Conflict.Status.PENDING
    assert treadmill.provenance["distance_m"] == "master_xlsx"  # the log is trusted for distance
    assert treadmill.provenance["duration_s"] == "fit_file"
    # Not the watch's time over the log's distance (2558.9 s / 8.0467 km = 318.0 s/km): the watch's own.
    assert treadmill.avg_pace_s_per_km == pytest.approx(300.0)
    assert treadmill.provenance["avg_pace_s_per_km"] == "fit_file"


def test_once_the_distance_is_decided_the_pace_follows_it(treadmill):
    conflict_resolve(conflict=Conflict.objects.get(field_name="distance_m"), source="master_xlsx")
    treadmill.refresh_from_db()
    assert treadmill.avg_pace_s_per_km == pytest.approx(5 * MILE * 1.06 * 0.3 / (5 * MILE / 1000))
    assert treadmill.provenance["avg_pace_s_per_km"] == "derived"

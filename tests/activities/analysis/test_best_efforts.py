"""Best efforts: hand-computed synthetic streams, a real FIT file checked against its raw records, and
the stored efforts following the activity's stream."""

from __future__ import annotations

import bisect
import datetime as dt
from itertools import pairwise

import fitparse
import pytest

from activities.analysis.best_efforts import (
    activity_best_efforts_refresh,
    best_efforts_compute,
    personal_records,
)
from activities.models import Activity, BestEffort, Stream
from activities.streams import stream_encode
from ingest.store import record_store
from reconcile.services import reconcile_run
from tests.support.parsing import place


def test_the_fastest_window_can_start_between_two_samples():
    # 150 m/s, then 400 m at 200 m/s, then 50 m/s: the missing 100 m are best taken from the 150 m/s
    # stretch before, so the 500 m start at 50 m, i.e. t = 50/150 s, and end on the sample at 3 s.
    (effort,) = best_efforts_compute(
        times=[0, 1, 2, 3, 4, 5], distances=[0, 150, 350, 550, 600, 650], efforts_m=[500]
    )
    assert effort.time_s == pytest.approx(3 - 50 / 150, abs=1e-3)
    assert effort.start_offset_s == pytest.approx(50 / 150, abs=1e-3)


def test_the_fastest_window_can_end_between_two_samples():
    # The mirror image: 50 m/s, 400 m at 200 m/s, then 150 m/s; the window starts on the sample at 2 s
    # (100 m) and ends at 600 m, 100/150 s into the last interval.
    (effort,) = best_efforts_compute(
        times=[0, 1, 2, 3, 4, 5], distances=[0, 50, 100, 300, 500, 650], efforts_m=[500]
    )
    assert effort.time_s == pytest.approx(4 + 100 / 150 - 2, abs=1e-3)
    assert effort.start_offset_s == 2


def test_gaps_are_skipped_a_gps_step_back_is_held_and_too_long_efforts_left_out():
    times = [0, 1, 2, 3, None, 5, 6]
    distances = [0, 100, 90, 300, 400, None, 500]  # 90 is held at 100
    efforts = best_efforts_compute(times=times, distances=distances, efforts_m=[200, 1000])
    # Windows: 100 → 300 m from t=1 to t=3 (the held 100 m at t=2 makes 2 → 3 the 200 m in 1 s).
    assert [(e.effort_m, e.time_s, e.start_offset_s) for e in efforts] == [(200, 1.0, 2.0)]


def _raw_records(path) -> tuple[list[float], list[float]]:
    """(seconds from the first record, metres) straight from the file's record messages."""
    rows = [
        (m.get_value("timestamp"), m.get_value("distance"))
        for m in fitparse.FitFile(str(path)).get_messages("record")
    ]
    rows = [(t, d) for t, d in rows if t is not None and d is not None]
    return [(t - rows[0][0]).total_seconds() for t, _ in rows], [d for _, d in rows]


def _brute_force_fastest(times: list[float], distances: list[float], length: float) -> float:
    """Every breakpoint s (a sample's distance, or one `length` before one), T = t(s + length) − t(s)."""

    def time_at(d: float) -> float:
        j = bisect.bisect_left(distances, d)
        if distances[j] == d:
            return times[j]
        d0, d1 = distances[j - 1], distances[j]
        return times[j - 1] + (d - d0) / (d1 - d0) * (times[j] - times[j - 1])

    starts = {d for d in distances} | {d - length for d in distances}
    return min(
        time_at(s + length) - time_at(s) for s in starts if distances[0] <= s and s + length <= distances[-1]
    )


@pytest.mark.django_db
def test_a_real_run_gets_its_fastest_km_of_the_raw_records(samples):
    path = samples / "fit" / "runs" / "activity-small-fenix2-run.fit"
    (parsed,) = place(path)
    record_store(parsed=parsed, route="files")
    reconcile_run()
    activity = Activity.objects.get()
    times, distances = _raw_records(path)
    assert all(b >= a for a, b in pairwise(distances))  # the brute force needs it
    stored = {e.effort_m: e for e in activity.best_efforts.all()}
    assert sorted(stored) == [400.0, 1000.0, 1609.344, 5000.0]  # a 9 km run
    assert stored[1000.0].time_s == pytest.approx(_brute_force_fastest(times, distances, 1000.0), abs=0.01)
    assert stored[5000.0].time_s == pytest.approx(_brute_force_fastest(times, distances, 5000.0), abs=0.01)


@pytest.mark.django_db
def test_efforts_are_stored_at_reconcile_and_follow_a_replaced_stream(reconciled_activity):
    activity = reconciled_activity
    first = {e.effort_m: e.time_s for e in activity.best_efforts.all()}
    assert sorted(first) == [400.0, 1000.0, 1609.344, 5000.0]  # the factory's run is ~6 km
    assert activity_best_efforts_refresh(activity=activity) is False  # unchanged: nothing read

    stream = Stream.objects.get(record__activity=activity, record__source="fit_file")
    record = stream.record
    stream.delete()  # a re-import replaces the stream: its efforts go with it
    assert not BestEffort.objects.filter(activity=activity).exists()
    start = record.start_time
    times = [start + dt.timedelta(seconds=i) for i in range(1001)]
    encoded = stream_encode(
        start_time=start, times=times, columns={"distance": [5.0 * i for i in range(1001)]}
    )
    Stream.objects.create(
        record=record, start_time=start, sample_count=encoded.sample_count, data=encoded.data
    )

    assert activity_best_efforts_refresh(activity=activity) is True
    assert {e.effort_m: e.time_s for e in activity.best_efforts.all()} == {
        400.0: 80.0,
        1000.0: 200.0,
        1609.344: pytest.approx(321.869, abs=1e-3),
        5000.0: 1000.0,
    }


@pytest.mark.django_db
def test_personal_records_are_the_fastest_effort_of_each_distance_of_the_sport(reconciled_activity):
    stream = Stream.objects.filter(record__activity=reconciled_activity).first()
    other = Activity.objects.create(date=dt.date(2024, 6, 1), sport="running")
    ride = Activity.objects.create(date=dt.date(2024, 6, 2), sport="cycling")
    BestEffort.objects.create(activity=other, stream=stream, effort_m=1000.0, time_s=150.0, start_offset_s=3)
    BestEffort.objects.create(activity=ride, stream=stream, effort_m=1000.0, time_s=60.0, start_offset_s=3)
    records = {r.effort: r for r in personal_records(sport="running")}
    assert (records["1 km"].time_s, records["1 km"].activity_id) == (150.0, other.pk)
    assert records["400 m"].activity_id == reconciled_activity.pk

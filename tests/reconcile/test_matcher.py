"""The pure matching rules, on small facts."""

from __future__ import annotations

import datetime as dt

from reconcile.config import ReconcileConfig
from reconcile.matcher import Fit, RecordFacts, activity_fit, match_decide, records_compatible

CFG = ReconcileConfig()
T = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)
DAY = dt.date(2024, 5, 1)


def _timed(id: int, seconds: float = 0, distance: float = 8000.0, family: str = "run", source="fit_file"):
    return RecordFacts(id, source, family, T + dt.timedelta(seconds=seconds), DAY, distance)


def _dated(id: int, distance: float = 8000.0, source="master_xlsx", day=DAY):
    return RecordFacts(id, source, "run", None, day, distance)


def test_start_times_must_be_within_the_window():
    assert records_compatible(_timed(1), _timed(2, seconds=300, source="strava"), CFG)
    assert not records_compatible(_timed(1), _timed(2, seconds=301, source="strava"), CFG)


def test_a_date_only_record_needs_the_same_local_date_and_never_joins_its_own_source():
    assert records_compatible(_timed(1), _dated(2), CFG)
    assert not records_compatible(_timed(1), _dated(2, day=DAY + dt.timedelta(days=1)), CFG)
    assert not records_compatible(_dated(1), _dated(2), CFG)


def test_families_must_agree_but_a_sportless_upload_joins_by_time():
    assert not records_compatible(_timed(1), _timed(2, family="ride"), CFG)
    assert records_compatible(_timed(1), _timed(2, family="unknown"), CFG)
    assert not records_compatible(_dated(1), RecordFacts(2, "fit_file", "unknown", None, DAY, 8000.0), CFG)


def test_the_closest_good_candidate_wins():
    record = _dated(9, distance=8000.0)
    fits = [
        activity_fit(record, [_timed(1, distance=8100.0)], 1, CFG),
        activity_fit(record, [_timed(2, distance=8010.0)], 2, CFG),
    ]
    assert match_decide(fits, CFG).activity_key == 2


def test_equal_fits_are_ambiguous_and_far_ones_make_a_new_activity():
    assert match_decide([Fit(1, 1.0, None, 0.2), Fit(2, 1.5, None, 0.3)], CFG).kind == "ambiguous"
    assert match_decide([Fit(1, 25.0, None, 5.0)], CFG).kind == "new"


def test_a_lone_candidate_beyond_the_tolerance_is_still_joined():
    decision = match_decide([Fit(1, 6.0, None, 1.2)], CFG)
    assert (decision.kind, decision.activity_key) == ("join", 1)


def test_a_days_lone_log_row_pairs_with_its_lone_recording_whatever_the_distance():
    from reconcile.matcher import ActivityIndex, lone_pair

    index = ActivityIndex()
    index.add(_timed(1, distance=8000.0), 10)
    index.add(_dated(2, distance=24000.0), -1)
    assert lone_pair(index, DAY, "run", CFG) == (-1, 10)
    index.add(_dated(3, distance=3000.0), -2)  # a second unmatched row: no guessing
    assert lone_pair(index, DAY, "run", CFG) is None


def test_a_log_row_does_not_pair_with_a_recording_of_another_sport():
    from reconcile.matcher import ActivityIndex, lone_pair

    index = ActivityIndex()
    index.add(_timed(1, family="ride"), 10)
    index.add(_dated(2), -1)
    assert lone_pair(index, DAY, "run", CFG) is None

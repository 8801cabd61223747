"""Interval sessions: reps matched to laps, found in the stream when laps do not line up."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.conf import settings

from activities.models import Activity, Interval
from ingest.parsers import file_records
from ingest.placement import record_place
from ingest.records import ParsedActivity
from ingest.store import record_store
from reconcile.intervals import STREAM_NOTE
from reconcile.services import reconcile_run
from tests.support.records import laps, samples_for, stored

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 7, 13, 0, tzinfo=dt.UTC)
# Warm-up, 6 × 800 m (about 2:50) with 400 m jogs (about 2:30), cool-down.
SESSION = [(2000.0, 620.0)] + [(805.0, 170.0), (400.0, 150.0)] * 5 + [(810.0, 168.0), (2000.0, 640.0)]


def _session(source_id: str = "s" * 64, name: str = "6x800m w/ 400 jog", **values) -> None:
    values.setdefault("laps", laps(*SESSION, start=START))
    parsed = ParsedActivity(
        source="fit_file",
        source_id=source_id,
        start_time=START,
        utc_offset_s=-25200,
        sport="running",
        distance_m=sum(d for d, _ in SESSION),
        duration_s=sum(t for _, t in SESSION),
        workout_name=name,
        **values,
    )
    record_store(parsed=record_place(parsed, home_tz=settings.RUNBASE_HOME_TZ), route="files")


def _rows() -> list[tuple]:
    return list(
        Interval.objects.order_by("rep_number", "is_recovery").values_list(
            "rep_number",
            "is_recovery",
            "prescribed_distance_m",
            "actual_distance_m",
            "canonical_distance_m",
            "duration_s",
            "detection",
        )
    )


def test_reps_are_matched_to_laps_with_recoveries_between_them():
    _session()
    reconcile_run()

    rows = _rows()
    assert rows[0] == (1, False, 800.0, 805.0, 800.0, 170.0, "laps")
    assert rows[1] == (1, True, 400.0, 400.0, 400.0, 150.0, "laps")
    assert rows[-1] == (6, False, 800.0, 810.0, 800.0, 168.0, "laps")
    assert len(rows) == 11  # six reps, five recoveries; warm-up and cool-down are not intervals
    first = Interval.objects.get(rep_number=1, is_recovery=False)
    assert first.avg_pace_s_per_km == pytest.approx(170.0 / 0.8)  # pace on the canonical 800 m
    assert first.avg_hr == 150.0 and first.avg_cadence_spm == 170.0
    assert first.start_offset_s == 620.0
    assert first.lap.index == 1
    assert Activity.objects.get().workout_type == "interval"


def test_auto_laps_every_mile_send_the_search_to_the_stream():
    mile_laps = [(1609.344, 500.0)] * 5
    _session(laps=laps(*mile_laps, start=START), samples=samples_for(SESSION, START))
    reconcile_run()

    reps = list(Interval.objects.filter(is_recovery=False).order_by("rep_number"))
    assert len(reps) == 6
    assert {r.detection for r in reps} == {"stream"}
    assert all(r.note == STREAM_NOTE for r in reps)
    assert [round(r.start_offset_s) for r in reps] == [620, 940, 1260, 1580, 1900, 2220]
    assert all(r.canonical_distance_m == 800.0 for r in reps)
    assert all(800.0 <= r.actual_distance_m < 806.0 for r in reps)
    assert all(158 <= r.duration_s <= 172 for r in reps)
    assert Interval.objects.filter(is_recovery=True).count() == 5


def test_without_laps_or_stream_the_prescription_is_kept():
    _session(laps=[])
    reconcile_run()
    assert _rows() == [(n, False, 800.0, None, 800.0, None, "prescribed") for n in range(1, 7)]


def test_intervals_are_rewritten_only_when_they_change():
    _session()
    reconcile_run()
    ids = list(Interval.objects.values_list("pk", flat=True))
    reconcile_run(all=True)
    assert list(Interval.objects.values_list("pk", flat=True)) == ids


def test_a_steady_run_has_no_intervals():
    _session(name="easy 6")
    reconcile_run()
    assert not Interval.objects.exists()
    assert Activity.objects.get().workout_type == "easy"


# --- Sessions found without a name -------------------------------------------------------------------

DEMO_FIT = settings.BASE_DIR / "activities" / "demo" / "fit"


def _demo(file_name: str, **changes) -> None:
    """A demo recording stored as its route would store it, with `changes` (its name removed, say)."""
    path = DEMO_FIT / file_name
    (parsed,) = file_records(name=path.name, data=path.read_bytes(), hints=None, home_tz="UTC")
    record_store(parsed=dataclasses.replace(parsed, **changes), route="files")


def test_the_demo_6x800m_without_its_name_is_found_to_be_an_interval_session():
    _demo("2025-10-07-183000-Running-Forerunner 255.fit", workout_name="")

    reconcile_run()

    activity = Activity.objects.get()
    assert activity.workout_name == ""
    assert activity.workout_type == "interval"
    assert activity.provenance["workout_type"] == "interval_detection"
    reps = list(activity.intervals.filter(is_recovery=False).order_by("rep_number"))
    assert [round(r.actual_distance_m) for r in reps] == [800] * 6
    assert all(175 <= r.duration_s <= 182 for r in reps)
    assert reps[0].lap.index == 1  # the warm-up lap is not a rep
    assert activity.intervals.filter(is_recovery=True).count() == 5
    assert {i.detection for i in activity.intervals.all()} == {Interval.Detection.DETECTED}
    assert {i.confidence for i in activity.intervals.all()} == {reps[0].confidence}
    assert 0.8 <= reps[0].confidence <= 0.95
    assert "6 similar work bouts" in reps[0].note and reps[0].prescribed_distance_m is None


def test_a_detected_session_is_stable_across_reruns():
    _demo("2025-10-07-183000-Running-Forerunner 255.fit", workout_name="")
    reconcile_run()
    ids = list(Interval.objects.values_list("pk", flat=True))

    result = reconcile_run(all=True)

    assert list(Interval.objects.values_list("pk", flat=True)) == ids
    assert result.updated == 0


@pytest.mark.parametrize(
    "file_name",
    [
        "2025-10-14-174500-Running-Forerunner 255.fit",  # tempo: warm-up, 5 even fast km, cool-down
        "2025-10-12-080000-Running-Forerunner 255.fit",  # long run, auto-laps every km
        "2025-10-10-121500-Indoor Running-Forerunner 255.fit",  # treadmill
        "2025-10-18-093000-Running-Forerunner 255.fit",  # 5k race
    ],
)
def test_steady_demo_runs_without_their_names_are_not_interval_sessions(file_name):
    _demo(file_name, workout_name="")

    reconcile_run()

    assert Activity.objects.get().workout_type == ""
    assert not Interval.objects.exists()


def test_a_named_type_is_never_overridden_by_detection():
    _session(name="Long run")  # laps alternate, but the runner called it a long run

    reconcile_run()

    assert Activity.objects.get().workout_type == "long"
    assert not Interval.objects.exists()


def test_a_log_row_typing_the_run_wins_over_detection():
    _session(name="")
    stored(
        source="master_xlsx",
        source_id="Log!2024-05-07#2",
        local_date=dt.date(2024, 5, 7),
        distance_m=sum(d for d, _ in SESSION),
        workout_type="fartlek",
        route="xlsx",
    )

    reconcile_run()

    assert Activity.objects.get().workout_type == "fartlek"
    assert not Interval.objects.exists()


def test_without_laps_the_stream_shows_the_session():
    _session(name="Morning Run", laps=[], samples=samples_for(SESSION, START))

    reconcile_run()

    activity = Activity.objects.get()
    assert activity.workout_type == "interval"
    reps = list(activity.intervals.filter(is_recovery=False).order_by("rep_number"))
    assert len(reps) == 6
    assert all(790 <= r.actual_distance_m <= 820 for r in reps)
    assert {r.detection for r in reps} == {"detected"} and "stream" in reps[0].note
    assert reps[0].confidence < 0.9


def test_a_steady_stream_without_laps_is_not_a_session():
    steady = [(1000.0, 300.0), (1000.0, 310.0), (1000.0, 295.0), (1000.0, 305.0), (1000.0, 300.0)]
    _session(name="", laps=[], samples=samples_for(steady, START))

    reconcile_run()

    assert Activity.objects.get().workout_type == ""
    assert not Interval.objects.exists()


def test_standing_rests_between_reps_are_recoveries_too():
    standing = [(2000.0, 620.0)] + [(1000.0, 210.0), (0.0, 90.0)] * 3 + [(1000.0, 212.0), (1500.0, 480.0)]
    _session(name="", laps=laps(*standing, start=START))

    reconcile_run()

    assert Activity.objects.get().workout_type == "interval"
    assert Interval.objects.filter(is_recovery=False).count() == 4


def test_bouts_of_different_lengths_are_not_taken_for_reps():
    ladder = [(2000.0, 620.0)]
    for rep in (400.0, 800.0, 1200.0, 800.0, 400.0):
        ladder += [(rep, rep * 0.21), (400.0, 150.0)]
    _session(name="", laps=laps(*ladder[:-1], (1500.0, 480.0), start=START))

    reconcile_run()

    assert Activity.objects.get().workout_type == ""
    assert not Interval.objects.exists()

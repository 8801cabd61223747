"""Realistic review data built through the record store and the ORM (no JSON fixtures); records are
placed as their route would place them before they are stored."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings

from activities.models import Activity, AthleteDay, Interval, RunalyzeMetrics
from ingest.models import ProcessedFile, SyncState
from ingest.placement import record_place
from ingest.records import Device, ParsedActivity, ParsedLap, Samples
from ingest.store import record_store
from reconcile.models import Conflict

T0 = dt.datetime(2024, 5, 1, 16, 30, tzinfo=dt.UTC)


def _placed(parsed: ParsedActivity) -> ParsedActivity:
    return record_place(parsed, home_tz=settings.RUNBASE_HOME_TZ)


def run_samples(*, start: dt.datetime = T0, seconds: int = 1800, speed: float = 3.3) -> Samples:
    """A 1 Hz run with a gentle hill, HR drifting up and a cadence around 170 spm."""
    samples = Samples()
    distance = 0.0
    for i in range(seconds):
        v = speed + 0.3 * math.sin(i / 90)
        distance += v
        samples.append(
            start + dt.timedelta(seconds=i),
            lat=47.37 + distance / 111_000,
            lon=8.54,
            altitude=410 + 15 * math.sin(distance / 800),
            heart_rate=130 + i // 60,
            cadence=168 + (i % 5),
            speed=v,
            distance=distance,
        )
    return samples


def fit_record(*, source_id: str = "a" * 64, start: dt.datetime = T0, name: str = "6x800m", **extra):
    samples = run_samples(start=start)
    laps = [
        ParsedLap(
            index=i,
            start_time=start + dt.timedelta(seconds=300 * i),
            distance_m=990.0 + i,
            duration_s=300.0,
            avg_hr=140.0 + i,
            avg_speed_mps=3.3,
            trigger="distance",
        )
        for i in range(6)
    ]
    file = ProcessedFile.objects.create(
        sha256=source_id[:64],
        path=f"/inbox/{name}.fit",
        name=f"{name}.fit",
        route="files",
        size=12345,
        raw_path=f"ab/{source_id[:64]}.fit",
        status=ProcessedFile.Status.IMPORTED,
    )
    parsed = ParsedActivity(
        source="fit_file",
        source_id=source_id,
        start_time=start,
        utc_offset_s=7200,
        sport="running",
        distance_m=samples.distance[-1],
        duration_s=1800.0,
        elapsed_s=1830.0,
        avg_hr=145.0,
        max_hr=171.0,
        avg_cadence_spm=170.0,
        total_ascent_m=42.0,
        calories=410.0,
        workout_name=name,
        gear="Peg 38",
        device=Device(manufacturer="garmin", product="fr255", serial="123"),
        laps=laps,
        samples=samples,
        raw={"session": {"total_distance": samples.distance[-1], "sport": "running"}},
    )
    for key, value in extra.items():
        setattr(parsed, key, value)
    return record_store(parsed=_placed(parsed), route="files", file=file).record


def strava_record(*, source_id: str = "987654", start: dt.datetime = T0, distance_m: float = 6100.0):
    parsed = ParsedActivity(
        source="strava",
        source_id=source_id,
        start_time=start,
        utc_offset_s=7200,
        sport="running",
        distance_m=distance_m,
        duration_s=1795.0,
        avg_hr=146.0,
        workout_name="Morning intervals",
        notes="felt strong",
        gear="Pegasus 38",
        raw={"id": int(source_id), "name": "Morning intervals"},
    )
    return record_store(parsed=_placed(parsed), route="strava_api").record


def activity_with_sources() -> Activity:
    """A reconciled-looking activity: a FIT and a Strava record, provenance, a conflict, intervals."""
    fit = fit_record()
    strava = strava_record()
    activity = Activity.objects.create(
        date=dt.date(2024, 5, 1),
        start_time=T0,
        utc_offset_s=7200,
        sport="running",
        distance_m=fit.distance_m,
        duration_s=1800.0,
        avg_pace_s_per_km=1800 / (fit.distance_m / 1000),
        avg_hr=145.0,
        max_hr=171.0,
        avg_cadence_spm=170.0,
        workout_type="intervals",
        workout_name="6x800m",
        notes="felt strong",
        shoe=fit.shoe,
        provenance={"distance_m": "fit_file", "duration_s": "fit_file", "notes": "strava"},
    )
    for record in (fit, strava):
        record.activity = activity
        record.save(update_fields=["activity"])
    Conflict.objects.create(
        activity=activity,
        field_name="distance_m",
        source_values={"fit_file": fit.distance_m, "strava": 6100.0, "master_xlsx": 4800.0},
    )
    Conflict.objects.create(
        activity=activity,
        field_name="avg_hr",
        source_values={"fit_file": 145.0, "strava": 146.0},
        resolved_value=145.0,
        resolved_source="fit_file",
        status=Conflict.Status.AUTO_RESOLVED,
    )
    lap = fit.laps.first()
    Interval.objects.create(
        activity=activity,
        rep_number=1,
        prescribed_distance_m=800,
        actual_distance_m=806,
        canonical_distance_m=800,
        duration_s=180,
        avg_pace_s_per_km=225,
        avg_hr=165,
        start_offset_s=600,
        lap=lap,
    )
    return activity


def side_rows() -> None:
    """Rows for the models the activity does not bring: sync state, failed file, metrics, days."""
    SyncState.objects.create(
        name="icloud",
        last_sync_at=T0,
        last_success_at=T0,
        last_summary="created=1 updated=0 unchanged=3 failed=1",
        last_error="bad.fit: truncated",
        cursor={"mtime": 1714580000},
    )
    ProcessedFile.objects.create(
        sha256="f" * 64,
        path="/inbox/bad.fit",
        name="bad.fit",
        route="healthfit",
        size=10,
        raw_path="ff/bad.fit",
        status=ProcessedFile.Status.FAILED,
        error="bad.fit: FIT header is broken",
    )
    runalyze = record_store(
        parsed=_placed(
            ParsedActivity(
                source="runalyze",
                source_id="555",
                start_time=T0,
                sport="running",
                distance_m=6000.0,
                raw={"id": 555},
            )
        ),
        route="runalyze_api",
    ).record
    RunalyzeMetrics.objects.create(record=runalyze, trimp=80.0, vo2max=51.2, raw={"trimp": 80})
    AthleteDay.objects.create(date=dt.date(2024, 5, 1), trimp=80.0, ctl=48.0, atl=61.0, tsb=-13.0)

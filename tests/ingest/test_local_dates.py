"""An evening run in California and a morning run in Berlin, through the Strava export, the Garmin export,
HealthFit and the training log: every record is dated where the run was run, from its own evidence.

The runner's home zone is America/Los_Angeles. The evening run starts 20:30 PDT on 9 April 2024 (03:30 UTC
on the 10th); the Berlin run 07:45 CEST on 12 April (05:45 UTC, 22:45 PDT on the 11th). Each source's files
are written in their real shape by the multi-source benchmark's writers.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest

from activities.models import Activity, ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.healthfit.sync import healthfit_sync
from ingest.strava.export import strava_export_import
from ingest.xlsx.importer import xlsx_import
from reconcile.services import reconcile_run
from tests.benchmarks.multisource import AWAY, HOME, Run, garmin_write, run_fit, sources_write

pytestmark = pytest.mark.django_db
PDT, CEST = -25200, 7200
EVENING, MORNING = dt.date(2024, 4, 9), dt.date(2024, 4, 12)


def _run(number: int, local_start: dt.datetime, zone: str, kind: str, healthfit_offset: bool) -> Run:
    return Run(
        number=number,
        day=local_start.date(),
        local_start=local_start,
        zone=zone,
        distance_m=10000.0,
        duration_s=3000,
        kind=kind,
        log_miles=6.2,
        healthfit_offset=healthfit_offset,
    )


@pytest.fixture
def runs(tmp_path, settings) -> list[Run]:
    """Both runs recorded by the watch and uploaded to Strava as its FIT; HealthFit's copy of the
    California run has no local timestamp (its name gives the offset), the Berlin one has."""
    settings.RUNBASE_HOME_TZ = HOME
    planned = [
        _run(0, dt.datetime(2024, 4, 9, 20, 30), HOME, "watch", healthfit_offset=False),
        _run(1, dt.datetime(2024, 4, 12, 7, 45), AWAY, "watch", healthfit_offset=True),
    ]
    sources = sources_write(tmp_path, planned)
    settings.HEALTHFIT_DIR = sources.healthfit
    healthfit_sync(workers=1)
    garmin_import(path=sources.garmin, workers=1)
    xlsx_import(path=sources.log)
    strava_export_import(path=sources.strava, workers=1)
    return planned


def _records(day: dt.date) -> dict[tuple[str, str], tuple]:
    rows = ActivitySource.objects.filter(local_date=day).order_by("source", "route")
    return {(r.source, r.route): (r.utc_offset_s, r.raw.get("utc_offset_from")) for r in rows}


def test_every_record_of_the_two_runs_is_dated_where_it_was_run(runs):
    assert _records(EVENING) == {
        ("fit_file", "garmin_export"): (PDT, None),  # the watch's FIT, also the Strava upload
        ("fit_file", "healthfit"): (PDT, "file name"),
        ("garmin", "garmin_export"): (PDT, None),  # its own local start
        ("master_xlsx", "xlsx"): (None, None),  # a date, no time
        ("strava", "strava_export"): (PDT, "upload"),
    }
    assert _records(MORNING) == {
        ("fit_file", "garmin_export"): (CEST, None),
        ("fit_file", "healthfit"): (CEST, None),
        ("garmin", "garmin_export"): (CEST, None),
        ("master_xlsx", "xlsx"): (None, None),
        ("strava", "strava_export"): (CEST, "upload"),
    }
    assert not ActivitySource.objects.filter(raw__has_key="local_date_from").exists()


def test_they_reconcile_into_two_activities_of_five_records_on_their_local_dates(runs):
    reconcile_run()

    activities = {a.date: a for a in Activity.objects.all()}
    assert set(activities) == {EVENING, MORNING}
    assert activities[EVENING].start_time == dt.datetime(2024, 4, 10, 3, 30, tzinfo=dt.UTC)
    assert activities[MORNING].start_time == dt.datetime(2024, 4, 12, 5, 45, tzinfo=dt.UTC)
    assert (activities[EVENING].utc_offset_s, activities[MORNING].utc_offset_s) == (PDT, CEST)
    assert [a.sources.count() for a in activities.values()] == [5, 5]


def test_a_garmin_summary_without_a_local_start_takes_its_files_offset(tmp_path, settings):
    settings.RUNBASE_HOME_TZ = HOME
    berlin = _run(1, dt.datetime(2024, 4, 12, 7, 45), AWAY, "watch", healthfit_offset=True)
    path = tmp_path / "garmin.zip"
    garmin_write(path, [berlin], {1: run_fit(berlin, manufacturer="GARMIN")})
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    (name,) = [n for n in members if n.endswith("_summarizedActivities.json")]
    document = json.loads(members[name])
    del document[0]["summarizedActivitiesExport"][0]["startTimeLocal"]
    members[name] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)

    garmin_import(path=path, workers=1)

    summary = ActivitySource.objects.get(source="garmin")
    assert (summary.local_date, summary.utc_offset_s) == (MORNING, CEST)
    assert summary.raw["utc_offset_from"] == "paired file"


def test_the_sample_exports_rows_take_their_uploads_offsets_or_say_the_home_zone_dated_them(
    samples, settings
):
    settings.RUNBASE_HOME_TZ = HOME
    strava_export_import(path=samples / "strava" / "export" / "export_12345678.zip", workers=1)

    rows = ActivitySource.objects.filter(source="strava")
    placed = {
        r.source_id: (r.utc_offset_s, r.raw.get("utc_offset_from"), r.raw.get("local_date_from"))
        for r in rows
    }
    assert placed == {
        "9800229278": (PDT, "upload", None),  # fenix 5 run, 07:34 in California
        "9800302149": (PDT, "upload", None),
        "9800120516": (CEST, "upload", None),  # Stavanger, 16:45 local
        "9800145719": (None, None, "home time zone"),  # its FIT has no local timestamp
        "9800060294": (None, None, "home time zone"),
        "9800242614": (None, None, "home time zone"),
        "9800302926": (None, None, "home time zone"),  # a manual entry: no file
    }

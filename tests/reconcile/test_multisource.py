"""The shared samples through every importer, then reconcile: grouping and values written out by hand.

The HealthFit folder and the Garmin export hold the same recordings (HealthFit rewrites each FIT, so
the bytes differ and each is its own `fit_file` record), the Garmin export adds its summaries, a GPX
and a TCX upload, and the training log has a row on 6 February 2013, the day of the Loch Ness tempo.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time

import pytest

from activities.models import Activity, ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.healthfit.sync import healthfit_sync
from ingest.xlsx.importer import xlsx_import
from reconcile.models import Conflict
from reconcile.services import reconcile_run

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
UTC = dt.UTC


@pytest.fixture
def imported(samples, tmp_path, settings) -> None:
    folder = tmp_path / "HealthFit"
    shutil.copytree(
        samples / "healthfit" / "iCloud~com~altifondo~HealthFit" / "Documents",
        folder,
        copy_function=shutil.copyfile,
    )
    an_hour_ago = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    settings.HEALTHFIT_DIR = folder
    healthfit_sync(workers=1)
    garmin_import(path=samples / "garmin" / "839fbc50-1223-4513-9496-f63cdc1110c1_1.zip", workers=1)
    xlsx_import(path=samples / "xlsx" / "training_log.xlsx")


def _at(start: dt.datetime) -> Activity:
    return Activity.objects.get(start_time=start)


def _sources(activity: Activity) -> list[tuple[str, str, str]]:
    return sorted(activity.sources.values_list("source", "route", "sport"))


def test_the_samples_reconcile_into_one_activity_per_real_world_activity(imported):
    result = reconcile_run()

    assert result.failed == 0
    # 348 spreadsheet-only days + 19 recorded activities (the multisport file's 7 legs each count).
    assert Activity.objects.count() == 367
    assert not ActivitySource.objects.filter(activity__isnull=True).exists()
    assert Activity.objects.filter(sources__source="master_xlsx").count() == 349

    loch_ness = _at(dt.datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC))
    assert _sources(loch_ness) == [
        ("fit_file", "garmin_export", "running"),
        ("fit_file", "healthfit", "running"),
        ("garmin", "garmin_export", "running"),
        ("master_xlsx", "xlsx", "running"),
    ]
    assert (loch_ness.date, loch_ness.utc_offset_s, loch_ness.sport) == (dt.date(2013, 2, 6), 0, "running")
    assert loch_ness.distance_m == 4828.0  # the log's 3.0 mi beats the GPS 4,835.38 m
    assert loch_ness.duration_s == 2625.14
    assert (loch_ness.avg_hr, loch_ness.max_hr) == (147.0, 171.0)
    assert loch_ness.avg_cadence_spm == 174.0  # the FIT has none; the log's notes have it
    assert (loch_ness.total_ascent_m, loch_ness.calories) == (168.0, 336.0)
    assert loch_ness.workout_name == "Loch Ness tempo 🏃‍♀️ – 4.8 km"
    assert loch_ness.workout_type == "tempo"
    assert loch_ness.intensity_score == 4.0
    assert loch_ness.shoe.name == "Vaporfly"
    assert loch_ness.notes == "tired from work"
    assert loch_ness.provenance["distance_m"] == "master_xlsx"
    assert loch_ness.provenance["workout_name"] == "garmin"
    assert loch_ness.provenance["workout_type"] == "workout_name_parse"
    assert loch_ness.provenance["avg_cadence_spm"] == "master_xlsx"
    conflicts = {c.field_name: (c.status, c.source_values) for c in loch_ness.conflicts.all()}
    assert conflicts == {
        # The log's pace (8:12/mi over 3 mi) says 24:36; the watch 43:45: the runner must decide.
        "duration_s": ("pending", {"fit_file": 2625.14, "garmin": 2625.14, "master_xlsx": 1476.0}),
        "distance_m": ("auto_resolved", {"master_xlsx": 4828.0, "fit_file": 4835.38, "garmin": 4835.38}),
        "avg_hr": ("auto_resolved", {"fit_file": 147.0, "garmin": 147.0, "master_xlsx": 151.0}),
        "total_ascent_m": ("auto_resolved", {"fit_file": 168.0, "garmin": 146.16}),
    }

    stavanger = _at(dt.datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC))
    assert _sources(stavanger) == [
        ("fit_file", "garmin_export", "running"),
        ("fit_file", "healthfit", "running"),
        ("garmin", "garmin_export", "running"),
    ]
    assert (stavanger.date, stavanger.utc_offset_s) == (dt.date(2015, 8, 15), 7200)
    assert (stavanger.distance_m, stavanger.duration_s, stavanger.avg_hr) == (9008.22, 2832.0, 154.0)
    assert stavanger.workout_name == "Stavanger Running"
    assert not stavanger.conflicts.exists()

    portland = _at(dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=UTC))
    # The GPX upload names no sport: it joins the ride that started with it.
    assert _sources(portland) == [
        ("fit_file", "garmin_export", ""),
        ("fit_file", "healthfit", "cycling"),
        ("garmin", "garmin_export", "cycling"),
    ]
    assert (portland.sport, portland.date, portland.utc_offset_s) == (
        "cycling",
        dt.date(2015, 10, 13),
        -25200,
    )
    assert (portland.distance_m, portland.duration_s) == (11536.43, 1558.198)

    amadora = _at(dt.datetime(2017, 1, 17, 17, 6, 47, tzinfo=UTC))
    assert len(_sources(amadora)) == 3 and amadora.distance_m == 6753.99

    walk = _at(dt.datetime(2017, 6, 11, 14, 32, 51, tzinfo=UTC))
    run = _at(dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC))
    assert _sources(walk) == [
        ("fit_file", "garmin_export", "generic"),  # the TCX upload
        ("fit_file", "healthfit", "walking"),
        ("garmin", "garmin_export", "walking"),
    ]
    assert walk.sport == "walking" and walk.distance_m == 67.85
    # The HealthFit copy of this run is still an iCloud placeholder: only the Garmin export has it.
    assert _sources(run) == [("fit_file", "garmin_export", "running"), ("garmin", "garmin_export", "running")]
    assert run.distance_m == 157.56

    # Two devices on one ride 53 s apart: one activity, its values from the earlier recording.
    ride = _at(dt.datetime(2017, 6, 12, 16, 9, 22, tzinfo=UTC))
    assert ride.sources.count() == 6
    assert (ride.distance_m, ride.duration_s, ride.avg_hr, ride.max_hr) == (459.52, 60.363, 101.0, 114.0)
    assert not ride.conflicts.exists()

    manual = Activity.objects.get(workout_name="Treadmill Running")
    assert _sources(manual) == [("garmin", "garmin_export", "running")]
    assert (manual.sub_sport, manual.distance_m, manual.duration_s) == ("treadmill", 5000.0, 1800.0)

    assert Conflict.objects.filter(status="pending").count() == 1
    assert reconcile_run(all=True).summary().startswith("created=0 updated=0 unchanged=367 conflicts=0")

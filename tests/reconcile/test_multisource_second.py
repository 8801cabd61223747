"""The second sample exports (Garmin and Strava, both built from `fit/devices/`) through their importers,
then reconcile: one activity per real-world activity, each with every source that recorded it.

Six recordings reach both exports (the Strava copies gzipped): each becomes one activity of three
records, its FIT, its Garmin summary and its Strava row. The rest are in the Garmin export only, the
Strava manual entry has no file, and the triathlon's five sessions pair with its five legs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity, ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.strava.export import strava_export_import
from reconcile.services import reconcile_run

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

GARMIN = "garmin/second-export/6baf71d7-d840-4b1a-8f0b-97522634f16f_1.zip"
STRAVA = "strava/export/export_second.zip"


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# start (UTC) -> the Garmin activityIds and Strava ids of its records (each recording also has its FIT)
ACTIVITIES = {
    _utc(2011, 9, 25, 13, 0, 21): ({"241512779"}, {"9800342249"}),  # Edge 500 ride
    # Activity.fit, and the two legs of the chained copy whose file fails its CRC (no FIT of their own)
    _utc(2012, 4, 9, 21, 22, 26): ({"309066821", "309075196", "309075197"}, {"9800196697"}),
    _utc(2013, 8, 16, 18, 5, 10): ({"478143044"}, {"9800134664"}),  # Edge 810 ride
    _utc(2015, 10, 13, 15, 43, 15): ({"1006356340"}, {"9800264260"}),  # Edge 200 ride
    _utc(2017, 8, 21, 8, 18): ({"1978394415"}, {"9800368139"}),  # ELEMNT BOLT ride
    _utc(2017, 10, 5, 0, 4, 6): ({"2103762122"}, set()),  # Zwift ride
    _utc(2018, 3, 24, 11, 2, 35): ({"2582225063"}, {"9800060294"}),  # FR935 pool swim
    _utc(2018, 5, 27, 7, 33, 1): ({"2761574447"}, set()),  # the triathlon: swim,
    _utc(2018, 5, 27, 8, 6, 8): ({"2761574448"}, set()),  # transition,
    _utc(2018, 5, 27, 8, 8, 58): ({"2761574449"}, set()),  # bike,
    _utc(2018, 5, 27, 9, 22, 40): ({"2761574450"}, set()),  # transition,
    _utc(2018, 5, 27, 9, 23, 41): ({"2761574451"}, set()),  # run
    _utc(2019, 2, 17, 6, 26, 44): ({"3508083796"}, set()),  # Wahoo ELEMNT ride
    _utc(2020, 10, 25, 11, 10, 19): ({"6829320248"}, set()),  # COROS ride
}


@pytest.fixture
def reconciled(samples):
    garmin_import(path=samples / GARMIN, workers=1)
    strava_export_import(path=samples / STRAVA, workers=1)
    return reconcile_run()


def _ids(activity: Activity, source: str) -> set[str]:
    return set(activity.sources.filter(source=source).values_list("source_id", flat=True))


def test_every_recording_is_one_activity_with_every_source_that_has_it(reconciled):
    assert reconciled.failed == 0
    assert not ActivitySource.objects.filter(activity__isnull=True).exists()
    assert Activity.objects.count() == len(ACTIVITIES) + 1  # and the Strava manual entry
    for start, (garmin, strava) in ACTIVITIES.items():
        activity = Activity.objects.get(start_time=start)
        assert (_ids(activity, "garmin"), _ids(activity, "strava")) == (garmin, strava), start
        assert len(_ids(activity, "fit_file")) == 1, start
        assert not activity.needs_review, start
    manual = Activity.objects.get(sources__source_id="9800368916")
    assert (manual.date, manual.distance_m, manual.sources.count()) == (dt.date(2017, 6, 14), 8046.7, 1)


def test_the_values_come_from_the_file_where_it_has_them(reconciled):
    # Edge 810 ride: the FIT's 41,339.38 m and 4,700.05 s over Strava's rounded 41339.4 and 4700.1
    ride = Activity.objects.get(start_time=_utc(2013, 8, 16, 18, 5, 10))
    assert (ride.distance_m, ride.duration_s, ride.avg_hr, ride.max_hr) == (41339.38, 4700.05, 154.0, 176.0)
    assert ride.provenance["distance_m"] == "fit_file"
    # Wahoo ride: local time from the FIT (activity.local_timestamp 14:26:44 at 06:26:44 UTC)
    wahoo = Activity.objects.get(start_time=_utc(2019, 2, 17, 6, 26, 44))
    assert (wahoo.utc_offset_s, wahoo.date) == (8 * 3600, dt.date(2019, 2, 17))
    # Zwift ride: the file's timer and elapsed times put in order (it writes 1808 s timer, 1807 s elapsed)
    zwift = Activity.objects.get(start_time=_utc(2017, 10, 5, 0, 4, 6))
    assert (zwift.duration_s, zwift.elapsed_s) == (1807.0, 1808.0)

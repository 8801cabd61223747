"""A pull of the whole sample account: every activity as the export's answer key describes it."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import ActivitySource
from ingest.garmin.pull import NO_ORIGINAL, garmin_connect_sync
from ingest.models import ProcessedFile

pytestmark = pytest.mark.django_db

MULTISPORT = "949782516"
TREADMILL_MANUAL = "1788750977"


def test_a_pull_brings_every_activity_its_file_and_its_legs(garmin_account_signed_in, garmin_manifest):
    result = garmin_connect_sync(page_size=5, workers=1)

    legs = [a for a in garmin_manifest["activities"] if not a["parent"]]
    assert ActivitySource.objects.filter(source="garmin").count() == len(legs) == 19
    assert (result.created, result.failed, result.parents, result.without_file) == (19, 0, 1, 1)
    for expected in legs:
        record = ActivitySource.objects.get(source="garmin", source_id=str(expected["activityId"]))
        si = expected["expected_SI"]
        assert record.route == "garmin_connect"
        expected_distance = None if si["distance_m"] is None else pytest.approx(si["distance_m"])
        assert record.distance_m == expected_distance
        assert record.duration_s == pytest.approx(si["timer_s"])
        if "start_utc" not in si:
            continue  # the manual run: the key gives distance and time only
        assert record.start_time.isoformat() == si["start_utc"], expected["activityId"]
        local = record.start_time + dt.timedelta(seconds=record.utc_offset_s)
        assert local.replace(tzinfo=None).isoformat() == si["start_local_wallclock"]
        assert record.elapsed_s == pytest.approx(si["elapsed_s"])
        assert record.avg_hr == si["avg_hr"]
        assert record.calories == pytest.approx(si["calories_kcal"], abs=0.05)

    # each original once, through the file path: the multisport file once for its seven legs
    members = {a["member"] for a in garmin_manifest["activities"] if a.get("member")}
    files = [f for f in garmin_manifest["files"] if f.get("member") in members]
    assert result.downloaded == result.files.imported == len(members) == 12
    sessions = sum(len([i for i in f["activityIds"] if str(i) != MULTISPORT]) for f in files)
    assert ActivitySource.objects.filter(source="fit_file").count() == sessions
    assert set(ProcessedFile.objects.values_list("route", flat=True)) == {"garmin_connect"}

    # the multisport parent is no record; each leg is paired with its own session of the file
    assert not ActivitySource.objects.filter(source="garmin", source_id=MULTISPORT).exists()
    legs = ActivitySource.objects.filter(source="garmin", raw__original_of=MULTISPORT)
    assert legs.count() == 7 and len({leg.raw["paired_record"] for leg in legs}) == 7
    for leg in legs:
        paired = ActivitySource.objects.get(source="fit_file", source_id=leg.raw["paired_record"])
        assert abs((paired.start_time - leg.start_time).total_seconds()) <= 60

    manual = ActivitySource.objects.get(source="garmin", source_id=TREADMILL_MANUAL)
    assert manual.raw["original_sha256"] == NO_ORIGINAL and manual.file_id is None
    assert (manual.sport, manual.sub_sport) == ("running", "treadmill")

"""The one-way file path: bytes -> parser -> placement (with the route's hints) -> validate once -> store.

`import_files` reads nothing into a file's name unless told to (`--healthfit-names`); the HealthFit
sync always does. Names below hold HealthFit's U+2019 apostrophe and no-break space.
"""

from __future__ import annotations

import datetime as dt
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.profile_type import FileType, Manufacturer

from activities.models import ActivitySource
from ingest.files import FileInput, files_import_paths, files_ingest
from ingest.healthfit.parser import healthfit_name_hints
from ingest.models import ProcessedFile
from ingest.records import ParsedActivity
from tests.support.healthfit import DOCUMENTS

pytestmark = pytest.mark.django_db

# HealthFit wrote this ride without activity.local_timestamp: only its name knows it began at 08:43 PDT
RIDE = "2015-10-13-084315-Outdoor Cycling-Runner’s Apple\u00a0Watch.fit"
RIDE_UTC = dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=dt.UTC)
TIMELESS_GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Hike</name><trkseg>
    <trkpt lat="45.76" lon="14.36"><ele>550</ele></trkpt>
    <trkpt lat="45.77" lon="14.37"><ele>560</ele></trkpt>
  </trkseg></trk>
</gpx>
"""
HIKE = "2014-09-08-081500-Hiking-Runner’s Apple\u00a0Watch.gpx"


@pytest.fixture
def inbox(samples, tmp_path, settings):
    """The ride and a timeless GPX, both HealthFit-named, in a plain folder; home in Tokyo (+9 h)."""
    settings.RUNBASE_HOME_TZ = "Asia/Tokyo"
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copyfile(samples / DOCUMENTS / RIDE, folder / RIDE)
    (folder / HIKE).write_bytes(TIMELESS_GPX)
    return folder


def _import(*args) -> str:
    out = StringIO()
    call_command("import_files", *map(str, args), "--workers=1", stdout=out)
    return out.getvalue()


def test_import_files_reads_no_meaning_into_a_file_name(inbox):
    output = _import(inbox)

    ride = ActivitySource.objects.get(file__name=RIDE)
    # no offset anywhere: the home zone dates it (00:43 on the 14th in Tokyo), and no offset is invented
    assert (ride.start_time, ride.utc_offset_s, ride.local_date) == (RIDE_UTC, None, dt.date(2015, 10, 14))
    assert "utc_offset_from" not in ride.raw
    assert (
        f"failed       {HIKE}: {HIKE}: no timestamps: the file holds no time of its own and the route "
        "gave no start: it cannot be placed in time"
    ) in output


def test_import_files_reads_healthfit_names_when_told_to(inbox):
    output = _import(inbox, "--healthfit-names")

    assert output.splitlines()[-1].startswith("imported=2 ")
    ride = ActivitySource.objects.get(file__name=RIDE)
    assert (ride.start_time, ride.utc_offset_s, ride.local_date) == (RIDE_UTC, -25200, dt.date(2015, 10, 13))
    assert ride.raw["utc_offset_from"] == "file name"
    hike = ActivitySource.objects.get(file__name=HIKE)
    # 08:15 on 8 September in the home zone (Tokyo, +9 h)
    assert (hike.start_time, hike.utc_offset_s, hike.local_date) == (
        dt.datetime(2014, 9, 7, 23, 15, tzinfo=dt.UTC),
        32400,
        dt.date(2014, 9, 8),
    )
    assert hike.raw["start_from"] == "file name, home time zone"


def test_the_same_name_hints_through_the_service(inbox):
    result = files_import_paths(paths=[inbox / RIDE], workers=1, name_hints=healthfit_name_hints)

    assert result.imported == 1
    assert ActivitySource.objects.get().utc_offset_s == -25200


def _fit_with_heart_rate(bpm: int) -> bytes:
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    builder.add(file_id)
    for i in range(30):
        record = RecordMessage()
        record.timestamp = (1_600_000_000 + i) * 1000  # 2020-09-13, Unix milliseconds
        record.distance = 3.0 * i
        record.heart_rate = bpm
        builder.add(record)
    return builder.build().to_bytes()


def test_a_record_that_breaks_the_contract_fails_its_file_and_writes_nothing():
    item = FileInput(name="strap.fit", origin="strap.fit", data=_fit_with_heart_rate(12))

    result = files_ingest(inputs=[item], route="files", workers=1)

    (outcome,) = result.outcomes
    assert outcome.status == "failed"
    assert (
        outcome.error.startswith("strap.fit: fit_file:") and "has an implausible avg_hr: 12" in outcome.error
    )
    assert not ActivitySource.objects.exists()
    assert ProcessedFile.objects.get().status == "failed"


def test_each_record_is_validated_once_on_the_file_path(samples, monkeypatch):
    validated: list[str] = []
    original = ParsedActivity.validate

    def counting(self):
        validated.append(self.source_id)
        return original(self)

    monkeypatch.setattr(ParsedActivity, "validate", counting)
    data = (samples / "fit" / "devices" / "sample_mulitple_header.fit").read_bytes()

    files_ingest(inputs=[FileInput(name="tri.fit", origin="tri.fit", data=data)], route="files", workers=1)

    stored = sorted(ActivitySource.objects.values_list("source_id", flat=True))
    assert len(stored) == 5 and sorted(validated) == stored

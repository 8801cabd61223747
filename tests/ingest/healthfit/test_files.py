"""The HealthFit folder's files: `manifest.json` there (a test oracle only) gives each file's UTC start
and offset, as the sync route derives them from the file name. Names hold a U+2019 apostrophe and
sometimes a no-break space, so files are keyed here by their date-time prefix."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ingest.healthfit.parser import healthfit_name_hints
from ingest.records import FileHints, NotAnActivity, SourceError
from tests.support.parsing import parse, place

ENTRIES = {
    "2011-11-02-125419": ("cycling", 2263, False),
    "2013-02-06-121114": ("running", 590, False),
    "2015-08-15-164508": ("running", 2809, True),
    "2015-10-13-084315": ("cycling", 221, False),
    "2017-01-17-170647": ("running", 3424, False),
    "2017-05-18-173730": ("rowing", 1641, True),
    "2017-06-11-073251": ("walking", 17, True),
    "2017-06-12-090922": ("cycling", 19, True),
    "2017-06-12-091015": ("cycling", 15, True),
    "2017-06-13-094230": ("swimming", 4376, True),
}


@pytest.fixture(scope="module")
def folder(samples):
    return samples / "healthfit" / "iCloud~com~altifondo~HealthFit" / "Documents"


@pytest.fixture(scope="module")
def manifest(samples):
    entries = json.loads((samples / "healthfit" / "manifest.json").read_text())
    return {entry["name"][:17]: entry for entry in entries}


def _file(folder, prefix):
    (path,) = folder.glob(f"{prefix}-*.fit")
    return path


def test_every_healthfit_fit_file_is_listed(folder):
    assert {p.name[:17] for p in folder.glob("*.fit")} == set(ENTRIES)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_healthfit_file_starts_when_its_name_says(folder, manifest, name):
    sport, sample_count, has_local_timestamp = ENTRIES[name]
    entry = manifest.get(name)
    records = parse(_file(folder, name))

    assert len(records) == 1
    record = records[0]
    assert (record.sport, len(record.samples)) == (sport, sample_count)
    if entry is not None:  # the Stryd file is not in the manifest; its name is UTC (17:06:47)
        assert record.start_time == dt.datetime.fromisoformat(entry["utc_start"])
        expected_offset = entry["utc_offset_s"] if has_local_timestamp else None
        assert record.utc_offset_s == expected_offset
        hinted = place(_file(folder, name), hints=FileHints(utc_offset_s=entry["utc_offset_s"]))[0]
        assert hinted.utc_offset_s == entry["utc_offset_s"]
        named = place(_file(folder, name), hints=healthfit_name_hints(_file(folder, name).name))[0]
        assert (named.utc_offset_s, named.local_date.isoformat()) == (
            entry["utc_offset_s"],
            entry["local_start"][:10],
        )
    else:
        assert record.start_time == dt.datetime(2017, 1, 17, 17, 6, 47, tzinfo=dt.UTC)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_healthfit_writes_development_as_manufacturer_and_the_creator_names_the_device(folder, name):
    record = parse(_file(folder, name))[0]

    assert record.raw["file_id"]["manufacturer"] == "development"
    assert record.device.manufacturer in ("garmin", "development")
    assert record.device.serial == str(record.raw["file_id"]["serial_number"])


def test_a_healthfit_copy_is_its_own_file_with_its_own_id(folder, samples):
    copy = parse(_file(folder, "2013-02-06-121114"))[0]
    original = parse(samples / "fit" / "runs" / "2013-02-06-12-11-14.fit")[0]

    assert copy.source_id != original.source_id  # different bytes (file_id rewritten)
    assert (copy.start_time, copy.distance_m, copy.device.product) == (
        original.start_time,
        original.distance_m,
        original.device.product,
    )


def test_the_icloud_stub_is_not_a_fit_file(folder):
    stub = next(folder.glob(".*.icloud"))

    with pytest.raises(SourceError) as raised:
        parse(stub)

    assert not isinstance(raised.value, NotAnActivity)
    assert str(raised.value) == (
        f"{stub.name}: unknown file type: not FIT, GPX or TCX (by content or extension)"
    )

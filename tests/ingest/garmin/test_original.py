"""A downloaded original: the recordings in it, or a clear error for a broken download."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.garmin.original import original_files
from ingest.records import SourceError

FIT = "fit/runs/2013-02-06-12-11-14.fit"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zipped_original_gives_its_recording(samples):
    data = (samples / FIT).read_bytes()

    files = original_files(activity_id="42", data=_zip({"42_ACTIVITY.fit": data, "readme.txt": b"x"}))

    assert [(f.name, f.origin, f.read_bytes() == data) for f in files] == [
        ("42_ACTIVITY.fit", "garmin-connect/42.zip!42_ACTIVITY.fit", True)
    ]


def test_an_unzipped_original_is_named_by_what_it_is(samples):
    fit = (samples / FIT).read_bytes()
    gpx = b'<?xml version="1.0"?>\n<gpx version="1.1" creator="x"><trk/></gpx>'

    assert original_files(activity_id="7", data=fit)[0].name == "7.fit"
    assert original_files(activity_id="8", data=gpx)[0].name == "8.gpx"


def test_a_zip_without_a_recording_gives_nothing():
    assert original_files(activity_id="9", data=_zip({"notes.txt": b"manual entry"})) == []


def test_a_truncated_download_is_a_broken_download(samples):
    data = _zip({"5_ACTIVITY.fit": (samples / FIT).read_bytes()})

    with pytest.raises(SourceError, match=r"activity 5: the original download is broken \("):
        original_files(activity_id="5", data=data[: len(data) // 2])


def test_bytes_that_are_neither_zip_nor_recording_are_named():
    with pytest.raises(SourceError, match=r"activity 6: .* neither a zip nor a recording \(9 bytes"):
        original_files(activity_id="6", data=b"Not found")

"""One recording, one identity: the same FIT plain, gzipped and inside a Strava export is one record.

The Strava export sample's six uploads are `.fit.gz` copies of six sample FIT files (the table below);
`import_files` gets the plain files and gzipped copies made here with other compression settings.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from activities.models import ActivitySource
from ingest.files import files_import_paths
from ingest.garmin.importer import garmin_import
from ingest.models import ProcessedFile
from ingest.rawstore import raw_store_dir
from ingest.strava.export import strava_export_import
from tests.support.identity import duplicate_file_records

pytestmark = pytest.mark.django_db

STRAVA_EXPORT = "strava/export/export_12345678.zip"
# upload in the export -> the sample FIT it was made from (their inflated bytes are equal)
UPLOADS = {
    "activities/9800060294.fit.gz": "fit/runs/2013-02-06-12-11-14.fit",
    "activities/9800120516.fit.gz": "fit/runs/activity-small-fenix2-run.fit",
    "activities/9800145719.fit.gz": "fit/runs/developer-types-sample.fit",
    "activities/9800229278.fit.gz": "fit/runs/garmin-fenix-5-run.fit",
    "activities/9800242614.fit.gz": "fit/other-sports/sample-activity.fit",
    "activities/9800302149.fit.gz": "fit/other-sports/garmin-fenix-5-walk.fit",
}


@pytest.fixture
def plain(samples, tmp_path) -> Path:
    folder = tmp_path / "plain"
    folder.mkdir()
    for sample in UPLOADS.values():
        shutil.copyfile(samples / sample, folder / Path(sample).name)
    return folder


@pytest.fixture
def gzipped(samples, tmp_path) -> Path:
    """The same files gzipped as a person would (level 1, a header time): other bytes than Strava's."""
    folder = tmp_path / "gzipped"
    folder.mkdir()
    for sample in UPLOADS.values():
        packed = gzip.compress((samples / sample).read_bytes(), compresslevel=1, mtime=1_700_000_000)
        (folder / f"{Path(sample).name}.gz").write_bytes(packed)
    return folder


def _identities(samples) -> set[str]:
    return {hashlib.sha256((samples / sample).read_bytes()).hexdigest() for sample in UPLOADS.values()}


def test_the_export_uploads_are_the_sample_files_compressed(samples):
    with zipfile.ZipFile(samples / STRAVA_EXPORT) as archive:
        for member, sample in UPLOADS.items():
            packed = archive.read(member)
            assert packed != (samples / sample).read_bytes()
            assert gzip.decompress(packed) == (samples / sample).read_bytes(), member


def _assert_one_record_per_recording(samples) -> None:
    identities = _identities(samples)
    records = ActivitySource.objects.filter(source="fit_file")
    assert sorted(records.values_list("source_id", flat=True)) == sorted(identities)
    assert set(ProcessedFile.objects.values_list("sha256", flat=True)) == identities
    assert ProcessedFile.objects.count() == 6
    assert duplicate_file_records() == 0
    # every Strava row names the record of its upload
    uploads = ActivitySource.objects.filter(source="strava").exclude(raw__upload_sha256=None)
    assert {r.raw["upload_sha256"] for r in uploads} == identities


def test_plain_then_gzipped_then_the_strava_export_is_one_record_per_recording(samples, plain, gzipped):
    first = files_import_paths(paths=[plain], workers=1)
    packed = files_import_paths(paths=[gzipped], workers=1)
    export = strava_export_import(path=samples / STRAVA_EXPORT, workers=1)

    assert (first.imported, packed.imported, packed.already_seen) == (6, 0, 6)
    assert (export.files.imported, export.files.already_seen, export.created) == (0, 6, 7)
    _assert_one_record_per_recording(samples)
    # the manifest keeps where the recording was first seen: the plain file
    assert {Path(p).parent for p in ProcessedFile.objects.values_list("path", flat=True)} == {plain}


def test_the_strava_export_then_gzipped_then_plain_is_one_record_per_recording(samples, plain, gzipped):
    export = strava_export_import(path=samples / STRAVA_EXPORT, workers=1)
    packed = files_import_paths(paths=[gzipped], workers=1)
    again = files_import_paths(paths=[plain], workers=1)

    assert (export.files.imported, packed.already_seen, again.already_seen) == (6, 6, 6)
    assert "same content as export_12345678.zip!activities/" in packed.outcomes[0].error
    _assert_one_record_per_recording(samples)


def test_the_raw_store_keeps_the_bytes_as_received(samples):
    strava_export_import(path=samples / STRAVA_EXPORT, workers=1)

    with zipfile.ZipFile(samples / STRAVA_EXPORT) as archive:
        for row in ProcessedFile.objects.all():
            member = row.path.split("!", 1)[1]
            assert (raw_store_dir() / row.raw_path).read_bytes() == archive.read(member)
            assert row.raw_path.endswith(".fit.gz") and row.size == archive.getinfo(member).file_size


def test_a_re_run_of_every_route_changes_nothing(samples, plain, gzipped):
    for _ in range(2):
        files_import_paths(paths=[gzipped], workers=1)
        strava_export_import(path=samples / STRAVA_EXPORT, workers=1)
        files_import_paths(paths=[plain], workers=1)
    before = list(ActivitySource.objects.order_by("pk").values_list("pk", "source_id", "content_hash"))

    files_import_paths(paths=[plain, gzipped], workers=1)
    strava_export_import(path=samples / STRAVA_EXPORT, workers=1)

    assert (
        list(ActivitySource.objects.order_by("pk").values_list("pk", "source_id", "content_hash")) == before
    )
    _assert_one_record_per_recording(samples)


def test_a_corrupt_gzip_is_one_failed_file_identified_by_its_bytes(samples, tmp_path):
    packed = gzip.compress((samples / UPLOADS["activities/9800060294.fit.gz"]).read_bytes())
    (tmp_path / "cut.fit.gz").write_bytes(packed[:300])

    result = files_import_paths(paths=[tmp_path / "cut.fit.gz"], workers=1)

    assert result.failed == 1 and "cut.fit.gz: truncated or corrupt gzip data" in result.outcomes[0].error
    assert ProcessedFile.objects.get().sha256 == hashlib.sha256(packed[:300]).hexdigest()


GARMIN_EXPORT = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


def _gzip_uploads(source: Path, target: Path) -> None:
    """A copy of a Garmin export whose uploaded FIT files are gzipped (`<user>_<n>.fit.gz`)."""

    def rewrite(data: bytes) -> bytes:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as inner,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for info in inner.infolist():
                member = inner.read(info)
                if info.filename.endswith(".fit"):
                    new.writestr(info.filename + ".gz", gzip.compress(member, mtime=0))
                else:
                    new.writestr(info, member)
        return out.getvalue()

    with zipfile.ZipFile(source) as outer, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in outer.infolist():
            data = outer.read(info)
            new.writestr(info, rewrite(data) if info.filename.endswith(".zip") else data)


def test_a_garmin_export_with_gzipped_uploads_pairs_and_merges_by_content(samples, tmp_path):
    manifest = json.loads((samples / "garmin" / "manifest.json").read_text())
    packed = tmp_path / "gzipped-export.zip"
    _gzip_uploads(samples / GARMIN_EXPORT, packed)

    first = garmin_import(path=packed, workers=1)
    records = ActivitySource.objects.filter(source="fit_file").count()
    again = garmin_import(path=samples / GARMIN_EXPORT, workers=1)

    # the answer key's sha256 is each plain FIT's: the gzipped upload pairs under that identity
    for entry in (
        a for a in manifest["activities"] if not a["parent"] and (a["member"] or "").endswith(".fit")
    ):
        plain = next(f["sha256"] for f in manifest["files"] if f["member"] == entry["member"])
        summary = ActivitySource.objects.get(source="garmin", source_id=str(entry["activityId"]))
        assert summary.raw["paired_file_sha256"] == plain, entry["activityId"]
    assert first.paired == 18
    # the plain export after it: every FIT is known content, nothing new
    assert again.files.imported == 0 and ActivitySource.objects.filter(source="fit_file").count() == records
    assert duplicate_file_records() == 0


def test_a_gzipped_file_changed_in_place_moves_its_record_to_the_new_content(samples, tmp_path):
    first, second = (
        samples / UPLOADS[m] for m in ("activities/9800060294.fit.gz", "activities/9800229278.fit.gz")
    )
    target = tmp_path / "run.fit.gz"
    target.write_bytes(gzip.compress(first.read_bytes(), mtime=0))
    files_import_paths(paths=[target], workers=1)
    record = ActivitySource.objects.get(source="fit_file")
    old_archive = ProcessedFile.objects.get().raw_path

    target.write_bytes(gzip.compress(second.read_bytes(), mtime=0))
    os.utime(target, (1_700_000_000, 1_700_000_000))
    result = files_import_paths(paths=[target], workers=1)

    assert (result.updated, result.imported) == (1, 0)
    record.refresh_from_db()
    assert record.source_id == hashlib.sha256(second.read_bytes()).hexdigest()
    row = ProcessedFile.objects.get()
    assert (row.sha256, row.path, record.file_id) == (record.source_id, str(target), row.pk)
    assert (raw_store_dir() / old_archive).read_bytes() == gzip.compress(first.read_bytes(), mtime=0)


@pytest.mark.parametrize("sample", ["tcx/test.tcx", "gpx/cerknicko-jezero.gpx"])
def test_a_gzipped_tcx_or_gpx_is_the_same_record_as_the_plain_file(samples, tmp_path, sample):
    plain = samples / sample
    packed = tmp_path / f"{plain.name}.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))

    first = files_import_paths(paths=[packed], workers=1)
    second = files_import_paths(paths=[plain], workers=1)

    assert (first.imported, second.already_seen) == (1, 1)
    ids = ActivitySource.objects.filter(source="fit_file").values_list("source_id", flat=True)
    assert {i.partition("#")[0] for i in ids} == {hashlib.sha256(plain.read_bytes()).hexdigest()}


def test_a_plain_file_and_its_gzipped_copy_in_one_run_are_one_record(samples, plain, gzipped):
    result = files_import_paths(paths=[plain, gzipped], workers=2)

    assert (result.imported, result.already_seen, result.failed) == (6, 6, 0)
    assert all("same content as " in o.error for o in result.by_status("already_seen"))
    assert ActivitySource.objects.filter(source="fit_file").count() == ProcessedFile.objects.count() == 6

import hashlib

from ingest.rawstore import raw_store_put, raw_suffix


def test_a_file_is_archived_by_content_keeping_its_extension(settings):
    data = b"FIT bytes"
    sha = hashlib.sha256(data).hexdigest()

    raw = raw_store_put(data=data, name="Morning Run.FIT")

    assert (raw.sha256, raw.size, raw.raw_path) == (sha, 9, f"{sha[:2]}/{sha}.fit")
    assert (settings.RAW_STORE_DIR / raw.raw_path).read_bytes() == data
    assert raw.absolute == settings.RAW_STORE_DIR / raw.raw_path


def test_archiving_the_same_bytes_again_changes_nothing_and_leaves_no_temp_file(settings):
    first = raw_store_put(data=b"x" * 100, name="a.gpx")
    mtime = first.absolute.stat().st_mtime_ns

    second = raw_store_put(data=b"x" * 100, name="renamed.gpx")

    assert second == first
    assert first.absolute.stat().st_mtime_ns == mtime
    assert [p.name for p in first.absolute.parent.iterdir()] == [first.absolute.name]


def test_compressed_and_unknown_extensions():
    assert raw_suffix("123.fit.gz") == ".fit.gz"
    assert raw_suffix("track.GPX") == ".gpx"
    assert raw_suffix("mystery") == ".bin"

import hashlib
import os
import subprocess
import sys
import time

from ingest.rawstore import raw_store_put, raw_store_sweep, raw_suffix


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


def _part(settings, name: str, *, age_s: float):
    path = settings.RAW_STORE_DIR / "ab" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a file")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_a_sweep_removes_what_killed_writers_left_and_nothing_a_live_writer_owns(settings):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = _part(settings, f".incoming-{dead.pid}-x1.part", age_s=30)
    unnamed = _part(settings, ".incoming-x2.part", age_s=30)  # the name before writers signed it
    live = _part(settings, f".incoming-{os.getpid()}-x3.part", age_s=30)
    fresh = _part(settings, f".incoming-{dead.pid}-x4.part", age_s=1)
    ancient = _part(settings, f".incoming-{os.getpid()}-x5.part", age_s=7200)
    kept = raw_store_put(data=b"archived", name="a.fit").absolute

    removed = raw_store_sweep(older_than_s=10)

    assert sorted(removed) == sorted([orphan, unnamed, ancient])
    assert live.exists() and fresh.exists() and kept.exists()

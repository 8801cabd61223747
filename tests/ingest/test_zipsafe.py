"""The archive budget: hostile zips are refused from their central directories, before anything is
read, and every refusal names the entry, the limit, its value and the setting that changes it."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import struct
import zipfile
from pathlib import Path

import pytest

from ingest.records import SourceError
from ingest.zipsafe import ZipLimits, gunzip_capped, zip_check_name, zip_entries, zip_validate

MB = 1 << 20


def _zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def _write(tmp_path: Path, members: dict[str, bytes], name: str = "export.zip", **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(_zip_bytes(members, **kwargs))
    return path


def _incompressible(size: int, seed: int = 0) -> bytes:
    """Distinct bytes that deflate does not shrink (so only the limit under test can refuse them)."""
    return random.Random(seed).randbytes(size)


def _both(path: Path, **kwargs) -> list[str]:
    """Run the check and the reader alone on `path`; the refusal messages of both."""
    messages = []
    for run in (lambda: zip_validate(path, **kwargs), lambda: list(zip_entries(path, **kwargs))):
        with pytest.raises(SourceError) as caught:
            run()
        messages.append(str(caught.value))
    return messages


# --- reading -------------------------------------------------------------------------------------


def test_it_yields_members_of_nested_zips_without_writing_them_out(tmp_path):
    inner = _zip_bytes({"a.fit": b"A" * 10, "b.gpx": b"<gpx/>"})
    path = _write(tmp_path, {"notes.txt": b"hi", "parts/Part1.zip": inner})

    entries = [(e.path, e.data, e.depth) for e in zip_entries(path)]

    assert entries == [
        ("export.zip!notes.txt", b"hi", 0),
        ("export.zip!parts/Part1.zip!a.fit", b"A" * 10, 1),
        ("export.zip!parts/Part1.zip!b.gpx", b"<gpx/>", 1),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "export.zip"]


def test_it_skips_unwanted_members(tmp_path):
    path = _write(tmp_path, {"a.fit": b"1", "b.json": b"2"})

    assert [e.name for e in zip_entries(path, want=lambda n: n.endswith(".fit"))] == ["a.fit"]


def test_it_spools_members_to_files_with_their_hash_and_take_deletes_the_file(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    inner = _zip_bytes({"a.fit": b"A" * 3000})
    path = _write(tmp_path, {"activities.csv": b"id\n1\n", "Part1.zip": inner})

    entries = list(zip_entries(path, spool_dir=spool, spool=lambda n: n.endswith(".fit")))

    csv, fit = entries
    assert (csv.data, csv.file) == (b"id\n1\n", None)
    assert fit.data is None and fit.size == 3000
    assert fit.sha256 == hashlib.sha256(b"A" * 3000).hexdigest()
    assert fit.file.parent == spool and fit.file.name.endswith(".fit")
    assert fit.read_bytes() == b"A" * 3000 and fit.file.exists()
    assert fit.take() == b"A" * 3000
    assert not fit.file.exists()


def test_a_member_refused_while_spooling_leaves_no_spool_file(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    path = _write(tmp_path, {"a.fit": _incompressible(5000)})

    with pytest.raises(SourceError, match="RUNBASE_ARCHIVE_MAX_TOTAL_MB"):
        list(zip_entries(path, spool_dir=spool, limits=ZipLimits(max_total_bytes=4000)))
    assert list(spool.iterdir()) == []


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fault"),
    [
        ("../evil.fit", "climbs out with '..'"),
        ("a/../../evil.fit", "climbs out with '..'"),
        ("..\\evil.fit", "climbs out with '..'"),
        ("/etc/evil.fit", "absolute path"),
        ("C:\\Windows\\evil.fit", "absolute path"),
        ("c:evil.fit", "absolute path"),
    ],
)
def test_it_refuses_entries_escaping_the_destination(tmp_path, name, fault):
    path = _write(tmp_path, {"ok.fit": b"1", name: b"2"})

    for message in _both(path):
        assert fault in message
        assert name in message or repr(name)[1:-1] in message


def test_it_refuses_a_zip_slip_inside_a_nested_zip_naming_the_chain(tmp_path):
    path = _write(tmp_path, {"Part1.zip": _zip_bytes({"../evil.fit": b"x"})})

    for message in _both(path):
        assert "export.zip!Part1.zip!../evil.fit" in message and "escapes" in message


def test_it_refuses_an_escaping_name_even_among_unwanted_members(tmp_path):
    path = _write(tmp_path, {"ok.fit": b"1", "../evil.json": b"2"})

    with pytest.raises(SourceError, match="escapes the destination"):
        zip_validate(path, want=lambda n: n.endswith(".fit"))


def test_it_accepts_names_that_merely_contain_dots():
    assert zip_check_name("runner..x/a...fit") == "runner..x/a...fit"


# --- the budget, one limit at a time ---------------------------------------------------------------


def test_the_defaults_fit_a_ten_year_export():
    limits = ZipLimits()

    assert limits.max_members == 50_000
    assert limits.max_total_bytes == 4096 * MB
    assert limits.max_file_bytes == 100 * MB  # settings.py has the same defaults
    assert limits.max_depth == 2
    assert limits.max_ratio == 100
    assert limits.ratio_min_bytes == 64 << 10
    assert limits.max_total_ratio == 100


def test_the_settings_defaults_are_the_dataclass_defaults():
    if any(name.startswith("RUNBASE_ARCHIVE_") for name in os.environ):  # .env is read into os.environ
        pytest.skip("RUNBASE_ARCHIVE_* set in this environment")

    assert ZipLimits.from_settings() == ZipLimits()


def test_the_limits_come_from_the_settings(settings):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 7
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 1.5
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.5
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1
    settings.RUNBASE_ARCHIVE_MAX_RATIO = 20
    settings.RUNBASE_ARCHIVE_RATIO_MIN_KB = 4

    assert ZipLimits.from_settings() == ZipLimits(
        max_members=7,
        max_total_bytes=1_572_864,
        max_file_bytes=524_288,
        max_depth=1,
        max_ratio=20.0,
        ratio_min_bytes=4096,
        max_total_ratio=20.0,
    )


def test_it_refuses_too_many_members_counting_nested_ones(tmp_path):
    inner = _zip_bytes({f"f{i}.fit": b"x" for i in range(4)})
    path = _write(tmp_path, {"a.json": b"{}", "Part1.zip": inner})
    limits = ZipLimits(max_members=5)

    for message in _both(path, limits=limits):
        assert message.startswith("archive refused: export.zip!Part1.zip brings the archive to 6 members")
        assert "over the limit RUNBASE_ARCHIVE_MAX_MEMBERS=5" in message
        assert "raise RUNBASE_ARCHIVE_MAX_MEMBERS in the environment or .env" in message
    assert zip_validate(path, limits=ZipLimits(max_members=6)).members == 6


def test_it_refuses_a_total_over_the_limit_naming_the_member_that_reaches_it(tmp_path, settings):
    path = _write(tmp_path, {f"f{i}.fit": _incompressible(40_000, i) for i in range(5)})
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 0.1  # 104,857 bytes

    for message in _both(path, limits=ZipLimits.from_settings()):
        assert "the members read reach 120000 bytes at export.zip!f2.fit" in message
        assert "over the limit RUNBASE_ARCHIVE_MAX_TOTAL_MB=0.1 (raise" in message
    summary = zip_validate(path, limits=ZipLimits(max_total_bytes=200_000))
    assert (summary.files, summary.total_bytes) == (5, 200_000)


def test_unwanted_members_do_not_count_towards_the_total(tmp_path):
    path = _write(tmp_path, {"photo.jpg": _incompressible(90_000), "a.fit": _incompressible(20_000)})
    limits = ZipLimits(max_total_bytes=50_000)

    summary = zip_validate(path, limits=limits, want=lambda n: n.endswith(".fit"))

    assert (summary.members, summary.files, summary.total_bytes) == (2, 1, 20_000)


def test_it_refuses_one_member_over_the_per_file_limit(tmp_path, settings):
    path = _write(tmp_path, {"small.fit": b"x", "big.fit": _incompressible(3000)})
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.002  # 2,097 bytes

    for message in _both(path, limits=ZipLimits.from_settings()):
        assert message.startswith("archive refused: member export.zip!big.fit is 3000 bytes")
        assert "over the limit RUNBASE_ARCHIVE_MAX_FILE_MB=0.002 (raise" in message


def test_a_nested_zip_is_bounded_by_the_total_not_the_per_file_limit(tmp_path):
    inner = _zip_bytes(
        {f"f{i}.fit": _incompressible(1500, i) for i in range(3)}, compression=zipfile.ZIP_STORED
    )
    path = _write(tmp_path, {"Part1.zip": inner}, compression=zipfile.ZIP_STORED)

    assert zip_validate(path, limits=ZipLimits(max_file_bytes=2048)).files == 3
    with pytest.raises(SourceError, match=r"nested zip export\.zip!Part1\.zip is \d+ bytes.*MAX_TOTAL_MB"):
        zip_validate(path, limits=ZipLimits(max_total_bytes=len(inner) - 1))


def test_it_refuses_too_deep_nesting(tmp_path):
    member = _zip_bytes({"deep.fit": b"x"})
    for level in range(3):
        member = _zip_bytes({f"level{level}.zip": member})
    path = _write(tmp_path, {"outer.zip": member})

    for message in _both(path):
        assert "outer.zip!level2.zip!level1.zip is a zip nested 3 deep" in message
        assert "RUNBASE_ARCHIVE_MAX_DEPTH=2" in message
    assert zip_validate(path, limits=ZipLimits(max_depth=4)).files == 1


def test_it_refuses_a_nested_zip_bomb_by_its_compression_ratio(tmp_path):
    bomb = _zip_bytes({"zeros.fit": b"\0" * (20 * MB)})
    path = _write(tmp_path, {"UploadedFiles_0-_Part1.zip": bomb})

    for message in _both(path):
        assert "export.zip!UploadedFiles_0-_Part1.zip!zeros.fit inflates 20971520 bytes from" in message
        assert "a zip bomb?" in message and "RUNBASE_ARCHIVE_MAX_RATIO=100" in message


def test_the_ratio_is_only_checked_from_its_threshold(tmp_path):
    small = b"\0" * (60 << 10)  # compresses ~1000:1, but is under the 64 KiB threshold
    path = _write(tmp_path, {"a.fit": small, "b.fit": _incompressible(200_000)})

    assert zip_validate(path).files == 2
    with pytest.raises(SourceError, match=r"a\.fit inflates 61440 bytes.*RUNBASE_ARCHIVE_MAX_RATIO=100"):
        zip_validate(path, limits=ZipLimits(ratio_min_bytes=60 << 10))


def test_many_small_distinct_members_are_refused_by_the_ratio(tmp_path):
    # The measured attack, scaled down: distinct 1 MB members that each deflate to about 1 KB.
    members = {f"{i}.fit": i.to_bytes(4, "big") + b"\0" * (MB - 4) for i in range(40)}
    path = _write(tmp_path, members)

    with pytest.raises(SourceError, match=r"export\.zip!0\.fit inflates 1048576 bytes from \d+ \(ratio"):
        zip_validate(path)


def test_members_under_the_ratio_threshold_are_caught_by_the_whole_archives_ratio(tmp_path):
    members = {f"{i}.fit": i.to_bytes(4, "big") + b"\0" * (60_000 - 4) for i in range(100)}
    path = _write(tmp_path, members)
    size = path.stat().st_size

    for message in _both(path):
        assert "over the limit RUNBASE_ARCHIVE_MAX_RATIO=100" in message
        assert f"times the archive's own {size} bytes" in message
    assert zip_validate(path, limits=ZipLimits(max_total_ratio=1000)).total_bytes == 6_000_000


# --- what the check reads, and what is left for reading ---------------------------------------------


def _declare_smaller(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite `name`'s uncompressed size in the central directory (a lying header)."""
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    return data[: central + 24] + struct.pack("<I", size) + data[central + 28 :]


def test_declared_sizes_are_binding_a_lying_member_cannot_inflate_more(tmp_path):
    real = _zip_bytes({"big.fit": b"\0" * (50 * MB)})
    path = tmp_path / "export.zip"
    path.write_bytes(_declare_smaller(real, b"big.fit", 1000))

    assert zip_validate(path).total_bytes == 1000  # what the directory says is all that can come out
    with pytest.raises(SourceError, match=r"zip entry export\.zip!big\.fit is corrupt: Bad CRC-32"):
        list(zip_entries(path))


def test_the_check_reads_no_member_so_only_a_corrupt_member_is_found_late(tmp_path):
    data = bytearray(_zip_bytes({"a.fit": bytes(range(256)) * 50}, compression=zipfile.ZIP_STORED))
    data[100] ^= 0xFF  # flip a stored byte: the CRC no longer matches
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(data))

    assert zip_validate(path).files == 1
    with pytest.raises(SourceError, match=r"zip entry export\.zip!a\.fit is corrupt"):
        list(zip_entries(path))


def test_it_says_a_non_zip_is_not_a_readable_zip(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"this is not a zip")

    for message in _both(path):
        assert "export.zip is not a readable zip" in message


def test_it_checks_an_in_memory_workbook_against_its_own_size(tmp_path):
    book = io.BytesIO(_zip_bytes({"xl/worksheets/sheet1.xml": b"<row/>" * 200_000}))

    with pytest.raises(SourceError, match=r"log\.xlsx!xl/worksheets/sheet1\.xml inflates 1200000 bytes"):
        zip_validate(book, label="log.xlsx")
    assert book.tell() == 0


# --- gzip ----------------------------------------------------------------------------------------


def test_gunzip_capped_inflates_up_to_the_cap():
    data = _incompressible(300_000)

    assert gunzip_capped(gzip.compress(data), name="a.fit.gz", max_bytes=300_000) == data


def test_gunzip_capped_refuses_a_gzip_bomb_naming_the_setting():
    bomb = gzip.compress(b"\0" * (20 * MB))

    with pytest.raises(SourceError) as caught:
        gunzip_capped(bomb, name="1.fit.gz", max_bytes=2 * MB, setting="RUNBASE_ARCHIVE_MAX_FILE_MB")
    assert str(caught.value) == (
        "1.fit.gz: refused: inflates past 2,097,152 bytes, over the per-file size limit "
        "(RUNBASE_ARCHIVE_MAX_FILE_MB=2); raise it in the environment or .env if the file is genuine"
    )


@pytest.mark.parametrize("cut", [10, 200, -3])
def test_gunzip_capped_names_truncated_data(cut):
    data = gzip.compress(_incompressible(5000))[:cut]

    with pytest.raises(SourceError, match=r"a\.fit\.gz: truncated or corrupt gzip data"):
        gunzip_capped(data, name="a.fit.gz", max_bytes=MB)


def test_gunzip_capped_reads_every_member_of_a_multi_member_file():
    data = gzip.compress(b"first ") + gzip.compress(b"second")

    assert gunzip_capped(data, name="a.tcx.gz", max_bytes=MB) == gzip.decompress(data) == b"first second"


def test_gunzip_capped_counts_the_cap_over_all_members():
    data = gzip.compress(b"x" * 600) + gzip.compress(b"y" * 600)

    with pytest.raises(SourceError, match=r"a\.tcx\.gz: refused: inflates past 1,000 bytes"):
        gunzip_capped(data, name="a.tcx.gz", max_bytes=1000)

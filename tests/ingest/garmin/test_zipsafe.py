"""Hostile zips are refused before anything is inflated, and the error names the limit and the entry."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingest.records import SourceError
from ingest.zipsafe import ZipLimits, zip_check_name, zip_entries


def _zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def _write(tmp_path: Path, members: dict[str, bytes], name: str = "export.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(_zip_bytes(members))
    return path


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

    with pytest.raises(SourceError, match=fault) as caught:
        list(zip_entries(path))
    assert name in str(caught.value) or repr(name)[1:-1] in str(caught.value)


def test_it_refuses_a_zip_slip_inside_a_nested_zip_naming_the_chain(tmp_path):
    path = _write(tmp_path, {"Part1.zip": _zip_bytes({"../evil.fit": b"x"})})

    with pytest.raises(SourceError, match=r"export\.zip!Part1\.zip!\.\./evil\.fit.*escapes"):
        list(zip_entries(path))


def test_it_accepts_names_that_merely_contain_dots():
    assert zip_check_name("runner..x/a...fit") == "runner..x/a...fit"


def test_it_refuses_a_nested_zip_bomb_by_its_compression_ratio(tmp_path):
    bomb = _zip_bytes({"zeros.fit": b"\0" * (20 << 20)})
    path = _write(tmp_path, {"UploadedFiles_0-_Part1.zip": bomb})

    with pytest.raises(SourceError, match=r"compression ratio limit \(200:1\).*Part1\.zip!zeros\.fit"):
        list(zip_entries(path))


def test_it_refuses_too_deep_nesting(tmp_path):
    member = _zip_bytes({"deep.fit": b"x"})
    for level in range(3):
        member = _zip_bytes({f"level{level}.zip": member})
    path = _write(tmp_path, {"outer.zip": member})

    with pytest.raises(SourceError, match=r"nesting depth limit \(2\) exceeded at .*level\d\.zip"):
        list(zip_entries(path))


def test_it_refuses_a_total_size_over_the_limit(tmp_path):
    path = _write(tmp_path, {f"f{i}.fit": bytes(range(256)) * 40 for i in range(5)})
    limits = ZipLimits(max_total_bytes=30_000)

    with pytest.raises(SourceError, match=r"total uncompressed size limit \(30000 bytes\).*f2\.fit"):
        list(zip_entries(path, limits=limits))


def test_it_refuses_one_member_over_the_entry_limit(tmp_path):
    path = _write(tmp_path, {"big.fit": bytes(range(256)) * 100})

    with pytest.raises(SourceError, match=r"entry size limit \(1000 bytes\).*big\.fit"):
        list(zip_entries(path, limits=ZipLimits(max_entry_bytes=1000)))


def test_it_refuses_too_many_entries(tmp_path):
    path = _write(tmp_path, {f"f{i}.fit": b"x" for i in range(6)})

    with pytest.raises(SourceError, match="has 6 entries, over the limit of 5"):
        list(zip_entries(path, limits=ZipLimits(max_entries=5)))


def test_it_says_a_non_zip_is_not_a_readable_zip(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"this is not a zip")

    with pytest.raises(SourceError, match=r"export\.zip is not a readable zip"):
        list(zip_entries(path))


def test_it_names_a_corrupt_member(tmp_path):
    data = bytearray(_zip_bytes({"a.fit": bytes(range(256)) * 50}, compression=zipfile.ZIP_STORED))
    data[100] ^= 0xFF  # flip a stored byte: the CRC no longer matches
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(data))

    with pytest.raises(SourceError, match=r"zip entry export\.zip!a\.fit is corrupt"):
        list(zip_entries(path))

"""Read untrusted zips (and zips inside zips) safely: one budget, checked before anything is imported.

An export zip (Garmin, Strava) or a workbook (an .xlsx is a zip) comes from outside: a member may try
to escape the destination (`../evil.fit`, `/etc/passwd`, `C:\\x`), be a zip bomb (a tiny compressed
size that inflates to gigabytes), hide thousands of distinct members in a tiny file, or nest zips a
hundred deep. One budget (`ZipLimits`, from the `RUNBASE_ARCHIVE_*` settings) bounds all of it, and every
refusal is a `SourceError` naming the entry, the limit, its value and the setting that changes it.

`zip_validate` walks the central directories of the whole archive, nested zips included, before a single
member is imported: names, declared sizes, ratios, member count, nesting depth, the total, and the
total against the archive's own size. The declared sizes are binding: `zipfile` never inflates more
than a member declares (it stops there and the CRC check fails), so reading cannot exceed what the
check accepted; `zip_entries` still counts the bytes it really inflates. Only a corrupt member (bad
CRC, broken deflate stream) can be discovered late, when it is read.

Nothing is unpacked wholesale: nested zips are opened on the parent's member stream, a member is read
in chunks, and a caller may spool members to files (`spool_dir`) so memory holds one chunk, not one
member.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO

from ingest.records import SourceError

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
_GZIP_MAGIC = b"\x1f\x8b"

# ZipLimits field -> (the setting and environment variable that sets it, its unit in bytes).
LIMIT_SETTINGS: dict[str, tuple[str, int]] = {
    "max_members": ("RUNBASE_ARCHIVE_MAX_MEMBERS", 1),
    "max_total_bytes": ("RUNBASE_ARCHIVE_MAX_TOTAL_MB", 1 << 20),
    "max_file_bytes": ("RUNBASE_ARCHIVE_MAX_FILE_MB", 1 << 20),
    "max_depth": ("RUNBASE_ARCHIVE_MAX_DEPTH", 1),
    "max_ratio": ("RUNBASE_ARCHIVE_MAX_RATIO", 1),
    "ratio_min_bytes": ("RUNBASE_ARCHIVE_RATIO_MIN_KB", 1 << 10),
    "max_total_ratio": ("RUNBASE_ARCHIVE_MAX_RATIO", 1),  # one ratio, per member and for the whole
}


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What one archive may do. The defaults fit a 10-year Garmin or Strava export with room to spare
    (about 4,000 recordings, a few hundred MB to 2 GB of files) and refuse what no export looks like."""

    max_members: int = 50_000  # entries of every directory walked, nested zips' included
    max_total_bytes: int = 4 << 30  # uncompressed bytes of the members read (a nested zip: its own size)
    max_file_bytes: int = 100 << 20  # one member read (a recording, a CSV, a workbook part)
    max_depth: int = 2  # zips inside the outer zip (1) and inside those (2); deeper is refused
    max_ratio: float = 100.0  # uncompressed / compressed, for members of `ratio_min_bytes` or more
    ratio_min_bytes: int = 64 << 10
    max_total_ratio: float = 100.0  # the total read / the archive file's size (from `ratio_min_bytes`)

    @classmethod
    def from_settings(cls) -> ZipLimits:
        """The limits the `RUNBASE_ARCHIVE_*` settings give (each falls back to the default above)."""
        from django.conf import settings

        given = {}
        for f in fields(cls):
            name, unit = LIMIT_SETTINGS[f.name]
            value = getattr(settings, name, None)
            given[f.name] = f.default if value is None else type(f.default)(value * unit)
        return cls(**given)


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One member: `name` is its path in its own archive, `path` the chain `outer.zip!inner.zip!name`.

    In memory (`data`), or spooled to `file` (with its `sha256`) when the reader was given a spool
    directory. `size` is the number of bytes either way.
    """

    name: str
    path: str
    data: bytes | None
    depth: int
    size: int = 0
    file: Path | None = None
    sha256: str = ""

    def read_bytes(self) -> bytes:
        """The member's bytes, from memory or from its spool file."""
        if self.data is not None:
            return self.data
        if self.file is None:
            raise ValueError(f"{self.path}: neither in memory nor spooled")
        return self.file.read_bytes()

    def take(self) -> bytes:
        """The member's bytes, deleting its spool file: for a reader that is called once."""
        data = self.read_bytes()
        if self.file is not None:
            self.file.unlink(missing_ok=True)
        return data


@dataclass(frozen=True, slots=True)
class ZipSummary:
    """What `zip_validate` accepted: entries seen, members that will be read, their total size."""

    members: int
    files: int
    total_bytes: int


def _shown(value: float, unit: int = 1) -> str:
    """`value` (bytes, or a ratio) in the setting's unit, as it was most likely written: the shortest
    decimal that gives the same value back (0.1 MB, not 0.0999994 from whole bytes; 0.015625 stays)."""
    scaled = value / unit
    if scaled == int(scaled):
        return str(int(scaled))
    for digits in range(1, 16):
        text = f"{scaled:.{digits}f}".rstrip("0")
        back = float(text) * unit
        if (int(back) if isinstance(value, int) else back) == value:
            return text
    return repr(scaled)


def _limit(limits: ZipLimits, field: str) -> str:
    name, unit = LIMIT_SETTINGS[field]
    return f"{name}={_shown(getattr(limits, field), unit)}"


def refusal(limits: ZipLimits, field: str, what: str) -> SourceError:
    """The one refusal message: what broke which limit, its value, and the setting that changes it."""
    return SourceError(
        f"archive refused: {what}: over the limit {_limit(limits, field)} "
        f"(raise {LIMIT_SETTINGS[field][0]} in the environment or .env if the archive is genuine)"
    )


@dataclass(slots=True)
class _Budget:
    """The running totals of one archive, nested zips included."""

    limits: ZipLimits
    archive_bytes: int  # the outer archive's own size, for the total ratio
    total: int = 0
    members: int = 0
    files: int = 0

    def count_members(self, count: int, where: str) -> None:
        self.members += count
        if self.members > self.limits.max_members:
            raise refusal(self.limits, "max_members", f"{where} brings the archive to {self.members} members")

    def spend(self, count: int, where: str) -> None:
        self.total += count
        limits = self.limits
        if self.total > limits.max_total_bytes:
            raise refusal(limits, "max_total_bytes", f"the members read reach {self.total} bytes at {where}")
        if self.total >= limits.ratio_min_bytes and self.total > limits.max_total_ratio * self.archive_bytes:
            times = self.total / max(self.archive_bytes, 1)
            raise refusal(
                limits,
                "max_total_ratio",
                f"the members read reach {self.total} bytes at {where}, "
                f"{times:.0f} times the archive's own {self.archive_bytes} bytes",
            )


def zip_check_name(name: str, *, where: str = "") -> str:
    """Return `name` if extracting it stays inside the destination; else SourceError (zip-slip)."""
    label = f"{where}!{name}" if where else name
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        raise SourceError(f"zip refused: entry {label!r} has an absolute path (escapes the destination)")
    if ".." in unified.split("/"):
        raise SourceError(f"zip refused: entry {label!r} climbs out with '..' (escapes the destination)")
    if "\x00" in name:
        raise SourceError(f"zip refused: entry {label!r} has a NUL byte in its name")
    return name


def _check_ratio(size: int, compressed: int, limits: ZipLimits, label: str) -> None:
    if size >= limits.ratio_min_bytes and size / max(compressed, 1) > limits.max_ratio:
        raise refusal(
            limits,
            "max_ratio",
            f"{label} inflates {size} bytes from {compressed} "
            f"(ratio {size / max(compressed, 1):.0f}:1, a zip bomb?)",
        )


def _check_member(info: zipfile.ZipInfo, limits: ZipLimits, label: str, *, nested: bool) -> None:
    """One member that will be read: its declared size and ratio (a nested zip is bounded by the total,
    its members by the per-member limit)."""
    if nested:
        if info.file_size > limits.max_total_bytes:
            raise refusal(limits, "max_total_bytes", f"nested zip {label} is {info.file_size} bytes")
    elif info.file_size > limits.max_file_bytes:
        raise refusal(limits, "max_file_bytes", f"member {label} is {info.file_size} bytes")
    _check_ratio(info.file_size, info.compress_size, limits, label)


@dataclass(frozen=True, slots=True)
class _Walk:
    budget: _Budget
    is_nested: Callable[[str], bool]
    want: Callable[[str], bool]


def _open(fileobj: IO[bytes] | str | Path, where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise SourceError(f"{where} is not a readable zip: {exc}") from exc


def _directory(archive: zipfile.ZipFile, walk: _Walk, where: str) -> list[zipfile.ZipInfo]:
    """Every name checked, the members counted; the members to read or descend into, in file order."""
    infos = archive.infolist()
    walk.budget.count_members(len(infos), where)
    for info in infos:
        zip_check_name(info.filename, where=where)
    chosen = [i for i in infos if not i.is_dir() and (walk.is_nested(i.filename) or walk.want(i.filename))]
    return sorted(chosen, key=lambda i: i.header_offset)


def _check_walk(fileobj: IO[bytes] | str | Path, where: str, depth: int, walk: _Walk) -> None:
    limits = walk.budget.limits
    with _open(fileobj, where) as archive:
        for info in _directory(archive, walk, where):
            label = f"{where}!{info.filename}"
            nested = walk.is_nested(info.filename)
            _check_member(info, limits, label, nested=nested)
            if not nested:
                walk.budget.files += 1
                walk.budget.spend(info.file_size, label)
                continue
            if depth + 1 > limits.max_depth:
                raise refusal(limits, "max_depth", f"{label} is a zip nested {depth + 1} deep")
            try:
                with archive.open(info) as stream:
                    _check_walk(stream, label, depth + 1, walk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise SourceError(f"zip entry {label} is corrupt: {exc}") from exc


def _archive_size(source: str | Path | IO[bytes]) -> int:
    if isinstance(source, str | Path):
        try:
            return os.stat(source).st_size
        except OSError as exc:
            raise SourceError(f"{source}: cannot read the archive ({exc.strerror or exc})") from exc
    position = source.tell()
    size = source.seek(0, os.SEEK_END)
    source.seek(position)
    return size


def _label(source: str | Path | IO[bytes], label: str | None) -> str:
    return label or (Path(source).name if isinstance(source, str | Path) else "zip")


def _default_nested(name: str) -> bool:
    return name.lower().endswith(".zip")


def _everything(name: str) -> bool:
    return True


def zip_validate(
    source: str | Path | IO[bytes],
    *,
    limits: ZipLimits | None = None,
    nested: Callable[[str], bool] = _default_nested,
    want: Callable[[str], bool] = _everything,
    label: str | None = None,
) -> ZipSummary:
    """Check a whole archive against `limits` without importing or unpacking anything.

    Walks every central directory (nested zips, those for which `nested(name)` is true, are opened on
    the parent's member stream): every name, and for the members `want(name)` selects (the ones a reader
    will inflate) and the nested zips, declared size, compression ratio, count, depth, the running total
    and the total against the archive's size. Raises SourceError naming the first breach; returns what
    was accepted.
    """
    budget = _Budget(limits=limits or ZipLimits(), archive_bytes=_archive_size(source))
    position = None if isinstance(source, str | Path) else source.tell()
    try:
        _check_walk(source, _label(source, label), 0, _Walk(budget, nested, want))
    finally:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]  # a file object is left as it was given
    return ZipSummary(members=budget.members, files=budget.files, total_bytes=budget.total)


@dataclass(frozen=True, slots=True)
class _Sink:
    """Where a member's bytes go: memory, or a spool file (hashed on the way)."""

    spool_dir: Path | None
    spool: Callable[[str], bool]

    def wants_file(self, name: str) -> bool:
        return self.spool_dir is not None and self.spool(name)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, label: str) -> Iterator[bytes]:
    """A member in chunks, enforcing the limits on the bytes actually produced."""
    limits = budget.limits
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            budget.spend(len(chunk), label)
            if size > limits.max_file_bytes:
                raise refusal(limits, "max_file_bytes", f"member {label} inflates past {size} bytes")
            _check_ratio(size, info.compress_size, limits, label)
            yield chunk


def _read(archive, info, budget, label, depth, sink: _Sink) -> ZipEntry:
    chunks = _inflate(archive, info, budget, label)
    if not sink.wants_file(info.filename):
        # BytesIO hands its buffer over without a copy: memory peaks at the member's size, not twice it.
        buffer = io.BytesIO()
        for chunk in chunks:
            buffer.write(chunk)
        data = buffer.getvalue()
        del buffer
        return ZipEntry(name=info.filename, path=label, data=data, depth=depth, size=len(data))
    suffix = "".join(Path(info.filename.replace("\\", "/")).suffixes[-2:])
    fd, spooled = tempfile.mkstemp(dir=sink.spool_dir, prefix="member-", suffix=suffix)
    target = Path(spooled)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
    except BaseException:
        target.unlink(missing_ok=True)  # a refused or corrupt member leaves no spool file behind
        raise
    return ZipEntry(
        name=info.filename,
        path=label,
        data=None,
        depth=depth,
        size=size,
        file=target,
        sha256=digest.hexdigest(),
    )


def _walk(
    fileobj: IO[bytes] | str | Path, where: str, depth: int, walk: _Walk, sink: _Sink
) -> Iterator[ZipEntry]:
    limits = walk.budget.limits
    with _open(fileobj, where) as archive:
        for info in _directory(archive, walk, where):
            label = f"{where}!{info.filename}"
            nested = walk.is_nested(info.filename)
            _check_member(info, limits, label, nested=nested)
            try:
                if nested:
                    if depth + 1 > limits.max_depth:
                        raise refusal(limits, "max_depth", f"{label} is a zip nested {depth + 1} deep")
                    # The member stream is seekable: the inner zip is read in place, never written out.
                    with archive.open(info) as stream:
                        yield from _walk(stream, label, depth + 1, walk, sink)
                    continue
                entry = _read(archive, info, walk.budget, label, depth, sink)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise SourceError(f"zip entry {label} is corrupt: {exc}") from exc
            yield entry


def zip_entries(
    source: str | Path | IO[bytes],
    *,
    limits: ZipLimits | None = None,
    nested: Callable[[str], bool] = _default_nested,
    want: Callable[[str], bool] = _everything,
    label: str | None = None,
    spool_dir: Path | None = None,
    spool: Callable[[str], bool] = _everything,
) -> Iterator[ZipEntry]:
    """Yield the members of a zip for which `want(name)` is true, descending into members for which
    `nested(name)` is true (opened in place, never written to disk). Unwanted members are name-checked
    but never inflated.

    With `spool_dir`, the members `spool(name)` selects are written there in chunks (one file each,
    hashed on the way) instead of held in memory; the caller deletes them. Raises SourceError for an
    unreadable zip, a corrupt member, or any limit of `limits` (the message names the limit, its
    value and its setting). Run `zip_validate` first to refuse a bad archive before any member is used.
    """
    budget = _Budget(limits=limits or ZipLimits(), archive_bytes=_archive_size(source))
    walk = _Walk(budget, nested, want)
    yield from _walk(source, _label(source, label), 0, walk, _Sink(spool_dir, spool))


def gunzip_capped(data: bytes, *, name: str, max_bytes: int, setting: str = "") -> bytes:
    """Inflate gzip `data` (every member of a multi-member file, as `gzip.decompress` does) chunk by
    chunk, refusing it as soon as it passes `max_bytes`: a gzip bomb never reaches memory whole.
    SourceError names the file, the limit and `setting` (in MB)."""
    return b"".join(gunzip_chunks(data, name=name, max_bytes=max_bytes, setting=setting))


def gunzip_chunks(data: bytes, *, name: str, max_bytes: int, setting: str = "") -> Iterator[bytes]:
    """`gunzip_capped` one inflated chunk at a time, for a caller that only hashes the content and
    need not hold it whole. Raises the same SourceError, when it gets there."""
    size = 0
    view = memoryview(data)
    try:
        while True:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
            while not inflater.eof:
                if not view:
                    raise EOFError("the gzip stream ends early")
                fed = view[:_CHUNK]
                chunk = inflater.decompress(fed, max_bytes + 1 - size)
                view = view[len(fed) - len(inflater.unconsumed_tail) - len(inflater.unused_data) :]
                size += len(chunk)
                if size > max_bytes:
                    raise _too_big(name, max_bytes, setting)
                yield chunk
            if view[:2] != _GZIP_MAGIC:
                break  # the end, or padding after the last member
    except (EOFError, zlib.error) as exc:
        raise SourceError(f"{name}: truncated or corrupt gzip data ({exc})") from exc


def _too_big(name: str, max_bytes: int, setting: str) -> SourceError:
    limit = f" ({setting}={_shown(max_bytes, 1 << 20)})" if setting else ""
    return SourceError(
        f"{name}: refused: inflates past {max_bytes:,} bytes, over the per-file size limit"
        f"{limit}; raise it in the environment or .env if the file is genuine"
    )

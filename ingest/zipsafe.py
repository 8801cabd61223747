"""Read untrusted zips (and zips inside zips) safely, in memory, one entry at a time.

An export zip comes from outside: an entry may try to escape the destination (`../evil.fit`,
`/etc/passwd`, `C:\\x`), a member may be a zip bomb (a tiny compressed size that inflates to gigabytes)
or a zip nested a hundred times. Every check happens before a byte is inflated, from the central
directory, and again while reading (the declared sizes may lie): each refusal is a `SourceError`
naming the limit and the entry. Nothing is unpacked to disk: nested zips are opened on the parent's
seekable member stream, so memory holds one member at a time.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ingest.records import SourceError

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What an archive may do. Defaults fit a decade of Garmin/Strava exports with room to spare."""

    max_depth: int = 2  # zips inside the outer zip (1) and inside those (2); deeper is refused
    max_total_bytes: int = 32 << 30  # uncompressed bytes of all entries read, nested ones included
    max_entry_bytes: int = 2 << 30  # one member
    max_ratio: float = 200.0  # uncompressed / compressed, for members above `ratio_min_bytes`
    ratio_min_bytes: int = 1 << 20
    max_entries: int = 500_000  # members of one archive


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One member: `name` is its path in its own archive, `path` the chain `outer.zip!inner.zip!name`."""

    name: str
    path: str
    data: bytes
    depth: int


@dataclass(slots=True)
class _Budget:
    limits: ZipLimits
    total: int = 0

    def spend(self, count: int, where: str) -> None:
        self.total += count
        if self.total > self.limits.max_total_bytes:
            raise SourceError(
                f"zip refused: total uncompressed size limit ({self.limits.max_total_bytes} bytes) "
                f"exceeded at entry {where}"
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


def _check_directory(archive: zipfile.ZipFile, limits: ZipLimits, where: str) -> list[zipfile.ZipInfo]:
    """Check every member's name and declared sizes before inflating anything."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise SourceError(
            f"zip refused: {where} has {len(infos)} entries, over the limit of {limits.max_entries}"
        )
    for info in infos:
        zip_check_name(info.filename, where=where)
        label = f"{where}!{info.filename}"
        if info.file_size > limits.max_entry_bytes:
            raise SourceError(
                f"zip refused: entry size limit ({limits.max_entry_bytes} bytes) exceeded by {label} "
                f"({info.file_size} bytes)"
            )
        _check_ratio(info.file_size, info.compress_size, limits, label)
    return sorted((i for i in infos if not i.is_dir()), key=lambda i: i.header_offset)


def _check_ratio(size: int, compressed: int, limits: ZipLimits, label: str) -> None:
    if size >= limits.ratio_min_bytes and size / max(compressed, 1) > limits.max_ratio:
        raise SourceError(
            f"zip refused: compression ratio limit ({limits.max_ratio:g}:1) exceeded by {label} "
            f"({size} bytes from {compressed}: a zip bomb?)"
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, label: str) -> bytes:
    """Inflate one member in chunks, enforcing the limits on the bytes actually produced."""
    limits = budget.limits
    parts: list[bytes] = []
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            budget.spend(len(chunk), label)
            if size > limits.max_entry_bytes:
                raise SourceError(
                    f"zip refused: entry size limit ({limits.max_entry_bytes} bytes) exceeded by {label}"
                )
            _check_ratio(size, info.compress_size, limits, label)
            parts.append(chunk)
    return b"".join(parts)


def _walk(
    fileobj: IO[bytes] | str | Path,
    where: str,
    depth: int,
    budget: _Budget,
    is_nested: Callable[[str], bool],
    want: Callable[[str], bool],
) -> Iterator[ZipEntry]:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceError(f"{where} is not a readable zip: {exc}") from exc
    with archive:
        for info in _check_directory(archive, budget.limits, where):
            label = f"{where}!{info.filename}"
            try:
                if is_nested(info.filename):
                    yield from _walk_nested(archive, info, label, depth + 1, budget, is_nested, want)
                    continue
                if not want(info.filename):
                    continue
                data = _read_member(archive, info, budget, label)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise SourceError(f"zip entry {label} is corrupt: {exc}") from exc
            yield ZipEntry(name=info.filename, path=label, data=data, depth=depth)


def _walk_nested(archive, info, label, depth, budget, is_nested, want) -> Iterator[ZipEntry]:
    if depth > budget.limits.max_depth:
        raise SourceError(f"zip refused: nesting depth limit ({budget.limits.max_depth}) exceeded at {label}")
    # The member stream is seekable: the inner zip is read in place, never written out.
    with archive.open(info) as stream:
        yield from _walk(stream, label, depth, budget, is_nested, want)


def _default_nested(name: str) -> bool:
    return name.lower().endswith(".zip")


def _everything(name: str) -> bool:
    return True


def zip_entries(
    source: str | Path | IO[bytes],
    *,
    limits: ZipLimits | None = None,
    nested: Callable[[str], bool] = _default_nested,
    want: Callable[[str], bool] = _everything,
    label: str | None = None,
) -> Iterator[ZipEntry]:
    """Yield the members of a zip for which `want(name)` is true, descending into members for which
    `nested(name)` is true (opened in place, never written to disk). Unwanted members are name-checked
    but never inflated.

    Raises SourceError for an unreadable zip, a corrupt member, or any limit of `limits` (the message
    names the limit and the entry). Members come in archive order, one in memory at a time.
    """
    where = label or (Path(source).name if isinstance(source, str | Path) else "zip")
    budget = _Budget(limits=limits or ZipLimits())
    yield from _walk(source, where, 0, budget, nested, want)

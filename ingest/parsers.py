"""The one way in for recording files, whatever route brought them (HealthFit folder, file import,
Garmin export, Strava export): bytes in, placed and validated records out.

    bytes -> `parse_file` (the parser: what the file says, named by its bytes)
          -> `ingest.placement.records_place` (offset, local date; the route's hints, the home zone)
          -> `validate()` once per record -> the caller stores them (`ingest.files`)

`file_records` is that whole path. Pure and picklable (plain functions, frozen dataclasses, the home
time zone passed by name), so bulk imports run it in worker processes.
The file type comes from the content when it is recognisable (a FIT header, gzip magic, a GPX or TCX
root element) and from the extension otherwise: an extension may lie, the bytes do not.
Every record is `source="fit_file"` with `source_id` = the file's identity (`file_identity`: SHA-256 of
its content, decompressed when gzipped; `#<index>` per session/track when a file holds several), so one
recording reaching us by two routes, plain or as a Strava export's `.fit.gz`, is one record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from ingest.fit.adapter import is_fit
from ingest.fit.parser import parse_fit
from ingest.gpx.parser import parse_gpx
from ingest.placement import records_place
from ingest.records import FileHints, ParsedActivity, Source, SourceError
from ingest.tcx.parser import parse_tcx
from ingest.zipsafe import ZipLimits, gunzip_capped, gunzip_chunks

SOURCE = Source.FIT_FILE.value


Parser = Callable[..., list[ParsedActivity]]

PARSERS: dict[str, Parser] = {
    "fit": parse_fit,
    "gpx": parse_gpx,
    "tcx": parse_tcx,
}
# A FIT clock may count from the device's power-on: only then does a parser need the route's hints
# (a UTC start, an offset) to read the file at all. GPX and TCX times are absolute or absent.
_CLOCK_FROM_ROUTE = frozenset({"fit"})

_GZIP_MAGIC = b"\x1f\x8b"
_XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(gpx|TrainingCenterDatabase)\b")
_ROOT_KINDS = {b"gpx": "gpx", b"TrainingCenterDatabase": "tcx"}
_SNIFF_BYTES = 4096
MAX_FILE_SETTING = "RUNBASE_ARCHIVE_MAX_FILE_MB"
DEFAULT_MAX_FILE_BYTES = ZipLimits().max_file_bytes  # the setting's default; callers pass the setting


def file_kind(name: str, data: bytes) -> str | None:
    """ "fit", "gpx" or "tcx" from the content, else from the extension; None when neither knows."""
    if is_fit(data):
        return "fit"
    match = _XML_ROOT.search(data[:_SNIFF_BYTES])
    if match:
        return _ROOT_KINDS[match.group(1)]
    suffix = name.lower().removesuffix(".gz").rsplit(".", 1)
    return suffix[-1] if len(suffix) == 2 and suffix[-1] in PARSERS else None


def _decompress(name: str, data: bytes, *, max_bytes: int) -> bytes:
    """Strava exports keep uploads as `<id>.fit.gz`; gzip is recognised by its magic bytes.

    Inflated chunk by chunk and refused as soon as it passes `max_bytes` (the per-file budget), so a
    gzip bomb never reaches memory whole. A plain file over the budget is refused as well.
    """
    if not data.startswith(_GZIP_MAGIC):
        if name.lower().endswith(".gz"):
            raise SourceError(f"{name}: named .gz but not gzip-compressed")
        if len(data) > max_bytes:
            mb = max_bytes / (1 << 20)
            raise SourceError(
                f"{name}: refused: {len(data):,} bytes, over the per-file size limit of {mb:g} MB "
                f"({MAX_FILE_SETTING}={mb:g}; raise it in the environment or .env if the file is genuine)"
            )
        return data
    return gunzip_capped(data, name=name, max_bytes=max_bytes, setting=MAX_FILE_SETTING)


def file_identity(*, name: str, data: bytes, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A recording file's identity: the SHA-256 of its content, inflated first when it is gzipped.

    The same recording arrives plain (`import_files`, HealthFit) and gzipped (a Strava export's
    `<id>.fit.gz`, a `.gz` handed to `import_files`): one content, one identity, one record. Hashed a
    chunk at a time, never held inflated. A gzip that cannot be inflated (corrupt, or past
    `max_bytes`) is identified by its bytes as given: parsing fails on it and names the fault.
    """
    if data.startswith(_GZIP_MAGIC):
        inflated = hashlib.sha256()
        try:
            for chunk in gunzip_chunks(data, name=name, max_bytes=max_bytes):
                inflated.update(chunk)
        except SourceError:
            pass  # parsing fails on it, naming the fault
        else:
            return inflated.hexdigest()
    return hashlib.sha256(data).hexdigest()


def parse_file(
    *, name: str, data: bytes, hints: FileHints | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> list[ParsedActivity]:
    """Every activity in one recording file as the file says it, named by its content (`file_identity`).

    Not yet placed (no offset or local date beyond the file's own) nor validated: see `file_records`.
    `hints` reach the FIT parser only, to anchor a device-relative clock. Raises `NotAnActivity` for a
    valid file holding no activity (settings, monitoring, a route) and `SourceError` naming the file
    and the fault for anything unreadable, or for content (decompressed) over `max_bytes`.
    """
    if not data:
        raise SourceError(f"{name}: empty file")
    content = _decompress(name, data, max_bytes=max_bytes)
    sha = hashlib.sha256(content).hexdigest()  # file_identity, from the content already inflated
    kind = file_kind(name, content)
    if kind is None:
        raise SourceError(f"{name}: unknown file type: not FIT, GPX or TCX (by content or extension)")
    clock = {"hints": hints} if kind in _CLOCK_FROM_ROUTE else {}
    parsed = PARSERS[kind](name=name, data=content, **clock)
    many = len(parsed) > 1
    for index, record in enumerate(parsed):
        record.source = SOURCE
        record.source_id = f"{sha}#{index}" if many else sha
        record.raw["file_name"] = name
    return parsed


def file_records(
    *,
    name: str,
    data: bytes,
    hints: FileHints | None = None,
    home_tz: str,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> list[ParsedActivity]:
    """The file path: parse, place (the file's own time first, then `hints`, then `home_tz`), validate
    once. What comes back is ready to store as it is.

    Raises what `parse_file` raises, `SourceError` for a file neither its bytes nor the route can place
    in time, and `RecordError` (a `SourceError`) for a record that breaks the contract.
    """
    parsed = parse_file(name=name, data=data, hints=hints, max_bytes=max_bytes)
    records = records_place(parsed, hints=hints, home_tz=home_tz)
    for record in records:
        if record.start_time is None and record.local_date is None:
            raise SourceError(
                f"{name}: no timestamps: the file holds no time of its own and the route gave no start: "
                "it cannot be placed in time"
            )
        record.validate()
    return records

"""The one entry point for recording files, whatever route brought them (HealthFit folder, file import,
Garmin export, Strava export): bytes in, normalised records out.

Pure and picklable (plain functions, a frozen dataclass), so bulk imports run it in worker processes.
The file type comes from the content when it is recognisable (a FIT header, gzip magic, a GPX or TCX
root element) and from the extension otherwise: an extension may lie, the bytes do not.
Every record is `source="fit_file"` with `source_id` = SHA-256 of the bytes as given (`#<index>` per
session/track when a file holds several), so one file reaching us by two routes is one record.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Callable

from ingest.fit.adapter import is_fit
from ingest.fit.parser import parse_fit
from ingest.gpx.parser import parse_gpx
from ingest.records import FileHints, ParsedActivity, SourceError
from ingest.tcx.parser import parse_tcx

SOURCE = "fit_file"


Parser = Callable[..., list[ParsedActivity]]

PARSERS: dict[str, Parser] = {
    "fit": parse_fit,
    "gpx": parse_gpx,
    "tcx": parse_tcx,
}

_GZIP_MAGIC = b"\x1f\x8b"
_XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(gpx|TrainingCenterDatabase)\b")
_ROOT_KINDS = {b"gpx": "gpx", b"TrainingCenterDatabase": "tcx"}
_SNIFF_BYTES = 4096


def file_kind(name: str, data: bytes) -> str | None:
    """ "fit", "gpx" or "tcx" from the content, else from the extension; None when neither knows."""
    if is_fit(data):
        return "fit"
    match = _XML_ROOT.search(data[:_SNIFF_BYTES])
    if match:
        return _ROOT_KINDS[match.group(1)]
    suffix = name.lower().removesuffix(".gz").rsplit(".", 1)
    return suffix[-1] if len(suffix) == 2 and suffix[-1] in PARSERS else None


def _decompress(name: str, data: bytes) -> bytes:
    """Strava exports keep uploads as `<id>.fit.gz`; gzip is recognised by its magic bytes."""
    if not data.startswith(_GZIP_MAGIC):
        if name.lower().endswith(".gz"):
            raise SourceError(f"{name}: named .gz but not gzip-compressed")
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as exc:
        raise SourceError(f"{name}: truncated or corrupt gzip data ({exc})") from exc


def parse_file(*, name: str, data: bytes, hints: FileHints | None = None) -> list[ParsedActivity]:
    """Every activity in one recording file, validated.

    Raises `NotAnActivity` for a valid file holding no activity (settings, monitoring, a route) and
    `SourceError` naming the file and the fault for anything unreadable.
    """
    if not data:
        raise SourceError(f"{name}: empty file")
    sha = hashlib.sha256(data).hexdigest()
    content = _decompress(name, data)
    kind = file_kind(name, content)
    if kind is None:
        raise SourceError(f"{name}: unknown file type: not FIT, GPX or TCX (by content or extension)")
    parsed = PARSERS[kind](name=name, data=content, hints=hints)
    many = len(parsed) > 1
    for index, record in enumerate(parsed):
        record.source = SOURCE
        record.source_id = f"{sha}#{index}" if many else sha
        record.raw["file_name"] = name
        record.validate()
    return parsed

"""GPX -> ParsedActivity (work in progress)."""

from __future__ import annotations

from ingest.records import ParsedActivity, SourceError


def parse_gpx(*, name: str, data: bytes, hints=None) -> list[ParsedActivity]:
    raise SourceError(f"{name}: GPX files are not supported yet")

"""Read a Garmin "Export My Data" zip by name patterns, streamed, without unpacking it to disk.

The layout (Garmin renames folders between export versions, so only file-name patterns are trusted):

    DI_CONNECT/DI-Connect-Fitness/<user>_0_summarizedActivities.json  # [{"summarizedActivitiesExport": []}]
    DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip   # zips inside the zip
        <user>_<upload number>.fit | .tcx | .gpx                      # not named by activity id
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from ingest.records import SourceError
from ingest.zipsafe import ZipEntry, ZipLimits, zip_entries

SUMMARY_FILE = re.compile(r"summarizedActivities.*\.json$", re.IGNORECASE)
UPLOAD_PART = re.compile(r"^UploadedFiles.*\.zip$", re.IGNORECASE)
RECORDING = re.compile(r"\.(fit|tcx|gpx)(\.gz)?$", re.IGNORECASE)


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def is_summary_file(name: str) -> bool:
    return bool(SUMMARY_FILE.search(_basename(name)))


def is_upload_part(name: str) -> bool:
    return bool(UPLOAD_PART.match(_basename(name)))


def is_recording(name: str) -> bool:
    return bool(RECORDING.search(_basename(name)))


def _summary_items(document: Any, label: str) -> list[dict[str, Any]]:
    """Accept the export's `[{"summarizedActivitiesExport": [...]}]` and the bare list of items."""
    items: list[dict[str, Any]] = []
    blocks = document if isinstance(document, list) else [document]
    for block in blocks:
        if isinstance(block, dict) and "summarizedActivitiesExport" in block:
            items.extend(block["summarizedActivitiesExport"] or [])
        elif isinstance(block, dict) and "activityId" in block:
            items.append(block)
        else:
            raise SourceError(f"{label}: unexpected summary layout (no summarizedActivitiesExport list)")
    return items


def export_summaries(path: str | Path, *, limits: ZipLimits | None = None) -> list[dict[str, Any]]:
    """Every activity summary of every `*_summarizedActivities.json`, in archive order."""
    items: list[dict[str, Any]] = []
    entries = zip_entries(path, limits=limits, nested=lambda name: False, want=is_summary_file)
    for entry in entries:
        try:
            document = json.loads(entry.data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(f"{entry.path} is not valid JSON: {exc}") from exc
        items.extend(_summary_items(document, entry.path))
    return items


def export_uploads(path: str | Path, *, limits: ZipLimits | None = None) -> Iterator[ZipEntry]:
    """The uploaded recording files of every `UploadedFiles_*_Part*.zip`, one in memory at a time."""
    yield from zip_entries(path, limits=limits, nested=is_upload_part, want=is_recording)

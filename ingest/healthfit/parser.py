"""Pure parsing of HealthFit file names and iCloud Drive entries (no ORM, no file access).

HealthFit names every export after the workout's LOCAL start time:
    2015-08-15-164508-Outdoor Running-Runner’s Apple Watch.fit
    2017-06-13-094230-Pool Swimming-Runner’s Apple\u00a0Watch.fit      (no-break space from iOS)
A file iCloud has not downloaded yet is a hidden stub next to where the file will appear:
    .2017-06-11-073409-Outdoor Running-Runner’s Apple Watch.fit.icloud
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ingest.records import FileHints

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx")
STUB_SUFFIX = ".icloud"

# <date>-<HHMMSS>-<workout type>-<source device>; the device name rarely holds a hyphen, the
# workout type sometimes does ("Cross-Country Skiing"), so the LAST hyphen splits them.
_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<time>\d{6})(?:-(?P<type>.+?))?(?:-(?P<device>[^-]+))?$")


@dataclass(frozen=True, slots=True)
class HealthFitName:
    local_start: dt.datetime  # naive: local wall-clock time of the start
    workout_type: str  # "Outdoor Running", "Pool Swimming" …
    device: str  # "Runner’s Apple Watch" (no-break spaces made plain)


def clean_text(text: str) -> str:
    """NFC, no-break and other odd spaces turned into a plain space, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)
    return re.sub(r" {2,}", " ", text).strip()


def healthfit_name_parse(name: str) -> HealthFitName | None:
    """Read the local start, workout type and device from a HealthFit file name; None if not one."""
    stem = name
    for suffix in ACTIVITY_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    match = _NAME.match(clean_text(stem))
    if match is None:
        return None
    try:
        local_start = dt.datetime.strptime(f"{match['date']} {match['time']}", "%Y-%m-%d %H%M%S")
    except ValueError:
        return None
    return HealthFitName(
        local_start=local_start,
        workout_type=(match["type"] or "").strip(),
        device=(match["device"] or "").strip(),
    )


def healthfit_name_hints(name: str) -> FileHints | None:
    """What a HealthFit name tells about its recording: the local wall-clock start; None if not one.

    `ingest.placement` turns it into the offset a file lacks (against the file's UTC start) or, for a
    file with no time at all, into a start in the home time zone.
    """
    info = healthfit_name_parse(name)
    return FileHints(local_start=info.local_start, label="file name") if info else None


def icloud_stub_target(name: str) -> str | None:
    """`.X.fit.icloud` → `X.fit` (the file iCloud will download); None for any other name."""
    if name.startswith(".") and name.endswith(STUB_SUFFIX) and len(name) > len(STUB_SUFFIX) + 1:
        return name[1 : -len(STUB_SUFFIX)]
    return None


def is_activity_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(ACTIVITY_SUFFIXES)


def sidecar_of(name: str, siblings: set[str]) -> str | None:
    """For a `.gpx` or `.tcx` whose `.fit` twin is in `siblings` (present or still a stub): that twin."""
    lowered = name.lower()
    if not lowered.endswith((".gpx", ".tcx")):
        return None
    stem = name[:-4]
    for candidate in (stem + ".fit", stem + ".FIT"):
        if candidate in siblings:
            return candidate
    return None

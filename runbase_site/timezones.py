"""The machine's own time zone by IANA name: RUNBASE_HOME_TZ's default.

A runner's Mac is set to where they live, so a record with no offset of its own (a Strava export row, a
GPX without one) is dated in that zone unless `RUNBASE_HOME_TZ` says otherwise. Python's standard library
knows the local offset but not the zone's name, which a date across a DST change needs; the name comes
from `TZ`, else the `/etc/localtime` link (macOS and most Linux), else `/etc/timezone` (Debian), else UTC.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")


def _valid(name: str | None) -> str | None:
    name = (name or "").strip().removeprefix(":")
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _from_link(localtime: Path) -> str | None:
    """`/etc/localtime -> /var/db/timezone/zoneinfo/America/Los_Angeles` gives `America/Los_Angeles`."""
    try:
        target = os.readlink(localtime)
    except OSError:
        return None
    _, found, name = str(target).partition("zoneinfo/")
    return _valid(name) if found else None


def _from_file(timezone_file: Path) -> str | None:
    try:
        return _valid(timezone_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def machine_time_zone(
    *, environ: dict[str, str] | None = None, localtime: Path = LOCALTIME, timezone_file: Path = TIMEZONE_FILE
) -> str:
    """The IANA name of this machine's zone, "UTC" when it cannot be told."""
    environ = os.environ if environ is None else environ
    return _valid(environ.get("TZ")) or _from_link(localtime) or _from_file(timezone_file) or "UTC"

"""Placement: where a parsed activity sits in time. One function, applied once per record, after the
parser and before `validate()`; the store writes what it decided and computes nothing.

A parser says what its source says: a UTC start, and an offset or a local date when the source has
one. The route may know more (`FileHints`: a UTC start, a local wall-clock start such as a HealthFit
file name gives, an offset). Placement combines the two; a record's local date comes from its own
evidence, in this order (ARCHITECTURE, invariant 6; README, "Local dates"):

1. the record's own UTC offset (FIT `activity.local_timestamp`, Strava's `utc_offset` or, without it,
   its `start_date_local`, Garmin's local start);
2. the offset of the recording it carries or is paired with: the route's `hints.utc_offset_s` (a
   Strava export row's upload, a Garmin summary's file);
3. a local wall-clock start the route knows (a HealthFit file name) against the record's UTC start
   (to the quarter hour, the first timed record of a file deciding for all: a multisport file's
   sessions share one clock);
4. the activity it joins: reconcile's (`reconcile.matcher.ActivityIndex`), for a record still without
   an offset here;
5. only then the home time zone: it gives such a record a local date, marked in `raw` as
   `local_date_from: "home time zone"`, but never an offset (it is a guess, not something a source
   said), which is how reconcile tells the guess from evidence.

A record's own local date (a device-relative FR70 file's local clock, a spreadsheet row) is kept; so is
a date-only record's. What comes from the route is noted in `raw` (`utc_offset_from`, `start_from`).

Start: only for a record with neither a start nor a date (a GPX track without times), and only when it
is the file's one record: the route's UTC start > the route's local start at the route's offset > the
route's local start in the home time zone (then that zone's offset is the record's, as the start itself
was read with it). An ambiguous wall-clock time (the hour repeated when summer time ends) is read as its
first occurrence; a skipped one (when it begins) is read with the offset before the change.

Pure: no ORM, no settings (the caller passes the home zone's name), so it runs in parse workers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ingest.records import FileHints, ParsedActivity

HOME_ZONE = "home time zone"  # raw["local_date_from"] of a record dated by the home zone alone
_QUARTER_HOUR = 15 * 60
_MAX_OFFSET_S = 14 * 3600
_NO_HINTS = FileHints()


def offset_round(seconds: float) -> int | None:
    """A local-minus-UTC difference as a UTC offset: to the quarter hour, None beyond ±14 h."""
    offset = round(seconds / _QUARTER_HOUR) * _QUARTER_HOUR
    return offset if abs(offset) <= _MAX_OFFSET_S else None


def offset_from_local_start(*, local_start: dt.datetime, utc_start: dt.datetime) -> int | None:
    """The UTC offset a naive local wall-clock start implies for a UTC start; None if implausible."""
    return offset_round((local_start - utc_start.astimezone(dt.UTC).replace(tzinfo=None)).total_seconds())


def records_place(
    records: list[ParsedActivity], *, hints: FileHints | None = None, home_tz: str
) -> list[ParsedActivity]:
    """Give one file's (or one source item's) records their UTC offset and local date, and a start to a
    lone record without any time, in the precedence of the module docstring. Returns `records`.

    Values the record had are kept; what comes from the route is noted in `raw` under `start_from` /
    `utc_offset_from` with `hints.label` ("file name" for HealthFit). A record neither the file nor the
    route can place keeps `start_time` and `local_date` None: the caller decides what that means.
    """
    hints = hints or _NO_HINTS
    zone = ZoneInfo(home_tz)
    if len(records) == 1 and records[0].start_time is None and records[0].local_date is None:
        _start_from_route(records[0], hints, zone)
    from_local_start = _offset_from_route_local_start(records, hints)
    for record in records:
        if record.start_time is None:
            continue  # dated only (or not at all): nothing to derive
        if record.utc_offset_s is None:
            if hints.utc_offset_s is not None:
                record.utc_offset_s = hints.utc_offset_s
                record.raw["utc_offset_from"] = hints.label
            elif from_local_start is not None:
                record.utc_offset_s = from_local_start
                record.raw["utc_offset_from"] = hints.label
        if record.local_date is None:
            record.local_date = _local_date(record.start_time, record.utc_offset_s, zone)
            if record.utc_offset_s is None:
                record.raw["local_date_from"] = HOME_ZONE
    return records


def record_place(record: ParsedActivity, *, hints: FileHints | None = None, home_tz: str) -> ParsedActivity:
    """`records_place` for a route that makes one record at a time (a Strava activity, a Garmin
    summary). Returns `record`."""
    return records_place([record], hints=hints, home_tz=home_tz)[0]


def _local_date(start: dt.datetime, offset_s: int | None, zone: ZoneInfo) -> dt.date:
    if offset_s is not None:
        return (start.astimezone(dt.UTC) + dt.timedelta(seconds=offset_s)).date()
    return start.astimezone(zone).date()


def _offset_from_route_local_start(records: list[ParsedActivity], hints: FileHints) -> int | None:
    if hints.local_start is None:
        return None
    first = next((r for r in records if r.start_time is not None), None)
    if first is None:
        return None
    return offset_from_local_start(local_start=hints.local_start, utc_start=first.start_time)


def _start_from_route(record: ParsedActivity, hints: FileHints, zone: ZoneInfo) -> None:
    """A record with no time of its own starts when the route says, if it says."""
    if hints.start_time is not None:
        record.start_time = hints.start_time.astimezone(dt.UTC)
        record.raw["start_from"] = hints.label
    elif hints.local_start is not None and hints.utc_offset_s is not None:
        utc = hints.local_start - dt.timedelta(seconds=hints.utc_offset_s)
        record.start_time = utc.replace(tzinfo=dt.UTC)
        record.raw["start_from"] = hints.label
    elif hints.local_start is not None:
        local = hints.local_start.replace(tzinfo=zone)  # fold=0: the first of a repeated hour
        record.start_time = local.astimezone(dt.UTC)
        record.utc_offset_s = int(local.utcoffset().total_seconds())
        record.raw["start_from"] = f"{hints.label}, home time zone"

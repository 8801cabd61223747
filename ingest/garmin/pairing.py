"""Pair Garmin summaries with the uploaded files they came from. Pure: no ORM.

Uploaded files are named `<user>_<upload number>.fit`, not by activity id, so a summary finds its file
by start time (within a window) and device serial. Two devices recording the same ride a minute apart
are told apart by serial; a GPX or TCX that carries no serial pairs on time alone, after every exact
match has been taken. Each file (each session of a multisport file) pairs with at most one summary.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Recording:
    """What pairing needs of a `fit_file` record: its id (`sha` or `sha#session`), start and serial;
    and its UTC offset, which a summary without a local start of its own takes."""

    source_id: str
    start_time: dt.datetime
    serial: str | None
    utc_offset_s: int | None = None

    @property
    def sha256(self) -> str:
        return self.source_id.split("#", 1)[0]


@dataclass(frozen=True, slots=True)
class SummaryKey:
    activity_id: str
    start_time: dt.datetime | None
    serial: str | None


def _rank(summary: SummaryKey, recording: Recording, window_s: float) -> tuple[int, float] | None:
    """(0 = serials agree, 1 = a serial is unknown; seconds apart), or None when they cannot pair."""
    if summary.start_time is None:
        return None
    apart = abs((summary.start_time - recording.start_time).total_seconds())
    if apart > window_s:
        return None
    if summary.serial and recording.serial:
        return (0, apart) if summary.serial == recording.serial else None
    return 1, apart


def summaries_pair(
    *, summaries: list[SummaryKey], recordings: list[Recording], window_s: float = WINDOW_S
) -> dict[str, Recording]:
    """activityId -> its recording: the best-ranked pairs first, each side used at most once."""
    ordered = sorted(recordings, key=lambda r: r.start_time)
    starts = [r.start_time for r in ordered]
    window = dt.timedelta(seconds=window_s)
    candidates = []
    for summary in summaries:
        if summary.start_time is None:
            continue
        low = bisect.bisect_left(starts, summary.start_time - window)
        high = bisect.bisect_right(starts, summary.start_time + window)
        for recording in ordered[low:high]:
            rank = _rank(summary, recording, window_s)
            if rank is not None:
                candidates.append((rank, summary.activity_id, recording.source_id, recording))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    paired: dict[str, Recording] = {}
    taken: set[str] = set()
    for _rank_value, activity_id, source_id, recording in candidates:
        if activity_id in paired or source_id in taken:
            continue
        paired[activity_id] = recording
        taken.add(source_id)
    return paired

"""Which canonical activity a source record belongs to: pure rules over small facts, no ORM.

A record fits an activity when it fits every live record already in it: the same sport family, and
start times within the window (or the same local date when one side has only a date, as the
spreadsheet does). Distance ranks the candidates: within the tolerance is a good fit; a record that
has no good fit may still join the one candidate within `date_match_max_distance_pct` (the gap then
shows up as a distance conflict). The closest candidate wins; two equally close ones are not guessed.

A record's local date is the best evidence there is (`ingest.placement`): a timed record with no UTC offset
of its own was dated by the home time zone, a guess. Inside an activity it takes the offset of the
activity's records that have one (`ActivityIndex` keeps this up to date as records join and leave), so a
log row is compared with the day the run was run, not the day it was at home: a 07:00 run in Berlin whose
Strava row alone would say 22:00 the evening before in California.

A log row left without a candidate still joins its day's run when the day leaves no doubt: it is the only
unmatched log row of its local date and sport family, and the day has exactly one unmatched recording of
that family (`lone_pair`). A typo in the log (15.0 for 5.0 miles) then shows up as a distance conflict
instead of a second run that counts the day's mileage twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

from reconcile.config import ReconcileConfig


@dataclass(slots=True)
class RecordFacts:
    """What matching needs to know about one source record."""

    id: int
    source: str
    family: str
    start_time: dt.datetime | None
    local_date: dt.date | None  # the best known: its own, or its activity's for a home-zone guess
    distance_m: float | None
    activity_key: int | None = None  # activity id, or a negative key for one made in this run
    utc_offset_s: int | None = None
    stored_date: dt.date | None = None  # the date the record was stored with

    def __post_init__(self) -> None:
        if self.stored_date is None:
            self.stored_date = self.local_date

    @property
    def timed(self) -> bool:
        return self.start_time is not None

    @property
    def zone_dated(self) -> bool:
        """Dated by the home time zone: a start, but no offset any source stated."""
        return self.start_time is not None and self.utc_offset_s is None


@dataclass(slots=True)
class Fit:
    activity_key: int
    distance_pct: float | None
    time_s: float | None
    score: float


@dataclass(slots=True)
class Decision:
    kind: Literal["join", "new", "ambiguous"]
    activity_key: int | None = None
    candidates: list[int] = field(default_factory=list)


def distance_diff_pct(value: float | None, reference: float | None) -> float | None:
    """|value − reference| as a percentage of the reference; None when either is missing or zero."""
    if not value or not reference:
        return None
    return abs(value - reference) / abs(reference) * 100.0


# A record without a real sport (a GPX or TCX upload says "generic" or nothing) may join a recording
# of any sport that started within the window; it never joins by date alone.
WILDCARD_FAMILIES = frozenset({"unknown", "generic"})


def records_compatible(a: RecordFacts, b: RecordFacts, cfg: ReconcileConfig) -> bool:
    """May `a` and `b` be the same run? Sport family, then start time or local date."""
    if a.family != b.family:
        wildcard = a.family in WILDCARD_FAMILIES or b.family in WILDCARD_FAMILIES
        if not (wildcard and a.timed and b.timed):
            return False
    if a.timed and b.timed:
        return abs((a.start_time - b.start_time).total_seconds()) <= cfg.time_window_s
    if a.source == b.source:
        return False  # two spreadsheet rows of one day are two runs (doubles)
    return a.local_date is not None and a.local_date == b.local_date


def _peers(record: RecordFacts, others: list[RecordFacts]) -> list[RecordFacts]:
    """The records `record` must agree with. A sportless upload and a date-only log row are not held to
    each other: the upload joins its recording by the clock, the row by the date, and the recording's
    sport speaks for both. Without such a recording in the activity, every record counts."""
    if record.timed and record.family in WILDCARD_FAMILIES:
        held = [m for m in others if m.timed]
    elif not record.timed:
        held = [m for m in others if m.family not in WILDCARD_FAMILIES]
    else:
        return others
    return held or others


def activity_offset(members: list[RecordFacts]) -> int | None:
    """The UTC offset an activity's records state (the earliest stored record's), None if none does."""
    stated = [m for m in members if m.timed and m.utc_offset_s is not None]
    return min(stated, key=lambda m: m.id).utc_offset_s if stated else None


def date_at(record: RecordFacts, offset: int | None) -> dt.date | None:
    """A home-zone-dated record's local date at its activity's `offset` (its stored one without)."""
    if offset is None:
        return record.stored_date
    return (record.start_time.astimezone(dt.UTC) + dt.timedelta(seconds=offset)).date()


def _as_member(record: RecordFacts, others: list[RecordFacts]) -> RecordFacts:
    """`record` as it would be in the activity of `others`: a home-zone date gives way to their offset."""
    if not record.zone_dated or (offset := activity_offset(others)) is None:
        return record
    return replace(record, local_date=date_at(record, offset))


def activity_fit(
    record: RecordFacts, members: list[RecordFacts], key: int, cfg: ReconcileConfig
) -> Fit | None:
    """How well `record` fits the activity made of `members`, or None when it cannot belong."""
    others = [m for m in members if m.id != record.id]
    record = _as_member(record, others)
    if not others or not all(records_compatible(record, m, cfg) for m in _peers(record, others)):
        return None
    diffs = [d for m in others if (d := distance_diff_pct(record.distance_m, m.distance_m)) is not None]
    times = [
        abs((record.start_time - m.start_time).total_seconds()) for m in others if record.timed and m.timed
    ]
    distance_pct = min(diffs) if diffs else None
    time_s = min(times) if times else None
    score = (distance_pct or 0.0) / cfg.distance_tolerance_pct + (time_s or 0.0) / cfg.time_window_s
    return Fit(activity_key=key, distance_pct=distance_pct, time_s=time_s, score=score)


def fits_activity(record: RecordFacts, members: list[RecordFacts], cfg: ReconcileConfig) -> bool:
    """Does an attached record still belong with the other live records of its activity?"""
    others = [m for m in members if m.id != record.id]
    if not others:
        return True
    fit = activity_fit(record, members, record.activity_key or 0, cfg)
    return fit is not None and (
        fit.distance_pct is None or fit.distance_pct <= cfg.date_match_max_distance_pct
    )


def match_decide(fits: list[Fit], cfg: ReconcileConfig) -> Decision:
    """The closest good candidate (one that started with the record before one met by date alone); failing
    that the one loose candidate; two equal ones are ambiguous."""
    good = [f for f in fits if f.distance_pct is None or f.distance_pct <= cfg.distance_tolerance_pct]
    loose = [
        f for f in fits if f.distance_pct is not None and f.distance_pct <= cfg.date_match_max_distance_pct
    ]
    pool = good or loose
    if not pool:
        return Decision(kind="new", candidates=sorted(f.activity_key for f in fits))
    # The clock beats the calendar: a recording that started with this one is the same run, while an
    # activity met by date alone (a log row) may be any run of that day.
    pool = [f for f in pool if f.time_s is not None] or pool
    pool.sort(key=lambda f: (f.score, f.activity_key))
    best = pool[0]
    margin = cfg.ambiguity_margin_pct / cfg.distance_tolerance_pct
    tied = [f.activity_key for f in pool if f.score - best.score <= margin]
    if len(tied) > 1:
        return Decision(kind="ambiguous", candidates=sorted(tied))
    return Decision(kind="join", activity_key=best.activity_key)


def _family(members: list[RecordFacts]) -> str | None:
    """The sport family of an activity: its members' own, a sportless upload taking its partner's."""
    families = {m.family for m in members} - WILDCARD_FAMILIES
    return families.pop() if len(families) == 1 else None


def lone_pair(
    index: ActivityIndex, day: dt.date, family: str, cfg: ReconcileConfig
) -> tuple[int, int] | None:
    """(log-only activity, recording-only activity) when `day` has exactly one of each in `family`.

    A log-only activity holds date-only records (a spreadsheet row) and nothing recorded; a
    recording-only one holds timed records and no log row. Exactly one of each means the row and the
    recording are the same run, whatever their distances say.
    """
    logs, recordings = [], []
    for key in sorted(index.by_day.get(day, ())):
        members = [m for m in index.members[key] if m.local_date == day]
        if not members or _family(index.members[key]) != family:
            continue
        if all(not m.timed for m in index.members[key]):
            logs.append(key)
        elif all(m.timed for m in index.members[key]):
            recordings.append(key)
    if len(logs) != 1 or len(recordings) != 1:
        return None
    rows, recorded = index.members[logs[0]], index.members[recordings[0]]
    if not all(records_compatible(row, m, cfg) for row in rows for m in _peers(row, recorded)):
        return None
    return logs[0], recordings[0]


def day_recordings(index: ActivityIndex, record: RecordFacts) -> list[int]:
    """The activities with a recording on a date-only record's day (of any sport): its would-be runs."""
    if record.timed or record.local_date is None:
        return []
    return sorted(
        key
        for key in index.by_day.get(record.local_date, ())
        if key != record.activity_key
        and any(m.timed and m.local_date == record.local_date for m in index.members[key])
    )


def match_order(record: RecordFacts) -> tuple:
    """Timed records first (they anchor runs by the clock), then date-only ones, longest first."""
    if record.timed:
        return (0, record.start_time.timestamp(), record.id)
    return (
        1,
        record.local_date.toordinal() if record.local_date else 0,
        -(record.distance_m or 0),
        record.id,
    )


class ActivityIndex:
    """Live attached records by activity and by local date: the candidates for a record.

    A record dated by the home zone takes its activity's offset while it is a member (`_redate`)."""

    def __init__(self) -> None:
        self.members: dict[int, list[RecordFacts]] = defaultdict(list)
        self.by_day: dict[dt.date, set[int]] = defaultdict(set)

    def add(self, record: RecordFacts, key: int) -> None:
        record.activity_key = key
        self.members[key].append(record)
        if record.local_date is not None:
            self.by_day[record.local_date].add(key)
        self._redate(key)

    def remove(self, record: RecordFacts) -> None:
        key = record.activity_key
        if key is None:
            return
        self.members[key] = [m for m in self.members[key] if m.id != record.id]
        self._forget_day(key, record.local_date)
        record.activity_key = None
        record.local_date = record.stored_date
        self._redate(key)

    def _forget_day(self, key: int, day: dt.date | None) -> None:
        if day is not None and not any(m.local_date == day for m in self.members[key]):
            self.by_day[day].discard(key)

    def _redate(self, key: int) -> None:
        """Give the activity's home-zone-dated records the local date its stated offset implies."""
        members = self.members[key]
        offset = activity_offset(members)
        for member in members:
            if not member.zone_dated:
                continue
            day = date_at(member, offset)
            if day != member.local_date:
                old, member.local_date = member.local_date, day
                self._forget_day(key, old)
                if day is not None:
                    self.by_day[day].add(key)

    def candidates(self, record: RecordFacts) -> set[int]:
        if record.local_date is None:
            return set()
        days = (record.local_date + dt.timedelta(days=d) for d in (-1, 0, 1))
        return set().union(*(self.by_day.get(day, set()) for day in days))

    def fits(self, record: RecordFacts, cfg: ReconcileConfig) -> list[Fit]:
        found = (activity_fit(record, self.members[key], key, cfg) for key in sorted(self.candidates(record)))
        return [fit for fit in found if fit is not None]

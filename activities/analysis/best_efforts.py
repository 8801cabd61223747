"""Best efforts: the fastest continuous stretch of each standard distance within an activity.

The stream gives cumulative distance and time per sample; between samples both are taken as linear.
The time to cover D metres from distance s, T(s) = t(s + D) − t(s), is then piecewise linear in s and
bends only where s or s + D meets a sample, so its minimum is at one of those points. Two sliding
windows (two pointers, O(n) each) try them all: windows that start on a sample and end between two
(interpolated), and windows that end on a sample and start between two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Min
from django.db.models.functions import Cast, Substr

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.models import Activity, BestEffort, Stream
from activities.selectors import STREAM_PRIORITY
from activities.streams import stream_decode
from ingest.units import HALF_MARATHON_M, MARATHON_M, MILE_M

EFFORTS_M = {
    "400 m": 400.0,
    "1 km": 1000.0,
    "1 mile": MILE_M,
    "5 km": 5000.0,
    "10 km": 10000.0,
    "half marathon": HALF_MARATHON_M,
    "marathon": MARATHON_M,
}
EFFORT_NAMES = {metres: name for name, metres in EFFORTS_M.items()}


@dataclass(frozen=True, slots=True)
class Effort:
    effort_m: float
    time_s: float
    start_offset_s: float


def _clean(times: Sequence, distances: Sequence) -> tuple[list[float], list[float]]:
    """Samples with both values, distance never going back (a GPS wobble is held, not subtracted)."""
    t_out: list[float] = []
    d_out: list[float] = []
    top = float("-inf")
    for t, d in zip(times, distances, strict=True):
        if t is None or d is None:
            continue
        top = d if d > top else top
        t_out.append(t)
        d_out.append(top)
    return t_out, d_out


def _fastest_from_starts(t: list[float], d: list[float], length: float) -> tuple[float, float] | None:
    """Windows starting on a sample, their end interpolated: (time, start offset) of the fastest."""
    n, j = len(t), 1
    best: tuple[float, float] | None = None
    best_time = float("inf")
    for i in range(n):
        goal = d[i] + length
        if j <= i:
            j = i + 1
        while j < n and d[j] < goal:
            j += 1
        if j >= n:
            break
        d0 = d[j - 1]
        span = d[j] - d0
        end = t[j] if span <= 0 else t[j - 1] + (goal - d0) / span * (t[j] - t[j - 1])
        if end - t[i] < best_time:
            best_time = end - t[i]
            best = (best_time, t[i])
    return best


def _fastest_to_ends(t: list[float], d: list[float], length: float) -> tuple[float, float] | None:
    """Windows ending on a sample, their start interpolated: (time, start offset) of the fastest."""
    n, i = len(t), 0
    best: tuple[float, float] | None = None
    best_time = float("inf")
    for j in range(n):
        goal = d[j] - length
        if goal < d[0]:
            continue
        while d[i + 1] <= goal:  # the start lies in (d[i], d[i+1]]
            i += 1
        d0 = d[i]
        span = d[i + 1] - d0
        start = t[i + 1] if span <= 0 else t[i] + (goal - d0) / span * (t[i + 1] - t[i])
        if t[j] - start < best_time:
            best_time = t[j] - start
            best = (best_time, start)
    return best


def best_efforts_compute(
    *, times: Sequence, distances: Sequence, efforts_m: Sequence[float] = tuple(EFFORTS_M.values())
) -> list[Effort]:
    """Pure: the fastest stretch of each effort the stream is long enough for (times in s, distances in m
    cumulative; None values are skipped)."""
    t, d = _clean(times, distances)
    if len(t) < 2:
        return []
    efforts = []
    for length in efforts_m:
        if d[-1] - d[0] < length:
            continue
        found = [r for r in (_fastest_from_starts(t, d, length), _fastest_to_ends(t, d, length)) if r]
        if found:
            time_s, start = min(found)
            efforts.append(Effort(length, round(time_s, 3), round(start, 3)))
    return efforts


def stream_rank(*, source: str, sample_count: int) -> tuple[int, int]:
    """Streams sort by this, best first: the most trusted source, then the longest."""
    return (
        STREAM_PRIORITY.index(source) if source in STREAM_PRIORITY else len(STREAM_PRIORITY),
        -sample_count,
    )


def activity_stream_id(*, activity: Activity | int) -> int | None:
    """The stream analysis reads for an activity: its most trusted live source's (the longest on a tie).
    Only its id: the blob is read when a figure needs it."""
    streams = Stream.objects.filter(record__activity=activity, record__deleted_at__isnull=True).values_list(
        "pk", "sample_count", "record__source"
    )
    best = min(streams, key=lambda s: stream_rank(source=s[2], sample_count=s[1]), default=None)
    return best[0] if best else None


def stream_data(stream_id: int) -> dict:
    data = Stream.objects.filter(pk=stream_id).values_list("data", flat=True).first()
    return stream_decode(data) if data is not None else {}


def activity_best_efforts_refresh(
    *,
    activity: Activity,
    stream_id: int | None = None,
    read_columns: Callable[[], dict] | None = None,
    picked: bool = False,
) -> bool:
    """Bring an activity's best efforts in step with its most trusted stream; True when they changed.

    Nothing is decoded or written while the stored efforts come from the stream that is still the one
    to read (a replaced stream takes its efforts with it). A caller that has picked the stream already
    passes its id with `picked=True` (None then means "no stream"), and `read_columns` when it shares the
    decoded columns with other figures.
    """
    if not picked:
        stream_id = activity_stream_id(activity=activity)
    existing = set(BestEffort.objects.filter(activity=activity).values_list("stream_id", flat=True))
    if stream_id is None:
        return bool(existing) and bool(BestEffort.objects.filter(activity=activity).delete()[0])
    if existing == {stream_id}:
        return False
    columns = read_columns() if read_columns is not None else stream_data(stream_id)
    efforts = []
    if "distance" in columns:
        efforts = best_efforts_compute(times=columns["time"], distances=columns["distance"])
    with transaction.atomic():
        if existing:
            BestEffort.objects.filter(activity=activity).delete()
        BestEffort.objects.bulk_create(
            BestEffort(
                activity=activity,
                stream_id=stream_id,
                effort_m=e.effort_m,
                time_s=e.time_s,
                start_offset_s=e.start_offset_s,
            )
            for e in efforts
        )
    return bool(efforts or existing)


@dataclass(frozen=True, slots=True)
class Record:
    effort: str
    effort_m: float
    time_s: float
    date: dt.date
    activity_id: int
    start_offset_s: float


def _first_of_each(efforts, bests: list[tuple], key) -> dict:
    """The effort rows matching each (group, effort_m, best time) of `bests`, the earliest per group."""
    if not bests:
        return {}
    wanted = {(group, effort_m): time_s for group, effort_m, time_s in bests}
    rows = (
        efforts.filter(effort_m__in={b[1] for b in bests}, time_s__in={b[2] for b in bests})
        .order_by("activity__date", "activity_id")
        .values_list("effort_m", "time_s", "activity__date", "activity_id", "start_offset_s")
    )
    found: dict = {}
    for effort_m, time_s, date, activity_id, offset in rows:
        group = key(date)
        if wanted.get((group, effort_m)) == time_s and (group, effort_m) not in found:
            name = EFFORT_NAMES.get(effort_m, f"{effort_m:g} m")
            found[group, effort_m] = Record(name, effort_m, time_s, date, activity_id, offset)
    return found


def _efforts(sport: str | None, since: dt.date | None, cfg: AnalysisConfig | None):
    sport = sport or (cfg or analysis_config()).sport
    efforts = BestEffort.objects.filter(activity__sport=sport)
    return efforts.filter(activity__date__gte=since) if since is not None else efforts


def personal_records(
    *, sport: str | None = None, since: dt.date | None = None, cfg: AnalysisConfig | None = None
) -> list[Record]:
    """The fastest best effort of each distance over the activities of a sport (optionally since a day);
    on a tie the earliest."""
    return records_of_all_years(yearly_records(sport=sport, since=since, cfg=cfg))


def records_of_all_years(years: dict[int, list[Record]]) -> list[Record]:
    """Pure: the fastest of each distance over every year's bests (the earliest on a tie)."""
    best: dict[float, Record] = {}
    for record in (r for rows in years.values() for r in rows):
        held = best.get(record.effort_m)
        if held is None or (record.time_s, record.date, record.activity_id) < (
            held.time_s,
            held.date,
            held.activity_id,
        ):
            best[record.effort_m] = record
    return [best[m] for m in sorted(best)]


def yearly_records(
    *, sport: str | None = None, since: dt.date | None = None, cfg: AnalysisConfig | None = None
) -> dict[int, list[Record]]:
    """Each year's fastest best effort of each distance (the earliest on a tie), newest year first; two
    queries whatever the length of the history."""
    efforts = _efforts(sport, since, cfg)
    # The year as the first four characters of the ISO date: SQL both databases run natively (SQLite's
    # ExtractYear is a Python function called on every row).
    per_year = (
        efforts.annotate(year=Substr(Cast("activity__date", CharField()), 1, 4))
        .values_list("year", "effort_m")
        .annotate(t=Min("time_s"))
        .order_by()
    )
    found = _first_of_each(efforts, [(int(y), m, t) for y, m, t in per_year], key=lambda date: date.year)
    years: dict[int, list[Record]] = {}
    for year, effort_m in sorted(found, key=lambda k: (-k[0], k[1])):
        years.setdefault(year, []).append(found[year, effort_m])
    return years

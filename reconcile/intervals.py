"""Break an interval session into reps: match the prescribed reps to laps, else find them in the stream.

Laps first: the best lap source (FIT > Strava) usually has a lap per rep and per recovery. Work laps
are those close to the prescribed distance (or duration) and at least as fast as the session's
average, taken in order; the laps between two reps are that rep's recovery. When the laps do not
line up (auto-laps every mile), the reps are the fastest non-overlapping stretches of the prescribed
length in the per-second stream, in time order, and each row says so in its note.

A run with no name or log row saying what it was may still be an interval session: `intervals_detect`
looks for at least three work bouts of similar length or duration, each faster than the recoveries
between them by a clear margin, in the laps (or, without laps, in the stream cut where the pace
changes). Its rows are `detected`, with a confidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from itertools import pairwise

from activities.models import Interval
from reconcile.workout_names import Rep

STREAM_NOTE = "laps did not line up with the prescribed reps: found as the fastest stretches in the stream"
PRESCRIBED_NOTE = "no laps or stream to measure the reps: prescribed values only"


@dataclass(slots=True)
class IntervalRow:
    """One Interval row as reconcile wants it; compared with the stored rows to avoid rewrites."""

    rep_number: int
    is_recovery: bool = False
    prescribed_distance_m: float | None = None
    actual_distance_m: float | None = None
    canonical_distance_m: float | None = None
    duration_s: float | None = None
    avg_pace_s_per_km: float | None = None
    avg_hr: float | None = None
    avg_cadence_spm: float | None = None
    start_offset_s: float | None = None
    lap_id: int | None = None
    detection: str = Interval.Detection.LAPS
    confidence: float | None = None
    note: str = ""

    def key(self) -> tuple:
        return tuple(round(v, 1) if isinstance(v, float) else v for v in self.values().values())

    def values(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def interval_row_key(interval: Interval) -> tuple:
    """The comparison key of a stored row, shaped like `IntervalRow.key()`."""
    names = [f.name for f in fields(IntervalRow)]
    return tuple(round(v, 1) if isinstance(v, float) else v for v in (getattr(interval, n) for n in names))


def _pace(duration: float | None, distance: float | None) -> float | None:
    return duration / (distance / 1000.0) if duration and distance else None


def _measure(rep: Rep) -> tuple[str, float] | None:
    if rep.distance_m:
        return "distance_m", rep.distance_m
    if rep.duration_s:
        return "duration_s", rep.duration_s
    return None


def _weighted(laps: list, name: str) -> float | None:
    pairs = [(getattr(lap, name), lap.duration_s or 0.0) for lap in laps if getattr(lap, name) is not None]
    total = sum(w for _, w in pairs)
    if not pairs:
        return None
    if not total:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total


def _lap_offsets(laps: list, start: dt.datetime | None) -> list[float | None]:
    offsets: list[float | None] = []
    running = 0.0
    for lap in laps:
        if lap.start_time is not None and start is not None:
            offsets.append((lap.start_time - start).total_seconds())
        else:
            offsets.append(running)
        running += lap.elapsed_s or lap.duration_s or 0.0
    return offsets


def _work_laps(reps: list[Rep], laps: list, tolerance_pct: float) -> list[int] | None:
    """Indexes of the laps that are the reps, in order, or None when they do not line up."""
    total_d = sum(lap.distance_m or 0.0 for lap in laps)
    total_t = sum(lap.duration_s or 0.0 for lap in laps)
    mean_speed = total_d / total_t if total_d and total_t else None
    chosen: list[int] = []
    for index, lap in enumerate(laps):
        if len(chosen) == len(reps):
            break
        name, target = _measure(reps[len(chosen)])
        value = getattr(lap, name)
        if value is None or abs(value - target) > target * tolerance_pct / 100.0:
            continue
        speed = (lap.distance_m / lap.duration_s) if lap.distance_m and lap.duration_s else None
        if mean_speed and speed is not None and speed < mean_speed * 0.98:
            continue  # a recovery or warm-up lap of the same length
        chosen.append(index)
    return chosen if len(chosen) == len(reps) else None


def _recovery_row(rep_number: int, rep: Rep, laps: list, offset: float | None, **extra) -> IntervalRow:
    actual = sum(lap.distance_m or 0.0 for lap in laps) or None
    duration = sum(lap.duration_s or 0.0 for lap in laps) or None
    canonical = rep.recovery_distance_m or actual
    return IntervalRow(
        rep_number=rep_number,
        is_recovery=True,
        prescribed_distance_m=rep.recovery_distance_m,
        actual_distance_m=actual,
        canonical_distance_m=canonical,
        duration_s=duration,
        avg_pace_s_per_km=_pace(duration, canonical),
        avg_hr=_weighted(laps, "avg_hr"),
        avg_cadence_spm=_weighted(laps, "avg_cadence_spm"),
        start_offset_s=offset,
        **extra,
    )


def intervals_from_laps(
    *, reps: list[Rep], laps: list, start: dt.datetime | None, tolerance_pct: float
) -> list[IntervalRow] | None:
    """Rows for reps matched to laps (and the laps between them as recoveries), or None."""
    if not reps or not laps or any(_measure(rep) is None for rep in reps):
        return None
    work = _work_laps(reps, laps, tolerance_pct)
    if work is None:
        return None
    offsets = _lap_offsets(laps, start)
    rows: list[IntervalRow] = []
    for number, (rep, index) in enumerate(zip(reps, work, strict=True), start=1):
        lap = laps[index]
        canonical = rep.distance_m or lap.distance_m
        rows.append(
            IntervalRow(
                rep_number=number,
                prescribed_distance_m=rep.distance_m,
                actual_distance_m=lap.distance_m,
                canonical_distance_m=canonical,
                duration_s=lap.duration_s,
                avg_pace_s_per_km=_pace(lap.duration_s, canonical),
                avg_hr=lap.avg_hr,
                avg_cadence_spm=lap.avg_cadence_spm,
                start_offset_s=offsets[index],
                lap_id=lap.pk,
            )
        )
        if number < len(work):
            between = laps[index + 1 : work[number]]
            if between:
                rows.append(_recovery_row(number, rep, between, offsets[index + 1], lap_id=between[0].pk))
    return rows


def _series(columns: dict) -> tuple[list[float], list[float], list[int]]:
    """Times and cumulative distances of the samples that have both, with their sample indexes."""
    times, distances, indexes = [], [], []
    for i, (t, d) in enumerate(zip(columns.get("time") or [], columns.get("distance") or [], strict=False)):
        if t is not None and d is not None:
            times.append(t)
            distances.append(d)
            indexes.append(i)
    return times, distances, indexes


def _segments(
    times: list[float], distances: list[float], name: str, target: float
) -> list[tuple[float, int, int]]:
    """Every stretch covering `target` metres (or seconds) from each sample: (seconds or −metres, i, j)."""
    found = []
    j = 0
    n = len(times)
    axis = distances if name == "distance_m" else times
    for i in range(n):
        j = max(j, i + 1)
        while j < n and axis[j] - axis[i] < target:
            j += 1
        if j >= n:
            break
        cost = times[j] - times[i] if name == "distance_m" else -(distances[j] - distances[i])
        found.append((cost, i, j))
    return found


def _fastest(
    found: list[tuple[float, int, int]], count: int, taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    picked: list[tuple[int, int]] = []
    for _, i, j in sorted(found):
        if len(picked) == count:
            break
        if all(j <= a or i >= b for a, b in taken + picked):
            picked.append((i, j))
    return picked


def _mean(values: list, lo: int, hi: int) -> float | None:
    window = [v for v in values[lo : hi + 1] if v is not None]
    return sum(window) / len(window) if window else None


def _stretches(reps: list[Rep], times: list[float], distances: list[float]) -> list[tuple[int, int]] | None:
    """(first, last) sample positions of each rep, in time order; longer reps are placed first."""
    counts: dict[tuple[str, float], int] = {}
    for rep in reps:
        counts[_measure(rep)] = counts.get(_measure(rep), 0) + 1
    taken: list[tuple[int, int]] = []
    for (name, target), count in sorted(counts.items(), key=lambda item: -item[0][1]):
        picked = _fastest(_segments(times, distances, name, target), count, taken)
        if len(picked) < count:
            return None
        taken += picked
    return sorted(taken)


class _StreamRows:
    """Interval rows measured between two sample positions of a decoded stream."""

    def __init__(self, columns: dict, start: dt.datetime | None) -> None:
        self.times, self.distances, self.indexes = _series(columns)
        self.shift = (columns["start"] - start).total_seconds() if start and columns.get("start") else 0.0
        self.hr, self.cadence = columns.get("heart_rate") or [], columns.get("cadence") or []

    def row(self, number: int, i: int, j: int, *, prescribed: float | None, recovery: bool) -> IntervalRow:
        actual = self.distances[j] - self.distances[i]
        duration = self.times[j] - self.times[i]
        canonical = prescribed or actual or None
        lo, hi = self.indexes[i], self.indexes[j]
        return IntervalRow(
            rep_number=number,
            is_recovery=recovery,
            prescribed_distance_m=prescribed,
            actual_distance_m=actual,
            canonical_distance_m=canonical,
            duration_s=duration,
            avg_pace_s_per_km=_pace(duration, canonical),
            avg_hr=_mean(self.hr, lo, hi),
            avg_cadence_spm=_mean(self.cadence, lo, hi),
            start_offset_s=self.shift + self.times[i],
            detection=Interval.Detection.STREAM,
            note=STREAM_NOTE,
        )


def intervals_from_stream(
    *, reps: list[Rep], columns: dict, start: dt.datetime | None
) -> list[IntervalRow] | None:
    """Rows for reps found as the fastest non-overlapping stretches of the stream, in time order."""
    if not reps or any(_measure(rep) is None for rep in reps):
        return None
    stream = _StreamRows(columns, start)
    if len(stream.times) < 2:
        return None
    taken = _stretches(reps, stream.times, stream.distances)
    if taken is None:
        return None
    rows: list[IntervalRow] = []
    for number, (rep, (i, j)) in enumerate(zip(reps, taken, strict=True), start=1):
        rows.append(stream.row(number, i, j, prescribed=rep.distance_m, recovery=False))
        if number < len(taken):
            next_start = taken[number][0]
            rows.append(stream.row(number, j, next_start, prescribed=rep.recovery_distance_m, recovery=True))
    return rows


def intervals_prescribed(*, reps: list[Rep]) -> list[IntervalRow]:
    """Rows with the prescription only, when there is nothing to measure the reps with."""
    return [
        IntervalRow(
            rep_number=number,
            prescribed_distance_m=rep.distance_m,
            canonical_distance_m=rep.distance_m,
            duration_s=rep.duration_s,
            detection=Interval.Detection.PRESCRIBED,
            note=PRESCRIBED_NOTE,
        )
        for number, rep in enumerate(reps, start=1)
    ]


# --- Sessions found without a name -------------------------------------------------------------------

DETECTED_NOTE = "no workout name: {bouts} similar work bouts with slower recoveries found in the {where}"


@dataclass(slots=True)
class _Segment:
    """A stretch of a stream shaped like a lap, so laps and stream segments are detected alike."""

    distance_m: float
    duration_s: float
    start_offset_s: float
    avg_hr: float | None = None
    avg_cadence_spm: float | None = None
    pk: None = None
    start_time: None = None

    @property
    def elapsed_s(self) -> float:
        return self.duration_s


def _speed(lap) -> float | None:
    """Metres per second; a standing rest (a lap without distance) is 0."""
    return (lap.distance_m or 0.0) / lap.duration_s if lap.duration_s else None


def _similar(values: list[float], pct: float) -> float | None:
    """The largest deviation from the median as a fraction, when every value is within `pct`; else None."""
    ordered = sorted(values)
    median = ordered[len(ordered) // 2]
    if median <= 0:
        return None
    spread = max(abs(v - median) for v in values) / median
    return spread if spread <= pct / 100.0 else None


@dataclass(slots=True)
class _Bouts:
    groups: list[list[int]]  # lap indexes of each work bout, in order
    ratio: float  # slowest work lap / fastest recovery lap between bouts
    spread: float  # largest deviation of a bout's length (or duration) from the median


def _bouts_at(laps: list, speeds: list[float], threshold: float, cfg) -> _Bouts | None:
    groups: list[list[int]] = []
    for index, speed in enumerate(speeds):
        if speed > threshold:
            if groups and groups[-1][-1] == index - 1:
                groups[-1].append(index)
            else:
                groups.append([index])
    if len(groups) < cfg.interval_detect_min_bouts:
        return None
    distances = [sum(laps[i].distance_m or 0.0 for i in g) for g in groups]
    durations = [sum(laps[i].duration_s for i in g) for g in groups]
    spreads = [
        s
        for s in (
            _similar(distances, cfg.interval_detect_similar_pct),
            _similar(durations, cfg.interval_detect_similar_pct),
        )
        if s is not None
    ]
    if not spreads:
        return None
    between = [i for a, b in pairwise(groups) for i in range(a[-1] + 1, b[0])]
    work = min(speeds[i] for g in groups for i in g)
    rest = max(speeds[i] for i in between)
    ratio = work / rest if rest > 0 else float("inf")
    if ratio < cfg.interval_detect_speed_ratio:
        return None
    return _Bouts(groups=groups, ratio=ratio, spread=min(spreads))


def _find_bouts(laps: list, cfg) -> _Bouts | None:
    """The clearest split of the laps into fast work bouts and slow recoveries, or None."""
    speeds = [_speed(lap) for lap in laps]
    if len(laps) < 2 * cfg.interval_detect_min_bouts - 1 or any(s is None for s in speeds):
        return None
    levels = sorted(set(speeds))
    # Of the splits that make a session, the one at the widest gap between two neighbouring paces.
    found = [
        (high / low if low > 0 else float("inf"), bouts)
        for low, high in pairwise(levels)
        if (bouts := _bouts_at(laps, speeds, (low + high) / 2, cfg)) is not None
    ]
    return max(found, key=lambda item: (item[0], len(item[1].groups)), default=(None, None))[1]


def _confidence(bouts: _Bouts, cfg, *, stream: bool) -> float:
    """0.6 for the bare minimum; more for more bouts, a clearer pace gap and more even bouts."""
    score = 0.6
    score += min(0.1, 0.025 * (len(bouts.groups) - cfg.interval_detect_min_bouts))
    score += min(0.15, max(0.0, bouts.ratio - cfg.interval_detect_speed_ratio) * 0.3)
    score += 0.1 * (1.0 - bouts.spread / (cfg.interval_detect_similar_pct / 100.0))
    return round(min(score, 0.95) - (0.1 if stream else 0.0), 2)


def _bout_rows(laps: list, bouts: _Bouts, offsets: list, confidence: float, note: str) -> list[IntervalRow]:
    detected = {"detection": Interval.Detection.DETECTED, "confidence": confidence, "note": note}
    rows: list[IntervalRow] = []
    for number, group in enumerate(bouts.groups, start=1):
        part = [laps[i] for i in group]
        distance = sum(lap.distance_m or 0.0 for lap in part)
        duration = sum(lap.duration_s for lap in part)
        rows.append(
            IntervalRow(
                rep_number=number,
                actual_distance_m=distance,
                canonical_distance_m=distance,
                duration_s=duration,
                avg_pace_s_per_km=_pace(duration, distance),
                avg_hr=_weighted(part, "avg_hr"),
                avg_cadence_spm=_weighted(part, "avg_cadence_spm"),
                start_offset_s=offsets[group[0]],
                lap_id=part[0].pk,
                **detected,
            )
        )
        if number < len(bouts.groups):
            between = laps[group[-1] + 1 : bouts.groups[number][0]]
            rows.append(
                _recovery_row(
                    number, Rep(), between, offsets[group[-1] + 1], lap_id=between[0].pk, **detected
                )
            )
    return rows


def _stream_segments(columns: dict, start: dt.datetime | None, window_s: float) -> list[_Segment]:
    """The stream cut where the pace crosses halfway between its slow and fast levels."""
    stream = _StreamRows(columns, start)
    times, distances = stream.times, stream.distances
    if len(times) < 3:
        return []
    speeds: list[float] = []
    j = 0
    for i in range(len(times)):
        j = max(j, i + 1)
        while j < len(times) - 1 and times[j] - times[i] < window_s:
            j += 1
        span = times[min(j, len(times) - 1)] - times[i]
        speeds.append((distances[min(j, len(times) - 1)] - distances[i]) / span if span > 0 else 0.0)
    ordered = sorted(speeds)
    slow, fast = ordered[len(ordered) // 5], ordered[len(ordered) * 9 // 10]
    threshold = (slow + fast) / 2
    cuts = [0] + [i for i in range(1, len(speeds)) if (speeds[i] > threshold) != (speeds[i - 1] > threshold)]
    cuts.append(len(times) - 1)
    segments = []
    for lo, hi in pairwise(cuts):
        if hi <= lo:
            continue
        row = stream.row(0, lo, hi, prescribed=None, recovery=False)
        segments.append(
            _Segment(
                distance_m=row.actual_distance_m or 0.0,
                duration_s=row.duration_s or 0.0,
                start_offset_s=row.start_offset_s or 0.0,
                avg_hr=row.avg_hr,
                avg_cadence_spm=row.avg_cadence_spm,
            )
        )
    return [s for s in segments if s.duration_s > 0]


def intervals_detect(
    *, laps: list, columns: dict | None, start: dt.datetime | None, cfg
) -> list[IntervalRow] | None:
    """Rows of an unnamed interval session found in the laps (or, without laps, the stream), or None.

    At least `interval_detect_min_bouts` work bouts within `interval_detect_similar_pct` of each other
    in length or duration, each lap of them at least `interval_detect_speed_ratio` times as fast as every
    recovery lap between them. Warm-up and cool-down laps may be anything.
    """
    if len(laps) > 1:
        bouts = _find_bouts(laps, cfg)
        if bouts is None:
            return None
        note = DETECTED_NOTE.format(bouts=len(bouts.groups), where="laps")
        return _bout_rows(laps, bouts, _lap_offsets(laps, start), _confidence(bouts, cfg, stream=False), note)
    if not columns:
        return None
    segments = _stream_segments(columns, start, cfg.interval_detect_window_s)
    bouts = _find_bouts(segments, cfg)
    if bouts is None:
        return None
    note = DETECTED_NOTE.format(bouts=len(bouts.groups), where="stream")
    offsets = [s.start_offset_s for s in segments]
    return _bout_rows(segments, bouts, offsets, _confidence(bouts, cfg, stream=True), note)

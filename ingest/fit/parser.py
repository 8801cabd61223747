"""FIT activity file -> one `ParsedActivity` per session.

The file is decoded once, in a single pass over its messages (`adapter.fit_decode`): per-second
`record` messages go straight into columns, the few summary messages (file_id, session, lap, activity,
device_info, workout, sport) are kept as dicts. Sessions come last in a FIT file, so records and laps are
split between sessions afterwards, by time.

Units out: metres, seconds, bpm, steps/min (running and walking cadence is per leg in FIT: x2; cycling
cadence stays rpm and swimming/rowing strokes/min), m/s, kcal, UTC-aware datetimes.

Durations a device got wrong: some write the timer time where the elapsed time goes and back; the
smaller of the two is the timer (moving) time and the larger the elapsed time, and raw
`timer_elapsed_swapped` keeps what the file said (a lap's pair is put in order the same way). A session
timer or elapsed time longer than 7 days is a device clock error, not a run: it is replaced by the time
span of the session's own records when those span at most 7 days (raw `clamped_to_records` keeps the
file's value), and the file is refused with `ImplausibleDuration` when they do not (or there are none).
Clamping keeps what else the file measured (distance, heart rate, the samples); the records' span is the
file's own evidence of how long the activity was.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ingest.fit.adapter import Values, fit_decode
from ingest.fit.summary import device_from, json_safe, normalise_sport, positive, to_str
from ingest.placement import offset_round
from ingest.records import (
    Device,
    FileHints,
    NotAnActivity,
    ParsedActivity,
    ParsedLap,
    Samples,
    SourceError,
    sport_family,
)

UTC = dt.UTC
SEMICIRCLE_DEG = 180.0 / 2**31
# FIT date_time values below this are seconds since the device's power-on, not since 1989-12-31.
_RELATIVE_LIMIT = 0x10000000
_FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=UTC)
_MIN_YEAR = 1995
# Sports whose FIT cadence counts one leg: steps/min = 2 x (cadence + fractional_cadence).
_PER_LEG_FAMILIES = {"run", "walk"}
# A session longer than this is a device clock error, not an activity.
MAX_DURATION_S = 7 * 24 * 3600.0


class ImplausibleDuration(SourceError):
    """A session lasts longer than `MAX_DURATION_S` and its records do not say how long it really was."""


@dataclass(slots=True)
class _Columns(Samples):
    """Per-second values of every `record` message, in file order; times still raw (naive)."""

    def add(self, v: Values) -> None:
        # record: {timestamp, position_lat/long (semicircles), enhanced_altitude, altitude, heart_rate,
        #          cadence, fractional_cadence, enhanced_speed, speed, distance, power, …}
        ts = v.get("timestamp")
        if ts is None:
            return
        self.time.append(ts)
        lat = v.get("position_lat")
        lon = v.get("position_long")
        if lat is not None and lon is not None:
            self.lat.append(lat * SEMICIRCLE_DEG)
            self.lon.append(lon * SEMICIRCLE_DEG)
        else:
            self.lat.append(None)
            self.lon.append(None)
        alt = v.get("enhanced_altitude")
        self.altitude.append(v.get("altitude") if alt is None else alt)
        self.heart_rate.append(v.get("heart_rate"))
        cad = v.get("cadence")
        if cad is not None:
            frac = v.get("fractional_cadence")
            if frac:
                cad += frac
        self.cadence.append(cad)
        speed = v.get("enhanced_speed")
        if speed is None:
            speed = v.get("speed")
        if isinstance(speed, tuple):
            speed = speed[0]
        self.speed.append(speed)
        self.distance.append(v.get("distance"))
        self.power.append(v.get("power"))


# The lap, session and activity fields read as one number, time or name. fitparse returns a tuple when a
# field's definition gives it a size that is a multiple of its type's: for these fields that is a damaged
# definition (found by fuzzing), and the value is unreadable.
_SCALAR_FIELDS = frozenset(
    (
        "timestamp", "start_time", "local_timestamp", "total_elapsed_time", "total_timer_time",
        "total_distance", "avg_heart_rate", "max_heart_rate", "avg_running_cadence", "avg_cadence",
        "max_running_cadence", "max_cadence", "avg_fractional_cadence", "max_fractional_cadence",
        "enhanced_avg_speed", "avg_speed", "enhanced_max_speed", "max_speed", "total_ascent",
        "total_descent", "total_calories", "avg_power", "first_lap_index", "num_laps", "sport",
        "sub_sport", "lap_trigger", "intensity",
    )
)  # fmt: skip


def _scalars(values: Values) -> Values:
    """The message without the fields of `_SCALAR_FIELDS` that came out as tuples: a missing field is
    derived from the records where it can be, as when the device did not write it."""
    damaged = [name for name in _SCALAR_FIELDS if isinstance(values.get(name), tuple)]
    return {k: v for k, v in values.items() if k not in damaged} if damaged else values


@dataclass(slots=True)
class _FitFile:
    """What one pass over the messages keeps."""

    file_id: Values = field(default_factory=dict)
    file_creator: Values = field(default_factory=dict)
    creator: Values = field(default_factory=dict)
    activity: Values = field(default_factory=dict)
    sport: Values = field(default_factory=dict)
    correlation: Values = field(default_factory=dict)
    workout_name: str | None = None
    sessions: list[Values] = field(default_factory=list)
    laps: list[Values] = field(default_factory=list)
    records: _Columns = field(default_factory=_Columns)
    untimed_records: int = 0  # record messages without a timestamp (left out of the columns)

    def keep(self, mesg: str, values: Values) -> None:
        """One message of the single pass: records into columns, the few summary messages as dicts."""
        if mesg == "record":
            if values.get("timestamp") is None:
                self.untimed_records += 1
            self.records.add(values)
        elif mesg == "lap":
            self.laps.append(_scalars(values))
        elif mesg == "session":
            self.sessions.append(_scalars(values))
        elif mesg == "file_id" and not self.file_id:
            self.file_id = values
        elif mesg == "device_info" and not self.creator and values.get("device_index") in ("creator", 0):
            self.creator = values
        elif mesg == "activity":
            self.activity = _scalars(values)
        elif mesg == "file_creator" and not self.file_creator:
            self.file_creator = values
        elif mesg == "sport" and not self.sport:
            self.sport = values
        elif mesg == "workout" and values.get("wkt_name"):
            self.workout_name = str(values["wkt_name"]).strip() or None
        elif mesg == "timestamp_correlation" and not self.correlation:
            self.correlation = values


def _read(name: str, data: bytes) -> _FitFile:
    fit = _FitFile()
    fit_decode(name, data, fit.keep)
    return fit


def _is_relative(value: Any) -> bool:
    return isinstance(value, int) and value < _RELATIVE_LIMIT


def _absolute(value: Any) -> dt.datetime | None:
    """A fitparse date_time/local_date_time as an aware datetime; None for relative or unset clocks."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.year >= _MIN_YEAR else None
    if isinstance(value, int) and value >= _RELATIVE_LIMIT:
        return _FIT_EPOCH + dt.timedelta(seconds=value)
    return None


@dataclass(slots=True)
class _Clock:
    """Turns the file's timestamps into UTC. `base` places device-relative seconds in time."""

    base: dt.datetime | None = None
    relative: bool = False
    how: str = "absolute"
    local_start: dt.datetime | None = None  # wall-clock start when only local time is known

    def utc(self, value: Any) -> dt.datetime | None:
        if _is_relative(value):
            if self.base is None:
                return None
            return self.base + dt.timedelta(seconds=value)
        return _absolute(value)


def _first_relative_start(fit: _FitFile) -> int | None:
    for value in [s.get("start_time") for s in fit.sessions] + fit.records.time[:1]:
        if _is_relative(value):
            return value
    return None


def _clock(fit: _FitFile, hints: FileHints | None) -> _Clock:
    """Find how to place device-relative timestamps (FR70: seconds since power-on) in UTC.

    In order: a timestamp_correlation message, the route's UTC start (`hints.start_time`: a Strava CSV
    row, a Garmin summary), the activity's absolute local_timestamp plus the route's UTC offset.
    Failing all, only the local wall-clock start is known (from local_timestamp): the record gets a
    local date and no UTC time.
    """
    times = (
        [s.get("start_time") for s in fit.sessions] + fit.records.time[:1] + [fit.activity.get("timestamp")]
    )
    if not any(_is_relative(t) for t in times):
        return _Clock()
    clock = _Clock(relative=True)
    corr_abs = _absolute(fit.correlation.get("timestamp"))
    corr_rel = fit.correlation.get("system_timestamp")
    if corr_abs is not None and _is_relative(corr_rel):
        clock.base, clock.how = corr_abs - dt.timedelta(seconds=corr_rel), "timestamp_correlation"
        return clock
    start_rel = _first_relative_start(fit)
    if hints is not None and hints.start_time is not None and start_rel is not None:
        clock.base = hints.start_time.astimezone(UTC) - dt.timedelta(seconds=start_rel)
        clock.how = "hint_start_time"
        return clock
    local_end = fit.activity.get("local_timestamp")
    end_rel = fit.activity.get("timestamp")
    if isinstance(local_end, dt.datetime) and local_end.year >= _MIN_YEAR and _is_relative(end_rel):
        # local wall clock at the relative activity.timestamp: base in local time
        local_base = local_end.replace(tzinfo=UTC) - dt.timedelta(seconds=end_rel)
        if hints is not None and hints.utc_offset_s is not None:
            clock.base = local_base - dt.timedelta(seconds=hints.utc_offset_s)
            clock.how = "local_timestamp_and_hint_offset"
            return clock
        if start_rel is not None:
            clock.local_start = (local_base + dt.timedelta(seconds=start_rel)).replace(tzinfo=None)
            clock.how = "local_timestamp_only"
    return clock


def _utc_offset(fit: _FitFile, clock: _Clock, hints: FileHints | None) -> int | None:
    """activity.local_timestamp - activity.timestamp, rounded to 15 minutes; None if the file has none.

    A device-relative clock anchored by the route's offset would only give that offset back: the file
    says nothing of its own then, and placement applies the route's offset.
    """
    if clock.relative and hints is not None and hints.utc_offset_s is not None:
        return None
    local = fit.activity.get("local_timestamp")
    end = clock.utc(fit.activity.get("timestamp"))
    if isinstance(local, dt.datetime) and local.year >= _MIN_YEAR and end is not None:
        return offset_round((local.replace(tzinfo=UTC) - end).total_seconds())
    return None


def _cadence_spm(whole: Any, fraction: Any, per_leg: bool) -> float | None:
    if not whole:
        return None  # 0: no cadence sensor (a COROS ride writes avg_cadence 0), not a standstill
    value = float(whole) + float(fraction or 0)
    return value * 2 if per_leg else value


def _lap(values: Values, index: int, clock: _Clock, per_leg: bool) -> ParsedLap:
    # lap: {start_time, total_timer_time, total_elapsed_time, total_distance, avg/max_heart_rate,
    #       avg_running_cadence | avg_cadence, avg_fractional_cadence, enhanced_avg_speed, total_ascent,
    #       lap_trigger, intensity}
    cadence = values.get("avg_running_cadence")
    if cadence is None:
        cadence = values.get("avg_cadence")
    timer, elapsed = _in_order(values.get("total_timer_time"), values.get("total_elapsed_time"))
    return ParsedLap(
        index=index,
        start_time=clock.utc(values.get("start_time")),
        duration_s=timer,
        elapsed_s=elapsed,
        distance_m=values.get("total_distance"),
        avg_hr=positive(values.get("avg_heart_rate")),
        max_hr=positive(values.get("max_heart_rate")),
        avg_cadence_spm=_cadence_spm(cadence, values.get("avg_fractional_cadence"), per_leg),
        avg_speed_mps=_first(values, "enhanced_avg_speed", "avg_speed"),
        max_speed_mps=_first(values, "enhanced_max_speed", "max_speed"),
        total_ascent_m=values.get("total_ascent"),
        trigger=to_str(values.get("lap_trigger")),
        intensity=to_str(values.get("intensity")),
    )


def _in_order(timer: Any, elapsed: Any) -> tuple[Any, Any]:
    """(timer, elapsed) with the timer the smaller: some devices swap the two."""
    if timer is not None and elapsed is not None and timer > elapsed:
        return elapsed, timer
    return timer, elapsed


def _first(values: Values, *names: str) -> Any:
    for name in names:
        value = values.get(name)
        if value is not None:
            return value
    return None


def _samples(columns: _Columns, times: list[dt.datetime], lo: int, hi: int, per_leg: bool) -> Samples:
    cadence = columns.cadence[lo:hi]
    if per_leg:
        cadence = [None if c is None else c * 2 for c in cadence]
    return Samples(
        time=times[lo:hi],
        lat=columns.lat[lo:hi],
        lon=columns.lon[lo:hi],
        altitude=columns.altitude[lo:hi],
        heart_rate=columns.heart_rate[lo:hi],
        cadence=cadence,
        speed=columns.speed[lo:hi],
        distance=columns.distance[lo:hi],
        power=columns.power[lo:hi],
    )


def _split(keys: list[dt.datetime | None], ends: list[dt.datetime | None], right: bool) -> list[int]:
    """Session index of each item by time: an item belongs to the first session ending at/after it."""
    n = len(ends)
    if n == 1 or any(e is None for e in ends):
        return [0] * len(keys)
    find = bisect.bisect_right if right else bisect.bisect_left
    return [0 if k is None else min(find(ends, k), n - 1) for k in keys]


def _session_laps(fit: _FitFile, clock: _Clock, ends: list[dt.datetime | None]) -> list[list[Values]]:
    """Laps per session: by first_lap_index/num_laps when every session has them, else by time."""
    groups: list[list[Values]] = [[] for _ in fit.sessions]
    indexed = all(
        s.get("first_lap_index") is not None and s.get("num_laps") is not None for s in fit.sessions
    )
    if indexed and len(fit.sessions) > 1:
        for i, s in enumerate(fit.sessions):
            groups[i] = fit.laps[s["first_lap_index"] : s["first_lap_index"] + s["num_laps"]]
        return groups
    starts = [clock.utc(lap.get("start_time")) for lap in fit.laps]
    for lap, i in zip(fit.laps, _split(starts, ends, right=True), strict=True):
        groups[i].append(lap)
    return groups


def _derived_session(fit: _FitFile) -> Values:
    """A file with records but no session message: summarise the records."""
    sport = fit.sport or (fit.laps[0] if fit.laps else {})
    return {"sport": sport.get("sport"), "sub_sport": sport.get("sub_sport")}


@dataclass(slots=True)
class _Context:
    name: str
    fit: _FitFile
    clock: _Clock
    times: list[dt.datetime]
    device: Device
    utc_offset_s: int | None
    raw_common: dict[str, Any]


def _sane_durations(name: str, values: dict[str, Any], times: list[dt.datetime]) -> dict[str, Any]:
    """Clamp a duration beyond `MAX_DURATION_S` to the records' span, then put timer <= elapsed.
    Returns what raw should note; raises `ImplausibleDuration` when the records cannot help."""
    notes: dict[str, Any] = {}
    as_written = {"total_timer_time": values["duration_s"], "total_elapsed_time": values["elapsed_s"]}
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else None
    for key in ("elapsed_s", "duration_s"):
        value = values[key]
        if value is None or value <= MAX_DURATION_S:
            continue
        if span is None or not 0 < span <= MAX_DURATION_S:
            field_name = "total_elapsed_time" if key == "elapsed_s" else "total_timer_time"
            raise ImplausibleDuration(
                f"{name}: a session lasting {value / 86400:.1f} days ({field_name} {value:.0f} s), longer "
                "than 7 days: a device clock error, and its records do not give the real span"
            )
        notes.setdefault("clamped_to_records", {})[key] = value
        values[key] = span
    timer, elapsed = values["duration_s"], values["elapsed_s"]
    values["duration_s"], values["elapsed_s"] = _in_order(timer, elapsed)
    if values["duration_s"] != timer:
        notes["timer_elapsed_swapped"] = as_written
    return notes


def _hr_from_records(values: dict[str, Any], derived: list[str], rates: list[int]) -> None:
    """Fill a missing average or maximum heart rate from the records (a COROS session has only a max)."""
    if not rates:
        return
    if values["avg_hr"] is None and values["max_hr"] is None:
        values["avg_hr"], values["max_hr"] = round(sum(rates) / len(rates)), max(rates)
        derived.append("heart_rate")
    elif values["avg_hr"] is None:
        values["avg_hr"] = round(sum(rates) / len(rates))
        derived.append("avg_hr")
    else:
        values["max_hr"] = max(rates)
        derived.append("max_hr")


def _summary(
    ctx: _Context, session: Values, times: list[dt.datetime], lo: int, hi: int, multi: bool
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """The session's own totals; what it lacks is derived from its records and listed as derived.
    The third item is what raw should note of durations put right (`_sane_durations`)."""
    columns = ctx.fit.records
    # session: {start_time, timestamp (end), total_elapsed_time, total_timer_time, total_distance,
    #           avg/max_heart_rate, enhanced_avg_speed | avg_speed, …}
    derived: list[str] = []
    values: dict[str, Any] = {
        "elapsed_s": session.get("total_elapsed_time"),
        "duration_s": session.get("total_timer_time"),
        "distance_m": positive(session.get("total_distance")),  # 0.0 on indoor equipment: not measured
        "avg_hr": positive(session.get("avg_heart_rate")),
        "max_hr": positive(session.get("max_heart_rate")),
        "avg_speed_mps": positive(_first(session, "enhanced_avg_speed", "avg_speed")),
    }
    if values["elapsed_s"] is None and len(times) > 1:
        values["elapsed_s"] = (times[-1] - times[0]).total_seconds()
        derived.append("elapsed_s")
        if values["duration_s"] is None:
            values["duration_s"] = values["elapsed_s"]  # no pause information without a session
            derived.append("duration_s")
    if "total_distance" not in session:
        distances = [d for d in columns.distance[lo:hi] if d is not None]
        if distances:
            values["distance_m"] = distances[-1] - (distances[0] if multi else 0.0)
            derived.append("distance_m")
    if values["avg_hr"] is None or values["max_hr"] is None:
        _hr_from_records(values, derived, [h for h in columns.heart_rate[lo:hi] if h])
    notes = _sane_durations(ctx.name, values, times)
    if values["avg_speed_mps"] is None and values["distance_m"] and values["duration_s"]:
        values["avg_speed_mps"] = round(values["distance_m"] / values["duration_s"], 3)
        derived.append("avg_speed_mps")
    return values, derived, notes


def _cadences(session: Values, per_leg: bool) -> dict[str, float | None]:
    # running sessions: avg_running_cadence; others: avg_cadence; both with *_fractional_cadence
    average = _first(session, "avg_running_cadence", "avg_cadence")
    maximum = _first(session, "max_running_cadence", "max_cadence")
    return {
        "avg_cadence_spm": _cadence_spm(average, session.get("avg_fractional_cadence"), per_leg),
        "max_cadence_spm": _cadence_spm(maximum, session.get("max_fractional_cadence"), per_leg),
    }


def _session_activity(
    ctx: _Context, session: Values, laps: list[Values], lo: int, hi: int, multi: bool
) -> ParsedActivity:
    fit, clock = ctx.fit, ctx.clock
    sport, sub_sport = normalise_sport(session.get("sport"), session.get("sub_sport"))
    per_leg = sport_family(sport) in _PER_LEG_FAMILIES
    times = ctx.times[lo:hi]
    values, derived, notes = _summary(ctx, session, times, lo, hi, multi)
    start = clock.utc(session.get("start_time"))
    if start is None and times:
        start = times[0]
        derived.insert(0, "start_time")
    raw = {**ctx.raw_common, "session": json_safe(session), **notes}
    if multi:
        raw["session_count"] = len(fit.sessions)
    if derived:
        raw["derived_from_records"] = derived
    local_date = None
    if start is None and clock.local_start is not None:
        local_date = clock.local_start.date()
        raw["local_start"] = clock.local_start.isoformat()
    return ParsedActivity(
        start_time=start,
        local_date=local_date,
        utc_offset_s=ctx.utc_offset_s,
        sport=sport,
        sub_sport=sub_sport,
        total_ascent_m=session.get("total_ascent"),
        total_descent_m=session.get("total_descent"),
        calories=positive(session.get("total_calories")),
        avg_power_w=positive(session.get("avg_power")),  # 0 without a power meter
        workout_name=fit.workout_name,
        device=Device(ctx.device.manufacturer, ctx.device.product, ctx.device.serial),
        laps=[_lap(lap, i, clock, per_leg) for i, lap in enumerate(laps)],
        samples=_samples(fit.records, ctx.times, lo, hi, per_leg) if start is not None and hi > lo else None,
        raw=raw,
        **values,
        **_cadences(session, per_leg),
    )


def _check_activity(name: str, fit: _FitFile) -> None:
    file_type = fit.file_id.get("type")
    if file_type is not None and file_type != "activity":
        raise NotAnActivity(f"{name}: a FIT {file_type} file, not an activity: skipped")
    if not fit.sessions and not fit.records.time:
        if fit.untimed_records:
            # FIT SDK's DeveloperData.fit: an activity's data, but not a single timestamp to place it by.
            raise SourceError(
                f"{name}: no session, and its {fit.untimed_records} record(s) carry no timestamp: "
                "it cannot be placed in time"
            )
        raise NotAnActivity(f"{name}: a FIT {file_type or 'untyped'} file with no session and no records")


def _record_times(fit: _FitFile, clock: _Clock) -> list[dt.datetime] | None:
    raw_times = fit.records.time
    if not clock.relative:
        return [t.replace(tzinfo=UTC) if isinstance(t, dt.datetime) else _absolute(t) for t in raw_times]
    if clock.base is None:
        return None
    utc = clock.utc
    return [utc(t) for t in raw_times]


def parse_fit(*, name: str, data: bytes, hints: FileHints | None = None) -> list[ParsedActivity]:
    """All sessions of one FIT activity file, in file order. Raises NotAnActivity or SourceError.

    `hints` are read only to anchor a clock that counts from the device's power-on (see `_clock`); the
    records carry the file's own offset or none, and `ingest.placement` does the rest.
    """
    fit = _read(name, data)
    _check_activity(name, fit)
    clock = _clock(fit, hints)
    times = _record_times(fit, clock)
    if times is None and clock.local_start is None:
        raise SourceError(
            f"{name}: timestamps count seconds since the device's power-on and the file holds no "
            "absolute time (no timestamp_correlation, no local_timestamp): it cannot be placed in time"
        )
    if times is not None and any(t is None for t in times):
        raise SourceError(
            f"{name}: some record timestamps are unset (before 1995): the device clock was not set"
        )
    sessions = fit.sessions or [_derived_session(fit)]
    if not fit.sessions:
        fit.sessions = sessions
    ends = [clock.utc(s.get("timestamp")) for s in sessions]
    lap_groups = _session_laps(fit, clock, ends)
    ctx = _Context(
        name=name,
        fit=fit,
        clock=clock,
        times=times or [],
        device=device_from(fit.file_id, fit.creator),
        utc_offset_s=_utc_offset(fit, clock, hints),
        raw_common=_raw_common(fit, clock),
    )
    owners = _split(ctx.times, ends, right=False) if times else []
    bounds = _bounds(owners, len(sessions))
    multi = len(sessions) > 1
    return [
        _session_activity(ctx, session, lap_groups[i], *bounds[i], multi)
        for i, session in enumerate(sessions)
    ]


def _bounds(owners: list[int], count: int) -> list[tuple[int, int]]:
    """[lo, hi) record slice per session; a record out of time order stays with its neighbours."""
    for i in range(1, len(owners)):
        if owners[i] < owners[i - 1]:
            owners[i] = owners[i - 1]
    bounds = []
    for i in range(count):
        lo = bisect.bisect_left(owners, i)
        hi = bisect.bisect_right(owners, i)
        bounds.append((lo, hi))
    return bounds


def _raw_common(fit: _FitFile, clock: _Clock) -> dict[str, Any]:
    raw: dict[str, Any] = {"file_id": json_safe(fit.file_id)}
    for key, values in (
        ("file_creator", fit.file_creator),
        ("device", fit.creator),
        ("activity", fit.activity),
        ("sport_profile", fit.sport),
    ):
        if values:
            raw[key] = json_safe(values)
    if fit.workout_name:
        raw["workout_name"] = fit.workout_name
    if clock.relative:
        raw["time_base"] = f"device_relative ({clock.how})"
    return raw

"""Pure parsing of Runalyze data: Personal API JSON and the CSV rendering -> `ParsedActivity` + metrics.

No ORM and no HTTP here. One activity item, from either route, becomes a `ParsedRunalyze`: the normalised
record for `record_store` and the values of its `RunalyzeMetrics` row. The CSV is first unflattened into
the API's nested shape (`sport.name` -> `{"sport": {"name": …}}`), so both routes share one code path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ingest.records import ParsedActivity, RecordError, SourceError, sport_family

SOURCE = "runalyze"

# Runalyze sport names are the user's own (localised defaults); map the common ones to FIT's vocabulary.
SPORTS = {
    "running": "running",
    "laufen": "running",
    "run": "running",
    "trail running": "trail_running",
    "trailrunning": "trail_running",
    "treadmill": "treadmill",
    "cycling": "cycling",
    "radfahren": "cycling",
    "biking": "cycling",
    "e-bike": "e_biking",
    "swimming": "swimming",
    "schwimmen": "swimming",
    "walking": "walking",
    "gehen": "walking",
    "hiking": "hiking",
    "wandern": "hiking",
    "rowing": "rowing",
    "rudern": "rowing",
}

# Runalyze's default activity types for running -> the workout-type hint every source shares.
WORKOUT_TYPES = {
    "race": "race",
    "wettkampf": "race",
    "long slow distance": "long",
    "long run": "long",
    "langer lauf": "long",
    "interval training": "workout",
    "intervalltraining": "workout",
    "tempo run": "workout",
    "tempodauerlauf": "workout",
    "fartlek": "workout",
    "jogging": "easy",
    "dauerlauf": "easy",
    "regeneration run": "easy",
    "regenerationslauf": "easy",
}

# Columns the CSV must have, whatever else its (unverified) layout holds.
CSV_REQUIRED = ("id", "date_time", "distance", "duration")

# Values kept on the metrics row's raw JSON beside its columns.
_METRIC_EXTRAS = (
    "use_vo2max",
    "fit_vo2max_estimate",
    "fit_recovery_time",
    "fit_trimp",
    "fit_hrv_analysis",
    "fit_performance_condition",
    "fit_performance_condition_end",
    "rpe",
    "subjective_feeling",
    "gap",
    "climb_score",
    "race_result",
)


@dataclass(slots=True)
class HeartRateHistory:
    """Dated heart-rate measurements (HRmax or HRrest) from `/api/v1/metrics/heartRate…`, oldest first."""

    points: list[tuple[dt.date, float]] = field(default_factory=list)

    def on(self, day: dt.date | None) -> float | None:
        """The value in effect for a run on `day`: the last one measured before that day.

        A day's resting HR is computed over the whole day (the run included), so the value known when
        the run started is the previous day's. Runs older than every measurement use the oldest one.
        """
        if not self.points:
            return None
        if day is None:
            return self.points[-1][1]
        value = self.points[0][1]
        for measured, heart_rate in self.points:
            if measured >= day:
                break
            value = heart_rate
        return value


@dataclass(slots=True)
class ParsedRunalyze:
    activity: ParsedActivity
    metrics: dict[str, Any]


def _number(value: Any) -> float | None:
    """API numbers, or the CSV's strings ('' is null)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RecordError(f"not a number: {value!r}") from None


def _flag(value: Any) -> bool:
    # API: true/false; CSV: 1/0 or ''.
    return value in (True, 1, "1", "true")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _start(item: dict) -> tuple[dt.datetime, int]:
    # "date_time": "2026-05-09T07:48:31+02:00", "timezone_offset": 120 (minutes)
    raw = item.get("date_time")
    try:
        local = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise RecordError(f"bad date_time {raw!r}") from None
    minutes = _number(item.get("timezone_offset"))
    if local.tzinfo is None:
        if minutes is None:
            raise RecordError(f"date_time {raw!r} has no offset and timezone_offset is empty")
        local = local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    offset_s = int(local.utcoffset().total_seconds())
    return local, offset_s


def _sport(item: dict) -> str | None:
    name = _text((item.get("sport") or {}).get("name"))
    if name is None:
        return None
    return SPORTS.get(name.lower(), re.sub(r"\W+", "_", name.lower()).strip("_"))


def _workout_type(item: dict) -> str | None:
    name = _text((item.get("type") or {}).get("name"))
    if name is None:
        return None
    return WORKOUT_TYPES.get(name.lower(), name.lower())


def _gear(item: dict, sport: str | None) -> str | None:
    # Equipment carries no category here: only a run's first piece is taken as its shoe.
    if sport_family(sport) != "run":
        return None
    equipment = item.get("equipment") or []
    names = [_text(piece.get("name")) for piece in equipment if isinstance(piece, dict)]
    return next((name for name in names if name), None)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _metrics(item: dict, avg_hr: float | None, hr_max: float | None, hr_rest: float | None) -> dict:
    hrr = hrmax = None
    if avg_hr is not None and hr_max and hr_rest is not None and hr_max > hr_rest:
        hrr = _percent(100.0 * (avg_hr - hr_rest) / (hr_max - hr_rest))
        hrmax = _percent(100.0 * avg_hr / hr_max)
    raw = {name: item.get(name) for name in _METRIC_EXTRAS if name in item}
    raw.update(hr_max_used=hr_max, hr_rest_used=hr_rest)
    return {
        "trimp": _number(item.get("trimp")),
        "vo2max": _number(item.get("vo2max")),
        "vo2max_by_time": _number(item.get("vo2max_by_time")),
        "vo2max_with_elevation": _number(item.get("vo2max_with_elevation")),
        "training_effect": _number(item.get("fit_training_effect")),
        "anaerobic_training_effect": _number(item.get("fit_anaerobic_training_effect")),
        "hr_reserve_pct": hrr,
        "hr_max_pct": hrmax,
        "raw": raw,
    }


def activity_parse(
    *,
    item: dict,
    hr_max: HeartRateHistory | None = None,
    hr_rest: HeartRateHistory | None = None,
) -> ParsedRunalyze:
    """One activity item (API JSON, or an unflattened CSV row) -> record + metrics.

    Units: `distance` km, `duration`/`elapsed_time` s, `cadence` per leg (rpm, ×2 for steps/min),
    `elevation_up/down` m, `date_time` local ISO time with its offset.
    """
    source_id = _text(item.get("id"))
    if source_id is None:
        raise RecordError("Runalyze activity without an id")
    try:
        local, offset_s = _start(item)
        distance_km = _number(item.get("distance"))
        duration = _number(item.get("duration"))
        cadence = _number(item.get("cadence"))
        avg_hr = _number(item.get("hr_avg"))
        distance_m = None if distance_km is None else round(distance_km * 1000.0, 1)
        sport = _sport(item)
        parsed = ParsedActivity(
            source=SOURCE,
            source_id=source_id,
            start_time=local.astimezone(dt.UTC),
            local_date=local.date(),
            utc_offset_s=offset_s,
            sport=sport,
            sub_sport="track" if _flag(item.get("is_track")) else None,
            distance_m=distance_m,
            duration_s=duration,
            elapsed_s=_number(item.get("elapsed_time")),
            avg_hr=avg_hr,
            max_hr=_number(item.get("hr_max")),
            avg_cadence_spm=None if cadence is None else cadence * 2.0,
            avg_speed_mps=distance_m / duration if distance_m and duration else None,
            total_ascent_m=_number(item.get("elevation_up")),
            total_descent_m=_number(item.get("elevation_down")),
            avg_power_w=_number(item.get("power")),
            workout_name=_text(item.get("title")),
            workout_type=_workout_type(item),
            notes=_text(item.get("note")),
            gear=_gear(item, sport),
            raw=item,
        )
        metrics = _metrics(
            item,
            avg_hr,
            hr_max.on(local.date()) if hr_max else None,
            hr_rest.on(local.date()) if hr_rest else None,
        )
    except RecordError as exc:
        raise RecordError(f"runalyze:{source_id}: {exc}") from None
    return ParsedRunalyze(activity=parsed.validate(), metrics=metrics)


def heart_rate_history_parse(*, payload: Any, name: str) -> HeartRateHistory:
    """`[{"id": 301177, "date_time": "2025-09-14T00:00:00Z", "heart_rate": 190, "source": "manual"}]`."""
    if not isinstance(payload, list):
        raise SourceError(f"Runalyze {name}: expected a list of measurements, got {type(payload).__name__}")
    points = []
    for entry in payload:
        try:
            value = _number(entry.get("heart_rate"))
            day = dt.datetime.fromisoformat(entry["date_time"]).date() if entry.get("date_time") else None
        except (RecordError, ValueError, TypeError, AttributeError):
            raise SourceError(f"Runalyze {name}: unreadable measurement {entry!r}") from None
        if value is not None and day is not None:
            points.append((day, value))
    return HeartRateHistory(points=sorted(points))


def statistics_parse(*, payload: Any) -> dict[str, float | None]:
    """`/api/v1/statistics/current` -> AthleteDay columns. `marathonShape` is a fraction: stored as %."""
    if not isinstance(payload, dict):
        raise SourceError("Runalyze statistics/current: expected a JSON object")
    shape = _number(payload.get("marathonShape"))
    return {
        "runalyze_fitness": _number(payload.get("fitness")),
        "runalyze_fatigue": _number(payload.get("fatigue")),
        "runalyze_form": _number(payload.get("performance")),
        "runalyze_vo2max": _number(payload.get("effectiveVO2max")),
        "runalyze_marathon_shape": None if shape is None else round(shape * 100.0, 2),
    }


def vo2max_correction_factor(*, races: Iterable[tuple[float | None, float | None]]) -> float | None:
    """Runalyze's VO2max correction factor from `(vo2max_by_time, vo2max)` of the athlete's races.

    The race with the best VO2max by time sets it: factor = vo2max_by_time / vo2max, so the effective
    VO2max of every run (its `vo2max` × factor) is calibrated on a real result. None without races.
    """
    usable = [(by_time, raw) for by_time, raw in races if by_time and raw]
    if not usable:
        return None
    by_time, raw = max(usable)
    return round(by_time / raw, 6)


def _unflatten(row: dict[str, str]) -> dict[str, Any]:
    """`{"sport.name": "Running", "tags.0.tag": "x"}` -> `{"sport": {"name": …}, "tags": [{"tag": …}]}`."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if parts[-1] not in node:
            node[parts[-1]] = None if value == "" else value
    return _lists(nested)


def _lists(node: Any) -> Any:
    # Numeric keys were list positions; an all-empty group of columns is null (or no list entry).
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if not _has_value(node):
        return None
    if all(key.isdigit() for key in node):
        items = [node[key] for key in sorted(node, key=int)]
        return [entry for entry in items if _has_value(entry)]
    return node


def _has_value(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_has_value(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_value(value) for value in node)
    return node is not None


def csv_items(*, data: bytes, name: str) -> list[dict[str, Any]]:
    """Read the activity CSV by header name into API-shaped items; a page that is not it is an error.

    The layout of `/_internal/data/activities/all` is unverified, so columns are looked up by name and
    the document is rejected whole (before anything is written) if it is HTML or lacks `CSV_REQUIRED`.
    """
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip()[:1] == "<":
        raise SourceError(f"{name}: got an HTML page instead of the activity CSV")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        missing = [column for column in CSV_REQUIRED if column not in header]
        if missing:
            shown = ", ".join(header[:8]) or "nothing"
            raise SourceError(
                f"{name}: not the expected activity CSV, missing columns {', '.join(missing)} (found {shown})"
            )
        rows = list(reader)
    except csv.Error as exc:
        raise SourceError(f"{name}: unreadable CSV ({exc})") from None
    for number, row in enumerate(rows, start=1):
        if None in row or None in row.values():
            raise SourceError(
                f"{name}: row {number} has {'more' if None in row else 'fewer'} fields than the header "
                "(a truncated or changed download)"
            )
    return [_unflatten(row) for row in rows]

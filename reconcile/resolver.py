"""Pick each canonical field from the source the runner trusts most for it; record where it came from.

Pure over already-loaded objects: the activity's live source records (with Runalyze metrics), its
manual overrides and the workout plan read from its name. Returns the values, their provenance and,
for every field with a tolerance, what each source said (the conflicts module turns those into rows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from activities.models import ActivitySource
from ingest.records import sport_family
from reconcile.config import ReconcileConfig
from reconcile.fields import FLOAT_FIELDS, TEXT_FIELDS
from reconcile.workout_names import WorkoutPlan

NAME_PARSE = "workout_name_parse"
# Sources written by hand after the run, with a date and no time: a typo there is a gross error.
LOG_SOURCES = ("master_xlsx",)
MANUAL = "manual_override"
DERIVED = "derived"
# Strava's workout_type "default" says nothing; its "workout" is a generic session.
WORKOUT_TYPE_ALIASES = {"default": None, "": None, "workout": "workout", "intervals": "interval"}
# A generic type agrees with any specific one ("workout" beside "interval" is no disagreement).
GENERIC_WORKOUT_TYPES = frozenset({"workout"})
VAGUE_SPORTS = ("", "generic")
# Fields resolved by plain priority (start time, sport and notes have their own rules).
PRIORITY_FIELDS = (
    "distance_m",
    "duration_s",
    "elapsed_s",
    "avg_hr",
    "max_hr",
    "avg_cadence_spm",
    "max_cadence_spm",
    "total_ascent_m",
    "total_descent_m",
    "calories",
    "workout_type",
    "workout_name",
    "intensity_score",
    "shoe",
    "trimp",
    "vo2max",
)


@dataclass(slots=True)
class Comparison:
    """What every trusted source says about one field with a tolerance.

    `source_values` are JSON-ready (numbers, text, a shoe's id, a start time in ISO-8601); `keys` are
    the same values as compared (text normalised), so "Easy" and "easy " do not disagree.
    """

    field_name: str
    source_values: dict[str, Any]
    chosen_source: str
    chosen_value: Any
    within_tolerance: bool
    keys: dict[str, Any] | None = None

    @property
    def disagree(self) -> bool:
        return len(set((self.keys or self.source_values).values())) > 1


@dataclass(slots=True)
class Resolution:
    values: dict[str, Any] = field(default_factory=dict)  # by field name; the shoe as "shoe" → id
    provenance: dict[str, str] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)


def _workout_type(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().casefold()
    return WORKOUT_TYPE_ALIASES.get(key, key) or None


def member_value(record: ActivitySource, field_name: str) -> Any:
    """One record's value of a canonical field; None (never "") when it has none."""
    if field_name == "shoe":
        return record.shoe_id
    if field_name in ("trimp", "vo2max"):
        if record.source != "runalyze":
            return None
        try:
            metrics = record.runalyze_metrics
        except ObjectDoesNotExist:
            return None
        return getattr(metrics, field_name)
    if field_name == "workout_type":
        return _workout_type(record.workout_type)
    if field_name == "sport" and record.sport in VAGUE_SPORTS:
        return None
    value = getattr(record, field_name, None)
    return None if value == "" else value


class SourceValues:
    """The live records of one activity grouped by source, oldest first within a source."""

    def __init__(self, members: list[ActivitySource], plan: WorkoutPlan | None) -> None:
        self.by_source: dict[str, list[ActivitySource]] = defaultdict(list)
        for record in sorted(members, key=lambda r: r.pk):
            self.by_source[record.source].append(record)
        self.plan = plan

    def prefer_recording(self, anchor: ActivitySource) -> None:
        """Within a source, prefer the record that started closest to `anchor` (two devices on one run)."""
        if anchor.start_time is None:
            return
        for records in self.by_source.values():
            records.sort(
                key=lambda r: (
                    abs((r.start_time - anchor.start_time).total_seconds()) if r.start_time else 1e12,
                    r.pk,
                )
            )

    def value(self, source: str, field_name: str) -> Any:
        if source == NAME_PARSE:
            if self.plan is None:
                return None
            if field_name == "distance_m":
                return self.plan.canonical_distance_m
            if field_name == "workout_type":
                return self.plan.workout_type
            return None
        for record in self.by_source.get(source, ()):
            value = member_value(record, field_name)
            if value is not None:
                return value
        return None

    def first(self, field_name: str, priority: list[str]) -> tuple[str | None, Any]:
        for source in priority:
            value = self.value(source, field_name)
            if value is not None:
                return source, value
        return None, None

    def record_with(self, field_name: str, priority: list[str]) -> ActivitySource | None:
        for source in priority:
            for record in self.by_source.get(source, ()):
                if member_value(record, field_name) is not None:
                    return record
        return None

    def all_records(self) -> list[ActivitySource]:
        return [r for records in self.by_source.values() for r in records]


def _same_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def notes_merge(texts: list[str]) -> tuple[str, list[int]]:
    """Every source's notes once, and which texts were kept: identical texts and texts contained in
    another are dropped."""
    kept: list[tuple[int, str]] = []
    for position, text in enumerate(texts):
        text = (text or "").strip()
        key = _same_text(text)
        if not key or any(key in _same_text(k) for _, k in kept):
            continue
        kept = [(p, k) for p, k in kept if _same_text(k) not in key]
        kept.append((position, text))
    return "\n".join(k for _, k in kept), [p for p, _ in kept]


def within_tolerance(value: float, reference: float, tolerance: dict[str, float]) -> bool:
    """Within the absolute or the percentage allowance, whichever is larger."""
    allowed = max(tolerance.get("abs", 0.0), abs(reference) * tolerance.get("pct", 0.0) / 100.0)
    return abs(value - reference) <= allowed + 1e-9


def _rounded(value: float) -> float:
    return round(float(value), 2)


def _normalised(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _timestamp(value: dt.datetime) -> float:
    return value.timestamp()


def _compare(
    values: SourceValues, field_name: str, cfg: ReconcileConfig, chosen: str | None = None
) -> Comparison | None:
    """Every trusted source's value of a field; `chosen` is the source the canonical value came from
    when it is not the highest priority one (a gross error in the log)."""
    found: dict[str, Any] = {}
    for source in cfg.priority(field_name):
        value = values.value(source, field_name)
        if value is not None:
            found[source] = value
    if not found:
        return None
    chosen_source = chosen if chosen in found else next(iter(found))
    tolerance = cfg.tolerances[field_name]
    if field_name in FLOAT_FIELDS:
        found = {source: _rounded(value) for source, value in found.items()}
        within = all(within_tolerance(v, found[chosen_source], tolerance) for v in found.values())
        return Comparison(field_name, found, chosen_source, found[chosen_source], within)
    if field_name == "start_time":
        seconds = {source: _timestamp(value) for source, value in found.items()}
        within = all(within_tolerance(v, seconds[chosen_source], tolerance) for v in seconds.values())
        shown = {source: value.astimezone(dt.UTC).isoformat() for source, value in found.items()}
        return Comparison(field_name, shown, chosen_source, shown[chosen_source], within, keys=seconds)
    keys = {source: _normalised(value) for source, value in found.items()}
    if field_name == "workout_type" and set(keys.values()) - GENERIC_WORKOUT_TYPES:
        keys = {source: key for source, key in keys.items() if key not in GENERIC_WORKOUT_TYPES}
    if field_name == "sport":
        families = {sport_family(key) for key in keys.values()}
        within = len(families) == 1
    else:
        within = len(set(keys.values())) == 1
    return Comparison(field_name, found, chosen_source, found[chosen_source], within, keys=keys)


# Fields compared beside the numbers: a comparison reads their values as `SourceValues.value` gives them.
COMPARED_FIELDS = ("start_time", "sport", "workout_type", "shoe")


def _resolve_time(values: SourceValues, cfg: ReconcileConfig, out: Resolution) -> None:
    """Start time, UTC offset and local date come together from one record, so they agree."""
    record = values.record_with("start_time", cfg.priority("start_time"))
    if record is None:
        order = cfg.priority("sport")
        dated = sorted(
            (r for r in values.all_records() if r.local_date),
            key=lambda r: (order.index(r.source) if r.source in order else len(order), r.pk),
        )
        if dated:
            out.values.update(date=dated[0].local_date, start_time=None, utc_offset_s=None)
            out.provenance["date"] = dated[0].source
        return
    values.prefer_recording(record)
    out.values.update(date=record.local_date, start_time=record.start_time, utc_offset_s=record.utc_offset_s)
    for name in ("date", "start_time", "utc_offset_s"):
        out.provenance[name] = record.source
    if record.utc_offset_s is None:
        _date_by_stated_offset(values, record, cfg, out)


def _date_by_stated_offset(
    values: SourceValues, record: ActivitySource, cfg: ReconcileConfig, out: Resolution
) -> None:
    """A start whose record states no offset was dated by the home zone, a guess: the offset another
    record of the run states (the most trusted for start time) dates it instead."""
    order = cfg.priority("start_time")
    stated = sorted(
        (r for r in values.all_records() if r.start_time is not None and r.utc_offset_s is not None),
        key=lambda r: (order.index(r.source) if r.source in order else len(order), r.pk),
    )
    if not stated:
        return
    offset = stated[0].utc_offset_s
    local = record.start_time.astimezone(dt.UTC) + dt.timedelta(seconds=offset)
    out.values.update(date=local.date(), utc_offset_s=offset)
    out.provenance["date"] = out.provenance["utc_offset_s"] = stated[0].source


def _resolve_sport(values: SourceValues, cfg: ReconcileConfig, out: Resolution) -> None:
    """The sport of the best source naming a real one; "generic" (GPX/TCX uploads) only as a last resort."""
    record = values.record_with("sport", cfg.priority("sport"))
    if record is None:
        record = next((r for r in values.all_records() if r.sport), None)
    if record is not None:
        out.values.update(sport=record.sport, sub_sport=record.sub_sport or "")
        out.provenance["sport"] = record.source


def _resolve_notes(values: SourceValues, cfg: ReconcileConfig, out: Resolution) -> None:
    order = cfg.priority("notes")
    records = sorted(
        (r for r in values.all_records() if r.notes),
        key=lambda r: (order.index(r.source) if r.source in order else len(order), r.pk),
    )
    out.values["notes"], kept = notes_merge([r.notes for r in records])
    sources = list(dict.fromkeys(records[i].source for i in kept))
    if sources:
        out.provenance["notes"] = "+".join(sources)


def _gross_error(values: SourceValues, name: str, cfg: ReconcileConfig, out: Resolution) -> None:
    """A log value beyond `gross_error_pct` of the recording's is a typo: the recording's value stands
    (the log's stays in the conflict as the alternative); within it, priority rules."""
    if out.provenance.get(name) not in LOG_SOURCES:
        return
    others = [s for s in cfg.priority(name) if s not in LOG_SOURCES]
    source, value = values.first(name, others)
    logged = out.values[name]
    if value and not within_tolerance(logged, value, {"pct": cfg.gross_error_pct}):
        out.values[name], out.provenance[name] = value, source


def activity_values_resolve(
    *,
    members: list[ActivitySource],
    overrides: dict[str, Any],
    plan: WorkoutPlan | None,
    cfg: ReconcileConfig,
) -> Resolution:
    """Every canonical field of one activity from its live records, overrides beating all of them."""
    values = SourceValues(members, plan)
    out = Resolution()
    _resolve_time(values, cfg, out)
    _resolve_sport(values, cfg, out)
    _resolve_notes(values, cfg, out)
    for name in PRIORITY_FIELDS:
        source, value = values.first(name, cfg.priority(name))
        out.values[name] = value
        if source is not None:
            out.provenance[name] = source
        if name in FLOAT_FIELDS:
            _gross_error(values, name, cfg, out)
    out.values["rpe"] = None
    for name, value in overrides.items():
        out.values[name] = value
        out.provenance[name] = MANUAL
    for name in TEXT_FIELDS:
        out.values[name] = out.values.get(name) or ""
    out.comparisons = [
        c
        for name in cfg.tolerances
        if name in (*FLOAT_FIELDS, *COMPARED_FIELDS)
        and (c := _compare(values, name, cfg, out.provenance.get(name)))
    ]
    _resolve_pace(values, overrides, cfg, out)
    return out


PACE_INPUTS = ("distance_m", "duration_s")


def _resolve_pace(
    values: SourceValues, overrides: dict[str, Any], cfg: ReconcileConfig, out: Resolution
) -> None:
    """Average pace is moving time over distance. While the sources disagree on either beyond tolerance
    (a conflict waits for the runner), both come from one source — the most trusted for time that has
    both — so the pace is one some source recorded, and its provenance names that source."""
    pending = any(
        c.field_name in PACE_INPUTS
        and c.disagree
        and not c.within_tolerance
        and c.field_name not in overrides
        for c in out.comparisons
    )
    distance, duration, source = out.values.get("distance_m"), out.values.get("duration_s"), DERIVED
    if pending:
        for candidate in cfg.priority("duration_s"):
            own = values.value(candidate, "distance_m"), values.value(candidate, "duration_s")
            if all(own):
                (distance, duration), source = own, candidate
                break
    out.values["avg_pace_s_per_km"] = duration / (distance / 1000.0) if distance and duration else None
    if out.values["avg_pace_s_per_km"] is not None:
        out.provenance["avg_pace_s_per_km"] = source

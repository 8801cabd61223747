"""The workout plan of an activity: its names read by the patterns, the unusual ones by the LLM.

Names are tried in the workout-name priority (an override first); a spreadsheet note counts only
when it spells out reps. Names the patterns cannot read but that look like a workout (`Yasso 800s
x10`) are sent to the language model in one batch per run (`names_read_with_llm`), each answer
checked against the name's own text (a number the model returns must be written in the name) and
kept in `WorkoutNameReading`, so a name is asked about once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from activities.models import ActivitySource
from ingest.llm.client import llm_client
from ingest.llm.extract import llm_extract, number_in_text
from ingest.records import SourceError
from ingest.units import DISTANCE_UNITS_M
from reconcile.config import ReconcileConfig
from reconcile.models import WorkoutNameReading
from reconcile.workout_names import Rep, WorkoutPlan, workout_name_is_unusual, workout_name_parse

logger = logging.getLogger("runbase.reconcile")

WORKOUT_TYPES = ["interval", "tempo", "race", "easy", "long", "recovery", "fartlek", "hills"]
LLM_INSTRUCTIONS = (
    "Each item is the name a runner gave a workout. Say what kind of workout it is and, for repetitions, "
    "how many reps of what distance (as written: the number and its unit) and the recovery between them; "
    "for a race, its distance as written. Use null for anything the name does not say; never guess numbers."
)
LLM_SCHEMA = {
    "type": "object",
    "properties": {
        "workout_type": {"type": ["string", "null"], "enum": [*WORKOUT_TYPES, None]},
        "reps": {"type": ["integer", "null"], "minimum": 1, "maximum": 60},
        "rep_distance": {"type": ["number", "null"], "minimum": 0},
        "rep_unit": {"type": ["string", "null"], "enum": ["m", "km", "mi", None]},
        "recovery": {"type": ["number", "null"], "minimum": 0},
        "recovery_unit": {"type": ["string", "null"], "enum": ["m", "km", "mi", "s", "min", None]},
        "race_distance": {"type": ["number", "null"], "minimum": 0},
        "race_unit": {"type": ["string", "null"], "enum": ["m", "km", "mi", None]},
    },
    "required": ["workout_type"],
    "additionalProperties": False,
}
LLM_CONFIDENCE = 0.7


def _candidate_names(
    members: list[ActivitySource], overrides: dict[str, Any], cfg: ReconcileConfig
) -> list[str]:
    order = cfg.priority("workout_name")
    records = sorted(
        members, key=lambda r: (order.index(r.source) if r.source in order else len(order), r.pk)
    )
    names = [overrides.get("workout_name") or ""] + [r.workout_name for r in records]
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def workout_plan_for(
    *,
    members: list[ActivitySource],
    overrides: dict[str, Any],
    cfg: ReconcileConfig,
    readings: dict[str, WorkoutPlan] | None = None,
) -> WorkoutPlan | None:
    """The first confident plan among the activity's names, then its notes, then LLM readings."""
    names = _candidate_names(members, overrides, cfg)
    for name in names:
        plan = workout_name_parse(name, default_unit=cfg.name_distance_unit)
        if plan is not None and plan.confidence >= cfg.name_min_confidence:
            return plan
    for record in members:
        plan = workout_name_parse(record.notes, default_unit=cfg.name_distance_unit) if record.notes else None
        if plan is not None and plan.reps and plan.confidence >= cfg.name_min_confidence:
            return plan
    readings = readings or {}
    return next((readings[name] for name in names if name in readings), None)


def _metres(value: float | None, unit: str | None) -> float | None:
    if not value or not unit or unit not in DISTANCE_UNITS_M:
        return None
    return float(value) * DISTANCE_UNITS_M[unit]


def plan_from_llm(name: str, answer: dict | None) -> WorkoutPlan | None:
    """A plan from the model's answer, or None when it says nothing or invents a number."""
    if not answer or not answer.get("workout_type"):
        return None
    for key in ("reps", "rep_distance", "recovery", "race_distance"):
        if answer.get(key) is not None and not number_in_text(answer[key], name):
            logger.info("LLM reading of %r rejected: %s=%s is not in the name", name, key, answer[key])
            return None
    recovery_unit = answer.get("recovery_unit")
    recovery_s = None
    if answer.get("recovery") and recovery_unit in ("s", "min"):
        recovery_s = float(answer["recovery"]) * (60.0 if recovery_unit == "min" else 1.0)
    rep = Rep(
        distance_m=_metres(answer.get("rep_distance"), answer.get("rep_unit")),
        recovery_distance_m=_metres(answer.get("recovery"), recovery_unit),
        recovery_s=recovery_s,
    )
    reps = tuple([rep] * answer["reps"]) if answer.get("reps") else ()
    return WorkoutPlan(
        name=name,
        workout_type=answer["workout_type"],
        reps=reps,
        distance_m=_metres(answer.get("race_distance"), answer.get("race_unit")),
        confidence=LLM_CONFIDENCE,
        method="llm",
    )


def names_read_with_llm(
    *, names: Iterable[str], log: Callable[[str], Any] | None = None
) -> dict[str, WorkoutPlan]:
    """LLM readings of the unusual names among `names`: stored ones, and new ones asked in one batch."""
    unusual = sorted({n for n in names if workout_name_is_unusual(n)})
    if not unusual:
        return {}
    stored = {r.name: r for r in WorkoutNameReading.objects.filter(name__in=unusual)}
    ask = [n for n in unusual if n not in stored]
    if ask:
        try:
            client = llm_client()
        except SourceError as exc:
            logger.warning("workout names not sent to the LLM: %s", exc)
            client = None
        if client is not None:
            answers = llm_extract(
                instructions=LLM_INSTRUCTIONS,
                items=[{"name": n} for n in ask],
                schema=LLM_SCHEMA,
                log=log,
                client=client,
            )
            for name, answer in zip(ask, answers, strict=True):
                if answer is None:
                    continue  # no answer (or no model): ask again next time
                plan = plan_from_llm(name, answer)
                stored[name] = WorkoutNameReading.objects.create(
                    name=name, plan=WorkoutNameReading.plan_to_json(plan), answer=answer
                )
    return {name: plan for name, row in stored.items() if (plan := row.workout_plan()) is not None}

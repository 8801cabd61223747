"""The workout plan of an activity: its names read by the patterns, the unusual ones by the LLM.

Names are tried in the workout-name priority (an override first); a spreadsheet note counts only
when it spells out reps. Names the patterns cannot read but that look like a workout (`Yasso 800s
x10`) are sent to the language model in one batch per chunk of a run (`names_read_with_llm`, before
the chunk's write transaction), each answer checked against the name's own text (a number the model
returns must be written in the name) and kept in `WorkoutNameReading`, so a name is asked about once;
a name the model gave no answer for is asked again only after `name_llm_retry_s`. Inside a
transaction only the stored readings are used (`names_read_stored`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

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


def _unusual(names: Iterable[str]) -> list[str]:
    return sorted({n for n in names if workout_name_is_unusual(n)})


def _plans(rows: Iterable[WorkoutNameReading]) -> dict[str, WorkoutPlan]:
    return {row.name: plan for row in rows if (plan := row.workout_plan()) is not None}


def names_read_stored(*, names: Iterable[str]) -> dict[str, WorkoutPlan]:
    """The stored LLM readings of the unusual names among `names`. Asks nothing: safe inside a
    transaction, which is where the runner's decisions re-resolve an activity."""
    unusual = _unusual(names)
    return _plans(WorkoutNameReading.objects.filter(name__in=unusual)) if unusual else {}


def names_read_with_llm(
    *, names: Iterable[str], cfg: ReconcileConfig, log: Callable[[str], Any] | None = None
) -> dict[str, WorkoutPlan]:
    """LLM readings of the unusual names among `names`: the stored ones, and new ones asked in one batch.

    Call it with no transaction open: the model may take minutes, and on SQLite an open write
    transaction would hold the database's write lock all that time. A name is asked when it has no
    reading yet, or when its failed one is due again (`cfg.name_llm_retry_s`); the answers and the
    failures are then written in a short transaction of their own.
    """
    unusual = _unusual(names)
    if not unusual:
        return {}
    now = timezone.now()
    stored = {row.name: row for row in WorkoutNameReading.objects.filter(name__in=unusual)}
    ask = [name for name in unusual if name not in stored or _due(stored[name], now)]
    answers = _ask(ask, log) if ask else None
    if answers is not None:
        retry_after = now + dt.timedelta(seconds=cfg.name_llm_retry_s)
        # durable: raises if a caller holds a transaction open, i.e. if the model was asked inside one
        with transaction.atomic(durable=True):
            for name, answer in zip(ask, answers, strict=True):
                stored[name] = _reading_save(name, answer, retry_after=retry_after)
    return _plans(stored.values())


def _due(row: WorkoutNameReading, now: dt.datetime) -> bool:
    failed = row.status == WorkoutNameReading.Status.FAILED
    return failed and (row.retry_after is None or row.retry_after <= now)


def _ask(names: list[str], log: Callable[[str], Any] | None) -> list[dict | None] | None:
    """The model's answer per name (None where it gave none), or None when no model is configured."""
    try:
        client = llm_client()
    except SourceError as exc:
        logger.warning("workout names not sent to the LLM: %s", exc)
        return None
    if client is None:
        return None
    return llm_extract(
        instructions=LLM_INSTRUCTIONS,
        items=[{"name": n} for n in names],
        schema=LLM_SCHEMA,
        log=log,
        client=client,
    )


def _reading_save(name: str, answer: dict | None, *, retry_after: dt.datetime) -> WorkoutNameReading:
    """Keep an answer (accepted or rejected, it is final) or a failure that may be retried later."""
    if answer is None:
        values = {
            "status": WorkoutNameReading.Status.FAILED,
            "plan": None,
            "answer": {},
            "retry_after": retry_after,
        }
    else:
        plan = WorkoutNameReading.plan_to_json(plan_from_llm(name, answer))
        values = {
            "status": WorkoutNameReading.Status.ANSWERED,
            "plan": plan,
            "answer": answer,
            "retry_after": None,
        }
    reading, _ = WorkoutNameReading.objects.update_or_create(name=name, defaults=values)
    return reading

"""The LLM second pass over the notes the regex pass was not sure of.

The model gets the note and the sheet's unit and answers per row in a strict schema; paces come back
as "m:ss" text so the model never does arithmetic. Every value is then checked against the note:
a number not written there is rejected and the row stays flagged for review. A row whose answer
passes every check is trusted at `LLM_CONFIDENCE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ingest.llm.client import LLMClient
from ingest.llm.extract import llm_extract, number_in_text, numbers_all_in_text, words_in_text
from ingest.workout_text import pace_seconds
from ingest.xlsx.parser import SheetRow

LLM_CONFIDENCE = 0.8
_TREADMILL_WORDS = re.compile(r"treadmill|dreadmill|\btm\b|indoors?|\bgym\b", re.I)
_CLOCK = r"^\d{1,2}[:.]\d{2}$"

INSTRUCTIONS = (
    "You read the free-text notes of a runner's training log, one run per note. For each note give: "
    "avg_pace, the run's average pace as m:ss exactly as written (null when the only pace belongs to "
    "interval reps); pace_unit, mi or km (the item's unit unless the note says /km or /mi); rep_pace, "
    "the pace written inside an interval description like '6x800 @ 3:05'; avg_hr, the average heart "
    "rate in bpm; cadence_spm, steps per minute; workout, a short label like '6x800m' or '10K race'; "
    "treadmill, true when run on a treadmill; comment, the remaining free text copied word for word. "
    "In 'a; b; c; text' the fields are pace; heart rate; cadence; comment. Never compute or guess a "
    "number that is not written in the note: use null."
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "avg_pace": {"type": ["string", "null"], "pattern": _CLOCK},
        "pace_unit": {"type": ["string", "null"], "enum": ["mi", "km", None]},
        "rep_pace": {"type": ["string", "null"], "pattern": _CLOCK},
        "avg_hr": {"type": ["integer", "null"], "minimum": 35, "maximum": 230},
        "cadence_spm": {"type": ["integer", "null"], "minimum": 60, "maximum": 230},
        "workout": {"type": ["string", "null"], "maxLength": 80},
        "treadmill": {"type": "boolean"},
        "comment": {"type": ["string", "null"], "maxLength": 500},
    },
    "required": [
        "avg_pace",
        "pace_unit",
        "rep_pace",
        "avg_hr",
        "cadence_spm",
        "workout",
        "treadmill",
        "comment",
    ],
    "additionalProperties": False,
}


def notes_fallback(
    rows: list[SheetRow],
    *,
    batch_size: int = 25,
    log: Callable[[str], Any] | None = None,
    client: LLMClient | None = None,
) -> int:
    """Ask the model about `rows` and merge what survives validation; returns the rows answered."""
    items = [{"note": row.notes or "", "unit": row.extracted.pace_unit or _unit(row)} for row in rows]
    answers = llm_extract(
        instructions=INSTRUCTIONS, items=items, schema=SCHEMA, batch_size=batch_size, log=log, client=client
    )
    answered = 0
    for row, answer in zip(rows, answers, strict=True):
        if answer is not None:
            llm_merge(row, answer)
            answered += 1
    return answered


def _unit(row: SheetRow) -> str:
    return "mi" if row.distance_unit == "mi" else "km"


def llm_merge(row: SheetRow, answer: dict[str, Any]) -> None:
    """Take each validated value the model gave; record what was rejected and why."""
    note = row.notes or ""
    found = row.extracted
    rejected: list[str] = []
    accepted: dict[str, Any] = {}
    checks = {
        "avg_pace": lambda v: number_in_text(v, note),
        "rep_pace": lambda v: number_in_text(v, note),
        "avg_hr": lambda v: number_in_text(v, note),
        "cadence_spm": lambda v: number_in_text(v, note) or number_in_text(v / 2, note),
        "workout": lambda v: numbers_all_in_text(v, note),
        "comment": lambda v: words_in_text(v, note),
    }
    for name, check in checks.items():
        value = answer.get(name)
        if value is None:
            continue
        if check(value):
            accepted[name] = value
        else:
            rejected.append(f"{name}={value!r} is not written in the note")
    rep_pace = found.rep_pace_s
    if "avg_pace" in accepted and rep_pace is not None and pace_seconds(accepted["avg_pace"]) == rep_pace:
        del accepted["avg_pace"]
        rejected.append(f"avg_pace={answer['avg_pace']!r} is the interval's rep pace, not the run's")
    if answer.get("treadmill") and not _TREADMILL_WORDS.search(note):
        rejected.append("treadmill=true but the note does not mention a treadmill")
    unit = answer.get("pace_unit") or _unit(row)
    if "avg_pace" in accepted:
        found.pace_s, found.pace_unit = pace_seconds(accepted["avg_pace"]), unit
        row.passes["pace_s"] = "llm"
    if "rep_pace" in accepted:
        found.rep_pace_s, found.rep_pace_unit = pace_seconds(accepted["rep_pace"]), unit
        row.passes["rep_pace_s"] = "llm"
    for name, target in (("avg_hr", "avg_hr"), ("cadence_spm", "cadence_spm"), ("workout", "workout")):
        if name in accepted:
            setattr(found, target, accepted[name])
            row.passes[target] = "llm"
    if "comment" in accepted or answer.get("comment") is None:
        found.comment = accepted.get("comment")
        row.passes["comment"] = "llm"
    if answer.get("treadmill") and not found.treadmill and _TREADMILL_WORDS.search(note):
        found.treadmill = True
        row.passes["treadmill"] = "llm"
    row.llm = {"answer": answer, "rejected": rejected}
    if rejected:
        found.issues.append("LLM answer partly rejected: " + "; ".join(rejected))
    else:
        found.confidence = max(found.confidence, LLM_CONFIDENCE)

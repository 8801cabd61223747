"""Read the workout names runners write (`6x800m`, `tempo 5`, `10k race`) into a structured plan.

Pure: a string in, a `WorkoutPlan` (or None) out; no ORM, no network. The reconcile resolver uses the
plan for the workout type, a race's canonical distance and the reps to find in laps or the stream.
Names the regular expressions cannot read go to the LLM fallback (see `reconcile.names`).

The shapes (distances, reps, ladders, recoveries, targets, races) are the shared grammar of
`ingest.workout_text`; this module decides which shape a name is, in what order, and how sure it is.
A bare rep distance of 100 or more is metres (`4x400`); a bare small number after `easy`/`long`/
`tempo`/`recovery` is in `default_unit` (miles unless the caller says otherwise), and lowers the
confidence a little because it is an assumption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ingest.units import MILE_M
from ingest.workout_text import (
    HILL_REPS,
    LADDER,
    RACE,
    RACE_ANY,
    RACE_NAMED,
    RACE_THEN_DISTANCE,
    REPS,
    SETS,
    TARGET,
    TIMED_REPS,
    distance,
    distance_of,
    duration_of,
    ladder_distances,
    race_metres,
    race_word_metres,
    recovery_find,
)

__all__ = ["MILE_M", "Rep", "WorkoutPlan", "workout_name_is_unusual", "workout_name_parse"]

# Steady-run kinds by the words runners use; "tempo 5", "long 14 mi", "easy 6k" and "6 easy", "5 mi tempo".
KIND_WORDS = {
    "tempo": r"(?:tempo|threshold)",
    "long": r"long",
    "recovery": r"(?:recovery|recov)",
    "easy": r"(?:easy|ez)",
    "fartlek": r"fartlek",
}
KIND_PATTERNS = {
    kind: (
        re.compile(rf"\b{word}\b(?:\s*run)?\s*[:-]?\s*{distance('d')}"),
        re.compile(rf"(?<![\d.]){distance('d')}\s*{word}\b"),
        re.compile(rf"\b{word}\b"),
    )
    for kind, word in KIND_WORDS.items()
}
GENERIC_RE = re.compile(r"^(morning|lunch|afternoon|evening|night)?\s*(run|running|walk|ride|jog)?$")
# Words that say a name probably describes a workout even though no pattern matched it.
WORKOUT_HINTS = re.compile(r"\d\s*x|\bx\s*\d|reps?\b|repeats?|interval|ladder|pyramid|pace|strides|yasso")
FILLER = re.compile(
    r"\b(run|running|workout|session|on|the|track|road|trail|treadmill|at|pace|and|w|with|"
    r"jog|rec|recovery|rest|min|sec|s|x|m|k|km|mi|mile|miles)\b"
)


@dataclass(frozen=True, slots=True)
class Rep:
    """One prescribed rep: a distance or a duration, and the recovery after it when the name gives one."""

    distance_m: float | None = None
    duration_s: float | None = None
    recovery_distance_m: float | None = None
    recovery_s: float | None = None


@dataclass(frozen=True, slots=True)
class WorkoutPlan:
    """What a workout name prescribes.

    `distance_m` is a race's certified distance or the planned distance of a steady run (`easy 6`);
    only a race's counts as a canonical distance (`canonical_distance_m`).
    """

    name: str
    workout_type: str  # interval, tempo, race, easy, long, recovery, fartlek, hills
    reps: tuple[Rep, ...] = field(default_factory=tuple)
    distance_m: float | None = None
    target: str = ""
    confidence: float = 0.0
    method: str = "regex"

    @property
    def canonical_distance_m(self) -> float | None:
        return self.distance_m if self.workout_type == "race" else None

    @property
    def rep_distances(self) -> list[float]:
        return [rep.distance_m for rep in self.reps if rep.distance_m]


def _normalise(name: str) -> str:
    text = name.casefold().replace("×", "x").replace("’", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"(?<=\d)\s*x(?=\s*[\d(])", "x", text)
    # "10x400s" are 400 m reps in the plural, not 400-second ones.
    text = re.sub(r"x\s*(\d{3,})s\b", r"x\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _confidence(text: str, spans: list[tuple[int, int]], *, assumed: bool) -> float:
    """High when the patterns explain the whole name, lower when they were found inside longer text."""
    rest = list(text)
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    leftover = FILLER.sub(" ", "".join(rest))
    leftover = re.sub(r"[^a-z0-9]+", "", leftover)
    score = 0.95 if len(leftover) <= 3 else 0.75
    return round(score - (0.1 if assumed else 0.0), 2)


def _target(text: str) -> tuple[str, tuple[int, int] | None]:
    """What the reps are run at: `@ 10k pace`, `@ 3:10/mi`."""
    match = TARGET.search(text)
    if not match:
        return "", None
    return re.sub(r"^(?:@|at)\s*", "", match.group(0)).strip(), match.span()


# A reader finds reps in the text: (one Rep per rep, without recovery; the span read; unit assumed?).
Found = tuple[list[Rep], tuple[int, int], bool]


def _sets(scan: str, unit: str) -> Found | None:
    """`2x(4x400)`: sets of reps, flattened."""
    if not (match := SETS.search(scan)):
        return None
    rep = distance_of(match, "rep", default_unit=unit)
    count = int(match["sets"]) * int(match["count"])
    return [Rep(distance_m=rep.metres)] * count, match.span(), rep.assumed


def _timed(scan: str, unit: str) -> Found | None:
    """`6 x 3 min`, `8x1:00`: reps of a duration."""
    if not (match := TIMED_REPS.search(scan)):
        return None
    return [Rep(duration_s=duration_of(match, "rep"))] * int(match["count"]), match.span(), False


def _repeats(scan: str, unit: str) -> Found | None:
    """`6x800m`, `4x400`, `3x1mi`."""
    if not (match := REPS.search(scan)):
        return None
    rep = distance_of(match, "rep", default_unit=unit)
    return [Rep(distance_m=rep.metres)] * int(match["count"]), match.span(), rep.assumed


def _ladder(scan: str, unit: str) -> Found | None:
    """`400-800-1200-800-400`, `1-2-3-2-1k` (the last unit counts for all)."""
    if not (match := LADDER.search(scan)) or not (
        rungs := ladder_distances(match["ladder"], default_unit=unit)
    ):
        return None
    return [Rep(distance_m=rung.metres) for rung in rungs], match.span(), any(r.assumed for r in rungs)


REP_READERS = (_sets, _timed, _repeats, _ladder)


def _interval_plan(name: str, text: str, *, default_unit: str) -> WorkoutPlan | None:
    target, target_span = _target(text)
    scan = text
    if target_span is not None:  # "@ 10k pace" is a target, not a distance
        start, end = target_span
        scan = text[:start] + " " * (end - start) + text[end:]
    found = next((f for reader in REP_READERS if (f := reader(scan, default_unit))), None)
    if found is None:
        return None
    reps, span, assumed = found
    if not reps or len(reps) > 60 or any((r.distance_m or r.duration_s or 0) <= 0 for r in reps):
        return None
    recovery = recovery_find(scan, span[1])
    rec_m, rec_s = (recovery.distance_m, recovery.seconds) if recovery else (None, None)
    spans = [s for s in (target_span, span, recovery and recovery.span) if s]
    return WorkoutPlan(
        name=name,
        workout_type="interval",
        reps=tuple(replace(r, recovery_distance_m=rec_m, recovery_s=rec_s) for r in reps),
        target=target,
        confidence=_confidence(text, spans, assumed=assumed),
    )


def _race_plan(name: str, text: str) -> WorkoutPlan | None:
    for pattern in (RACE, RACE_THEN_DISTANCE):
        match = pattern.search(text)
        if match:
            return WorkoutPlan(
                name=name,
                workout_type="race",
                distance_m=race_metres(match),
                confidence=_confidence(text, [match.span()], assumed=False),
            )
    match = RACE_NAMED.search(text)
    if match:
        return WorkoutPlan(
            name=name,
            workout_type="race",
            distance_m=race_word_metres(match["race_word"]),
            confidence=_confidence(text, [match.span()], assumed=False),
        )
    match = RACE_ANY.search(text)
    if match:
        return WorkoutPlan(
            name=name, workout_type="race", confidence=_confidence(text, [match.span()], assumed=False)
        )
    return None


def _kind_plan(name: str, text: str, *, default_unit: str) -> WorkoutPlan | None:
    for kind, (after, before, word) in KIND_PATTERNS.items():
        for pattern in (after, before):
            match = pattern.search(text)
            if match:
                planned = distance_of(match, "d", default_unit=default_unit)
                if 0 < planned.metres <= 100_000:
                    return WorkoutPlan(
                        name=name,
                        workout_type=kind,
                        distance_m=planned.metres,
                        confidence=_confidence(text, [match.span()], assumed=planned.assumed),
                    )
        match = word.search(text)
        if match:
            return WorkoutPlan(
                name=name, workout_type=kind, confidence=_confidence(text, [match.span()], assumed=False)
            )
    return None


def _hills_plan(name: str, text: str) -> WorkoutPlan | None:
    match = HILL_REPS.search(text)
    if not match:
        return None
    count = int(match["count"]) if match["count"] else 0
    return WorkoutPlan(
        name=name,
        workout_type="hills",
        reps=tuple(Rep() for _ in range(count)),
        confidence=_confidence(text, [match.span()], assumed=False),
    )


def workout_name_parse(name: str | None, *, default_unit: str = "mi") -> WorkoutPlan | None:
    """The plan a workout name prescribes, or None when the name says nothing the patterns know.

    Order matters: reps before races (`5x1k @ 10k pace` is not a 10 km race), hills before reps.
    """
    if not name or not name.strip():
        return None
    text = _normalise(name)
    if GENERIC_RE.match(text):
        return None
    return (
        _hills_plan(name, text)
        or _interval_plan(name, text, default_unit=default_unit)
        or _race_plan(name, text)
        or _kind_plan(name, text, default_unit=default_unit)
    )


def workout_name_is_unusual(name: str | None) -> bool:
    """A name the patterns could not read but which looks like a workout: worth asking the LLM."""
    if not name:
        return False
    text = _normalise(name)
    return bool(WORKOUT_HINTS.search(text)) and workout_name_parse(name) is None

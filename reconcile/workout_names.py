"""Read the workout names runners write (`6x800m`, `tempo 5`, `10k race`) into a structured plan.

Pure: a string in, a `WorkoutPlan` (or None) out; no ORM, no network. The reconcile resolver uses the
plan for the workout type, a race's canonical distance and the reps to find in laps or the stream.
Names the regular expressions cannot read go to the LLM fallback (see `reconcile.llm_names`).

Units: `800m`, `1k`/`1km`, `1mi`/`mile`; a bare rep distance of 100 or more is metres (`4x400`); a
bare small number after `easy`/`long`/`tempo`/`recovery` is in `default_unit` (miles unless the caller
says otherwise), and lowers the confidence a little because it is an assumption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

MILE_M = 1609.344
UNITS_M = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "k": 1000.0,
    "km": 1000.0,
    "kms": 1000.0,
    "mi": MILE_M,
    "mile": MILE_M,
    "miles": MILE_M,
}
TIME_UNITS_S = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    '"': 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "'": 60.0,
}
# Certified race distances by the words runners use for them.
RACE_DISTANCES_M = {
    "marathon": 42195.0,
    "half marathon": 21097.5,
    "halfmarathon": 21097.5,
    "half-marathon": 21097.5,
    "half": 21097.5,
    "hm": 21097.5,
    "mile": MILE_M,
    "parkrun": 5000.0,
}

NUM = r"(\d+(?:\.\d+)?)"
DIST_UNIT = r"(m|meters?|metres?|k|km|kms|mi|miles?)"
TIME_UNIT = r"(s|secs?|seconds?|mins?|minutes?|'|\")"
# A distance: a number with an optional unit, not followed by more letters (`3min` is not 3 m).
DIST = rf"{NUM}\s*{DIST_UNIT}?(?![a-z0-9])"
DIST_WITH_UNIT = rf"{NUM}\s*{DIST_UNIT}(?![a-z0-9])"
TIME = rf"(?:(\d+):(\d\d)|{NUM}\s*{TIME_UNIT}(?![a-z]))"
RECOVERY_WORDS = r"(?:jog|rec|recovery|recov|walk|float|rest|easy)"

SETS_RE = re.compile(rf"(\d+)\s*x\s*\(\s*(\d+)\s*x\s*{DIST}\s*\)")
LADDER_RE = re.compile(rf"(?<![\d.:])({NUM}\s*{DIST_UNIT}?(?:\s*-\s*{NUM}\s*{DIST_UNIT}?){{2,}})(?![\d:])")
TIMED_REPS_RE = re.compile(rf"(\d+)\s*x\s*{TIME}")
REPS_RE = re.compile(rf"(\d+)\s*x\s*{DIST}")
HILLS_RE = re.compile(r"(?:(\d+)\s*x\s*)?(?:hill|hills)(?:\s*(?:repeats?|reps?|sprints?))?\b")
RECOVERY_DIST_RE = re.compile(rf"(?:w/|with|/|,|\+)?\s*{DIST}\s*{RECOVERY_WORDS}\b")
RECOVERY_W_RE = re.compile(rf"(?:w/|with)\s*{DIST}(?![:'\"])")
RECOVERY_TIME_RE = re.compile(
    rf"(?:w/|with|/|,|\+)\s*{TIME}(?:\s*{RECOVERY_WORDS}\b)?|{TIME}\s*{RECOVERY_WORDS}\b"
)
TARGET_RE = re.compile(r"@\s*([\w.:/ ]+?pace|[\d:]+(?:\s*/\s*(?:mi|km|mile))?)")
RACE_NAMED_RE = re.compile(r"\b(half[\s-]*marathon|marathon|parkrun)\b(?!\s*(?:pace|effort|tempo))")
RACE_DIST_RE = re.compile(rf"(?:{DIST_WITH_UNIT}|\b(mile|half|hm)\b)\s*(?:race|time trial|tt)\b")
RACE_AFTER_RE = re.compile(rf"\brace\b[^@\d]*?(?:{DIST_WITH_UNIT}|\b(mile|half)\b)")
RACE_WORD_RE = re.compile(r"\b(race|racing|time trial)\b")
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
        re.compile(rf"\b{word}\b(?:\s*run)?\s*[:-]?\s*{DIST}"),
        re.compile(rf"(?<![\d.]){DIST}\s*{word}\b"),
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


def _metres(value: str, unit: str | None, *, default_unit: str) -> tuple[float, bool]:
    """A distance in metres, and whether the unit was assumed."""
    number = float(value)
    if unit:
        return number * UNITS_M[unit], False
    if number >= 100:
        return number, False
    return number * UNITS_M[default_unit], True


def _seconds(groups: tuple) -> float | None:
    minutes, secs, number, unit = groups
    if minutes is not None:
        return float(int(minutes) * 60 + int(secs))
    if number is None:
        return None
    return float(number) * TIME_UNITS_S[unit]


def _confidence(text: str, spans: list[tuple[int, int]], *, assumed: bool) -> float:
    """High when the patterns explain the whole name, lower when they were found inside longer text."""
    rest = list(text)
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    leftover = FILLER.sub(" ", "".join(rest))
    leftover = re.sub(r"[^a-z0-9]+", "", leftover)
    score = 0.95 if len(leftover) <= 3 else 0.75
    return round(score - (0.1 if assumed else 0.0), 2)


def _recovery(text: str, after: int) -> tuple[float | None, float | None, tuple[int, int] | None]:
    """The recovery written after the reps: `w/ 200 jog`, `/90s`, `400m rec`, `w/ 2:00`."""
    tail = text[after:]
    match = RECOVERY_TIME_RE.search(tail)
    if match:
        first, second = match.groups()[:4], match.groups()[4:8]
        seconds = _seconds(first) if any(g is not None for g in first) else _seconds(second)
        if seconds:
            return None, seconds, (after + match.start(), after + match.end())
    for pattern in (RECOVERY_DIST_RE, RECOVERY_W_RE):
        match = pattern.search(tail)
        if match:
            metres, _ = _metres(match.group(1), match.group(2), default_unit="m")
            return metres, None, (after + match.start(), after + match.end())
    return None, None, None


def _target(text: str) -> tuple[str, tuple[int, int] | None]:
    match = TARGET_RE.search(text)
    if not match:
        return "", None
    return match.group(1).strip(), match.span()


# A reader finds reps in the text: (one Rep per rep, without recovery; the span read; unit assumed?).
Found = tuple[list[Rep], tuple[int, int], bool]


def _sets(scan: str, unit: str) -> Found | None:
    """`2x(4x400)`: sets of reps, flattened."""
    if not (match := SETS_RE.search(scan)):
        return None
    metres, assumed = _metres(match.group(3), match.group(4), default_unit=unit)
    return [Rep(distance_m=metres)] * (int(match.group(1)) * int(match.group(2))), match.span(), assumed


def _timed(scan: str, unit: str) -> Found | None:
    """`6 x 3 min`, `8x1:00`: reps of a duration."""
    if not (match := TIMED_REPS_RE.search(scan)):
        return None
    return [Rep(duration_s=_seconds(match.groups()[1:5]))] * int(match.group(1)), match.span(), False


def _repeats(scan: str, unit: str) -> Found | None:
    """`6x800m`, `4x400`, `3x1mi`."""
    if not (match := REPS_RE.search(scan)):
        return None
    metres, assumed = _metres(match.group(2), match.group(3), default_unit=unit)
    return [Rep(distance_m=metres)] * int(match.group(1)), match.span(), assumed


def _ladder(scan: str, unit: str) -> Found | None:
    """`400-800-1200-800-400`, `1-2-3-2-1k` (the last unit counts for all)."""
    if not (match := LADDER_RE.search(scan)):
        return None
    parts = re.findall(rf"{NUM}\s*{DIST_UNIT}?", match.group(1))
    shared = next((u for _, u in reversed(parts) if u), None)
    # A ladder needs three rungs of real distances; "2013-02-06" is a date.
    if len(parts) < 3 or any(float(value) < 100 and not (u or shared) for value, u in parts):
        return None
    read = [_metres(value, u or shared, default_unit=unit) for value, u in parts]
    return [Rep(distance_m=m) for m, _ in read], match.span(), any(a for _, a in read)


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
    rec_m, rec_s, rec_span = _recovery(scan, span[1])
    spans = [s for s in (target_span, span, rec_span) if s]
    return WorkoutPlan(
        name=name,
        workout_type="interval",
        reps=tuple(replace(r, recovery_distance_m=rec_m, recovery_s=rec_s) for r in reps),
        target=target,
        confidence=_confidence(text, spans, assumed=assumed),
    )


def _race_plan(name: str, text: str) -> WorkoutPlan | None:
    for pattern in (RACE_DIST_RE, RACE_AFTER_RE):
        match = pattern.search(text)
        if match:
            value, unit, word = match.groups()
            metres = RACE_DISTANCES_M[word] if word else float(value) * UNITS_M[unit]
            return WorkoutPlan(
                name=name,
                workout_type="race",
                distance_m=metres,
                confidence=_confidence(text, [match.span()], assumed=False),
            )
    match = RACE_NAMED_RE.search(text)
    if match:
        word = re.sub(r"[\s-]+", " ", match.group(1))
        return WorkoutPlan(
            name=name,
            workout_type="race",
            distance_m=RACE_DISTANCES_M[word],
            confidence=_confidence(text, [match.span()], assumed=False),
        )
    match = RACE_WORD_RE.search(text)
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
                metres, assumed = _metres(match.group(1), match.group(2), default_unit=default_unit)
                if 0 < metres <= 100_000:
                    return WorkoutPlan(
                        name=name,
                        workout_type=kind,
                        distance_m=metres,
                        confidence=_confidence(text, [match.span()], assumed=assumed),
                    )
        match = word.search(text)
        if match:
            return WorkoutPlan(
                name=name, workout_type=kind, confidence=_confidence(text, [match.span()], assumed=False)
            )
    return None


def _hills_plan(name: str, text: str) -> WorkoutPlan | None:
    match = HILLS_RE.search(text)
    if not match:
        return None
    count = int(match.group(1)) if match.group(1) else 0
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

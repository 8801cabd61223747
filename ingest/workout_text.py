"""The grammar of workout text: how runners write distances, paces, reps and races.

One grammar for the two places that read what a runner typed: training-log notes
(`ingest.xlsx.notes`) and workout names (`reconcile.workout_names`), so both read `800m`, `4 x 1 mile`,
`7:45/mi` or `half marathon` alike. Pure and low-level: pattern fragments that build a caller's own
sentence patterns, compiled patterns for whole shapes, and readers that turn a match into values in
metres and seconds. Unit constants and conversions live in `ingest.units`. Patterns are
case-insensitive (compile a fragment with `re.I`). Shapes:

    distance   800m  1k  1 km  3 mi  2 miles  1.5k; a bare number of 100 or more is metres (`4x400`),
               a smaller one is in the caller's default unit, and that unit is an assumption
    pace       7:45  7.45 (the typo)  7'45"  7:45/mi  3:10 per km  7:45 min/mi
    duration   90s  3 min  2:00  45"
    reps       6x800m  4 x 1 mile  12 × 400;  sets 2x(4x400);  timed 6 x 3 min, 8x1:00;  8x hill repeats
    ladder     400-800-1200-800-400  1-2-3-2-1k (a pyramid; the last unit written counts for every rung)
    recovery   w/ 400 jog  /90s  400m rec  w/ 2:00  + 200 float
    target     @ 3:10  @ 6:45/mi  at 10k pace  @ hmp pace
    race       10k race  5 mile race  half marathon  marathon  parkrun  mile race  race: 10 mile  5k tt
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.units import (
    HALF_MARATHON_M,
    MARATHON_M,
    MILE_M,
    PARKRUN_M,
    UNIT_M,
    to_metres,
    to_seconds,
    unit_name,
)

# --- Tokens: regular-expression fragments without groups, to compose -------------------------------
NUMBER = r"\d+(?:\.\d+)?"
END = r"(?![a-z0-9])"  # a token ends where its word does: `3min` is not 3 m, `5ks` is no unit
METRE_UNIT = r"m|meters?|metres?"
LONG_UNIT = r"km|kms|k|miles?|mi"  # what a pace is per, and a race's distance is written in
DISTANCE_UNIT = rf"{LONG_UNIT}|{METRE_UNIT}"
TIME_UNIT = r"s|secs?|seconds?|mins?|minutes?|'|\""
TIMES = r"\s*[x×]\s*"  # the x of `6x800`
CLOCK_PACE = r"(?<![\d:.'])\d{1,2}(?:[:.]\d{2}|'\d{2}\"?)(?![\d:])"  # 7:45, 7.45 (typo), 7'45"
PER = r"\s*(?:min\s*)?(?:/|per\s+)\s*"  # between a pace and its unit: `/mi`, ` per km`, ` min/mi`
# PER as prose writes it too: ` mins/mile`, ` minutes per km`, ` a mile`, ` every km`
PER_WORDS = r"\s*(?:(?:mins?|minutes?)\s*)?(?:/|per\s+|a\s+|every\s+)\s*"
RUN_DISTANCE_UNIT = rf"{LONG_UNIT}|kilomet(?:er|re)s?|miler"  # what a run's own distance is written in
PACE_NAME = r"(?:\d+(?:\.\d+)?\s*k|half|marathon|mp|hmp|tempo|threshold|mile)\s*(?:race\s*)?pace"
RECOVERY_WORDS = r"jog|rec|recovery|recov|walk|float|rest|easy"
RECOVERY_BEFORE = r"w/|with|/|,|\+"  # what may stand between the reps and their recovery
RACE_WORD = r"race|racing|time trial"  # a race, whether or not its distance is written
RACE_DISTANCE_WORD = r"half[\s-]*marathon|marathon|mile|half|hm"  # a race distance written as a word

# Plausible paces, in seconds per unit: 3:30-20:00 /mi, 2:10-12:30 /km. Beyond is not a pace.
PACE_RANGE_S = {"mi": (210, 1200), "km": (130, 750)}
# Certified race distances by the words runners use for them.
RACE_DISTANCES_M = {
    "marathon": MARATHON_M,
    "half marathon": HALF_MARATHON_M,
    "halfmarathon": HALF_MARATHON_M,
    "half": HALF_MARATHON_M,
    "hm": HALF_MARATHON_M,
    "mile": MILE_M,
    "parkrun": PARKRUN_M,
}


# --- Fragments with named groups: `name` keeps two of a kind apart in one pattern ---------------------
def distance(name: str, *, unit_required: bool = False) -> str:
    """`800m`, `1 km`, `400`: groups `name` (the number) and `name_unit` (None when not written)."""
    optional = "" if unit_required else "?"
    return rf"(?P<{name}>{NUMBER})\s*(?P<{name}_unit>{DISTANCE_UNIT}){optional}{END}"


def duration(name: str) -> str:
    """`90s`, `3 min`, `2:00`: groups `name_min` and `name_sec` (a clock), or `name` and `name_unit`."""
    clock = rf"(?P<{name}_min>\d+):(?P<{name}_sec>\d\d)"
    return rf"(?:{clock}|(?P<{name}>{NUMBER})\s*(?P<{name}_unit>{TIME_UNIT})(?![a-z]))"


def pace(name: str) -> str:
    """`7:45`, `7:45/mi`, `3:10 per km`: groups `name` and `name_unit` (None when not written)."""
    return rf"(?P<{name}>{CLOCK_PACE})(?:{PER}(?P<{name}_unit>{LONG_UNIT}){END})?"


def target(name: str) -> str:
    """What reps are run at, `@ 3:10`, `at 6:45/mi`, `@ 10k pace`: a pace (see `pace`) or `name`."""
    return rf"(?:@|\bat\b)\s*(?:{pace(name + '_pace')}|(?P<{name}>{PACE_NAME}))"


def recovery(name: str) -> str:
    """A recovery named as one, `w/ 400 jog`, `, 90s rest`, `2:00 walk`: group `name` holds it without
    the lead-in; `name_t` (see `duration`) or `name_d` (see `distance`) its amount."""
    amount = rf"(?:{duration(name + '_t')}|{distance(name + '_d')})"
    return rf"(?:(?:{RECOVERY_BEFORE})\s*)?(?P<{name}>{amount}\s*(?:{RECOVERY_WORDS})\b)"


def race_distance(name: str) -> str:
    """A race's distance, `10k`, `5 mile`, `half marathon`: groups `name` and `name_unit`, or `name_word`."""
    words = rf"\b(?P<{name}_word>{RACE_DISTANCE_WORD})\b"
    return rf"(?:{distance(name, unit_required=True)}|{words})"


# --- Whole shapes --------------------------------------------------------------------------------------
_COUNT = r"(?<![\w.])(?P<count>\d{1,2})"  # a rep count stands alone: not the 3 of `1.3x`, `2013x`
REPS = re.compile(rf"{_COUNT}{TIMES}{distance('rep')}", re.I)
SETS = re.compile(
    rf"(?<![\w.])(?P<sets>\d{{1,2}}){TIMES}\(\s*(?P<count>\d{{1,2}}){TIMES}{distance('rep')}\s*\)", re.I
)
TIMED_REPS = re.compile(rf"{_COUNT}{TIMES}{duration('rep')}", re.I)
HILL_REPS = re.compile(rf"(?:{_COUNT}{TIMES})?hills?(?:\s*(?:repeats?|reps?|sprints?))?\b", re.I)
_RUNG = rf"{NUMBER}\s*(?:{DISTANCE_UNIT})?"
LADDER = re.compile(rf"(?<![\d.:])(?P<ladder>{_RUNG}(?:\s*-\s*{_RUNG}){{2,}})(?![\d:])", re.I)
LADDER_RUNG = re.compile(rf"(?P<rung>{NUMBER})\s*(?P<rung_unit>{DISTANCE_UNIT})?", re.I)
TARGET = re.compile(target("target"), re.I)
# The recovery after reps, first as a time (`/90s`, `w/ 2:00`, `2 min jog`), then as a distance.
_RECOVERY_TIME = re.compile(
    rf"(?:{RECOVERY_BEFORE})\s*{duration('rec')}(?:\s*(?:{RECOVERY_WORDS})\b)?"
    rf"|{duration('rec_w')}\s*(?:{RECOVERY_WORDS})\b",
    re.I,
)
_RECOVERY_NAMED = re.compile(
    rf"(?:(?:{RECOVERY_BEFORE})\s*)?{distance('rec')}\s*(?:{RECOVERY_WORDS})\b", re.I
)
_RECOVERY_WITH = re.compile(rf"(?:w/|with)\s*{distance('rec')}(?![:'\"])", re.I)
RACE = re.compile(rf"{race_distance('race')}\s*(?:race|time trial|tt)\b", re.I)  # `10k race`, `5k tt`
RACE_THEN_DISTANCE = re.compile(rf"\brace\b[^@\d]*?(?:{race_distance('race')})", re.I)  # `race: 10 mile`
RACE_NAMED = re.compile(
    r"\b(?P<race_word>half[\s-]*marathon|marathon|parkrun)\b(?!\s*(?:pace|effort|tempo))", re.I
)
RACE_ANY = re.compile(rf"\b(?:{RACE_WORD})\b", re.I)


# --- Readers -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Distance:
    """A distance as written: `number` in `unit` (`m`, `km` or `mi`); `assumed` when no unit was."""

    number: str
    unit: str
    assumed: bool = False

    @property
    def metres(self) -> float:
        return to_metres(self.number, self.unit)

    @property
    def label(self) -> str:
        """`800m`, `1.5km`, `2mi`: the number as written, without trailing zeros."""
        number = self.number.rstrip("0").rstrip(".") if "." in self.number else self.number
        return f"{number}{self.unit}"


@dataclass(frozen=True, slots=True)
class Recovery:
    """The recovery written after reps: a distance or a duration, and where it was found."""

    distance_m: float | None
    seconds: float | None
    span: tuple[int, int]


def distance_read(number: str, unit: str | None, *, default_unit: str) -> Distance:
    """`800` + `m` → 800 m. Without a unit, 100 or more is metres (`4x400`); less is in `default_unit`,
    and the unit is then assumed."""
    if unit:
        return Distance(number, unit_name(unit))
    if float(number) >= 100:
        return Distance(number, "m")
    return Distance(number, default_unit, assumed=True)


def distance_of(match: re.Match, name: str, *, default_unit: str) -> Distance:
    """The `distance(name)` groups of `match` read."""
    return distance_read(match[name], match[f"{name}_unit"], default_unit=default_unit)


def duration_of(match: re.Match, name: str) -> float | None:
    """The `duration(name)` groups of `match` in seconds, or None when they did not take part."""
    if match[f"{name}_min"] is not None:
        return float(int(match[f"{name}_min"]) * 60 + int(match[f"{name}_sec"]))
    if match[name] is None:
        return None
    return to_seconds(match[name], match[f"{name}_unit"])


def pace_seconds(text: str) -> int:
    """`7:45`, its typo `7.45` and `7'45"` → 465; `7:60` is read as written (480)."""
    minutes, seconds = re.split(r"[:.']", text.strip().rstrip('"'))
    return int(minutes) * 60 + int(seconds)


def pace_unit(written: str | None, default: str) -> str:
    """The unit a pace is per: `km` for `k`/`km`/`kms`, `mi` for `mi`/`mile(s)`, else `default`."""
    if not written:
        return default
    return "km" if written.lower().startswith("k") else "mi"


def pace_plausible(seconds: float, unit: str) -> bool:
    low, high = PACE_RANGE_S[unit]
    return low <= seconds <= high


def rep_time_as_pace(seconds: float, rep_m: float, unit: str) -> float:
    """`6x800 @ 3:05`: the time of each rep as a pace per `unit`."""
    return seconds / rep_m * UNIT_M[unit]


def ladder_distances(text: str, *, default_unit: str) -> list[Distance] | None:
    """The rungs of a ladder (`LADDER`'s group), or None when it is no ladder of real distances: a
    bare rung under 100 needs a unit written somewhere (`2013-02-06` is a date)."""
    parts = [(m["rung"], m["rung_unit"]) for m in LADDER_RUNG.finditer(text)]
    shared = next((unit for _, unit in reversed(parts) if unit), None)
    if len(parts) < 3 or any(float(number) < 100 and not (unit or shared) for number, unit in parts):
        return None
    return [distance_read(number, unit or shared, default_unit=default_unit) for number, unit in parts]


def recovery_find(text: str, start: int = 0) -> Recovery | None:
    """The first recovery at or after `start`: `w/ 2:00`, `/90s`, `400m rec`, `w/ 200` (bare: metres)."""
    tail = text[start:]
    match = _RECOVERY_TIME.search(tail)
    if match:
        seconds = duration_of(match, "rec")
        seconds = seconds if seconds is not None else duration_of(match, "rec_w")
        if seconds:
            return Recovery(None, seconds, (start + match.start(), start + match.end()))
    for pattern in (_RECOVERY_NAMED, _RECOVERY_WITH):
        match = pattern.search(tail)
        if match:
            metres = distance_of(match, "rec", default_unit="m").metres
            return Recovery(metres, None, (start + match.start(), start + match.end()))
    return None


def race_word_metres(word: str) -> float:
    """`half marathon`, `Half-Marathon`, `hm`, `mile`, `parkrun` → the race's certified distance."""
    return RACE_DISTANCES_M[re.sub(r"[\s-]+", " ", word.strip().lower())]


def race_metres(match: re.Match, name: str = "race") -> float:
    """The distance of a `race_distance(name)` match: a word's certified distance or the number's."""
    if match[f"{name}_word"]:
        return race_word_metres(match[f"{name}_word"])
    return to_metres(match[name], match[f"{name}_unit"])


def race_label(match: re.Match, name: str = "race") -> str:
    """A race's distance as a label: `10K`, `5 mi`, `800m`, `half marathon`, `mile`."""
    word = match[f"{name}_word"]
    if word:
        word = re.sub(r"[\s-]+", " ", word.lower())
        return "half marathon" if RACE_DISTANCES_M.get(word) == HALF_MARATHON_M else word
    number, unit = match[name], unit_name(match[f"{name}_unit"])
    return {"km": f"{number}K", "mi": f"{number} mi"}.get(unit, f"{number}m")

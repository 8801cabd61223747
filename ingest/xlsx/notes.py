"""The regex pass over a training-log note: pace, heart rate, cadence, workout hints and the comment.

Pure and deterministic; the LLM fallback only sees the rows this pass is not sure of. Shapes read
(paces are per mile unless written otherwise or the sheet's distances are in km):

    "7:45; 152; 178; felt good"                the semicolon triple: pace; HR; cadence; comment
    "8:21;;182; with the group"                an empty field in the triple
    "7.58; 149; 181"                           7.58 is the typo for 7:58
    "8:18 pace / 154 bpm / 178 spm great run"  labelled values
    "7:50/mi, HR 144, cad 185. hilly route"    "pace 8:02 hr 145 cadence 177", "4:50/km"
    "4x400 @ 6:32 w/ 400 jog; 162; 174"        6:32 is the REP pace, not the run's average
    "10K race! 6:30; 173; 175", "treadmill 7:33; 150; 183", "1:32:10" (a total time)

Each value found is consumed from the text; what is left, tidied, is the comment. A digit left in
the comment means the note holds something this pass did not understand: the confidence drops.
Distances, paces, reps, recoveries and races are the shared grammar of `ingest.workout_text`; the
sentence patterns here (the triple, labelled values, what order things are taken in) are the note's own.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.workout_text import (
    CLOCK_PACE,
    END,
    LONG_UNIT,
    NUMBER,
    PACE_RANGE_S,
    PER,
    REPS,
    distance_of,
    pace,
    pace_plausible,
    pace_seconds,
    pace_unit,
    race_distance,
    race_label,
    recovery,
    rep_time_as_pace,
    target,
)

__all__ = ["NotesParse", "notes_parse", "pace_seconds", "workout_type_hint"]

_MARK = "\x1f"  # stands in for a consumed span, so the comment never glues two fragments together

_HR_RANGE = (35, 230)
_CADENCE_RANGE = (130, 230)
_PER_LEG_RANGE = (60, 115)  # strides per minute of one leg, as FIT and some watches show it

_TREADMILL = re.compile(r"\b(?:treadmill|dreadmill)\b", re.I)
# "6x800 @ 3:05 w/ 400 jog": the reps, what they are run at, and their recovery (see ingest.workout_text).
_INTERVAL = re.compile(rf"{REPS.pattern}(?:\s*{target('target')})?(?:\s*{recovery('rec')})?", re.I)
# "10K race!", "half marathon race": in a note only the word race marks one ("racing" may be a verb).
_RACE = re.compile(rf"(?P<text>(?:{race_distance('race')}\s*)?race\b)\s*!*", re.I)
_TOTAL_TIME = re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})(?![\d:])")
_LABELLED_PACE = (
    re.compile(rf"\b(?:(?:avg|average)\.?\s+)?pace\s*[:=]?\s*{pace('p')}", re.I),
    re.compile(rf"(?P<p>{CLOCK_PACE}){PER}(?P<p_unit>{LONG_UNIT}){END}(?:\s*pace\b)?", re.I),
    re.compile(rf"(?P<p>{CLOCK_PACE})\s*(?:(?:avg|average)\s+)?pace\b", re.I),
)
_MAX_HR = re.compile(r"\bmax(?:imum)?\.?\s*(?:hr|heart\s*rate)\s*[:=]?\s*(?P<v>\d{2,3})\b", re.I)
_LABELLED_HR = (
    re.compile(
        r"\b(?:(?:avg|average|mean)\.?\s*)?(?:hr|heart\s*rate|pulse)\s*[:=]?\s*(?P<v>\d{2,3})\b(?:\s*bpm\b)?",
        re.I,
    ),
    re.compile(r"(?<![\d:.])(?P<v>\d{2,3})\s*(?:bpm|bmp)\b", re.I),
    re.compile(r"(?<![\d:.])(?P<v>\d{2,3})\s*(?:(?:avg|average)\.?\s*)?(?:hr|heart\s*rate)\b", re.I),
)
_LABELLED_CADENCE = (
    re.compile(r"\b(?:cad(?:ence)?|spm)\s*[:=]?\s*(?P<v>\d{2,3})\b(?:\s*spm\b)?", re.I),
    re.compile(r"(?<![\d:.])(?P<v>\d{2,3})\s*(?:spm|steps?\s*/\s*min|steps per minute)\b", re.I),
    re.compile(r"(?<![\d:.])(?P<v>\d{2,3})\s*(?:(?:avg|average)\.?\s*)?cad(?:ence)?\b", re.I),
)
# "tempo 4 @ 6:45", "10 mi @ 7:30": a stretch run at a pace (the whole run's when it is the whole distance)
_SEGMENT = re.compile(
    rf"(?<![\w.:])(?P<dist>{NUMBER})\s*(?:(?P<dist_unit>{LONG_UNIT}){END})?\s*(?:@|at)\s*{pace('p')}", re.I
)
# "7:45; 152; 178; rest" with any field empty; the pace may carry a unit.
_TRIPLE = re.compile(
    rf"""(?:{pace("p")})?\s*;\s*
    (?P<h>\d{{2,3}})?\s*;\s*
    (?:(?P<c>\d{{2,3}})\b)?
    (?:\s*[;,.]?\s*(?P<rest>.+))?\Z""",
    re.X | re.S,
)
# "7:45 152 178 felt good" or "7:45, 152, 178": the triple without semicolons (pace written with ':').
_LOOSE_TRIPLE = re.compile(
    r"(?P<p>(?<![\d:.])\d{1,2}:\d{2}(?![\d:]))[\s,/]+(?P<h>\d{2,3})[\s,/]+(?P<c>\d{2,3})\b(?P<rest>.*)\Z",
    re.S,
)
_BARE_PACE = re.compile(r"(?<![\d:.])(?P<m>\d{1,2}):(?P<s>\d{2})(?![\d:])")
_BARE_NUMBER = re.compile(r"(?<![\d:.])\d{2,3}(?![\d:.])")
_HINTS = (
    ("tempo", re.compile(r"\b(?:tempo|threshold|t-run)\b", re.I)),
    ("long", re.compile(r"\b(?:long run|long)\b", re.I)),
    ("recovery", re.compile(r"\brecovery\b", re.I)),
    ("easy", re.compile(r"\beasy\b", re.I)),
    ("fartlek", re.compile(r"\bfartlek\b", re.I)),
    ("hills", re.compile(r"\bhill (?:repeats|reps)\b", re.I)),
    ("progression", re.compile(r"\bprogression\b", re.I)),
    ("race", re.compile(r"\bparkrun\b", re.I)),
)


@dataclass(slots=True)
class NotesParse:
    """What the regex pass read from one note; paces in seconds per `pace_unit` ("mi" or "km")."""

    pace_s: int | None = None  # the run's average pace
    pace_unit: str | None = None
    rep_pace_s: int | None = None  # the pace of the reps in an interval description
    rep_pace_unit: str | None = None
    avg_hr: int | None = None
    max_hr: int | None = None
    cadence_spm: int | None = None
    duration_s: int | None = None  # a total time written in the note
    workout: str | None = None  # normalised: "6x800m", "10K race"
    workout_text: str | None = None  # as written: "6x800 @ 3:05 w/ 400 jog"
    workout_type: str | None = None  # interval, race, tempo, long, easy, recovery …
    treadmill: bool = False
    comment: str | None = None
    confidence: float = 1.0
    issues: list[str] = field(default_factory=list)

    def flag(self, issue: str, penalty: float) -> None:
        self.issues.append(issue)
        self.confidence = round(max(0.1, self.confidence - penalty), 2)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def notes_parse(text: str | None, *, default_unit: str = "mi", distance: float | None = None) -> NotesParse:
    """Read one note. `default_unit` is the unit a bare pace is per: the sheet's distance unit;
    `distance` (in that unit) is the row's, to tell a segment of the run from the whole run."""
    result = NotesParse()
    text = (text or "").strip()
    if not text:
        return result
    work = _take_treadmill(text, result)
    work = _take_interval(work, result, default_unit)
    work = _take_race(work, result)
    work = _take_segment(work, result, default_unit, distance)
    work = _take_total_time(work, result)
    work = _take_labelled(work, result, default_unit)
    work = _take_triple(work, result, default_unit)
    _take_hints(work, result)
    result.comment = _comment(work)
    if result.comment and re.search(r"\d", result.comment):
        result.flag(f"numbers the regex pass did not understand: {result.comment!r}", 0.5)
    return result


def _consume(work: str, match: re.Match) -> str:
    return work[: match.start()] + _MARK + work[match.end() :]


def _take_treadmill(work: str, result: NotesParse) -> str:
    match = _TREADMILL.search(work)
    if match:
        result.treadmill = True
        work = _consume(work, match)
    return work


def _take_interval(work: str, result: NotesParse, default_unit: str) -> str:
    match = _INTERVAL.search(work)
    if not match:
        return work
    rep = distance_of(match, "rep", default_unit=default_unit)
    result.workout = f"{int(match['count'])}x{rep.label}"
    result.workout_text = match.group(0).strip()
    result.workout_type = "interval"
    if match["target_pace"]:
        _set_rep_pace(result, match["target_pace"], match["target_pace_unit"], default_unit, rep.metres)
    return _consume(work, match)


def _set_rep_pace(result: NotesParse, raw: str, written_unit: str | None, default_unit: str, rep_m: float):
    """`6x800 @ 3:05`: too fast for a pace per mile, so it is the time of each 800 m."""
    seconds, unit = pace_seconds(raw), pace_unit(written_unit, default_unit)
    too_fast = seconds < PACE_RANGE_S[unit][0]
    if not written_unit and too_fast and rep_m:
        per_unit = rep_time_as_pace(seconds, rep_m, unit)
        if pace_plausible(per_unit, unit):
            result.flag(f"{raw} read as the time of each rep, not a pace", 0.15)
            seconds = round(per_unit)
    elif not pace_plausible(seconds, unit):
        result.flag(f"rep pace {raw} is implausible per {unit}", 0.2)
    result.rep_pace_s, result.rep_pace_unit = seconds, unit


def _take_race(work: str, result: NotesParse) -> str:
    match = _RACE.search(work)
    if not match:
        return work
    result.workout_type = result.workout_type or "race"
    if result.workout is None:
        written = match["race"] or match["race_word"]
        result.workout = f"{race_label(match)} race" if written else "race"
        result.workout_text = match["text"].strip()
    return _consume(work, match)


def _take_segment(work: str, result: NotesParse, default_unit: str, distance: float | None) -> str:
    match = _SEGMENT.search(work)
    if not match or result.workout_type == "interval":
        return work
    unit = pace_unit(match["dist_unit"], default_unit)
    seconds, pace_per = pace_seconds(match["p"]), pace_unit(match["p_unit"], default_unit)
    if not pace_plausible(seconds, pace_per):
        return work
    dist = match["dist"]
    if distance and unit == default_unit and abs(float(dist) - distance) <= 0.05 * distance:
        if result.pace_s is None:
            _set_pace(result, match["p"], pace_per)  # the whole run at that pace
        return _consume(work, match)
    result.workout = result.workout or f"{dist}{unit}"
    result.workout_text = result.workout_text or match.group(0).strip()
    result.rep_pace_s, result.rep_pace_unit = seconds, pace_per
    return _consume(work, match)


def _take_total_time(work: str, result: NotesParse) -> str:
    match = _TOTAL_TIME.search(work)
    if match:
        result.duration_s = int(match["h"]) * 3600 + int(match["m"]) * 60 + int(match["s"])
        work = _consume(work, match)
    return work


def _set_pace(result: NotesParse, raw: str, unit: str) -> bool:
    seconds = pace_seconds(raw)
    if not pace_plausible(seconds, unit):
        result.flag(f"pace {raw} is implausible per {unit}: ignored", 0.4)
        return False
    if "." in raw:
        result.flag(f"pace {raw} read as {raw.replace('.', ':')}", 0.1)
    if seconds % 60 == 0 and raw.endswith("60"):
        result.flag(f"pace {raw} has 60 seconds: read as {seconds // 60}:00", 0.1)
    result.pace_s, result.pace_unit = seconds, unit
    return True


def _set_hr(result: NotesParse, raw: str) -> bool:
    value = int(raw)
    if not _HR_RANGE[0] <= value <= _HR_RANGE[1]:
        result.flag(f"heart rate {value} is implausible: ignored", 0.4)
        return False
    result.avg_hr = value
    return True


def _set_cadence(result: NotesParse, raw: str) -> bool:
    value = int(raw)
    if _PER_LEG_RANGE[0] <= value <= _PER_LEG_RANGE[1]:
        result.flag(f"cadence {value} looks per leg: doubled to {value * 2} steps/min", 0.1)
        value *= 2
    if not _CADENCE_RANGE[0] <= value <= _CADENCE_RANGE[1]:
        result.flag(f"cadence {raw} is implausible: ignored", 0.4)
        return False
    result.cadence_spm = value
    return True


def _take_labelled(work: str, result: NotesParse, default_unit: str) -> str:
    for pattern in _LABELLED_PACE:
        match = pattern.search(work)
        if match and result.pace_s is None:
            _set_pace(result, match["p"], pace_unit(match.groupdict().get("p_unit"), default_unit))
            work = _consume(work, match)
    match = _MAX_HR.search(work)
    if match and _HR_RANGE[0] <= int(match["v"]) <= _HR_RANGE[1]:
        result.max_hr = int(match["v"])
        work = _consume(work, match)
    for patterns, setter in ((_LABELLED_HR, _set_hr), (_LABELLED_CADENCE, _set_cadence)):
        for pattern in patterns:
            match = pattern.search(work)
            if match:
                setter(result, match["v"])
                work = _consume(work, match)
                break
    return work


def _take_triple(work: str, result: NotesParse, default_unit: str) -> str:
    stripped = work.lstrip(f" \t{_MARK}!,")
    match = _TRIPLE.match(stripped)
    loose = False
    if not match:
        match = _LOOSE_TRIPLE.match(stripped)
        loose = match is not None
    if match and (match["p"] or match["h"] or match["c"]):
        if match["p"] and result.pace_s is None:
            unit = pace_unit(match.groupdict().get("p_unit"), default_unit)
            _set_pace(result, match["p"], unit)
        if match["h"] and result.avg_hr is None:
            _set_hr(result, match["h"])
        if match["c"] and result.cadence_spm is None:
            _set_cadence(result, match["c"])
        if loose:
            result.flag("pace, HR and cadence read by position without semicolons", 0.1)
        return _MARK + (match["rest"] or "")
    return _take_loose(work, result, default_unit)


def _take_loose(work: str, result: NotesParse, default_unit: str) -> str:
    """Last resort: a bare m:ss is the pace (or, from 20 minutes up, the total time)."""
    match = _BARE_PACE.search(work)
    if match and work[: match.start()].rstrip().endswith("@"):
        match = None  # "3 mi @ 6:50": the pace of a segment, not of the run
    if match and result.pace_s is None:
        minutes = int(match["m"])
        if minutes >= 20 and result.duration_s is None:
            result.duration_s = minutes * 60 + int(match["s"])
            result.flag(f"{match.group(0)} read as the total time", 0.2)
            work = _consume(work, match)
        elif _set_pace(result, match.group(0), default_unit):
            work = _consume(work, match)
    numbers = _BARE_NUMBER.findall(work)
    if len(numbers) == 2 and result.avg_hr is None and result.cadence_spm is None:
        hr, cadence = numbers
        if _set_hr(result, hr) and _set_cadence(result, cadence):
            result.flag(f"{hr} and {cadence} guessed as HR and cadence by their order", 0.35)
            for number in numbers:
                work = re.sub(rf"(?<![\d:.]){number}(?![\d:.])", _MARK, work, count=1)
    return work


def _take_hints(work: str, result: NotesParse) -> None:
    if result.workout_type:
        return
    for kind, pattern in _HINTS:
        if pattern.search(work):
            result.workout_type = kind
            return


def _comment(work: str) -> str | None:
    pieces = []
    for piece in work.split(_MARK):
        piece = re.sub(r"^[\s;,/|.!:-]+", "", piece)
        piece = re.sub(r"[\s;,/|:-]+$", "", piece)
        if piece and re.search(r"\w", piece):
            pieces.append(re.sub(r"\s+", " ", piece))
    return "; ".join(pieces) or None


def workout_type_hint(text: str | None) -> str | None:
    """The workout type a free-text label suggests (a sheet's Type column, a note)."""
    if not text:
        return None
    if _INTERVAL.search(text):
        return "interval"
    if _RACE.search(text):
        return "race"
    for kind, pattern in _HINTS:
        if pattern.search(text):
            return kind
    return None

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

    "avg HR was around 152", "152 HR 178 cadence", "(HR 148)", "Puls 152", "8,5 km", "5,30 min/km"
    "HR 150-155"                               a range: its middle, rounded half up (153)
    "reps at 6:05", "8x400 in 1:32"            rep paces; "tempo 20 min @ 6:45" a segment's pace
    "splits 7:50, 7:45, 7:38"                  lap paces: explained, kept in the comment, not the average

Labelled values are read by proximity: every number is paired with the label or unit nearest to it,
before or after, across filler words ("avg HR was around 152") but never across another number. A
unit right after a number (`bpm`, `spm`, `/km`, `min/mile`, `per mile`, `km`) decides first; then
labels (`HR`, `heart rate`, `pulse`, `cad`, `cadence`, `steps`, `pace`, `avg`, `max` …) take the
closest number of a kind they can have (a pace is m:ss, a heart rate or cadence a whole number in
range). Where a number sits between two labels ("152 HR 178 cadence" vs "HR 152 cadence 178") the
reading that explains more numbers wins.

A lone number (the only one left: no triple, no label) is the heart rate when 80-210 and no HR read;
it is the cadence instead when 150-200 and either the HR is already known or the note names cadence
(`cadence`, `steps`, `turnover`, `stride rate`) without a number of its own. Both are small guesses
and cost a little confidence. A number a word follows ("with 150 others") is never taken alone.

Each value found is consumed from the text; what is left, tidied, is the comment. Times of day,
temperatures, percentages, ordinals, minutes, elevation, calories, weights, splits lists, progressions
(`8:30 -> 7:20`) and warm-up or cool-down distances are explained but kept in the comment.
Any other number left in the comment is one this pass did not understand: each lowers the confidence,
one alone enough to send the row to the LLM fallback.
Distances, paces, reps, recoveries and races are the shared grammar of `ingest.workout_text`; the
sentence patterns here (the triple, labelled values, what order things are taken in) are the note's own.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.units import MILE_M, number_read, to_metres, unit_name
from ingest.workout_text import (
    END,
    LONG_UNIT,
    NUMBER,
    PACE_RANGE_S,
    PER_WORDS,
    RECOVERY_WORDS,
    REPS,
    RUN_DISTANCE_UNIT,
    TIMED_REPS,
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
# "tempo 4 @ 6:45", "10 mi @ 7:30": a stretch run at a pace (the whole run's when it is the whole distance)
_SEGMENT_WORD = r"(?:tempo|threshold|steady|hard|fast|mp|hmp|progression)"  # "4 mi tempo @ 6:50"
_SEGMENT = re.compile(
    rf"(?<![\w.:])(?P<dist>{NUMBER})\s*(?:(?P<dist_unit>{LONG_UNIT}){END})?\s*(?:{_SEGMENT_WORD}\s+)?"
    rf"(?:@|at)\s*{pace('p')}(?:\s*(?:avg|ave|average)\b\.?(?!\s*(?:hr|heart|pulse|cad)))?(?:\s*pace\b)?",
    re.I,
)
# "6 @ MP (7:05)": a stretch at a named pace, its value in parentheses
_NAMED_SEGMENT = re.compile(
    rf"(?:(?<![\w.:])(?P<dist>{NUMBER})\s*(?:(?P<dist_unit>{LONG_UNIT}){END})?\s*)?(?:@|\bat\b)\s*"
    r"(?:mp|hmp|mgp|t|lt|tempo|threshold|marathon|half|hm|\d+k)(?:\s*(?:race\s*)?pace)?\s*"
    rf"\(\s*~?{pace('p')}\s*\)",
    re.I,
)
_PACE_AFTER = re.compile(rf"\s*\(\s*~?{pace('p')}\s*\)", re.I)  # "(6:36/mi)" right after a time
# "tempo 20 min @ 6:45": a stretch of time run at a pace
_TIMED_SEGMENT = re.compile(
    rf"(?<![\w.:])(?P<min>\d{{1,3}})\s*(?:mins?|minutes?)\s*(?:@|at)\s*{pace('p')}(?:\s*pace\b)?", re.I
)
# "reps at 6:05", "mile repeats @ 6:10", "800s at 3:05, 2 min jog": the pace of reps not written as NxD
_REP_AT = re.compile(
    rf"(?:\b(?P<lead>mile|km|k|\d{{3,4}}m?)\s+)?"
    rf"(?:\b(?:reps?|repeats?|repetitions?|intervals?)\b|(?<![\w.])(?P<rep>\d{{3,4}})m?s\b)"
    rf"\s*(?:(?:were|was|all|mostly|averaged)\s+)*(?:@|at|in|around|~)\s*~?{pace('p')}(?:\s*pace\b)?"
    rf"(?:\s*{recovery('rec')})?",
    re.I,
)
# "8x400 in 1:32": reps and the time (or pace) each was run in, after `_INTERVAL`
_REP_IN = re.compile(
    rf"\s*\(?\s*(?:(?:in|averaging|@|at)\s*)?~?"
    rf"(?:(?P<sec>\d{{2,3}})\s*(?:seconds|secs?|s|\")(?!\s*(?:{RECOVERY_WORDS})\b)|{pace('p')})"
    rf"\s*\)?(?:\s*{recovery('rec')})?",
    re.I,
)
# "tempo @ 6:40 for 4 mi": the segment with its distance after the pace
_SEGMENT_FOR = re.compile(
    rf"(?:@|\bat\b)\s*{pace('p')}\s+for\s+(?P<dist>{NUMBER})\s*(?P<dist_unit>{LONG_UNIT}){END}", re.I
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
    r"(?P<p>(?<![\d:.])\d{1,2}:\d{2}(?![\d:]))[\s,/|(]+(?P<h>\d{2,3})[\s,/|]+(?P<c>\d{2,3})\b\)?(?P<rest>.*)\Z",
    re.S,
)
_BARE_PACE = re.compile(r"(?<![\d.])(?<!\d:)(?P<m>\d{1,2}):(?P<s>\d{2})(?![\d:])")  # "p:8:03" too
_BARE_NUMBER = re.compile(r"(?<![\d:.])\d{2,3}(?![\d:.])")
_ANY_NUMBER = re.compile(r"\d+(?:[.:,']\d+)*")

# --- Numbers that are not values of the run: explained, kept in the comment -------------------------
_CLOCK = r"\d{1,2}[:.]\d{2}"
_EXPLAINED = (
    re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b", re.I),  # a time of day: 6am, 6:30 pm
    re.compile(r"-?\d{1,3}(?:[.,]\d)?\s*(?:°\s*[CF]?|degrees?\b|deg\b)", re.I),  # 25°C, 70 degrees
    re.compile(r"(?<![\w.])-?\d{1,3}[CF]\b"),  # 25C, 70F (capitals only: 5c is no temperature)
    re.compile(r"\d+(?:[.,]\d+)?\s*%"),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I),
    re.compile(  # "45 min", "45'", not the 1min of "10x1min" nor the 20 min of "20 min @ 6:45"
        r"(?<![\d:.x×'])(?<![x×]\s)\d{1,3}\s*(?:(?:mins?|minutes|hrs|hours)\b|'(?![\d']))(?!\s*(?:/|per\b|@|at\b))",
        re.I,
    ),
    re.compile(r"\b(?:z|zone\s*)[1-5]\b", re.I),  # a heart-rate zone: "Z2", "zone 2"
    # a splits list, "splits: 7:50, 7:45, 7:38" or three paces in a row: lap paces, not the average
    re.compile(
        rf"(?:\b(?:(?:mile|km|lap)\s+)?splits?\b\s*[:=-]?\s*{_CLOCK}(?:\s*[,/;|]?\s*{_CLOCK}(?![\d:]))+"
        rf"|(?<![\d:.]){_CLOCK}(?:\s*[,/|]\s*{_CLOCK}){{2,}}(?![\d:]))(?:\s*\(\s*(?:km|mi|miles?)\s*\))?",
        re.I,
    ),
    # splits by their lap: "mile 1 8:05, mile 2 7:58"
    re.compile(rf"(?:\b(?:mile|mi|km|k|lap)\s*\d{{1,2}}\s*[:=-]?\s*{_CLOCK}(?![\d:])[\s,;/|]*){{2,}}", re.I),
    # elevation, energy, weight, power: "180 ft gain", "650 cal", "150 lbs", "220 watts"
    re.compile(
        r"(?<![\d.:])\d+(?:[.,]\d+)?\s*(?:ft|feet|k?cal|calories|kj|lbs?|kg|watts?)\b"
        r"|(?<![\d.:])\d+\s*m\s*(?:gain|climb|elev(?:ation)?|up|vert)\b",
        re.I,
    ),
    # a progression, "8:30 -> 7:20", "8:30 down to 7:20", "from 8:30 to 7:15": neither end is the average
    re.compile(
        rf"(?:\bfrom\s+{_CLOCK}\s*(?:to|-+>|→)|(?<![\d:.]){_CLOCK}\s*(?:-+>|→|=>|down\s+to))\s*{_CLOCK}(?![\d:])",
        re.I,
    ),
    # the warm-up's or cool-down's distance is not the run's: "warm up 1 mi", "2 km cool down"
    re.compile(
        rf"\b(?:warm[\s-]*up|wu|cool[\s-]*down|cd)\s*[:=]?\s*{NUMBER}\s*(?:{RUN_DISTANCE_UNIT}|m){END}"
        rf"|(?<![\w.]){NUMBER}\s*(?:{RUN_DISTANCE_UNIT}|m)\s*(?:warm[\s-]*up|wu|cool[\s-]*down|cd)\b",
        re.I,
    ),
)
_PACE_RANGE = re.compile(
    r"(?<![\d:.])(?P<a>\d{1,2}:\d{2})\s*(?:-|–|to)\s*(?P<b>\d{1,2}:\d{2})(?![\d:])", re.I
)
_PAREN_REPS = re.compile(
    r"(?<![\w.])(\d{1,2})\s*[x×]\s*\((\s*\d+(?:\.\d+)?\s*(?:m|k|km|mi|miles?)?\b[^()]*)\)", re.I
)
_HOLD = "\x1e"  # wraps the index of an explained span while the note is read (no digit in it)
# decimal commas: "8,5 km" is 8.5 km, "5,30 min/km" is 5:30 per km
_DECIMAL_COMMA = re.compile(rf"(?<![\d,.])(\d+),(\d)(?=\s*(?:{RUN_DISTANCE_UNIT}){END})", re.I)
_CLOCK_COMMA = re.compile(rf"(?<![\d,.])(\d{{1,2}}),(\d{{2}})(?={PER_WORDS}(?:{LONG_UNIT}){END})", re.I)

# --- The proximity reader: numbers, the units right after them, the labels near them ------------------
_RANGE = re.compile(r"(?<![\d.,'])(?<!\d:)(?P<lo>\d{2,3})\s*(?:-|–|to)\s*(?P<hi>\d{2,3})(?![\d:.])", re.I)
_VALUE = re.compile(  # "HR:152" is a number; the 45 of 7:45 is not
    r"(?<![\d.,'])(?<!\d:)(?:(?P<clock>\d{1,2}(?::\d{2}|\.\d{2}|'\d{2}(?:\"|'')?))(?![\d:])|(?P<dec>\d+\.\d+)|(?P<int>\d+))"
)
_UNIT_AFTER = re.compile(
    rf"""\s*(?:
        (?P<hr>bpm|bmp|b/min|beats(?:\s*(?:/|per|a)\s*min(?:ute)?)?)
      | (?P<cad>spm|s/min|steps?(?:\s*(?:/|per|a)\s*min(?:ute)?)?)
      | (?P<per>{PER_WORDS}(?P<per_unit>{LONG_UNIT}|kilomet(?:er|re)))
      | (?P<dist>{RUN_DISTANCE_UNIT})(?!\s*(?:race|pace|effort|tt)\b)
    ){END}""",
    re.I | re.X,
)
_AVG = r"(?:avg|ave|average|mean|moy|moyenne|media|medio|schnitt|ø)\b\.?"
_CUE = re.compile(
    rf"""(?<![a-z])(?:
        (?P<max_hr>(?:max(?:imum)?|peak|top)\.?(?:\s*(?:hr|heart\s*-?\s*rate|pulse|bpm))?
                  |(?:hr|heart\s*-?\s*rate)\s*max(?:imum)?)
      | (?P<avg_hr>(?:{_AVG}\s*)?(?:hr|h\.r\.|heart\s*-?\s*rate|heartrate|pulse|puls|pulso|fc|heart)
                  (?:\s*{_AVG})?)
      | (?P<cadence_spm>(?:{_AVG}\s*)?(?:cad(?:ence|ance)?|kadenz|cadencia|stride\s*rate|turnover|steps|spm)
                  (?:\s*{_AVG})?)
      | (?P<pace_s>(?:{_AVG}\s*)?(?:pace|pase|allure|ritmo)(?:\s*{_AVG})?)
      | (?P<avg>avg|ave|average|mean)
    )(?![a-z])""",
    re.I | re.X,
)
_CADENCE_WORDS = re.compile(
    r"\b(?:cad(?:ence|ance)?|kadenz|cadencia|stride\s*rate|turnover|steps|spm)\b", re.I
)
# words that may stand between a label and its number without weakening the link
_FILLER = frozenset(
    re.findall(
        r"\w+",
        "was is were around about approx approximately roughly of at just only ca circa stayed sat held "
        "averaged avg ave average mean moy the a an my in low high mid steady steadily ish holding hovering "
        "pretty mostly",
    )
)
_MAX_LINK_COST = 4
_JOINER = re.compile(r"and|&|with|plus|then|\+", re.I)  # what joined two values is no comment
_LONE_HR = (80, 210)
_LONE_CADENCE = (150, 200)
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
    distance: float | None = None  # the run's distance as the note gives it ("8,5 km"), in distance_unit
    distance_unit: str | None = None  # "km", "mi"
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
    work, held = _hold_explained(_decimal_commas(text))
    work = _pace_ranges(work, result)
    work = _take_treadmill(work, result)
    work = _take_interval(work, result, default_unit)
    work = _take_rep_at(work, result, default_unit)
    work = _take_race(work, result)
    work = _take_segment(work, result, default_unit, distance)
    work = _take_total_time(work, result)
    work = _take_near_labels(work, result, default_unit)
    work = _take_triple(work, result, default_unit)
    _take_hints(work, result)
    unexplained = _ANY_NUMBER.findall(work)
    result.comment = _comment(_release(work, held))
    if unexplained:
        penalty = 0.4 + 0.1 * len(unexplained)  # one number left sends the row to the LLM fallback
        result.flag(f"numbers the regex pass did not understand: {', '.join(unexplained)}", penalty)
    return result


def _decimal_commas(text: str) -> str:
    """Decimal commas to points, and `5x(1000m @ 3:40)` to `5x1000m @ 3:40` for the reps' grammar."""
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    text = _PAREN_REPS.sub(r"\1x\2", text)
    return _CLOCK_COMMA.sub(r"\1:\2", text)


def _pace_ranges(work: str, result: NotesParse) -> str:
    """`6:45-6:50`, `7:40 to 7:50`: a pace range at most 30 s wide is its middle, rounded half up."""

    def middle(match: re.Match) -> str:
        low, high = sorted((pace_seconds(match["a"]), pace_seconds(match["b"])))
        if high - low > 30:
            return match.group(0)
        seconds = int((low + high) / 2 + 0.5)
        result.flag(f"pace range {match.group(0)} read as its middle", 0.1)
        return f"{seconds // 60}:{seconds % 60:02d}"

    return _PACE_RANGE.sub(middle, work)


def _hold_explained(text: str) -> tuple[str, list[str]]:
    """Set aside the numbers that are not the run's values (see `_EXPLAINED`); `_release` puts them back."""
    held: list[str] = []

    def hold(match: re.Match) -> str:
        held.append(match.group(0))
        return f"{_HOLD}{chr(0xE000 + len(held) - 1)}{_HOLD}"

    for pattern in _EXPLAINED:
        text = pattern.sub(hold, text)
    return text, held


def _release(work: str, held: list[str]) -> str:
    return re.sub(f"{_HOLD}(.){_HOLD}", lambda m: held[ord(m[1]) - 0xE000], work)


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
    timed = TIMED_REPS.search(work)
    if not match or (timed and timed.start() == match.start() and timed.end() > match.end()):
        return _take_timed_reps(work, result)  # "10 x 1' on": minutes, not miles
    rep = distance_of(match, "rep", default_unit=default_unit)
    result.workout = f"{int(match['count'])}x{rep.label}"
    result.workout_text = match.group(0).strip()
    result.workout_type = "interval"
    if match["target_pace"]:
        _set_rep_pace(result, match["target_pace"], match["target_pace_unit"], default_unit, rep.metres)
        return _consume(work, match)
    taken = _REP_IN.match(work, match.end())  # "8x400 in 1:32", "12 x 400m (85 sec)"
    if taken and taken["sec"]:
        seconds = round(rep_time_as_pace(int(taken["sec"]), rep.metres, default_unit))
        if pace_plausible(seconds, default_unit):
            result.rep_pace_s, result.rep_pace_unit = seconds, default_unit
            result.flag(f"{taken['sec']} s read as the time of each rep", 0.15)
        else:
            taken = None
    elif taken:
        _set_rep_pace(result, taken["p"], taken["p_unit"], default_unit, rep.metres)
    if taken:
        result.workout_text = work[match.start() : taken.end()].strip()
        return work[: match.start()] + _MARK + work[taken.end() :]
    return _consume(work, match)


def _take_timed_reps(work: str, result: NotesParse) -> str:
    """`10x1min`, `8 x 2:00`: reps of a time; the workout, no pace."""
    match = TIMED_REPS.search(work)
    if not match:
        return work
    result.workout = re.sub(r"\s+", "", match.group(0)).replace("×", "x")
    result.workout_text = match.group(0).strip()
    result.workout_type = "interval"
    return _consume(work, match)


def _take_rep_at(work: str, result: NotesParse, default_unit: str) -> str:
    """`reps at 6:05`, `mile repeats @ 6:10`, `800s at 3:05`: a rep pace without the NxD shape."""
    match = _REP_AT.search(work)
    if not match or result.rep_pace_s is not None:
        return work
    rep_m = 0.0
    if match["rep"]:
        rep_m = float(match["rep"])
    elif match["lead"]:
        lead = match["lead"].lower().rstrip("m")
        rep_m = float(lead) if lead.isdigit() else (MILE_M if lead.startswith("mi") else 1000.0)
    _set_rep_pace(result, match["p"], match["p_unit"], default_unit, rep_m)
    result.workout_type = result.workout_type or "interval"
    result.workout_text = result.workout_text or match.group(0).strip()
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
    match = _SEGMENT.search(work) or _SEGMENT_FOR.search(work) or _NAMED_SEGMENT.search(work)
    if not match or result.workout_type == "interval":
        return _take_timed_segment(work, result, default_unit)
    unit = pace_unit(match["dist_unit"], default_unit)
    seconds, pace_per = pace_seconds(match["p"]), pace_unit(match["p_unit"], default_unit)
    if not pace_plausible(seconds, pace_per):
        return _take_timed_stretch(work, result, match, default_unit)
    dist = match["dist"]
    if dist and distance and unit == default_unit and abs(float(dist) - distance) <= 0.05 * distance:
        if result.pace_s is None:
            _set_pace(result, match["p"], pace_per)  # the whole run at that pace
        result.distance, result.distance_unit = float(dist), unit  # the row's, as the note says it
        return _consume(work, match)
    if dist:
        result.workout = result.workout or f"{dist}{unit}"
    result.workout_text = result.workout_text or match.group(0).strip()
    result.rep_pace_s, result.rep_pace_unit = seconds, pace_per
    return _consume(work, match)


def _take_timed_stretch(work: str, result: NotesParse, match: re.Match, default_unit: str) -> str:
    """`tempo 5k @ 20:30 (6:36/mi)`: a distance at a time, not a pace; the pace in parentheses after it
    (else the time over the distance) is the stretch's."""
    if not match["dist"] or not match["dist_unit"] or match.re is not _SEGMENT:
        return work
    written = _PACE_AFTER.match(work, match.end())
    metres = to_metres(match["dist"], match["dist_unit"])
    if written:
        seconds, unit = pace_seconds(written["p"]), pace_unit(written["p_unit"], default_unit)
    else:
        unit = default_unit
        seconds = round(rep_time_as_pace(pace_seconds(match["p"]), metres, unit))
        result.flag(f"{match['p']} read as the time of the {match['dist']}{match['dist_unit']}", 0.1)
    if not pace_plausible(seconds, unit):
        return work
    result.workout = result.workout or f"{match['dist']}{unit_name(match['dist_unit'])}"
    result.rep_pace_s, result.rep_pace_unit = seconds, unit
    end = written.end() if written else match.end()
    result.workout_text = result.workout_text or work[match.start() : end].strip()
    return work[: match.start()] + _MARK + work[end:]


def _take_timed_segment(work: str, result: NotesParse, default_unit: str) -> str:
    """`tempo 20 min @ 6:45`: the pace of a stretch of the run, kept as the rep pace."""
    match = _TIMED_SEGMENT.search(work)
    if not match or result.workout_type == "interval" or result.rep_pace_s is not None:
        return work
    seconds, pace_per = pace_seconds(match["p"]), pace_unit(match["p_unit"], default_unit)
    if not pace_plausible(seconds, pace_per):
        return work
    result.workout = result.workout or f"{int(match['min'])}min"
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


@dataclass(slots=True)
class _Number:
    """A number in the note, with the unit written right after it when there is one."""

    start: int
    end: int  # the number's end, or its unit's when one is attached
    text: str  # as written: "7:45", "152", "8.5"; a range's middle: "153"
    kind: str  # "clock", "dec", "int", "range"
    field: str | None = None  # the field its unit names: "pace_s", "avg_hr", "cadence_spm", "distance"
    unit: str | None = None  # the unit of a pace or a distance, as written


@dataclass(slots=True)
class _Link:
    """A label that may name a number: how far apart they are, and on which side the label stands."""

    cost: int
    side: str  # "before": `HR 152`; "after": `152 HR`
    gap: int
    cue: int
    number: int
    field: str


def _take_near_labels(work: str, result: NotesParse, default_unit: str) -> str:
    """Pair each number with the unit or label nearest to it and read the values they name."""
    numbers = _numbers(work)
    if not numbers:
        return work
    cues = [
        cue
        for cue in _CUE.finditer(work)
        if not any(n.start <= cue.start() < n.end and n.field for n in numbers)
    ]
    links = [link for link in _links(work, cues, numbers, default_unit) if link is not None]
    picks = max(
        (_assign(links, numbers, prefer) for prefer in ("before", "after")),
        key=lambda chosen: (len(chosen), -sum(link.cost for link in chosen)),
    )
    fields = {link.number: link.field for link in picks}
    spans: list[tuple[int, int]] = []
    for index, number in enumerate(numbers):
        name = fields.get(index, number.field)
        if name and _set_field(result, name, number, default_unit):
            spans.append((number.start, number.end))
    for link in picks:
        cue, number = cues[link.cue], numbers[link.number]
        if link.cost == 0:  # only filler between: the label, the number and what joins them go
            spans.append((min(cue.start(), number.start), max(cue.end(), number.end)))
        else:
            spans.append(cue.span())
        if link.cost >= 2:
            result.flag(f"{cue.group(0)!r} read as the label of {number.text}, words apart", 0.05)
    return _consume_spans(work, spans)


def _numbers(work: str) -> list[_Number]:
    numbers = []
    for match in _RANGE.finditer(work):
        low, high = int(match["lo"]), int(match["hi"])
        if low < high <= low + 40:  # "HR 150-155"; beyond is no range of one value
            numbers.append(_Number(match.start(), match.end(), str(int((low + high) / 2 + 0.5)), "range"))
    for match in _VALUE.finditer(work):
        if any(n.start <= match.start() < n.end for n in numbers):
            continue
        kind = next(name for name in ("clock", "dec", "int") if match[name])
        text = match.group(0).rstrip("'\"")  # 5'05'' → 5'05
        numbers.append(_Number(match.start(), match.end(), text, kind))
    numbers.sort(key=lambda n: n.start)
    for number in numbers:
        _unit_after(work, number)
    return numbers


def _unit_after(work: str, number: _Number) -> None:
    """`152 bpm`, `178 spm`, `7:45/mi`, `7.5 min/mile`, `8.5 km`: the unit written right after a number."""
    match = _UNIT_AFTER.match(work, number.end)
    if not match:
        return
    whole = number.kind in ("int", "range")
    if match["hr"] and whole:
        number.field = "avg_hr"
    elif match["cad"] and whole:
        number.field = "cadence_spm"
    elif match["per"] and (number.kind == "clock" or (number.kind == "dec" and "min" in match["per"])):
        number.field, number.unit = "pace_s", match["per_unit"]
    elif match["dist"] and (number.kind in ("int", "dec") or "." in number.text):
        number.kind = "dec" if "." in number.text else number.kind
        number.field, number.unit = "distance", match["dist"]
    elif match["dist"] and number.kind == "clock":
        number.field, number.unit = "pace_s", match["dist"]  # "7:45 mi"
    else:
        return
    number.end = match.end()


def _links(work: str, cues: list[re.Match], numbers: list[_Number], default_unit: str):
    for c, cue in enumerate(cues):
        kind = next(name for name, value in cue.groupdict().items() if value)
        for n, number in enumerate(numbers):
            name = _field_for(kind, number, default_unit)
            if name is None:
                continue
            if cue.end() <= number.start:
                side, between = "before", work[cue.end() : number.start]
            elif number.end <= cue.start():
                side, between = "after", work[number.end : cue.start()]
            else:
                continue
            cost = _link_cost(between)
            if cost is not None:
                yield _Link(cost, side, len(between), c, n, name)


def _field_for(kind: str, number: _Number, default_unit: str) -> str | None:
    """The field a label of `kind` gives `number`, or None when the number cannot be one."""
    whole = number.kind in ("int", "range")
    value = float(number.text) if whole else 0.0
    if kind in ("pace_s", "avg") and number.kind == "clock":
        plausible = pace_plausible(pace_seconds(number.text), pace_unit(number.unit, default_unit))
        return "pace_s" if plausible or number.field == "pace_s" else None
    if kind in ("avg_hr", "max_hr", "avg") and whole and _HR_RANGE[0] <= value <= _HR_RANGE[1]:
        return "avg_hr" if kind == "avg" else kind
    if kind == "cadence_spm" and whole and _PER_LEG_RANGE[0] <= value <= _CADENCE_RANGE[1]:
        return kind
    return None


def _link_cost(between: str) -> int | None:
    """How loosely a label holds a number: a word that is not filler costs 1, a comma or a full stop 2;
    never across another number or a consumed span."""
    if re.search(rf"\d|{_MARK}|{_HOLD}", between):
        return None
    cost = 0
    for token in re.findall(r"[^\W\d_]+|[,;|/]|\.(?=\s|$)", between):
        cost += 2 if not token[0].isalpha() else int(token.lower() not in _FILLER)
    return cost if cost <= _MAX_LINK_COST else None


def _assign(links: list[_Link], numbers: list[_Number], prefer: str) -> list[_Link]:
    """Closest pairs first, each label and each field once; on a tie the label on the `prefer` side."""
    chosen: dict[int, str] = {}
    taken = {number.field for number in numbers if number.field}
    used: set[int] = set()
    picks = []
    for link in sorted(links, key=lambda link: (link.cost, link.side != prefer, link.gap)):
        if link.cue in used:
            continue
        current = chosen.get(link.number, numbers[link.number].field)
        if current is not None and not (current == "avg_hr" and link.field == "max_hr"):
            if current == link.field:  # "HR 152 bpm", "pace 7:45/mi": a label of what the unit named
                used.add(link.cue)
                picks.append(link)
            continue
        if link.field in taken and link.field != "max_hr":
            continue
        chosen[link.number] = link.field
        taken.add(link.field)
        used.add(link.cue)
        picks.append(link)
    return picks


def _set_field(result: NotesParse, name: str, number: _Number, default_unit: str) -> bool:
    if name == "distance":
        return _set_distance(result, number)
    if getattr(result, name) is not None:
        return False  # a second value of a field read already stays in the comment, unexplained
    if name == "pace_s":
        unit = pace_unit(number.unit, default_unit)
        if number.kind == "dec":  # "7.5 min/mile": decimal minutes
            seconds = round(float(number.text) * 60)
            if not pace_plausible(seconds, unit):
                return False
            result.pace_s, result.pace_unit = seconds, unit
            return True
        return _set_pace(result, number.text, unit)
    if number.kind == "range":
        result.flag(f"range read as its middle, {number.text}", 0.1)
    if name == "max_hr":
        result.max_hr = int(number.text)
        return True
    return _set_hr(result, number.text) if name == "avg_hr" else _set_cadence(result, number.text)


def _set_distance(result: NotesParse, number: _Number) -> bool:
    value, unit = number_read(number.text), unit_name(number.unit or "mi")
    if result.distance is not None:
        result.flag("two distances in the note: the longer is taken", 0.1)
        current = to_metres(result.distance, result.distance_unit or "mi")
        if to_metres(value, unit) <= current:
            return True
    result.distance, result.distance_unit = value, unit
    return True


def _consume_spans(work: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        work = work[:start] + _MARK + work[end:]
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
        # "tempo @ 6:40": the pace of a segment, not of the run
        if result.rep_pace_s is None and pace_plausible(pace_seconds(match.group(0)), default_unit):
            result.rep_pace_s, result.rep_pace_unit = pace_seconds(match.group(0)), default_unit
            work = _consume(work, match)
        match = None
    minutes = int(match["m"]) if match else 0
    longest = 12 if result.workout_type == "race" else 20  # "5k race 19:45" is the finish time
    if match and (result.pace_s is None or (minutes >= longest and result.duration_s is None)):
        if minutes >= longest and result.duration_s is None:
            result.duration_s = minutes * 60 + int(match["s"])
            result.flag(f"{match.group(0)} read as the total time", 0.2)
            work = _consume(work, match)
        elif _set_pace(result, match.group(0), default_unit):
            work = _consume(work, match)
    numbers = _BARE_NUMBER.findall(work)
    if len(_ANY_NUMBER.findall(work)) != len(numbers):
        return work  # other numbers are left too: none of these is alone, nothing is guessed
    if len(numbers) == 2 and result.avg_hr is None and result.cadence_spm is None:
        hr, cadence = numbers
        if _plausible(hr, _HR_RANGE) and _plausible(cadence, _CADENCE_RANGE, per_leg=True):
            _set_hr(result, hr)
            _set_cadence(result, cadence)
            result.flag(f"{hr} and {cadence} guessed as HR and cadence by their order", 0.35)
            for number in numbers:
                work = re.sub(rf"(?<![\d:.]){number}(?![\d:.])", _MARK, work, count=1)
    elif len(numbers) == 1:
        work = _take_lone(work, result, numbers[0])
    return work


def _plausible(number: str, limits: tuple[int, int], *, per_leg: bool = False) -> bool:
    value = int(number)
    return limits[0] <= value <= limits[1] or (per_leg and _PER_LEG_RANGE[0] <= value <= _PER_LEG_RANGE[1])


def _take_lone(work: str, result: NotesParse, number: str) -> str:
    """One number and no label: the cadence when 150-200 and the HR is known or cadence is named
    without a number; else the HR when 80-210 and none was read (see the module's docstring). A
    number that a word follows ("150 others") counts that word, not heartbeats: it is left alone."""
    value = int(number)
    match = re.search(rf"(?<![\d:.]){number}(?![\d:.])", work)
    following = re.match(r"\s*([^\W\d_]+)", work[match.end() :]) if match else None
    if following and following[1].lower() not in _FILLER | {"today"}:
        return work
    if (
        result.cadence_spm is None
        and _LONE_CADENCE[0] <= value <= _LONE_CADENCE[1]
        and (result.avg_hr is not None or _CADENCE_WORDS.search(work))
    ):
        _set_cadence(result, number)
        result.flag(f"{number} read as the cadence: no label", 0.1)
    elif result.avg_hr is None and _LONE_HR[0] <= value <= _LONE_HR[1]:
        _set_hr(result, number)
        result.flag(f"{number} read as the heart rate: no label", 0.15)
    else:
        return work
    return re.sub(rf"(?<![\d:.]){number}(?![\d:.])", _MARK, work, count=1)


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
        piece = re.sub(r"^[\s;,/|.!:)~-]+", "", piece)
        piece = re.sub(r"[\s;,/|:(~-]+$", "", piece)
        if piece and re.search(r"\w", piece) and not _JOINER.fullmatch(piece):
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
